import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { toUnixSeconds, withIterableDates } from './dates'
import { preferUserIdFor, requireIdentifiers } from './identity'

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
  return {
    email: user.email,
    userId: user.userId,
    preferUserId: preferUserIdFor(user, settings),
    mergeNestedObjects: user.mergeNestedObjects,
    dataFields: {
      ...withIterableDates(user.dataFields ?? {}),
      ...(user.phoneNumber !== undefined && { phoneNumber: user.phoneNumber }),
      ...extraDataFields
    }
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

/** Iterable refuses an event id over 512 bytes (the whole bulk body, on trackBulk). */
const MAX_EVENT_ID_BYTES = 512

export function eventBody(event: EventInput, eventName: string, settings: Settings) {
  requireIdentifiers(event, settings)
  if (eventName.trim() === '') {
    throw new PayloadValidationError('eventName is blank: Iterable refuses an event without a name. Map a name.')
  }
  if (event.id !== undefined && Buffer.byteLength(event.id) > MAX_EVENT_ID_BYTES) {
    throw new PayloadValidationError(
      `id is ${Buffer.byteLength(
        event.id
      )} bytes, over Iterable's limit of ${MAX_EVENT_ID_BYTES} for an event id. Map a shorter id (the default, the Segment messageId, fits).`
    )
  }
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
