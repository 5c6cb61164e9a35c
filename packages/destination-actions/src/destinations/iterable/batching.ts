import {
  MultiStatusResponse,
  PayloadValidationError,
  type JSONLikeObject,
  type RequestClient
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  answerBody,
  bulkFailureLookup,
  isSuccess,
  recordTypeMismatch,
  sendToIterable,
  translateIterableError,
  typeMismatches,
  type BulkRecord,
  type Endpoint
} from './iterable-api'

// The bulk path: every event validated on its own, records packed into bodies Iterable accepts (by count and by
// bytes), and every event's fate read back from Iterable's answer. One entry per event, in input order, always.

/** Iterable refuses bulk bodies over 4 MB; stay under it in bytes of JSON. */
export const MAX_BULK_BODY_BYTES = 4_000_000
export const DEFAULT_BATCH_SIZE = 1001

export interface BulkSpec<Payload, Record extends BulkRecord> {
  endpoint: Extract<Endpoint, 'bulkUpdateUser' | 'bulkTrackEvent'>
  /** The key of the record list in the body: `users` or `events`. */
  listKey: 'users' | 'events'
  /** The same transform as the single path; throws PayloadValidationError for an invalid event. */
  toRecord: (payload: Payload) => Record
  /**
   * Body keys besides the record list (e.g. `updateOnly`), or undefined for none; events with different extras go in
   * different bodies.
   */
  bodyExtras?: (payload: Payload) => { [key: string]: unknown } | undefined
}

interface Prepared<Record> {
  index: number
  record: Record
  /** The record as JSON: serialized once, to size the bodies, and sent as it is. */
  json: string
  bytes: number
}

interface Group<Record> {
  /** The body's JSON up to its first record: `{"updateOnly":true,"users":[`. */
  head: string
  /** Bytes of the body without its records: the head and the closing `]}`. */
  overhead: number
  members: Prepared<Record>[]
}

type Outcome =
  | { ok: true; status: number; sent: JSONLikeObject; body: JSONLikeObject | string }
  | {
      ok: false
      status: number
      message: string
      validation?: boolean
      sent?: JSONLikeObject
      body?: JSONLikeObject | string
    }

const BODY_TAIL = ']}'

/** What JSON.stringify({...extras, [listKey]: records}) gives, from records already serialized. */
const bodyJson = (head: string, members: Prepared<unknown>[]) =>
  head + members.map(({ json }) => json).join(',') + BODY_TAIL

/** The smallest batch_size any event asks for (they share one mapping), at least 1. */
function batchSizeOf(payloads: { batch_size?: number }[]): number {
  // A loop, not Math.min(...sizes): spreading more than ~120,000 arguments overflows the stack.
  let smallest = Infinity
  for (const { batch_size: size } of payloads) if (typeof size === 'number' && size < smallest) smallest = size
  return Math.max(1, Math.floor(smallest === Infinity ? DEFAULT_BATCH_SIZE : smallest))
}

/** Splits a group into bodies of at most `batchSize` records and MAX_BULK_BODY_BYTES bytes, keeping input order. */
export function chunk<Member extends { bytes: number }>(
  members: Member[],
  overheadBytes: number,
  batchSize: number
): Member[][] {
  const chunks: Member[][] = []
  let current: Member[] = []
  let currentBytes = overheadBytes
  for (const member of members) {
    const added = member.bytes + (current.length > 0 ? 1 : 0) // a comma between records
    if (current.length > 0 && (current.length >= batchSize || currentBytes + added > MAX_BULK_BODY_BYTES)) {
      chunks.push(current)
      current = []
      currentBytes = overheadBytes
    }
    currentBytes += member.bytes + (current.length > 0 ? 1 : 0)
    current.push(member)
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

export async function sendBulk<Payload extends { batch_size?: number }, Record extends BulkRecord>(
  request: RequestClient,
  settings: Settings,
  payloads: Payload[],
  spec: BulkSpec<Payload, Record>
): Promise<MultiStatusResponse> {
  const outcomes: Outcome[] = new Array(payloads.length)
  const groups = new Map<string, Group<Record>>()

  payloads.forEach((payload, index) => {
    let record: Record
    try {
      record = spec.toRecord(payload)
    } catch (error) {
      outcomes[index] = failureOf(error)
      return
    }
    const extras = spec.bodyExtras?.(payload)
    const key = extras === undefined ? '' : JSON.stringify(extras)
    let group = groups.get(key)
    if (!group) {
      const head = JSON.stringify({ ...extras, [spec.listKey]: [] }).slice(0, -BODY_TAIL.length)
      group = { head, overhead: Buffer.byteLength(head + BODY_TAIL), members: [] }
      groups.set(key, group)
    }
    const json = JSON.stringify(record)
    const bytes = Buffer.byteLength(json)
    if (group.overhead + bytes > MAX_BULK_BODY_BYTES) {
      outcomes[index] = {
        ok: false,
        status: 400,
        validation: true,
        message: `This event is ${bytes} bytes of JSON, over the ${MAX_BULK_BODY_BYTES}-byte limit of Iterable's bulk endpoints: send less in its dataFields.`
      }
      return
    }
    group.members.push({ index, record, json, bytes })
  })

  const batchSize = batchSizeOf(payloads)
  for (const { head, overhead, members } of groups.values()) {
    for (const body of chunk(members, overhead, batchSize)) {
      await deliver(body, head)
    }
  }

  async function deliver(members: Prepared<Record>[], head: string) {
    let pending = members
    // Each round either settles every pending record or removes at least one, so the loop ends.
    while (pending.length > 0) {
      let response
      try {
        response = await sendToIterable(request, settings, spec.endpoint, {
          jsonText: bodyJson(head, pending)
        })
      } catch (error) {
        for (const member of pending) outcomes[member.index] = { ...failureOf(error), sent: asJson(member.record) }
        return
      }
      const body = answerBody(response) as JSONLikeObject | string
      if (isSuccess(response.status)) {
        const failureFor = bulkFailureLookup(body)
        for (const member of pending) {
          const failure = failureFor(member.record)
          outcomes[member.index] = failure
            ? { ok: false, ...failure, sent: asJson(member.record), body }
            : { ok: true, status: response.status, sent: asJson(member.record), body }
        }
        return
      }

      // A body refused for one record's field type: those records fail, the others are sent again.
      const mismatches = typeMismatches(body)
      const remaining: Prepared<Record>[] = []
      for (const member of pending) {
        const reason = mismatches.length > 0 ? recordTypeMismatch(member.record, mismatches) : undefined
        if (reason)
          outcomes[member.index] = { ok: false, status: 400, message: reason, sent: asJson(member.record), body }
        else remaining.push(member)
      }
      if (remaining.length === pending.length) {
        const error = translateIterableError(response.status, body, settings.apiKey)
        for (const member of pending)
          outcomes[member.index] = { ...failureOf(error), sent: asJson(member.record), body }
        return
      }
      pending = remaining
    }
  }

  return toMultiStatus(outcomes)
}

const asJson = (record: unknown) => record as JSONLikeObject

function failureOf(error: unknown): Extract<Outcome, { ok: false }> {
  const { status, message } = error as { status?: number; message?: string }
  return {
    ok: false,
    status: typeof status === 'number' ? status : 500,
    message: message ?? String(error),
    validation: error instanceof PayloadValidationError
  }
}

function toMultiStatus(outcomes: Outcome[]): MultiStatusResponse {
  const result = new MultiStatusResponse()
  for (let index = 0; index < outcomes.length; index++) {
    // Every path above sets an outcome; this guard keeps "one entry per event" true even if one is ever missed.
    const outcome = outcomes[index] ?? { ok: false, status: 500, message: 'No result was recorded for this event.' }
    if (outcome.ok) {
      result.pushSuccessResponse({ status: outcome.status, sent: outcome.sent, body: outcome.body })
    } else {
      result.pushErrorResponse({
        status: outcome.status,
        errormessage: outcome.message,
        ...(outcome.validation && { errortype: 'PAYLOAD_VALIDATION_FAILED' as const }),
        ...(outcome.sent !== undefined && { sent: outcome.sent }),
        ...(outcome.body !== undefined && { body: outcome.body })
      })
    }
  }
  return result
}
