import fc from 'fast-check'
import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import {
  BATCH_TIMESTAMP as TIMESTAMP,
  BATCH_TIMESTAMP_SECONDS as TIMESTAMP_SECONDS,
  bodyBytes as bytesOf,
  BULK_UPDATE,
  GENERIC_ERROR,
  newTestDestination,
  RATE_LIMITED,
  settings,
  TRACK_BULK,
  US
} from '../../src/destinations/iterable/__tests__/__helpers__/support'
import type { Json } from '../../src/destinations/iterable/__tests__/__helpers__/support'

// Property: for any batch, the statuses line up one-to-one with the input, and each one is the event's true fate.

/** Iterable's limit, written out here so that the model does not take the code under test's word for it. */
const MAX_BODY_BYTES = 4_000_000
const LARGE_FIELD = 1_400_000
const OVERSIZE_FIELD = 4_000_001
type ChunkStatus = 200 | 429 | 500
type Listing = 'invalid' | 'notFound' | 'forgotten' | 'conflict' | 'invalidData'

const LIST_STATUS: Record<Listing, number> = {
  invalid: 400,
  notFound: 404,
  forgotten: 400,
  conflict: 409,
  invalidData: 400
}
/** The statuses Iterable answers a chunk with; the chunk's first event decides, whatever order chunks are sent in. */
const chunkStatusArb = fc.oneof(
  { arbitrary: fc.constant<ChunkStatus>(200), weight: 6 },
  { arbitrary: fc.constantFrom<ChunkStatus>(429, 500), weight: 2 }
)

/** One of the keys of `weights`, each as often as its weight says (fc.oneof of constants, in the order given). */
function weighted<T extends string>(weights: Record<T, number>) {
  return fc.oneof(
    ...(Object.entries(weights) as [T, number][]).map(([value, weight]) => ({ arbitrary: fc.constant(value), weight }))
  )
}

/** A batch of 1 to 60 events described by `specArb`, and a batch_size from 1 to 20. */
function batchArbOf<Spec>(specArb: fc.Arbitrary<Spec>) {
  return fc.record({
    specs: fc.array(specArb, { minLength: 1, maxLength: 60 }),
    batchSize: fc.integer({ min: 1, max: 20 })
  })
}

function listingArb(lists: Listing[]) {
  return fc.oneof(
    { arbitrary: fc.constant<Listing | null>(null), weight: 6 },
    { arbitrary: fc.constantFrom<Listing | null>(...lists), weight: 2 }
  )
}

type BodyMember = { index: number; bytes: number; tooLarge?: boolean }

/**
 * The bodies the valid records go in, in input order: chunks of batchSize records (an event too large to send at all
 * holds its place in its chunk), each split greedily into bodies of at most MAX_BODY_BYTES without the too-large ones.
 */
function expectedChunks(members: BodyMember[], overhead: number, batchSize: number): number[][] {
  const chunks: number[][] = []
  for (let start = 0; start < members.length; start += batchSize) {
    let current: number[] = []
    let bytes = overhead
    for (const member of members.slice(start, start + batchSize)) {
      if (member.tooLarge) continue
      const added = member.bytes + (current.length > 0 ? 1 : 0)
      if (current.length > 0 && bytes + added > MAX_BODY_BYTES) {
        chunks.push(current)
        current = []
        bytes = overhead
      }
      bytes += member.bytes + (current.length > 0 ? 1 : 0)
      current.push(member.index)
    }
    if (current.length > 0) chunks.push(current)
  }
  return chunks
}

interface Expectation {
  /** The record the event should be sent as; undefined when the event is invalid and must not be sent. */
  record?: Json
  listing: Listing | null
  chunkStatus: ChunkStatus
  /** What Iterable should see the event as in its lists. */
  identifier?: { kind: 'email' | 'userId'; value: string }
}

/**
 * Serves a bulk endpoint: each body is answered with the status chosen for its first event; a 200 lists the listed
 * events of that body in failedUpdates, by their email (in lower case, as Iterable stores it) or userId.
 */
function serveBulk(path: string, listKey: 'users' | 'events', expectations: Expectation[]) {
  const bodies: Json[] = []
  const answers: Json[] = []
  nock(US)
    .post(path)
    .reply((_uri, requestBody) => {
      const body = requestBody as Json
      bodies.push(body)
      const records: Json[] = body[listKey] ?? []
      const first = expectations[records[0]?.dataFields?.seq]
      const status = first?.chunkStatus ?? 200
      if (status !== 200) {
        const answer = status === 429 ? RATE_LIMITED : GENERIC_ERROR
        answers.push(answer)
        return [status, answer]
      }
      const failedUpdates: Record<string, string[]> = {}
      for (const record of records) {
        const expectation = expectations[record.dataFields?.seq]
        if (!expectation?.listing || !expectation.identifier) continue
        const { kind, value } = expectation.identifier
        const list = `${expectation.listing}${kind === 'email' ? 'Emails' : 'UserIds'}`
        failedUpdates[list] = [...(failedUpdates[list] ?? []), kind === 'email' ? value.toLowerCase() : value]
      }
      const failCount = Object.values(failedUpdates).reduce((sum, list) => sum + list.length, 0)
      const answer = { successCount: records.length - failCount, failCount, failedUpdates }
      answers.push(answer)
      return [200, answer]
    })
    .persist()
  return { bodies, answers }
}

/** Checks a batch's multistatus and requests against the model. */
function checkBatch(options: {
  events: SegmentEvent[]
  multistatus: Json[]
  expectations: Expectation[]
  chunks: number[][]
  bodies: Json[]
  answers: Json[]
  listKey: 'users' | 'events'
  batchSize: number
}) {
  const { events, multistatus, expectations, chunks, bodies, answers, listKey, batchSize } = options

  expect(multistatus).toHaveLength(events.length)
  const successes = multistatus.filter(
    (entry) => entry.status >= 200 && entry.status < 300 && 'sent' in entry && entry.errormessage === undefined
  )
  const errors = multistatus.filter((entry) => entry.status >= 400 && typeof entry.errormessage === 'string')
  expect(successes.length + errors.length).toBe(events.length)

  expect(bodies).toHaveLength(chunks.length)
  for (const body of bodies) {
    expect(bytesOf(body)).toBeLessThanOrEqual(MAX_BODY_BYTES)
    expect(body[listKey].length).toBeGreaterThan(0)
    expect(body[listKey].length).toBeLessThanOrEqual(batchSize)
  }
  // Whatever order the chunks are sent in, each body holds exactly the records of one expected chunk, in input order.
  const bodyOfChunk = chunks.map((chunk) => {
    const position = bodies.findIndex((body) => body[listKey][0]?.dataFields?.seq === chunk[0])
    expect(position).toBeGreaterThanOrEqual(0)
    expect(bodies[position][listKey]).toEqual(chunk.map((index) => expectations[index].record))
    return position
  })

  const chunkOf = new Map<number, number>()
  chunks.forEach((chunk, c) => chunk.forEach((index) => chunkOf.set(index, c)))

  expectations.forEach((expectation, index) => {
    const entry = multistatus[index]
    if (!expectation.record) {
      expect(entry).toMatchObject({ status: 400, errormessage: expect.any(String) })
      return
    }
    const c = chunkOf.get(index) ?? -1
    const position = bodyOfChunk[c]
    const status = expectations[chunks[c][0]].chunkStatus
    if (status !== 200) {
      expect(entry).toMatchObject({ status, errormessage: expect.any(String), sent: expectation.record })
    } else if (expectation.listing) {
      const kind = expectation.identifier?.kind === 'email' ? 'Emails' : 'UserIds'
      expect(entry).toEqual({
        status: LIST_STATUS[expectation.listing],
        errortype: expect.any(String),
        errormessage: expect.stringContaining(`failedUpdates.${expectation.listing}${kind}`),
        sent: expectation.record,
        body: answers[position],
        errorreporter: 'DESTINATION'
      })
    } else {
      expect(entry).toEqual({ status: 200, sent: expectation.record, body: answers[position] })
    }
  })
}

afterEach(() => {
  nock.cleanAll()
})

type Batch<Spec> = { specs: Spec[]; batchSize: number }

/** Checks `property` on 40 generated batches, each with no interceptor left over from another, leaving none behind. */
function forBatches<Spec>(batchArb: fc.Arbitrary<Batch<Spec>>, property: (batch: Batch<Spec>) => Promise<void>) {
  return fc.assert(
    fc.asyncProperty(batchArb, async (batch) => {
      nock.cleanAll()
      try {
        await property(batch)
      } finally {
        nock.cleanAll()
      }
    }),
    { numRuns: 40 }
  )
}

/** Sends the batch through a new harness and gives its multistatus. */
async function runBatch(action: 'trackEvent' | 'updateUser', events: SegmentEvent[], mapping: Json): Promise<Json[]> {
  const testDestination = newTestDestination()
  await testDestination.testBatchAction(action, { events, settings, useDefaultMappings: true, mapping })
  return testDestination.results[0].multistatus as Json[]
}

describe('trackEvent batches, property-based', () => {
  type Kind = 'email' | 'userId' | 'none' | 'badEmail' | 'blankUserId' | 'large' | 'oversize'

  const kindArb = weighted<Kind>({
    email: 10,
    userId: 6,
    none: 2,
    badEmail: 2,
    blankUserId: 1,
    large: 2,
    oversize: 1
  })

  const batchArb = batchArbOf(
    fc.record({
      kind: kindArb,
      listing: listingArb(['invalid', 'notFound', 'forgotten']),
      chunkStatus: chunkStatusArb
    })
  )

  function trackEventFor(kind: Kind, seq: number): SegmentEvent {
    const email = `Shopper${seq}@Example.com`
    const byKind: Record<Kind, { email?: string; userId?: string; extra?: Json }> = {
      email: { email },
      userId: { userId: `uid-${seq}` },
      none: {},
      badEmail: { email: `shopper${seq}-at-example.com` },
      blankUserId: { userId: ' ' },
      large: { email, extra: { blob: 'l'.repeat(LARGE_FIELD) } },
      oversize: { email, extra: { blob: 'o'.repeat(OVERSIZE_FIELD) } }
    }
    const { email: mappedEmail, userId, extra } = byKind[kind]
    return createTestEvent({
      type: 'track',
      event: 'Item Added',
      messageId: `msg-${seq}`,
      timestamp: TIMESTAMP,
      userId,
      properties: { ...(mappedEmail && { email: mappedEmail }), seq, sku: `sku-${seq % 7}`, ...extra }
    })
  }

  it('gives every event exactly one true status, and no body over 4,000,000 bytes or batch_size records', async () => {
    await forBatches(batchArb, async ({ specs, batchSize }) => {
      const events = specs.map((spec, seq) => trackEventFor(spec.kind, seq))
      const overhead = bytesOf({ events: [] })
      const expectations: Expectation[] = specs.map((spec, seq) => {
        const event = events[seq]
        const valid = spec.kind === 'email' || spec.kind === 'userId' || spec.kind === 'large'
        const record = valid
          ? {
              ...(event.properties?.email && { email: event.properties.email }),
              ...(event.userId && { userId: event.userId }),
              eventName: 'Item Added',
              id: `msg-${seq}`,
              createdAt: TIMESTAMP_SECONDS,
              dataFields: event.properties
            }
          : undefined
        const identifier = record?.email
          ? { kind: 'email' as const, value: record.email as string }
          : record?.userId
          ? { kind: 'userId' as const, value: record.userId }
          : undefined
        return { record, listing: spec.listing, chunkStatus: spec.chunkStatus, identifier }
      })
      const members = expectations.flatMap((expectation, index): BodyMember[] =>
        expectation.record
          ? [{ index, bytes: bytesOf(expectation.record) }]
          : specs[index].kind === 'oversize'
          ? [{ index, bytes: Infinity, tooLarge: true }]
          : []
      )
      expect(members.every((member) => member.tooLarge || overhead + member.bytes <= MAX_BODY_BYTES)).toBe(true)
      const chunks = expectedChunks(members, overhead, batchSize)
      const { bodies, answers } = serveBulk(TRACK_BULK, 'events', expectations)

      const multistatus = await runBatch('trackEvent', events, { batch_size: batchSize })

      checkBatch({
        events,
        multistatus,
        expectations,
        chunks,
        bodies,
        answers,
        listKey: 'events',
        batchSize
      })
      // Oversize events are refused for their size, not sent.
      specs.forEach((spec, index) => {
        if (spec.kind === 'oversize') expect(multistatus[index].errormessage).toMatch(/4,?000,?000|4 ?MB/)
      })
    })
  })
})

describe('updateUser batches, property-based', () => {
  type Kind = 'email' | 'userId' | 'both' | 'none' | 'blankUserId'

  const kindArb = weighted<Kind>({ email: 4, userId: 3, both: 4, none: 1, blankUserId: 1 })

  const batchArb = batchArbOf(
    fc.record({
      kind: kindArb,
      updateOnly: fc.constantFrom<boolean | undefined>(true, false, undefined),
      listing: listingArb(['invalid', 'notFound', 'forgotten', 'conflict', 'invalidData']),
      chunkStatus: chunkStatusArb
    })
  )

  function identifyFor(kind: Kind, seq: number, updateOnly: boolean | undefined): SegmentEvent {
    const email = kind === 'email' || kind === 'both' ? `Person${seq}@Example.org` : undefined
    const userId = kind === 'userId' || kind === 'both' ? `person-${seq}` : kind === 'blankUserId' ? '  ' : undefined
    return createTestEvent({
      type: 'identify',
      messageId: `identify-${seq}`,
      timestamp: TIMESTAMP,
      userId,
      traits: { ...(email && { email }), seq, plan: seq % 2 ? 'free' : 'pro' },
      ...(updateOnly !== undefined && { context: { ...createTestEvent().context, iterable: { updateOnly } } })
    })
  }

  it('gives every user exactly one true status, with updateOnly users in their own bodies', async () => {
    await forBatches(batchArb, async ({ specs, batchSize }) => {
      const events = specs.map((spec, seq) => identifyFor(spec.kind, seq, spec.updateOnly))
      const expectations: Expectation[] = specs.map((spec, seq) => {
        const event = events[seq]
        const valid = spec.kind === 'email' || spec.kind === 'userId' || spec.kind === 'both'
        const record = valid
          ? {
              ...(event.traits?.email && { email: event.traits.email }),
              ...(event.userId && { userId: event.userId }),
              mergeNestedObjects: false,
              dataFields: event.traits
            }
          : undefined
        // Lists of userIds name users that have one; lists of emails, users that have an email.
        const identifier =
          spec.kind === 'userId' || (spec.kind === 'both' && seq % 2 === 1)
            ? { kind: 'userId' as const, value: event.userId as string }
            : record?.email
            ? { kind: 'email' as const, value: record.email as string }
            : undefined
        return { record, listing: spec.listing, chunkStatus: spec.chunkStatus, identifier }
      })
      // One group per updateOnly value: the records of each group are chunked on their own.
      const chunks: number[][] = []
      for (const onlyUpdates of [true, false]) {
        const members = expectations.flatMap((expectation, index) =>
          expectation.record && (specs[index].updateOnly === true) === onlyUpdates
            ? [{ index, bytes: bytesOf(expectation.record) }]
            : []
        )
        const overhead = bytesOf(onlyUpdates ? { updateOnly: true, users: [] } : { users: [] })
        chunks.push(...expectedChunks(members, overhead, batchSize))
      }
      const { bodies, answers } = serveBulk(BULK_UPDATE, 'users', expectations)

      const multistatus = await runBatch('updateUser', events, {
        batch_size: batchSize,
        updateOnly: { '@path': '$.context.iterable.updateOnly' }
      })

      checkBatch({
        events,
        multistatus,
        expectations,
        chunks,
        bodies,
        answers,
        listKey: 'users',
        batchSize
      })
      for (const body of bodies) {
        const onlyUpdates: boolean[] = body.users.map((user: Json) => specs[user.dataFields.seq].updateOnly === true)
        expect(new Set(onlyUpdates).size).toBe(1)
        expect(body.updateOnly === true).toBe(onlyUpdates[0])
      }
    })
  })
})
