import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { preferUserIdFor, requireIdentifiers } from '../../iterable/identity'
import { shorten } from '../../iterable/iterable-api'
import type { Payload } from './generated-types'
import type { Membership, Subscriber, Unsubscriber } from './types'

/** The Iterable list id Segment stored as the audience's external id when it created the list. */
export function listIdOf(payload: Payload): number {
  const text = typeof payload.segmentAudienceId === 'string' ? payload.segmentAudienceId.trim() : ''
  const listId = /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(listId) || listId <= 0) {
    throw new PayloadValidationError(
      `Invalid or missing Segment Audience ID: segmentAudienceId must be the numeric ID of the Iterable list, which Segment sends as context.personas.external_audience_id (got ${shorten(
        JSON.stringify(payload.segmentAudienceId ?? null),
        60
      )}). Map "Segment External Audience ID" to $.context.personas.external_audience_id.`
    )
  }
  return listId
}

const present = (value: string | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined

/**
 * Whether the user enters the list. An Engage event says it under the audience key the mapping names (a missing value
 * meaning they left, as upstream reads it); a Reverse ETL row by being new, updated or deleted under the sync mode,
 * which the framework reads into `membership`.
 */
function entersList(payload: Payload, membership: boolean | undefined): boolean {
  const key = payload.segmentAudienceKey
  if (key && Object.prototype.hasOwnProperty.call(payload.traitsOrProperties, key)) {
    return Boolean(payload.traitsOrProperties[key])
  }
  if (typeof membership === 'boolean') return membership
  if (key) return false
  throw new PayloadValidationError(
    'Nothing says whether this user enters or leaves the list: an Engage event says it under its audience key (Segment Audience Key, context.personas.computation_key), a Reverse ETL row by being new, updated or deleted under the sync mode chosen (a row that does not fit it, such as a deleted row with Add, is not sent).'
  )
}

/** What an event asks of Iterable: add the user to the list or remove them. Throws when the event cannot be sent. */
export function membershipOf(payload: Payload, settings: Settings, membership?: boolean): Membership {
  const listId = listIdOf(payload)
  const email = present(payload.email)
  const userId = present(payload.userId)
  // An unset project type acts as hybrid, as upstream's destination does: either identifier.
  requireIdentifiers({ email, userId }, settings, {
    fields: { email: 'Email', userId: 'User ID' },
    eitherRequired: true
  })

  const identifiers: Unsubscriber = { ...(email && { email }), ...(userId && { userId }) }
  if (!entersList(payload, membership)) return { listId, direction: 'unsubscribe', member: identifiers }

  const dataFields = payload.dataFields
  const preferUserId = preferUserIdFor({ email, userId }, settings)
  const subscriber: Subscriber = {
    ...identifiers,
    ...(preferUserId && { preferUserId }),
    ...(dataFields && Object.keys(dataFields).length > 0 && { dataFields })
  }
  return { listId, direction: 'subscribe', member: subscriber }
}
