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
  endpoint: Extract<Endpoint, 'bulkUpdateUser' | 'bulkTrackEvent'>
  /** The key of the record list in the body: `users` or `events`. */
  listKey: 'users' | 'events'
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
   * The record as JSON: sized, sent and reported (`sent`) as it is. Parsed back only when Iterable's answer names
   * records, to find this one among them.
   */
  json: string
  bytes: number
}

/** Events that share body extras: their bodies' JSON up to the first record, and the body being filled. */
interface Group {
  /** `{"updateOnly":true,"users":[` */
  head: string
  /** Bytes of the body without its records: the head and the closing `]}`. */
  overhead: number
  packer: BodyPacker<Prepared>
}

const BODY_TAIL = ']}'

/** What JSON.stringify({...extras, [listKey]: records}) gives, from records already serialized. */
const bodyJson = (head: string, members: Prepared[]) => head + members.map(({ json }) => json).join(',') + BODY_TAIL

/** The smallest batch_size any event asks for (they share one mapping), at least 1. */
function batchSizeOf(payloads: { batch_size?: number }[]): number {
  // A loop, not Math.min(...sizes): spreading more than ~120,000 arguments overflows the stack.
  let smallest = Infinity
  for (const { batch_size: size } of payloads) if (typeof size === 'number' && size < smallest) smallest = size
  return Math.max(1, Math.floor(smallest === Infinity ? DEFAULT_BATCH_SIZE : smallest))
}

/**
 * Fills bodies of at most `batchSize` members and MAX_BULK_BODY_BYTES bytes, in input order: `add` hands back the
 * body it had to close to make room, so that it can be sent (and its JSON freed) before the next is filled.
 */
export class BodyPacker<Member extends { bytes: number }> {
  private current: Member[] = []
  private currentBytes: number

  constructor(
    private readonly overheadBytes: number,
    private readonly batchSize: number
  ) {
    this.currentBytes = overheadBytes
  }

  add(member: Member): Member[] | undefined {
    const full =
      this.current.length > 0 &&
      (this.current.length >= this.batchSize || this.currentBytes + 1 + member.bytes > MAX_BULK_BODY_BYTES) // 1: a comma
    const closed = full ? this.finish() : undefined
    this.currentBytes += member.bytes + (this.current.length > 0 ? 1 : 0)
    this.current.push(member)
    return closed
  }

  /** The body being filled, if it has any member; the packer starts a new one. */
  finish(): Member[] | undefined {
    const body = this.current
    this.current = []
    this.currentBytes = this.overheadBytes
    return body.length > 0 ? body : undefined
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
  const groups = new Map<string, Group>()

  const groupFor = (extras: { [key: string]: unknown } | undefined): Group => {
    const key = extras === undefined ? '' : JSON.stringify(extras)
    let group = groups.get(key)
    if (!group) {
      const head = JSON.stringify({ ...extras, [spec.listKey]: [] }).slice(0, -BODY_TAIL.length)
      const overhead = Buffer.byteLength(head + BODY_TAIL)
      group = { head, overhead, packer: new BodyPacker(overhead, batchSize) }
      groups.set(key, group)
    }
    return group
  }

  // Bodies are sent as soon as they are full, so only one body's JSON per group is held at a time.
  for (let index = 0; index < payloads.length; index++) {
    const payload = payloads[index]
    let json: string
    try {
      json = spec.toRecordJson(payload)
    } catch (error) {
      results.setErrorResponseAtIndex(index, failureOf(error))
      continue
    }
    const group = groupFor(spec.bodyExtras?.(payload))
    const bytes = Buffer.byteLength(json)
    if (group.overhead + bytes > MAX_BULK_BODY_BYTES) {
      results.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: `This event is ${bytes} bytes of JSON, over the ${MAX_BULK_BODY_BYTES}-byte limit of Iterable's bulk endpoints: send less in its dataFields.`
      })
      continue
    }
    const full = group.packer.add({ index, json, bytes })
    if (full) await deliver(full, group.head)
  }
  for (const group of groups.values()) {
    const last = group.packer.finish()
    if (last) await deliver(last, group.head)
  }
  return results

  async function deliver(members: Prepared[], head: string) {
    let pending = members
    // Each round either settles every pending record or removes at least one, so the loop ends.
    while (pending.length > 0) {
      let response
      try {
        response = await sendToIterable(request, settings, spec.endpoint, { jsonText: bodyJson(head, pending) })
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
