import {
  MultiStatusResponse,
  PayloadValidationError,
  type JSONLikeObject,
  type RequestClient
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  answerBody,
  isSuccess,
  readAnswer,
  sendToIterable,
  translateIterableError,
  type Endpoint
} from './iterable-api'
import {
  readBulkAnswer,
  recordsNamedInParams,
  recordTypeMismatch,
  typeMismatches,
  type BulkRecord
} from './bulk-answers'

// The bulk path: every event validated on its own, its record sent in a body Iterable accepts (by count and by bytes),
// and its fate read back from Iterable's answer. One status per event, in input order, always.

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
  endpoint: Extract<Endpoint, 'bulkUpdateUser' | 'bulkTrackEvent' | 'bulkUpdateSubscriptions'>
  /** The key of the record list in the body: `users`, `events` or `updateSubscriptionsRequests`. */
  listKey: 'users' | 'events' | 'updateSubscriptionsRequests'
  /** The event's record, built as on the single path; throws PayloadValidationError for an invalid event. */
  toRecord: (payload: Payload) => BulkRecord
  /** Body keys besides the record list (e.g. `updateOnly`); events with different extras go in different bodies. */
  bodyExtras?: (payload: Payload) => Extras | undefined
  /** Whether the record changes its user's email (Iterable then names a refused record by its new email). */
  changesEmail?: (payload: Payload) => boolean
  /** For an event that has no bulk form here (e.g. an email change in email-based projects): how to send it alone. */
  sendAlone?: (payload: Payload) => (() => Promise<unknown>) | undefined
}

interface Member {
  index: number
  record: BulkRecord
  changesEmail: boolean
}

/** The smallest batch_size any event asks for (they share one mapping), within 1 and MAX_BATCH_SIZE. */
function batchSizeOf(payloads: { batch_size?: number }[]): number {
  const sizes = payloads.map(({ batch_size: size }) => size).filter((size): size is number => typeof size === 'number')
  const smallest = sizes.reduce((min, size) => Math.min(min, size), DEFAULT_BATCH_SIZE)
  return Math.min(MAX_BATCH_SIZE, Math.max(1, Math.floor(smallest)))
}

/** The multistatus entry of an event that failed with `error`, with its record if it was sent; a non-Iterable error is a 400. */
function errorEntry(error: unknown, sent?: BulkRecord) {
  const { status, message } = (error ?? {}) as { status?: unknown; message?: string }
  return {
    status: typeof status === 'number' ? status : 400,
    errormessage: message ?? String(error),
    ...(error instanceof PayloadValidationError && { errortype: 'PAYLOAD_VALIDATION_FAILED' as const }),
    ...(sent !== undefined && { sent: sent as JSONLikeObject })
  }
}

export async function sendBulk<Payload extends { batch_size?: number }>(
  request: RequestClient,
  settings: Settings,
  payloads: Payload[],
  spec: BulkSpec<Payload>
): Promise<MultiStatusResponse> {
  // Written at each event's index; an index left unset is reported by the framework as a failure, never a success.
  const results = new MultiStatusResponse()
  const batchSize = batchSizeOf(payloads)
  // Events with different extras go in different bodies. A body is sent as soon as it is full.
  const open = new Map<string, { extras: Extras; members: Member[] }>()

  for (const [index, payload] of payloads.entries()) {
    const alone = spec.sendAlone?.(payload)
    if (alone) {
      await sendAlone(index, alone)
      continue
    }
    let record: BulkRecord
    try {
      record = spec.toRecord(payload)
    } catch (error) {
      results.setErrorResponseAtIndex(index, errorEntry(error))
      continue
    }
    const extras = spec.bodyExtras?.(payload)
    const key = extras ? JSON.stringify(extras) : ''
    const body = open.get(key) ?? { extras: extras ?? {}, members: [] }
    open.set(key, body)
    body.members.push({ index, record, changesEmail: spec.changesEmail?.(payload) ?? false })
    if (body.members.length >= batchSize) body.members = await send(body.members, body.extras, { last: false })
  }
  for (const { members, extras } of open.values()) {
    if (members.length > 0) await send(members, extras, { last: true })
  }
  return results

  function bodyJson(members: Member[], extras: Extras): string {
    return JSON.stringify({ ...extras, [spec.listKey]: members.map(({ record }) => record) })
  }

  /**
   * Sends the members in one body when its JSON fits Iterable's limit, else in bodies filled in input order. Unless
   * `last`, the members of the last of those bodies are returned instead, to be filled up with the events that follow.
   */
  async function send(members: Member[], extras: Extras, { last }: { last: boolean }): Promise<Member[]> {
    const json = bodyJson(members, extras)
    if (Buffer.byteLength(json) <= MAX_BULK_BODY_BYTES) {
      await deliver(members, extras, { resends: MAX_RESENDS_PER_BODY }, json)
      return []
    }
    const bodies = filledBodies(members, extras)
    const rest = last ? [] : (bodies.pop() ?? [])
    for (const body of bodies) await deliver(body, extras, { resends: MAX_RESENDS_PER_BODY })
    return rest
  }

  /** The members in bodies of at most MAX_BULK_BODY_BYTES, each filled before the next; one too large alone fails. */
  function filledBodies(members: Member[], extras: Extras): Member[][] {
    const emptyBytes = Buffer.byteLength(bodyJson([], extras))
    const bodies: Member[][] = []
    let bytes = Infinity
    for (const member of members) {
      const size = Buffer.byteLength(JSON.stringify(member.record))
      if (emptyBytes + size > MAX_BULK_BODY_BYTES) {
        results.setErrorResponseAtIndex(member.index, {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errormessage: `This event is ${size} bytes of JSON, over the ${MAX_BULK_BODY_BYTES}-byte limit of Iterable's bulk endpoints: send less in its dataFields.`
        })
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

  async function sendAlone(index: number, call: () => Promise<unknown>) {
    try {
      const response = (await call()) as { status?: number; data?: unknown } | undefined
      results.setSuccessResponseAtIndex(index, {
        status: response?.status ?? 200,
        sent: 'sent on its own, not in a bulk body',
        body: (response?.data ?? {}) as JSONLikeObject
      })
    } catch (error) {
      results.setErrorResponseAtIndex(index, errorEntry(error))
    }
  }

  async function deliver(
    members: Member[],
    extras: Extras,
    budget: { resends: number },
    json = bodyJson(members, extras)
  ): Promise<void> {
    const fail = (member: Member, error: unknown, body?: unknown) =>
      results.setErrorResponseAtIndex(member.index, {
        ...errorEntry(error, member.record),
        ...(body !== undefined && { body: body as JSONLikeObject })
      })

    let response
    try {
      response = await sendToIterable(request, settings, spec.endpoint, { body: json })
    } catch (error) {
      for (const member of members) fail(member, error)
      return
    }
    const body = answerBody(response)
    if (isSuccess(response.status)) return settle(members, body)

    const error = translateIterableError(response.status, body, settings.apiKey)
    // Only a refusal of the data itself can be narrowed down to records: 400 (bad params, field types) and 413 (too
    // large). Anything else (401, 429, 5xx) is the request's, and every record in it shares it.
    if (response.status !== 400 && response.status !== 413) {
      for (const member of members) fail(member, error, body)
      return
    }
    const blamed = blame(members, body)
    const innocent = members.filter((member) => !blamed.has(member))
    for (const [member, reason] of blamed) fail(member, { status: 400, message: reason }, body)
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
    for (const member of innocent) fail(member, error, body)
  }

  /** The records a refused body's answer names, with why: by field type (type mismatch), or by position (params). */
  function blame(members: Member[], body: unknown): Map<Member, string> {
    const blamed = new Map<Member, string>()
    const mismatches = typeMismatches(body)
    for (const member of mismatches.length > 0 ? members : []) {
      const reason = recordTypeMismatch(member.record, mismatches)
      if (reason) blamed.set(member, reason)
    }
    const { msg, code } = readAnswer(body)
    for (const [position, said] of recordsNamedInParams(body, spec.listKey)) {
      const member = members[position]
      if (member && !blamed.has(member)) {
        blamed.set(member, `Iterable refused this event (${code ?? 'BadParams'}${msg ? `: ${msg}` : ''}; ${said}).`)
      }
    }
    return blamed
  }

  function settle(members: Member[], body: unknown) {
    const outcome = readBulkAnswer(body)
    for (const { index, record, changesEmail } of members) {
      const sent = record as JSONLikeObject
      const failure = outcome.failureOf(record, { changesEmail })
      if (failure) {
        results.setErrorResponseAtIndex(index, {
          status: failure.status,
          errormessage: failure.message,
          sent,
          body: body as JSONLikeObject
        })
        continue
      }
      const note = outcome.noteFor(record)
      results.setSuccessResponseAtIndex(index, {
        status: 200,
        sent,
        body: (note ? { ...readAnswer(body), note } : body) as JSONLikeObject
      })
    }
  }
}
