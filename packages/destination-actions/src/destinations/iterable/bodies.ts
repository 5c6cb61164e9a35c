import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { toUnixSeconds, withIterableDates } from './dates'
import { preferUserIdFor, requireIdentifiers } from './identity'
import { requireIdWithinLimit } from './limits'

// The bodies several actions send: a user (users/update, bulkUpdate, the commerce actions' `user`) and an event
// (events/track, trackBulk). Each builder checks what the schema cannot, and returns a new object.

export type DataFields = Record<string, unknown>

/** A user as the mappings give it: top-level fields, or the commerce actions' `user` object. */
export interface UserInput {
  email?: string
  userId?: string
  dataFields?: DataFields
  phoneNumber?: string | null
  mergeNestedObjects?: boolean
  preferUserId?: boolean
}

/** The `user` of trackPurchase and updateCart, whose "email or userId" rule the schema cannot say for a nested object. */
export const commerceUserBody = (user: UserInput, settings: Settings) =>
  userBody(user, settings, undefined, { fields: { email: 'user.email', userId: 'user.userId' }, eitherRequired: true })

/**
 * A user's body. The phone number goes where Iterable reads it, `dataFields.phoneNumber`; a null one is sent as null,
 * which clears it. `extraDataFields` are set over the mapped ones (e.g. a new email).
 */
export function userBody(
  user: UserInput,
  settings: Settings,
  extraDataFields?: DataFields,
  identifierRules?: Parameters<typeof requireIdentifiers>[2]
) {
  requireIdentifiers(user, settings, identifierRules)
  // A copy, which the phone number and the extra fields are then set on.
  const dataFields = withIterableDates(user.dataFields ?? {})
  if (user.phoneNumber !== undefined) dataFields.phoneNumber = user.phoneNumber
  return {
    email: user.email,
    userId: user.userId,
    preferUserId: preferUserIdFor(user, settings),
    mergeNestedObjects: user.mergeNestedObjects,
    dataFields: Object.assign(dataFields, extraDataFields)
  }
}

/** An event as the mappings give it (trackEvent, trackPage). */
export interface EventInput {
  email?: string
  userId?: string
  id?: string
  createdAt?: string | number
  dataFields?: DataFields
  campaignId?: number
  templateId?: number
}

/**
 * An event's body. The name is checked here rather than by the schema, so that a missing and a blank name get the same
 * sentence on every path (the framework drops a blank top-level value before validating a single event, not a batch's).
 */
export function eventBody(event: EventInput, eventName: string | undefined, settings: Settings) {
  requireIdentifiers(event, settings)
  if (eventName === undefined || eventName.trim() === '') {
    throw new PayloadValidationError(
      "eventName is missing or blank: Iterable refuses an event without a name. Map Event name to the event's name (by default the track call's `event`)."
    )
  }
  // Iterable refuses the whole trackBulk body for one id over its limit.
  requireIdWithinLimit(event.id, 'id', 'Map a shorter id (the default, the Segment messageId, fits).')
  return {
    email: event.email,
    userId: event.userId,
    eventName,
    id: event.id,
    createdAt: toUnixSeconds(event.createdAt),
    dataFields: withIterableDates(event.dataFields ?? {}),
    campaignId: event.campaignId,
    templateId: event.templateId
  }
}
