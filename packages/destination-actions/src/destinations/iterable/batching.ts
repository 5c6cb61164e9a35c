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

export interface BulkSpec<Payload> {
  endpoint: Extract<Endpoint, 'bulkUpdateUser' | 'bulkTrackEvent' | 'bulkUpdateSubscriptions'>
  /** The key of the record list in the body: `users`, `events` or `updateSubscriptionsRequests`. */
  listKey: 'users' | 'events' | 'updateSubscriptionsRequests'
  /**
   * The event's record as JSON, built from the same parts as the single path's body; throws PayloadValidationError for
   * an invalid event.
   */
  toRecordJson: (payload: Payload) => string
  /**
   * Body keys besides the record list (e.g. `updateOnly`), or undefined for none; events with different extras go in
   * different bodies.
   */
  bodyExtras?: (payload: Payload) => { [key: string]: unknown } | undefined
}

interface Prepared {
  index: number
  /**
   * The record as JSON: written into the body and reported (`sent`) as it is. Parsed back only when Iterable's answer
   * names records, to find this one among them.
   */
  json: string
}

const COMMA = 0x2c
const BODY_TAIL = ']}'

/**
 * Scratch buffers of finished writers, for the next batches. A new 4 MB buffer per batch is external memory to V8,
 * which answers a steady stream of it with full garbage collections; two cover a couple of batches at once.
 */
const idleScratch: Buffer[] = []
const MAX_IDLE_SCRATCH = 2

/** A bulk body as it is sent: its members, and its JSON as UTF-8 bytes. */
export interface WrittenBody<Member> {
  members: Member[]
  bytes: Buffer
}

/**
 * Writes bulk bodies of at most `batchSize` members and MAX_BULK_BODY_BYTES bytes, in input order. Each record's JSON
 * is encoded once, as it comes, and that encoding counts its bytes: no record is measured on its own, and no body is
 * joined as text for the request client to encode again. `add` hands back the body it had to close to make room, so
 * that it can be sent (and freed) before the next is filled.
 */
export class BulkBodyWriter<Member extends { json: string }> {
  /** Bytes of a body without members: the head and the closing `]}`. */
  private readonly overheadBytes: number
  private members: Member[] = []
  /**
   * Where bodies are written: taken from idleScratch (or allocated) at the size limit on the first member, given back
   * by release(); each body is copied out at its own size.
   */
  private scratch: Buffer | undefined
  private length = 0

  /**
   * `head`: the body's JSON up to its first record, e.g. `{"updateOnly":true,"users":[`. `limitBytes`: Iterable's,
   * unless a test needs a smaller one; never more, as scratch buffers are of that size.
   */
  constructor(
    readonly head: string,
    private readonly batchSize: number,
    private readonly limitBytes = MAX_BULK_BODY_BYTES
  ) {
    if (limitBytes > MAX_BULK_BODY_BYTES) throw new RangeError(`A bulk body is at most ${MAX_BULK_BODY_BYTES} bytes`)
    this.overheadBytes = Buffer.byteLength(head) + BODY_TAIL.length
  }

  /** Adds `member` to the body being written, or to a new one when that is full. A member must fit a body alone. */
  add(member: Member): WrittenBody<Member> | undefined {
    const closed = this.members.length > 0 && !this.fits(member.json) ? this.finish() : undefined
    if (this.members.length === 0 && !this.fits(member.json)) {
      throw new RangeError('A record larger than a bulk body was given to BulkBodyWriter: check oversizedBytes first')
    }
    const scratch = (this.scratch ??= idleScratch.pop() ?? Buffer.allocUnsafeSlow(MAX_BULK_BODY_BYTES))
    if (this.members.length === 0) this.length = scratch.write(this.head)
    else scratch[this.length++] = COMMA
    this.length += scratch.write(member.json, this.length)
    this.members.push(member)
    return closed
  }

  /** Bytes of `json` when no body can hold it; undefined when one can. */
  oversizedBytes(json: string): number | undefined {
    return fitsIn(json, this.limitBytes - this.overheadBytes) ? undefined : Buffer.byteLength(json)
  }

  /** The body being written, if it has any member; the writer starts a new one. */
  finish(): WrittenBody<Member> | undefined {
    const scratch = this.scratch
    if (this.members.length === 0 || !scratch) return undefined
    this.length += scratch.write(BODY_TAIL, this.length)
    const body = { members: this.members, bytes: Buffer.from(scratch.subarray(0, this.length)) }
    this.members = []
    return body
  }

  /** Gives the scratch buffer back for other writers; the body being written, if any, is dropped. */
  release(): void {
    if (this.scratch && idleScratch.length < MAX_IDLE_SCRATCH) idleScratch.push(this.scratch)
    this.scratch = undefined
    this.members = []
  }

  /** Whether `json`, its comma and the body's tail fit in the body being written (or in a new one). */
  private fits(json: string): boolean {
    if (this.members.length >= this.batchSize) return false
    const used = this.members.length > 0 ? this.length + 1 : this.overheadBytes - BODY_TAIL.length
    return fitsIn(json, this.limitBytes - BODY_TAIL.length - used)
  }
}

/** Whether `json` takes at most `room` bytes of UTF-8. */
function fitsIn(json: string, room: number): boolean {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only a record that could come near the limit is counted exactly.
  return json.length * 3 <= room || Buffer.byteLength(json) <= room
}

/** One body of `members` (at least one, and they fit one): the part of a sent body that is sent again. */
function rewrite<Member extends { json: string }>(head: string, members: Member[]): Buffer {
  const writer = new BulkBodyWriter<Member>(head, members.length)
  for (const member of members) writer.add(member)
  const { bytes } = writer.finish() as WrittenBody<Member>
  writer.release()
  return bytes
}

/** The smallest batch_size any event asks for (they share one mapping), at least 1. */
function batchSizeOf(payloads: { batch_size?: number }[]): number {
  // A loop, not Math.min(...sizes): spreading more than ~120,000 arguments overflows the stack.
  let smallest = Infinity
  for (const { batch_size: size } of payloads) if (typeof size === 'number' && size < smallest) smallest = size
  return Math.max(1, Math.floor(smallest === Infinity ? DEFAULT_BATCH_SIZE : smallest))
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
  // Events with different body extras go in different bodies: one writer for each.
  const writers = new Map<string, BulkBodyWriter<Prepared>>()

  const writerFor = (extras: { [key: string]: unknown } | undefined): BulkBodyWriter<Prepared> => {
    const key = extras === undefined ? '' : JSON.stringify(extras)
    let writer = writers.get(key)
    if (!writer) {
      const head = JSON.stringify({ ...extras, [spec.listKey]: [] }).slice(0, -BODY_TAIL.length)
      writer = new BulkBodyWriter<Prepared>(head, batchSize)
      writers.set(key, writer)
    }
    return writer
  }

  // Bodies are sent as soon as they are full, so only one body per writer is held at a time.
  try {
    for (let index = 0; index < payloads.length; index++) {
      const payload = payloads[index]
      let json: string
      try {
        json = spec.toRecordJson(payload)
      } catch (error) {
        results.setErrorResponseAtIndex(index, failureOf(error))
        continue
      }
      const writer = writerFor(spec.bodyExtras?.(payload))
      const oversized = writer.oversizedBytes(json)
      if (oversized !== undefined) {
        results.setErrorResponseAtIndex(index, {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errormessage: `This event is ${oversized} bytes of JSON, over the ${MAX_BULK_BODY_BYTES}-byte limit of Iterable's bulk endpoints: send less in its dataFields.`
        })
        continue
      }
      const full = writer.add({ index, json })
      if (full) await deliver(full, writer.head)
    }
    for (const writer of writers.values()) {
      const last = writer.finish()
      if (last) await deliver(last, writer.head)
    }
  } finally {
    for (const writer of writers.values()) writer.release()
  }
  return results

  async function deliver({ members, bytes }: WrittenBody<Prepared>, head: string) {
    let pending = members
    let pendingBytes = bytes
    // Each round either settles every pending record or removes at least one, so the loop ends.
    while (pending.length > 0) {
      let response
      try {
        response = await sendToIterable(request, settings, spec.endpoint, { jsonBytes: pendingBytes })
      } catch (error) {
        for (const { index, json } of pending) results.setErrorResponseAtIndex(index, failureOf(error, json))
        return
      }
      const body = answerBody(response) as JSONLikeObject | string
      if (isSuccess(response.status)) {
        const failureFor = bulkFailureLookup(body)
        for (const { index, json } of pending) {
          const failure = failureFor?.(recordOf(json))
          if (failure) {
            results.setErrorResponseAtIndex(index, {
              status: failure.status,
              errormessage: failure.message,
              sent: json,
              body
            })
          } else {
            results.setSuccessResponseAtIndex(index, { status: response.status, sent: json, body })
          }
        }
        return
      }

      // A body refused for one record's field type: those records fail, the others are sent again.
      const mismatches = typeMismatches(body)
      const remaining: Prepared[] = []
      for (const member of pending) {
        const reason = mismatches.length > 0 ? recordTypeMismatch(recordOf(member.json), mismatches) : undefined
        if (reason) {
          results.setErrorResponseAtIndex(member.index, { status: 400, errormessage: reason, sent: member.json, body })
        } else remaining.push(member)
      }
      if (remaining.length === pending.length) {
        const error = translateIterableError(response.status, body, settings.apiKey)
        for (const { index, json } of pending) {
          results.setErrorResponseAtIndex(index, { ...failureOf(error, json), body })
        }
        return
      }
      pending = remaining
      pendingBytes = rewrite(head, remaining)
    }
  }
}

const recordOf = (json: string) => JSON.parse(json) as BulkRecord

/** The multistatus entry of an event that failed with `error`, sent as `json` when it got that far. */
function failureOf(error: unknown, json?: string) {
  const { status, message } = error as { status?: number; message?: string }
  return {
    status: typeof status === 'number' ? status : 500,
    errormessage: message ?? String(error),
    ...(error instanceof PayloadValidationError && { errortype: 'PAYLOAD_VALIDATION_FAILED' as const }),
    ...(json !== undefined && { sent: json })
  }
}
