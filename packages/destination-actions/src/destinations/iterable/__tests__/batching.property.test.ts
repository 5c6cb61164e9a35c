import fc from 'fast-check'
import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import destination from '../index'

// Property: for any batch, the statuses line up one-to-one with the input, and each one is the event's true fate.

const API = 'https://api.iterable.com'
const TRACK_BULK = '/api/events/trackBulk'
const BULK_UPDATE = '/api/users/bulkUpdate'
const MAX_BODY_BYTES = 4_000_000
const TIMESTAMP = '2024-03-01T12:00:00.000Z'
const TIMESTAMP_SECONDS = 1709294400
const LARGE_FIELD = 1_400_000
const OVERSIZE_FIELD = 4_000_001

type Json = Record<string, any>
type ChunkStatus = 200 | 429 | 500
type Listing = 'invalid' | 'notFound' | 'forgotten' | 'conflict' | 'invalidData'

const LIST_STATUS: Record<Listing, number> = {
  invalid: 400,
  notFound: 404,
  forgotten: 400,
  conflict: 409,
  invalidData: 400
}
const RATE_LIMITED = { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null }
const GENERIC_ERROR = { msg: 'An unexpected error occurred', code: 'GenericError', params: null }

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8')

/** The statuses Iterable answers a chunk with; the chunk's first event decides, whatever order chunks are sent in. */
const chunkStatusArb = fc.oneof(
  { arbitrary: fc.constant<ChunkStatus>(200), weight: 6 },
  { arbitrary: fc.constantFrom<ChunkStatus>(429, 500), weight: 2 }
)

function listingArb(lists: Listing[]) {
  return fc.oneof(
    { arbitrary: fc.constant<Listing | null>(null), weight: 6 },
    { arbitrary: fc.constantFrom<Listing | null>(...lists), weight: 2 }
  )
}

/** Greedy chunks of the valid records, in input order: at most batchSize records and MAX_BODY_BYTES per body. */
function expectedChunks(members: { index: number; bytes: number }[], overhead: number, batchSize: number): number[][] {
  const chunks: number[][] = []
  let current: number[] = []
  let bytes = overhead
  for (const member of members) {
    const added = member.bytes + (current.length > 0 ? 1 : 0)
    if (current.length > 0 && (current.length >= batchSize || bytes + added > MAX_BODY_BYTES)) {
      chunks.push(current)
      current = []
      bytes = overhead
    }
    bytes += member.bytes + (current.length > 0 ? 1 : 0)
    current.push(member.index)
  }
  if (current.length > 0) chunks.push(current)
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
  nock(API)
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
    const c = chunkOf.get(index)!
    const position = bodyOfChunk[c]
    const status = expectations[chunks[c][0]].chunkStatus
    if (status !== 200) {
      expect(entry).toMatchObject({ status, errormessage: expect.any(String), sent: expectation.record })
    } else if (expectation.listing) {
      const kind = expectation.identifier!.kind === 'email' ? 'Emails' : 'UserIds'
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

describe('trackEvent batches, property-based', () => {
  type Kind = 'email' | 'userId' | 'none' | 'badEmail' | 'blankUserId' | 'large' | 'oversize'

  const kindArb = fc.oneof(
    { arbitrary: fc.constant<Kind>('email'), weight: 10 },
    { arbitrary: fc.constant<Kind>('userId'), weight: 6 },
    { arbitrary: fc.constant<Kind>('none'), weight: 2 },
    { arbitrary: fc.constant<Kind>('badEmail'), weight: 2 },
    { arbitrary: fc.constant<Kind>('blankUserId'), weight: 1 },
    { arbitrary: fc.constant<Kind>('large'), weight: 2 },
    { arbitrary: fc.constant<Kind>('oversize'), weight: 1 }
  )

  const batchArb = fc.record({
    specs: fc.array(
      fc.record({
        kind: kindArb,
        listing: listingArb(['invalid', 'notFound', 'forgotten']),
        chunkStatus: chunkStatusArb
      }),
      { minLength: 1, maxLength: 60 }
    ),
    batchSize: fc.integer({ min: 1, max: 20 })
  })

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
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ specs, batchSize }) => {
        nock.cleanAll()
        try {
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
                ? { kind: 'userId' as const, value: record.userId as string }
                : undefined
            return { record, listing: spec.listing, chunkStatus: spec.chunkStatus, identifier }
          })
          const members = expectations.flatMap((expectation, index) =>
            expectation.record ? [{ index, bytes: bytesOf(expectation.record) }] : []
          )
          expect(members.every((member) => overhead + member.bytes <= MAX_BODY_BYTES)).toBe(true)
          const chunks = expectedChunks(members, overhead, batchSize)
          const { bodies, answers } = serveBulk(TRACK_BULK, 'events', expectations)

          const testDestination = createTestIntegration(destination)
          await testDestination.testBatchAction('trackEvent', {
            events,
            settings: { apiKey: 'test-key' },
            useDefaultMappings: true,
            mapping: { batch_size: batchSize }
          })
          const multistatus = testDestination.results[0].multistatus as Json[]

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
        } finally {
          nock.cleanAll()
        }
      }),
      { numRuns: 40 }
    )
  })
})

describe('updateUser batches, property-based', () => {
  type Kind = 'email' | 'userId' | 'both' | 'none' | 'blankUserId'

  const kindArb = fc.oneof(
    { arbitrary: fc.constant<Kind>('email'), weight: 4 },
    { arbitrary: fc.constant<Kind>('userId'), weight: 3 },
    { arbitrary: fc.constant<Kind>('both'), weight: 4 },
    { arbitrary: fc.constant<Kind>('none'), weight: 1 },
    { arbitrary: fc.constant<Kind>('blankUserId'), weight: 1 }
  )

  const batchArb = fc.record({
    specs: fc.array(
      fc.record({
        kind: kindArb,
        updateOnly: fc.constantFrom<boolean | undefined>(true, false, undefined),
        listing: listingArb(['invalid', 'notFound', 'forgotten', 'conflict', 'invalidData']),
        chunkStatus: chunkStatusArb
      }),
      { minLength: 1, maxLength: 60 }
    ),
    batchSize: fc.integer({ min: 1, max: 20 })
  })

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
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ specs, batchSize }) => {
        nock.cleanAll()
        try {
          const events = specs.map((spec, seq) => identifyFor(spec.kind, seq, spec.updateOnly))
          const expectations: Expectation[] = specs.map((spec, seq) => {
            const event = events[seq]
            const valid = spec.kind === 'email' || spec.kind === 'userId' || spec.kind === 'both'
            const record = valid
              ? {
                  ...(event.traits?.email && { email: event.traits.email }),
                  ...(event.userId && { userId: event.userId }),
                  dataFields: event.traits,
                  mergeNestedObjects: false
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

          const testDestination = createTestIntegration(destination)
          await testDestination.testBatchAction('updateUser', {
            events,
            settings: { apiKey: 'test-key' },
            useDefaultMappings: true,
            mapping: { batch_size: batchSize, updateOnly: { '@path': '$.context.iterable.updateOnly' } }
          })
          const multistatus = testDestination.results[0].multistatus as Json[]

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
            const onlyUpdates = body.users.map((user: Json) => specs[user.dataFields.seq].updateOnly === true)
            expect(new Set(onlyUpdates).size).toBe(1)
            expect(body.updateOnly === true).toBe(onlyUpdates[0])
          }
        } finally {
          nock.cleanAll()
        }
      }),
      { numRuns: 40 }
    )
  })
})
