import { IntegrationError, MultiStatusResponse, PayloadValidationError } from '@segment/actions-core'
import type { JSONLikeObject, RequestClient } from '@segment/actions-core'
import {
  answerBody,
  callIterable,
  isSuccess,
  readAnswer,
  redact,
  translateIterableError
} from '../../iterable/iterable-api'
import type { ApiPath } from '../../iterable/iterable-api'
import { readBulkAnswer } from '../../iterable/bulk-answers'
import type { AudienceSettings, Settings } from '../generated-types'
import { MAX_BODY_BYTES } from '../constants'
import type { Payload } from './generated-types'
import { membershipOf } from './membership'
import type { Direction, Membership, SubscribePayload, Subscriber, UnsubscribePayload, Unsubscriber } from './types'

const ENDPOINTS: Record<Direction, ApiPath> = {
  subscribe: '/api/lists/subscribe',
  unsubscribe: '/api/lists/unsubscribe'
}

// The error codes upstream's destination reports for a refused subscribe or unsubscribe.
const ERROR_CODES: Record<Direction, string> = {
  subscribe: 'IterableSubscribeError',
  unsubscribe: 'IterableUnsubscribeError'
}

/** The body of one subscribe or unsubscribe request; the audience settings apply only where Iterable reads them. */
export function listRequestBody(
  listId: number,
  direction: Direction,
  members: (Subscriber | Unsubscriber)[],
  audienceSettings: AudienceSettings = {}
): SubscribePayload | UnsubscribePayload {
  const { updateExistingUsersOnly, globalUnsubscribe, campaignId } = audienceSettings
  if (direction === 'subscribe') {
    return {
      listId,
      subscribers: members,
      ...(typeof updateExistingUsersOnly === 'boolean' && { updateExistingUsersOnly })
    }
  }
  return {
    listId,
    subscribers: members.map(({ email, userId }) => ({ ...(email && { email }), ...(userId && { userId }) })),
    ...(typeof campaignId === 'number' && { campaignId }),
    ...(typeof globalUnsubscribe === 'boolean' && { channelUnsubscribe: globalUnsubscribe })
  }
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

const tooLarge = (bytes: number) =>
  `This user is ${bytes} bytes of JSON with its Additional traits (dataFields), over the ${MAX_BODY_BYTES} bytes Iterable takes in one request: send fewer dataFields.`

/** What Iterable's answer names a member by. */
const recordOf = ({ email, userId }: Subscriber | Unsubscriber) => ({ email, userId })

/** One event: adds the user to the list or removes them, and throws what Iterable refused. */
export async function sendSingle(
  request: RequestClient,
  payload: Payload,
  settings: Settings,
  audienceSettings?: AudienceSettings
) {
  const { listId, direction, member } = membershipOf(payload, settings)
  const body = listRequestBody(listId, direction, [member], audienceSettings)
  const bytes = bytesOf(body)
  if (bytes > MAX_BODY_BYTES) throw new PayloadValidationError(tooLarge(bytes))
  const response = await callIterable(request, settings, ENDPOINTS[direction], { json: body })
  // A 200 answer still names the users Iterable refused, in failedUpdates.
  const failure = readBulkAnswer(answerBody(response)).failureOf(recordOf(member))
  if (failure) throw new IntegrationError(failure.message, ERROR_CODES[direction], failure.status)
  return response
}

/** The latest change a batch asks for one user of one list, and the events that asked for it. */
interface Change {
  membership: Membership
  indices: number[]
}

/**
 * A batch: one subscribe and one unsubscribe request per list (more only when a body would pass Iterable's 4 MB),
 * and a status per event from Iterable's answer, which names each user it refused.
 */
export async function sendBatch(
  request: RequestClient,
  payloads: Payload[],
  settings: Settings,
  audienceSettings?: AudienceSettings
): Promise<MultiStatusResponse> {
  const results = new MultiStatusResponse()
  // By list, each user's latest change. A user who entered and left in one batch must end as the last event says,
  // and one subscribe and one unsubscribe request cannot keep the events' order: the last event wins, and the
  // earlier events of that user share its status.
  const changesByList = new Map<number, Map<string, Change>>()
  payloads.forEach((payload, index) => {
    let membership: Membership
    try {
      membership = membershipOf(payload, settings)
    } catch (error) {
      results.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: (error as Error).message
      })
      return
    }
    const changes = changesByList.get(membership.listId) ?? new Map<string, Change>()
    changesByList.set(membership.listId, changes)
    const key = JSON.stringify([membership.member.email?.toLowerCase(), membership.member.userId])
    const earlier = changes.get(key)
    changes.delete(key)
    changes.set(key, { membership, indices: [...(earlier?.indices ?? []), index] })
  })

  for (const [listId, changes] of changesByList) {
    for (const direction of ['subscribe', 'unsubscribe'] as const) {
      const wanted = [...changes.values()].filter((change) => change.membership.direction === direction)
      for (const chunk of chunksOf(listId, direction, wanted, audienceSettings, results)) {
        await deliver(listId, direction, chunk)
      }
    }
  }
  return results

  async function deliver(listId: number, direction: Direction, chunk: Change[]) {
    const body = listRequestBody(
      listId,
      direction,
      chunk.map((change) => change.membership.member),
      audienceSettings
    )
    // An answer may echo the request's headers, the API key among them: that answer is kept as redacted text.
    const shown = (answer: unknown): JSONLikeObject | string => {
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer)
      return text.includes(settings.apiKey) ? redact(text, settings.apiKey) : (answer as JSONLikeObject | string)
    }
    // Every event of a change gets the change's status.
    const succeed = (change: Change, status: number, answer: unknown) => {
      for (const index of change.indices) {
        results.setSuccessResponseAtIndex(index, { status, sent: sentOf(change), body: shown(answer) })
      }
    }
    const fail = (change: Change, status: number, errormessage: string, answer?: unknown) => {
      for (const index of change.indices) {
        results.setErrorResponseAtIndex(index, {
          status,
          errormessage,
          sent: sentOf(change),
          ...(answer !== undefined && { body: shown(answer) })
        })
      }
    }

    let response
    try {
      response = await callIterable(request, settings, ENDPOINTS[direction], { json: body, accept: () => true })
    } catch (error) {
      // No answer at all (a timeout, a reset connection): the error says retryable, with its status.
      const { status, message } = error as IntegrationError
      for (const change of chunk) fail(change, status ?? 500, message)
      return
    }
    const answer = answerBody(response)
    if (!isSuccess(response.status)) {
      const { status, message } = translateIterableError(response.status, answer, settings.apiKey) as IntegrationError
      for (const change of chunk) fail(change, status ?? response.status, message, answer)
      return
    }
    const outcome = readBulkAnswer(answer)
    for (const change of chunk) {
      const record = recordOf(change.membership.member)
      const failure = outcome.failureOf(record)
      // An accepted user learns what Iterable said of the request that may concern them (failures it did not name).
      const note = outcome.noteFor(record)
      if (failure) fail(change, failure.status, failure.message, answer)
      else succeed(change, response.status, note ? { ...readAnswer(answer), note } : answer)
    }
  }
}

const sentOf = (change: Change) => change.membership.member as JSONLikeObject

/** The changes split into bodies of at most Iterable's 4 MB; a user too large for any body gets its own error. */
function chunksOf(
  listId: number,
  direction: Direction,
  changes: Change[],
  audienceSettings: AudienceSettings | undefined,
  results: MultiStatusResponse
): Change[][] {
  const envelope = bytesOf(listRequestBody(listId, direction, [], audienceSettings))
  const chunks: Change[][] = []
  let chunk: Change[] = []
  let bytes = envelope
  for (const change of changes) {
    // A member's JSON and the comma that separates it from the next one.
    const size = bytesOf(change.membership.member) + 1
    if (envelope + size > MAX_BODY_BYTES) {
      for (const index of change.indices) {
        results.setErrorResponseAtIndex(index, {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errormessage: tooLarge(size - 1)
        })
      }
      continue
    }
    if (bytes + size > MAX_BODY_BYTES && chunk.length > 0) {
      chunks.push(chunk)
      chunk = []
      bytes = envelope
    }
    chunk.push(change)
    bytes += size
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}
