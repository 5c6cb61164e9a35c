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
 * What an event asks of Iterable. The value under the audience key in its traits or properties says whether the user
 * entered the audience (add them to the list) or left it (remove them). Throws when the event cannot be sent.
 */
export function membershipOf(payload: Payload, settings: Settings): Membership {
  const listId = listIdOf(payload)
  const email = present(payload.email)
  const userId = present(payload.userId)
  // An unset project type acts as hybrid, as upstream's destination does: either identifier.
  requireIdentifiers({ email, userId }, settings, {
    fields: { email: 'Email', userId: 'User ID' },
    eitherRequired: true
  })

  const identifiers: Unsubscriber = { ...(email && { email }), ...(userId && { userId }) }
  const entered = Boolean(payload.traitsOrProperties[payload.segmentAudienceKey])
  if (!entered) return { listId, direction: 'unsubscribe', member: identifiers }

  const dataFields = payload.dataFields
  const preferUserId = preferUserIdFor({ email, userId }, settings)
  const subscriber: Subscriber = {
    ...identifiers,
    ...(preferUserId && { preferUserId }),
    ...(dataFields && Object.keys(dataFields).length > 0 && { dataFields })
  }
  return { listId, direction: 'subscribe', member: subscriber }
}
