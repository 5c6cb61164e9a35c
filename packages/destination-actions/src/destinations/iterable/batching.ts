import { MultiStatusResponse, PayloadValidationError } from '@segment/actions-core'
import type { JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { answerBody, callIterable, isSuccess, readAnswer, translateIterableError } from './iterable-api'
import type { ApiPath } from './iterable-api'
import { readBulkAnswer, recordsBlamed } from './bulk-answers'
import type { BulkRecord } from './bulk-answers'

// The bulk path: each event's record built as on the single path, sent in bodies Iterable accepts, and each event's
// fate read from Iterable's answer. One status per event, at its index, always.

/** Iterable refuses bulk bodies over 4 MB. Segment's platform chunks by `batch_bytes`; this guards other callers. */
export const MAX_BULK_BODY_BYTES = 4_000_000
export const DEFAULT_BATCH_SIZE = 1001
export const MAX_BATCH_SIZE = 10_000

/**
 * Requests a body may cost beyond its first when Iterable refuses it whole and the records at fault must be found by
 * sending halves: enough to find a few bad records among a thousand, few enough for Iterable's bulk rate limits.
 */
const MAX_RESENDS_PER_BODY = 32

type Extras = { [key: string]: unknown }

export interface BulkSpec<Payload> {
  endpoint: ApiPath
  listKey: 'users' | 'events' | 'updateSubscriptionsRequests'
  /** The event's record, as on the single path; throws PayloadValidationError for an invalid event. */
  toRecord: (payload: Payload) => BulkRecord
  /** Body keys besides the record list (e.g. `updateOnly`); events with different extras go in different bodies. */
  bodyExtras?: (payload: Payload) => Extras | undefined
  /** Whether the record changes its user's email (Iterable then names a refused record by its new email). */
  changesEmail?: (payload: Payload) => boolean
  /** For an event that has no bulk form (an email change in email-based projects): how to send it alone. */
  sendAlone?: (payload: Payload) => (() => Promise<unknown>) | undefined
}

type Member = { index: number; record: BulkRecord }
/** What narrowing a refused body may still cost in requests. */
type Budget = { resends: number }

/** The entry of an event that failed with `error`, with its record if it was sent; an error not Iterable's is a 400. */
function errorEntry(error: unknown, sent?: BulkRecord, body?: unknown) {
  const { status, message } = (error ?? {}) as { status?: unknown; message?: string }
  return {
    status: typeof status === 'number' ? status : 400,
    errormessage: message ?? String(error),
    ...(error instanceof PayloadValidationError && { errortype: 'PAYLOAD_VALIDATION_FAILED' as const }),
    ...(sent !== undefined && { sent: sent as JSONLikeObject }),
    ...(body !== undefined && { body: body as JSONLikeObject })
  }
}

export async function sendBulk<Payload extends { batch_size?: number }>(
  request: RequestClient,
  settings: Settings,
  payloads: Payload[],
  spec: BulkSpec<Payload>
): Promise<MultiStatusResponse> {
  // An index left unset is reported by the framework as a failure, never a success.
  const results = new MultiStatusResponse()
  const groups = new Map<string, { extras: Extras; members: Member[] }>()
  for (const [index, payload] of payloads.entries()) {
    try {
      const alone = spec.sendAlone?.(payload)
      if (alone) {
        const response = (await alone()) as { status?: number; data?: unknown } | undefined
        const body = (response?.data ?? {}) as JSONLikeObject
        results.setSuccessResponseAtIndex(index, { status: response?.status ?? 200, sent: 'sent on its own', body })
        continue
      }
      const record = spec.toRecord(payload)
      const extras = spec.bodyExtras?.(payload) ?? {}
      const key = JSON.stringify(extras)
      const group = groups.get(key) ?? { extras, members: [] }
      groups.set(key, group)
      group.members.push({ index, record })
    } catch (error) {
      results.setErrorResponseAtIndex(index, errorEntry(error))
    }
  }
  // The events of a batch share their mapping; should their batch_size differ, the smallest is kept (at least 1, for
  // callers that do not validate it).
  const batchSize = payloads.reduce(
    (size, { batch_size }) => Math.min(size, Math.max(1, Math.floor(batch_size ?? DEFAULT_BATCH_SIZE))),
    MAX_BATCH_SIZE
  )
  for (const { extras, members } of groups.values()) {
    for (let start = 0; start < members.length; start += batchSize) {
      const chunk = members.slice(start, start + batchSize)
      const json = bodyJson(chunk, extras)
      if (Buffer.byteLength(json) <= MAX_BULK_BODY_BYTES) {
        await deliver(chunk, extras, { resends: MAX_RESENDS_PER_BODY }, json)
        continue
      }
      for (const body of bodiesWithinLimit(chunk, extras))
        await deliver(body, extras, { resends: MAX_RESENDS_PER_BODY })
    }
  }
  return results

  function bodyJson(members: Member[], extras: Extras): string {
    return JSON.stringify({ ...extras, [spec.listKey]: members.map(({ record }) => record) })
  }

  /** The members in bodies of at most MAX_BULK_BODY_BYTES, each filled in input order; one too large alone fails. */
  function bodiesWithinLimit(members: Member[], extras: Extras): Member[][] {
    const emptyBytes = Buffer.byteLength(bodyJson([], extras))
    const bodies: Member[][] = []
    let bytes = Infinity
    for (const member of members) {
      const size = Buffer.byteLength(JSON.stringify(member.record))
      if (emptyBytes + size > MAX_BULK_BODY_BYTES) {
        const message = `This event is ${size} bytes of JSON, over the ${MAX_BULK_BODY_BYTES}-byte limit of Iterable's bulk endpoints: send less in its dataFields.`
        results.setErrorResponseAtIndex(member.index, errorEntry(new PayloadValidationError(message)))
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
  async function deliver(members: Member[], extras: Extras, budget: Budget, json = bodyJson(members, extras)) {
    let response
    try {
      response = await callIterable(request, settings, spec.endpoint, { body: json, accept: () => true })
    } catch (error) {
      for (const member of members) results.setErrorResponseAtIndex(member.index, errorEntry(error, member.record))
      return
    }
    const body = answerBody(response)
    if (isSuccess(response.status)) return settle(members, body)

    const error = translateIterableError(response.status, body, settings.apiKey)
    const fail = (member: Member, reason: unknown) =>
      results.setErrorResponseAtIndex(member.index, errorEntry(reason, member.record, body))
    // Only a refusal of the data itself can be narrowed down to records: 400 (bad params, field types) and 413 (too
    // large). Anything else (401, 429, 5xx) is the request's, and every record in it shares it.
    if (response.status !== 400 && response.status !== 413) {
      for (const member of members) fail(member, error)
      return
    }

    const records = members.map(({ record }) => record)
    const blamed = recordsBlamed(body, records, spec.listKey)
    const innocent = members.filter((_, position) => !blamed.has(position))
    for (const [position, reason] of blamed) fail(members[position], { status: 400, message: reason })
    if (innocent.length === 0) return
    if (blamed.size > 0 && budget.resends >= 1) {
      budget.resends -= 1
      return deliver(innocent, extras, budget)
    }
    // Iterable named no record: halves are sent until the records it refuses are alone.
    if (blamed.size === 0 && innocent.length > 1 && budget.resends >= 2) {
      budget.resends -= 2
      const half = Math.ceil(innocent.length / 2)
      await deliver(innocent.slice(0, half), extras, budget)
      return deliver(innocent.slice(half), extras, budget)
    }
    for (const member of innocent) fail(member, error)
  }

  function settle(members: Member[], body: unknown) {
    const outcome = readBulkAnswer(body)
    for (const { index, record } of members) {
      const failure = outcome.failureOf(record, { changesEmail: spec.changesEmail?.(payloads[index]) })
      if (failure) {
        results.setErrorResponseAtIndex(index, errorEntry(failure, record, body))
        continue
      }
      const note = outcome.noteFor(record)
      results.setSuccessResponseAtIndex(index, {
        status: 200,
        sent: record as JSONLikeObject,
        body: (note ? { ...readAnswer(body), note } : body) as JSONLikeObject
      })
    }
  }
}
