import { MultiStatusResponse, PayloadValidationError } from '@segment/actions-core'
import type { JSONLikeObject, RequestClient } from '@segment/actions-core'
import {
  BodyTooLargeError,
  callIterable,
  describeAnswer,
  errorFor,
  isRetryable,
  isSuccess,
  MAX_BODY_BYTES
} from './iterable-api'
import type { ApiPath, IterableAnswer, IterableSettings } from './iterable-api'
import { readBulkAnswer, recordsBlamed } from './bulk-answers'
import type { BulkRecord } from './bulk-answers'

// The bulk path of both destinations: records in bodies Iterable accepts (by count and by bytes), each body's answer
// read record by record, a body Iterable refuses whole narrowed down to the records at fault, and one status per
// event, at its index, always.

/** Iterable refuses bodies over 4 MB. Segment's platform chunks by `batch_bytes`; the engine guards other callers. */
export const MAX_BULK_BODY_BYTES = MAX_BODY_BYTES
export const DEFAULT_BATCH_SIZE = 1001
export const MAX_BATCH_SIZE = 10_000

/**
 * Requests a refused body may cost beyond its first while the records at fault are looked for: enough to find a few
 * bad records among a thousand. A retryable answer (Iterable's rate limit above all) stops the search at once.
 */
const MAX_RESENDS_PER_BODY = 32

type Extras = Record<string, unknown>

/** A record of a body, and the batch positions whose status it gives (several events may ask for one change). */
export interface BulkMember {
  indices: number[]
  record: BulkRecord
  /** Whether the record changes its user's email: Iterable then names a refused record by its new email. */
  changesEmail?: boolean
}

/** Records for one endpoint whose bodies share every key but the record list (`listKey`). */
export interface BulkGroup {
  endpoint: ApiPath
  listKey: string
  extras: Extras
  members: BulkMember[]
  method?: 'post' | 'delete'
  /** The body of some records, where it is not `{ ...extras, [listKey]: records }` (catalog items keyed by id). */
  body?: (records: BulkRecord[]) => Record<string, unknown>
}

const bodyOf = (group: BulkGroup, records: BulkRecord[]) =>
  group.body ? group.body(records) : { ...group.extras, [group.listKey]: records }

/** The status entry of an event that failed with `error`; an error that is not Iterable's is a 400. */
export function errorEntry(error: unknown, sent?: BulkRecord, body?: unknown) {
  const { status, message } = (error ?? {}) as { status?: unknown; message?: string }
  return {
    status: typeof status === 'number' ? status : 400,
    errormessage: message ?? String(error),
    ...(error instanceof PayloadValidationError && { errortype: 'PAYLOAD_VALIDATION_FAILED' as const }),
    ...(sent !== undefined && { sent: sent as JSONLikeObject }),
    ...(body !== undefined && { body: body as JSONLikeObject })
  }
}

/** What each event of a batch asks Iterable, for the actions whose events are each one record. */
export interface BulkSpec<Payload> {
  endpoint: ApiPath
  listKey: string
  /** The event's record, as on the single path; throws PayloadValidationError for an invalid event. */
  toRecord: (payload: Payload) => BulkRecord
  /** Body keys besides the record list (e.g. `updateOnly`); events with different extras go in different bodies. */
  bodyExtras?: (payload: Payload) => Extras | undefined
  changesEmail?: (payload: Payload) => boolean
  /** For an event that has no bulk form (an email change in email-based projects): how to send it alone. */
  sendAlone?: (payload: Payload) => (() => Promise<{ sent: JSONLikeObject; answer: IterableAnswer }>) | undefined
}

/** The events of a batch as records of bulk bodies; an event that cannot be sent gets its 400 and the others go on. */
export async function sendBulk<Payload extends { batch_size?: number }>(
  request: RequestClient,
  settings: IterableSettings,
  payloads: Payload[],
  spec: BulkSpec<Payload>
): Promise<MultiStatusResponse> {
  const results = new MultiStatusResponse()
  const groups = new Map<string, BulkGroup>()
  for (const [index, payload] of payloads.entries()) {
    try {
      const alone = spec.sendAlone?.(payload)
      if (alone) {
        const { sent, answer } = await alone()
        results.setSuccessResponseAtIndex(index, { status: answer.status, sent, body: answer.body as JSONLikeObject })
        continue
      }
      const member = { indices: [index], record: spec.toRecord(payload), changesEmail: spec.changesEmail?.(payload) }
      const extras = spec.bodyExtras?.(payload)
      const key = extras ? JSON.stringify(extras) : ''
      const group = groups.get(key) ?? {
        endpoint: spec.endpoint,
        listKey: spec.listKey,
        extras: extras ?? {},
        members: []
      }
      groups.set(key, group)
      group.members.push(member)
    } catch (error) {
      results.setErrorResponseAtIndex(index, errorEntry(error))
    }
  }
  await deliverGroups(request, settings, [...groups.values()], results, batchSizeOf(payloads))
  return results
}

/**
 * The events of a batch share their mapping; should their batch_size differ, the smallest is kept (at least 1, for
 * callers that do not validate it).
 */
export const batchSizeOf = (payloads: { batch_size?: number }[]) =>
  payloads.reduce(
    (size, { batch_size }) => Math.min(size, Math.max(1, Math.floor(batch_size ?? DEFAULT_BATCH_SIZE))),
    MAX_BATCH_SIZE
  )

/** What narrowing one refused body may still cost, and whether a retryable answer stopped it. */
interface Budget {
  resends: number
  stoppedBy?: IterableAnswer
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

/** Sends every group in bodies of at most `batchSize` records and MAX_BULK_BODY_BYTES, and sets every member's status. */
export async function deliverGroups(
  request: RequestClient,
  settings: IterableSettings,
  groups: BulkGroup[],
  results: MultiStatusResponse,
  batchSize: number
): Promise<void> {
  const setError = (member: BulkMember, error: unknown, answer?: IterableAnswer) => {
    for (const index of member.indices)
      results.setErrorResponseAtIndex(index, errorEntry(error, member.record, answer?.body))
  }

  for (const group of groups) {
    for (let start = 0; start < group.members.length; start += batchSize) {
      await deliver(group, group.members.slice(start, start + batchSize), { resends: MAX_RESENDS_PER_BODY })
    }
  }

  /** The members in bodies of at most MAX_BULK_BODY_BYTES, each filled in input order; one too large alone fails. */
  function bodiesWithinLimit(group: BulkGroup, members: BulkMember[]): BulkMember[][] {
    // A record's JSON and the comma after it: its room in a body (an upper bound for catalog items keyed by id).
    const emptyBytes = bytesOf(bodyOf(group, []))
    const bodies: BulkMember[][] = []
    let bytes = Infinity
    for (const member of members) {
      const size = bytesOf(member.record)
      if (emptyBytes + size > MAX_BULK_BODY_BYTES) {
        // Not sent: no record in its status.
        const error = new BodyTooLargeError(size)
        for (const index of member.indices) results.setErrorResponseAtIndex(index, errorEntry(error))
        continue
      }
      // Records are separated by commas.
      if (bytes + 1 + size > MAX_BULK_BODY_BYTES) {
        bodies.push([])
        bytes = emptyBytes - 1
      }
      bodies[bodies.length - 1].push(member)
      bytes += 1 + size
    }
    return bodies
  }

  /** Sends one body, and when Iterable refuses it, finds the records at fault within `budget`. */
  async function deliver(group: BulkGroup, members: BulkMember[], budget: Budget): Promise<void> {
    if (budget.stoppedBy) return leaveForRetry(members, budget.stoppedBy, stoppedByRetryable)
    const records = members.map(({ record }) => record)
    let answer
    try {
      answer = await callIterable(request, settings, group.endpoint, {
        method: group.method,
        json: bodyOf(group, records),
        accept: () => true
      })
    } catch (error) {
      // A body over Iterable's limit is sent in parts, sized record by record only then.
      if (error instanceof BodyTooLargeError) {
        for (const body of bodiesWithinLimit(group, members)) await deliver(group, body, budget)
        return
      }
      // No answer at all (a timeout, a reset connection): every record of the request shares its fate.
      for (const member of members) setError(member, error)
      return
    }
    if (isSuccess(answer.status)) return settle(members, answer)

    const error = errorFor(answer, settings.apiKey)
    const resending = budget.resends < MAX_RESENDS_PER_BODY
    if (isRetryable(answer.status) && resending) budget.stoppedBy = answer
    // Only a refusal of the data itself can be narrowed down to records: 400 (bad params, field types) and 413 (too
    // large). Anything else (401, 429, 5xx) is the request's, and every record in it shares it.
    if (answer.status !== 400 && answer.status !== 413) {
      for (const member of members) setError(member, error, answer)
      return
    }

    const blamed = recordsBlamed(answer, records, group.listKey)
    for (const [position, reason] of blamed) setError(members[position], { status: 400, message: reason }, answer)
    const innocent = members.filter((_, position) => !blamed.has(position))
    if (innocent.length === 0) return
    if (blamed.size > 0 && budget.resends >= 1) {
      budget.resends -= 1
      return deliver(group, innocent, budget)
    }
    // A record refused alone is the one at fault.
    if (blamed.size === 0 && innocent.length === 1) return setError(innocent[0], error, answer)
    // Iterable named no record: halves are sent until the records it refuses are alone.
    if (blamed.size === 0 && budget.resends >= 2) {
      budget.resends -= 2
      const half = Math.ceil(innocent.length / 2)
      await deliver(group, innocent.slice(0, half), budget)
      return deliver(group, innocent.slice(half), budget)
    }
    leaveForRetry(innocent, answer, searchTooLong)
  }

  /** Members whose fault is not known when the search for it stops: retried later, never refused for good. */
  function leaveForRetry(members: BulkMember[], answer: IterableAnswer, why: (detail: string) => string) {
    const error = { status: 429, message: why(describeAnswer(answer, settings.apiKey)) }
    for (const member of members) setError(member, error, answer)
  }

  function settle(members: BulkMember[], answer: IterableAnswer) {
    const outcome = readBulkAnswer(answer)
    for (const member of members) {
      const failure = outcome.failureOf(member.record, { changesEmail: member.changesEmail })
      if (failure) {
        setError(member, failure, answer)
        continue
      }
      const note = outcome.noteFor(member.record)
      const body = (note ? { ...answer.json, note } : answer.body) as JSONLikeObject
      for (const index of member.indices) {
        results.setSuccessResponseAtIndex(index, { status: answer.status, sent: member.record as JSONLikeObject, body })
      }
    }
  }
}

const stoppedByRetryable = (detail: string) =>
  `Iterable refused a request while Segment looked for the events at fault in a body it had refused (${detail}); this event was not sent again, and Segment will retry it.`

const searchTooLong = (detail: string) =>
  `Iterable refused the body this event was in without naming the events at fault (${detail}); finding them would take more requests than Iterable's rate limits allow at once, so Segment will retry this event.`
