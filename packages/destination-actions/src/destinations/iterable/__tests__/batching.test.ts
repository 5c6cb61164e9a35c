import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { MAX_BULK_BODY_BYTES } from '../bulk'
import {
  acceptPost,
  BAD_API_KEY,
  BATCH_TIMESTAMP as TIMESTAMP,
  BATCH_TIMESTAMP_SECONDS as TIMESTAMP_SECONDS,
  BULK_UPDATE,
  bodyBytes,
  EU,
  freshTestDestination,
  GENERIC_ERROR,
  HTML_502,
  newTestDestination,
  RATE_LIMITED,
  SECRET_API_KEY,
  settings,
  TRACK_BULK,
  TRACK_PATH,
  typeMismatch,
  UPDATE_USER_PATH,
  US,
  deepCopy,
  sentBody
} from './__helpers__/support'
import type { Json } from './__helpers__/support'

// The batch path (issue 3): every event of a batch gets its own, true status, in input order.

type Action = 'updateUser' | 'trackEvent' | 'trackPage'

// ---------------------------------------------------------------------------------------------------------------
// Events and the records the bulk bodies should hold for them.

interface IdentityOptions {
  /** null: no email at all. */
  email?: string | null
  /** null: no userId at all. */
  userId?: string | null
}

/** Event n's email (user<n>@example.com unless given) and userId (user-<n> unless given); null leaves it out. */
function identityOf(n: number, options: IdentityOptions) {
  const email = options.email === undefined ? `user${n}@example.com` : options.email
  const userId = options.userId === undefined ? `user-${n}` : options.userId
  return { emailField: email !== null && { email }, userId: userId ?? undefined }
}

interface IdentifyOptions extends IdentityOptions {
  traits?: Json
  /** Iterable options carried in the event's context, e.g. `{ updateOnly: true }`. */
  iterable?: Json
}

function identify(n: number, options: IdentifyOptions = {}): SegmentEvent {
  const { emailField, userId } = identityOf(n, options)
  return createTestEvent({
    type: 'identify',
    messageId: `identify-${n}`,
    timestamp: TIMESTAMP,
    userId,
    traits: {
      ...emailField,
      firstName: `First${n}`,
      plan: 'premium',
      age: 30 + n,
      ...options.traits
    },
    ...(options.iterable && { context: { ...createTestEvent().context, iterable: options.iterable } })
  })
}

/** What the default updateUser mapping makes of an identify event: traits become dataFields, the last key sent. */
const userRecord = (event: SegmentEvent): Json => ({
  email: event.traits?.email,
  userId: event.userId ?? undefined,
  mergeNestedObjects: false,
  dataFields: event.traits
})

interface TrackOptions extends IdentityOptions {
  event?: string
  properties?: Json
}

function track(n: number, options: TrackOptions = {}): SegmentEvent {
  const { emailField, userId } = identityOf(n, options)
  return createTestEvent({
    type: 'track',
    event: options.event ?? 'Product Viewed',
    messageId: `track-${n}`,
    timestamp: TIMESTAMP,
    userId,
    properties: {
      ...emailField,
      product_id: `sku-${n}`,
      name: 'Trail Shoe',
      price: 89.5 + n,
      ...options.properties
    }
  })
}

interface PageOptions extends IdentityOptions {
  name?: string
  category?: string
  type?: 'page' | 'screen'
}

function page(n: number, options: PageOptions = {}): SegmentEvent {
  const { emailField, userId } = identityOf(n, options)
  return createTestEvent({
    type: options.type ?? 'page',
    messageId: `page-${n}`,
    timestamp: TIMESTAMP,
    userId,
    ...(options.name !== undefined && { name: options.name }),
    ...(options.category !== undefined && { category: options.category }),
    properties: {
      ...emailField,
      path: `/docs/${n}`,
      title: `Docs ${n}`,
      url: `https://www.example.com/docs/${n}`
    }
  })
}

/** What the default trackPage mapping makes of a page call Iterable receives as `eventName`. */
const pageRecord = (event: SegmentEvent, eventName: string): Json => ({
  email: event.properties?.email,
  userId: event.userId ?? undefined,
  eventName,
  id: event.messageId,
  createdAt: TIMESTAMP_SECONDS,
  dataFields: event.properties
})

/** What the default trackEvent mapping makes of a track event: the same record, named after the event. */
const eventRecord = (event: SegmentEvent): Json => pageRecord(event, event.event as string)

// ---------------------------------------------------------------------------------------------------------------
// Iterable's bulk answers.

/** The failedUpdates lists of /api/events/trackBulk, each with the status the event it names gets. */
const EVENT_LISTS: [string, 'email' | 'userId', number][] = [
  ['invalidEmails', 'email', 400],
  ['invalidUserIds', 'userId', 400],
  ['notFoundEmails', 'email', 404],
  ['notFoundUserIds', 'userId', 404],
  ['forgottenEmails', 'email', 400],
  ['forgottenUserIds', 'userId', 400]
]

/** The failedUpdates lists of /api/users/bulkUpdate: those of trackBulk, and conflicts and invalid data. */
const USER_LISTS: [string, 'email' | 'userId', number][] = [
  ...EVENT_LISTS,
  ['conflictEmails', 'email', 409],
  ['conflictUserIds', 'userId', 409],
  ['invalidDataEmails', 'email', 400],
  ['invalidDataUserIds', 'userId', 400]
]

const emptyLists = (lists: [string, ...unknown[]][]): Json => Object.fromEntries(lists.map(([list]) => [list, []]))

const failures = (lists: Json) =>
  Object.values(lists).reduce((sum: number, list: unknown) => sum + (Array.isArray(list) ? list.length : 0), 0)

/** A 200 answer of a bulk endpoint for `count` records, `failedUpdates` naming the ones refused. */
function bulkAnswer(lists: Json, extraKeys: Json, count: number, failedUpdates: Json, topLevel: Json): Json {
  const failCount = failures(failedUpdates) + failures(topLevel)
  return {
    successCount: count - failCount,
    failCount,
    invalidEmails: [],
    invalidUserIds: [],
    ...extraKeys,
    createdFields: [],
    filteredOutFields: [],
    failedUpdates: { ...lists, ...failedUpdates },
    ...topLevel
  }
}

/** A 200 answer of /api/users/bulkUpdate for `count` records. */
const usersAnswer = (count: number, failedUpdates: Json = {}, topLevel: Json = {}) =>
  bulkAnswer(emptyLists(USER_LISTS), {}, count, failedUpdates, topLevel)

/** A 200 answer of /api/events/trackBulk for `count` records. */
const eventsAnswer = (count: number, failedUpdates: Json = {}, topLevel: Json = {}) =>
  bulkAnswer(emptyLists(EVENT_LISTS), { disallowedEventNames: [] }, count, failedUpdates, topLevel)

type Reply = { status: number; body: unknown } | { error: { code: string; message: string } }

/**
 * Answers the next requests to a bulk endpoint with `replies`, in order, and records every body received. Requests
 * beyond the replies find no interceptor and fail.
 */
function bulkEndpoint(path: string, replies: Reply[], base = US): Json[] {
  const bodies: Json[] = []
  for (const reply of replies) {
    if ('error' in reply) {
      nock(base)
        .post(path, (body: Json) => {
          bodies.push(body)
          return true
        })
        .replyWithError(reply.error)
    } else {
      nock(base)
        .post(path)
        .reply((_uri, body) => {
          bodies.push(body as Json)
          return [reply.status, reply.body as Json]
        })
    }
  }
  return bodies
}

/** A bulk endpoint answering 200 with each of `answers` in turn. */
const answering = (path: string, answers: Json[]) =>
  bulkEndpoint(
    path,
    answers.map((body) => ({ status: 200, body }))
  )

// ---------------------------------------------------------------------------------------------------------------
// Running a batch and reading what it says.

// The harness keeps `results` and `responses` between calls: one instance per test.
const testDestination = freshTestDestination()

async function runBatch(
  action: Action,
  events: SegmentEvent[],
  mapping: Json = {},
  batchSettings: Settings = settings
): Promise<Json[]> {
  await testDestination.testBatchAction(action, {
    events,
    settings: batchSettings,
    useDefaultMappings: true,
    mapping
  })
  return testDestination.results[0].multistatus as Json[]
}

/** The message the single path (`perform`) rejects the same event with. */
async function singlePathError(
  action: Action,
  event: SegmentEvent,
  eventSettings: Settings = settings
): Promise<string> {
  return newTestDestination()
    .testAction(action, { event, settings: eventSettings, useDefaultMappings: true })
    .then(
      () => {
        throw new Error(`the single path accepted the event ${event.messageId}`)
      },
      (error: Error) => error.message
    )
}

/** The body the single path (`perform`) sends to `path` for the same event. */
async function singlePathBody(
  action: Action,
  path: string,
  event: SegmentEvent,
  eventSettings: Settings = settings
): Promise<Json> {
  acceptPost(path)
  const responses = await newTestDestination().testAction(action, {
    event,
    settings: eventSettings,
    useDefaultMappings: true
  })
  return sentBody(responses[0]) as Json
}

const delivered = (sent: Json, body: unknown) => ({ status: 200, sent, body })

/** `message`: the error message, or an asymmetric matcher for it. */
const invalidEvent = (message: unknown) => ({
  status: 400,
  errortype: 'PAYLOAD_VALIDATION_FAILED',
  errormessage: message,
  errorreporter: 'INTEGRATIONS'
})

const ERROR_TYPE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY'
}

const refusedByIterable = (status: number, message: unknown, sent: Json, body: unknown) => ({
  status,
  errortype: ERROR_TYPE_OF_STATUS[status],
  errormessage: message,
  sent,
  body,
  errorreporter: 'DESTINATION'
})

/** The message of an event refused for its size alone. */
const OVERSIZE = /4,?000,?000|4 ?MB/

// ---------------------------------------------------------------------------------------------------------------
// What updateUser and trackEvent batches share: the same checks, each on its own endpoint, events and records.

interface BulkAction {
  action: 'updateUser' | 'trackEvent'
  path: string
  listKey: 'users' | 'events'
  /** What the event is called in the test names, with its article. */
  noun: 'user' | 'event'
  article: 'a' | 'an'
  build: (n: number, options?: IdentityOptions) => SegmentEvent
  record: (event: SegmentEvent) => Json
  answer: (count: number, failedUpdates?: Json, topLevel?: Json) => Json
  lists: [string, 'email' | 'userId', number][]
  /** Six events: 0, 2 and 5 valid, 1, 3 and 4 without an identifier or with an invalid one. */
  mixedValidity: () => SegmentEvent[]
  /** Event n, made larger than 4,000,000 bytes. */
  oversize: (n: number) => SegmentEvent
}

function itSharesTheBulkCases(kind: BulkAction) {
  const { action, path, listKey, noun, build, record, answer } = kind

  it('gives events without an identifier or with an invalid one their own 400, as the single path does, and sends the rest', async () => {
    const events = kind.mixedValidity()
    const okAnswer = answer(3)
    const bodies = answering(path, [okAnswer])

    const multistatus = await runBatch(action, events)

    const [r0, r2, r5] = [record(events[0]), record(events[2]), record(events[5])]
    expect(bodies).toEqual([{ [listKey]: [r0, r2, r5] }])
    expect(multistatus).toEqual([
      delivered(r0, okAnswer),
      invalidEvent(await singlePathError(action, events[1])),
      delivered(r2, okAnswer),
      invalidEvent(await singlePathError(action, events[3])),
      invalidEvent(await singlePathError(action, events[4])),
      delivered(r5, okAnswer)
    ])
  })

  it.each(kind.lists)(
    `fails only the ${noun} Iterable lists in failedUpdates.%s (by %s), with status %d`,
    async (list: string, by: 'email' | 'userId', status: number) => {
      const events = [build(0), build(1), build(2)]
      const listed = by === 'email' ? 'user1@example.com' : 'user-1'
      const listing = answer(3, { [list]: [listed] })
      answering(path, [listing])

      const multistatus = await runBatch(action, events)

      expect(multistatus).toEqual([
        delivered(record(events[0]), listing),
        refusedByIterable(status, expect.stringContaining(`failedUpdates.${list}`), record(events[1]), listing),
        delivered(record(events[2]), listing)
      ])
    }
  )

  it.each([
    ['invalidEmails', 'user1@example.com'],
    ['invalidUserIds', 'user-1']
  ])(`fails the ${noun} Iterable lists in the deprecated top-level %s`, async (list: string, listed: string) => {
    const events = [build(0), build(1), build(2)]
    const listing = answer(3, {}, { [list]: [listed] })
    answering(path, [listing])

    const multistatus = await runBatch(action, events)

    expect(multistatus).toEqual([
      delivered(record(events[0]), listing),
      refusedByIterable(400, expect.stringContaining(list), record(events[1]), listing),
      delivered(record(events[2]), listing)
    ])
  })

  it(`gives ${kind.article} ${noun} over 4,000,000 bytes alone its own 400 saying so, and sends the others`, async () => {
    const events = [build(0), kind.oversize(1), build(2)]
    const okAnswer = answer(2)
    const bodies = answering(path, [okAnswer])

    const multistatus = await runBatch(action, events)

    expect(bodies).toEqual([{ [listKey]: [record(events[0]), record(events[2])] }])
    expect(multistatus).toEqual([
      delivered(record(events[0]), okAnswer),
      invalidEvent(expect.stringMatching(OVERSIZE)),
      delivered(record(events[2]), okAnswer)
    ])
  })
}

/** Iterable's detail of a field whose value is a string where the project stores a long. */
const stringForLong = (offendingValue: unknown, category: 'user' | 'event') => ({
  incomingTypes: ['string', 'keyword'],
  expectedType: 'long',
  _type: 'UnexpectedType',
  offendingValue,
  category
})

/**
 * Sends three events; Iterable refuses the first body with `mismatch` and accepts the second. Checks that the second
 * body re-sends events 0 and 2 only, and gives the multistatus, Iterable's 200 answer and the three records.
 */
async function batchRefusedForOneType(kind: BulkAction, events: SegmentEvent[], mismatch: Json) {
  const answer = kind.answer(2)
  const bodies = bulkEndpoint(kind.path, [
    { status: 400, body: mismatch },
    { status: 200, body: answer }
  ])

  const multistatus = await runBatch(kind.action, events)

  const [r0, r1, r2] = events.map(kind.record)
  expect(bodies).toEqual([{ [kind.listKey]: [r0, r1, r2] }, { [kind.listKey]: [r0, r2] }])
  return { multistatus, answer, r0, r1, r2 }
}

// ---------------------------------------------------------------------------------------------------------------

const USER_BULK: BulkAction = {
  action: 'updateUser',
  path: BULK_UPDATE,
  listKey: 'users',
  noun: 'user',
  article: 'a',
  build: identify,
  record: userRecord,
  answer: usersAnswer,
  lists: USER_LISTS,
  mixedValidity: () => [
    identify(0),
    identify(1, { email: null, userId: null }),
    identify(2),
    identify(3, { email: 'not-an-email' }),
    identify(4, { email: null, userId: '   ' }),
    identify(5, { email: null })
  ],
  oversize: (n) => identify(n, { traits: { notes: 'x'.repeat(4_100_000) } })
}

const EVENT_BULK: BulkAction = {
  action: 'trackEvent',
  path: TRACK_BULK,
  listKey: 'events',
  noun: 'event',
  article: 'an',
  build: track,
  record: eventRecord,
  answer: eventsAnswer,
  lists: EVENT_LISTS,
  mixedValidity: () => [
    track(0),
    track(1, { email: null, userId: null }),
    track(2, { email: null }),
    track(3, { email: 'jane at example dot com' }),
    track(4, { email: null, userId: '  ' }),
    track(5, { userId: null })
  ],
  oversize: (n) => track(n, { properties: { blob: 'b'.repeat(4_000_000) } })
}

describe('updateUser batches (POST /api/users/bulkUpdate)', () => {
  itSharesTheBulkCases(USER_BULK)

  it('sends no request when every event is invalid, and reports each one', async () => {
    const events = [identify(0, { email: null, userId: null }), identify(1, { email: 'nope' })]

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual([
      invalidEvent(await singlePathError('updateUser', events[0])),
      invalidEvent(await singlePathError('updateUser', events[1]))
    ])
  })

  it('sends the bulk request with the Api-Key header, to the EU host when the data center is Europe', async () => {
    const answer = usersAnswer(2)
    const scope = nock(EU, { reqheaders: { 'api-key': 'eu-key' } })
      .post(BULK_UPDATE, { users: [userRecord(identify(0)), userRecord(identify(1))] })
      .reply(200, answer)

    const multistatus = await runBatch(
      'updateUser',
      [identify(0), identify(1)],
      {},
      {
        apiKey: 'eu-key',
        dataCenterLocation: 'europe'
      }
    )

    expect(scope.isDone()).toBe(true)
    expect(multistatus).toEqual([
      delivered(userRecord(identify(0)), answer),
      delivered(userRecord(identify(1)), answer)
    ])
  })

  it('names the failedUpdates list when Iterable lists an email there and in the deprecated top-level list', async () => {
    const events = [identify(0), identify(1)]
    const answer = usersAnswer(
      2,
      { invalidEmails: ['user1@example.com'] },
      { invalidEmails: ['user1@example.com'], successCount: 1, failCount: 1 }
    )
    answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual([
      delivered(userRecord(events[0]), answer),
      refusedByIterable(400, expect.stringContaining('failedUpdates.invalidEmails'), userRecord(events[1]), answer)
    ])
  })

  it('matches listed emails whatever their case', async () => {
    const events = [
      identify(0, { email: 'Jane.Doe@Example.COM' }),
      identify(1, { email: 'max.mustermann@example.com' }),
      identify(2)
    ]
    const answer = usersAnswer(3, {
      notFoundEmails: ['jane.doe@example.com'],
      forgottenEmails: ['MAX.MUSTERMANN@EXAMPLE.COM']
    })
    answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual([
      refusedByIterable(404, expect.stringContaining('failedUpdates.notFoundEmails'), userRecord(events[0]), answer),
      refusedByIterable(400, expect.stringContaining('failedUpdates.forgottenEmails'), userRecord(events[1]), answer),
      delivered(userRecord(events[2]), answer)
    ])
  })

  it('reports every user as delivered when Iterable lists only identifiers that are not in the batch', async () => {
    const events = [identify(0), identify(1)]
    const answer = usersAnswer(2, { invalidEmails: ['stranger@example.com'], notFoundUserIds: ['user-99'] })
    answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual([delivered(userRecord(events[0]), answer), delivered(userRecord(events[1]), answer)])
  })

  it('splits users with large dataFields into bodies of at most 4,000,000 bytes, in input order', async () => {
    const events = [0, 1, 2, 3, 4].map((n) => identify(n, { traits: { notes: `${n}`.repeat(1_500_000) } }))
    const answers = [usersAnswer(2), usersAnswer(2), usersAnswer(1)]
    const bodies = answering(BULK_UPDATE, answers)

    const multistatus = await runBatch('updateUser', events)

    expect(bodies.map((body) => body.users.map((user: Json) => user.userId))).toEqual([
      ['user-0', 'user-1'],
      ['user-2', 'user-3'],
      ['user-4']
    ])
    for (const body of bodies) expect(bodyBytes(body)).toBeLessThanOrEqual(MAX_BULK_BODY_BYTES)
    expect(bodies.flatMap((body) => body.users)).toEqual(events.map(userRecord))
    // Two records in each of the first two bodies, one in the last.
    expect(multistatus).toEqual(events.map((event, i) => delivered(userRecord(event), answers[Math.floor(i / 2)])))
  })

  it('splits by batch_size: 7 users with batch_size 3 go in bodies of 3, 3 and 1', async () => {
    const events = [0, 1, 2, 3, 4, 5, 6].map((n) => identify(n))
    const answers = [usersAnswer(3), usersAnswer(3), usersAnswer(1)]
    const bodies = answering(BULK_UPDATE, answers)

    const multistatus = await runBatch('updateUser', events, { batch_size: 3 })

    expect(bodies).toEqual([
      { users: events.slice(0, 3).map(userRecord) },
      { users: events.slice(3, 6).map(userRecord) },
      { users: [userRecord(events[6])] }
    ])
    expect(multistatus).toEqual(events.map((event, i) => delivered(userRecord(event), answers[Math.floor(i / 3)])))
  })

  it('sends at most 1001 users per body with the default batch_size', async () => {
    const events = Array.from({ length: 1002 }, (_, n) => identify(n))
    const answers = [usersAnswer(1001), usersAnswer(1)]
    const bodies = answering(BULK_UPDATE, answers)

    const multistatus = await runBatch('updateUser', events)

    expect(bodies.map((body) => body.users.length)).toEqual([1001, 1])
    expect(multistatus).toHaveLength(1002)
    expect(multistatus.every((entry) => entry.status === 200)).toBe(true)
  })

  it('sends as many users per body as a batch_size above the default allows', async () => {
    const events = Array.from({ length: 1502 }, (_, n) => identify(n))
    const bodies = answering(BULK_UPDATE, [usersAnswer(1500), usersAnswer(2)])

    const multistatus = await runBatch('updateUser', events, { batch_size: 1500 })

    expect(bodies.map((body) => body.users.length)).toEqual([1500, 2])
    expect(multistatus.filter((entry) => entry.status === 200)).toHaveLength(1502)
  })

  it('gives every user 401 on a rejected API key, says to use a server-side key, and never shows the key', async () => {
    const apiKey = SECRET_API_KEY
    const events = [0, 1, 2].map((n) => identify(n))
    nock(US, { reqheaders: { 'api-key': apiKey } })
      .post(BULK_UPDATE)
      .times(2)
      .reply(401, BAD_API_KEY)

    const multistatus = await runBatch('updateUser', events, { batch_size: 2 }, { apiKey })

    expect(multistatus).toEqual(
      events.map((event) =>
        refusedByIterable(401, expect.stringMatching(/server-side API key/i), userRecord(event), BAD_API_KEY)
      )
    )
    for (const entry of multistatus) expect(entry.errormessage).not.toContain(apiKey)
  })

  it('keeps the API key out of the error messages even when Iterable echoes it back', async () => {
    const apiKey = SECRET_API_KEY
    nock(US)
      .post(BULK_UPDATE)
      .reply(401, { msg: `Invalid API key: ${apiKey}`, code: 'BadApiKey', params: null })
    nock(US)
      .post(BULK_UPDATE, () => true)
      .replyWithError({ code: 'ECONNRESET', message: `socket hang up (Api-Key: ${apiKey})` })

    const multistatus = await runBatch('updateUser', [identify(0), identify(1)], { batch_size: 1 }, { apiKey })

    expect(multistatus.map((entry) => entry.status)).toEqual([401, expect.any(Number)])
    for (const entry of multistatus) {
      expect(typeof entry.errormessage).toBe('string')
      expect(entry.errormessage).not.toContain(apiKey)
    }
  })

  it('gives the users of a chunk answered 500, or not answered at all, a 5xx; the other chunks keep their own results', async () => {
    const events = [0, 1, 2, 3, 4, 5].map((n) => identify(n))
    const ok = usersAnswer(2)
    const bodies = bulkEndpoint(BULK_UPDATE, [
      { status: 200, body: ok },
      { status: 500, body: GENERIC_ERROR },
      { error: { code: 'ECONNRESET', message: 'socket hang up' } }
    ])

    const multistatus = await runBatch('updateUser', events, { batch_size: 2 })

    expect(bodies).toEqual([
      { users: events.slice(0, 2).map(userRecord) },
      { users: events.slice(2, 4).map(userRecord) },
      { users: events.slice(4, 6).map(userRecord) }
    ])
    const unanswered = (event: SegmentEvent) => ({
      status: expect.any(Number),
      errortype: expect.any(String),
      errormessage: expect.stringContaining('ECONNRESET'),
      sent: userRecord(event),
      errorreporter: 'DESTINATION'
    })
    expect(multistatus).toEqual([
      delivered(userRecord(events[0]), ok),
      delivered(userRecord(events[1]), ok),
      refusedByIterable(500, expect.stringContaining('GenericError'), userRecord(events[2]), GENERIC_ERROR),
      refusedByIterable(500, expect.stringContaining('GenericError'), userRecord(events[3]), GENERIC_ERROR),
      unanswered(events[4]),
      unanswered(events[5])
    ])
    for (const entry of multistatus.slice(4)) {
      expect(entry.status).toBeGreaterThanOrEqual(500)
      expect(entry.status).toBeLessThan(600)
    }
  })

  it('gives the users of a chunk answered with a plain-text 502 page a 502', async () => {
    const events = [identify(0), identify(1)]
    nock(US).post(BULK_UPDATE).reply(502, HTML_502, { 'Content-Type': 'text/html' })

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual(
      events.map((event) =>
        refusedByIterable(502, expect.stringContaining('502 Bad Gateway'), userRecord(event), expect.anything())
      )
    )
  })

  it('on RequestFieldsTypesMismatched fails the user whose field has the wrong type, naming it, and re-sends the others', async () => {
    const events = [identify(0, { traits: { age: 41 } }), identify(1, { traits: { age: 'forty' } }), identify(2)]
    const mismatch = typeMismatch({ age: stringForLong('forty', 'user') })

    const { multistatus, answer, r0, r1, r2 } = await batchRefusedForOneType(USER_BULK, events, mismatch)

    expect(multistatus).toEqual([
      delivered(r0, answer),
      refusedByIterable(400, expect.any(String), r1, mismatch),
      delivered(r2, answer)
    ])
    expect(multistatus[1].errormessage).toMatch(/\bage\b/)
    expect(multistatus[1].errormessage).toMatch(/\blong\b/)
    expect(multistatus[1].errormessage).toMatch(/\bstring\b/)
  })

  it('on RequestFieldsTypesMismatched without an offending value finds the user by the type of the field', async () => {
    const events = [identify(0), identify(1, { traits: { age: 'forty' } }), identify(2)]
    const mismatch = typeMismatch({ age: { incomingTypes: ['string', 'keyword'], expectedType: 'long' } })

    const { multistatus, answer, r0, r1, r2 } = await batchRefusedForOneType(USER_BULK, events, mismatch)

    expect(multistatus).toEqual([
      delivered(r0, answer),
      refusedByIterable(400, expect.stringMatching(/\bage\b.*\blong\b.*\bstring\b/s), r1, mismatch),
      delivered(r2, answer)
    ])
  })

  it('on RequestFieldsTypesMismatched delivers the good users even when many users send distinct wrong values', async () => {
    // Iterable names one offending value per field per answer: here the first user whose age is not a number.
    const ages: unknown[] = [41, 'forty', 'fifty', 33, 'sixty', 'seventy', 'eighty', 27]
    const events = ages.map((age, n) => identify(n, { traits: { age } }))
    const bodies: Json[] = []
    nock(US)
      .post(BULK_UPDATE)
      .reply((_uri, requestBody) => {
        const body = requestBody as Json
        bodies.push(body)
        const offending = body.users.find((user: Json) => typeof user.dataFields.age !== 'number')
        if (!offending) return [200, usersAnswer(Number(body.users.length))]
        return [400, typeMismatch({ age: stringForLong(offending.dataFields.age, 'user') })]
      })
      .persist()

    const multistatus = await runBatch('updateUser', events)

    const good = [0, 3, 7]
    expect(multistatus.map((entry) => entry.status)).toEqual(ages.map((_, n) => (good.includes(n) ? 200 : 400)))
    const entries = multistatus
    for (const n of good) expect(entries[n]).toEqual(delivered(userRecord(events[n]), expect.anything()))
    for (const [n, entry] of multistatus.entries()) {
      if (!good.includes(n)) expect(entry.errormessage).toMatch(/\bage\b.*\blong\b.*\bstring\b/s)
    }
    expect(bodies[bodies.length - 1]).toEqual({ users: good.map((n) => userRecord(events[n])) })
  })

  it('sends halves of a body Iterable refuses whole without naming a user, until the user it refuses is alone', async () => {
    const events = [identify(0), identify(1), identify(2)]
    const mismatch = typeMismatch({ birthday: { incomingTypes: ['string'], expectedType: 'date' } })
    // The body of three; its first half (users 0 and 1), refused too, and that half's halves; the second half (user 2).
    const bodies = bulkEndpoint(BULK_UPDATE, [
      { status: 400, body: mismatch },
      { status: 400, body: mismatch },
      { status: 200, body: usersAnswer(1) },
      { status: 400, body: mismatch },
      { status: 200, body: usersAnswer(1) }
    ])

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus).toEqual([
      delivered(userRecord(events[0]), usersAnswer(1)),
      refusedByIterable(400, expect.stringContaining('RequestFieldsTypesMismatched'), userRecord(events[1]), mismatch),
      delivered(userRecord(events[2]), usersAnswer(1))
    ])
    expect(bodies.map((body) => (body.users as Json[]).map((user) => user.userId))).toEqual([
      ['user-0', 'user-1', 'user-2'],
      ['user-0', 'user-1'],
      ['user-0'],
      ['user-1'],
      ['user-2']
    ])
  })

  it("stops narrowing at Iterable's rate limit: the users not yet settled get a retryable status, nothing more is sent", async () => {
    const events = [identify(0), identify(1), identify(2), identify(3)]
    const mismatch = typeMismatch({ birthday: { incomingTypes: ['string'], expectedType: 'date' } })
    // The body of four, refused naming nobody; its first half, refused again; then Iterable's rate limit.
    const bodies = bulkEndpoint(BULK_UPDATE, [
      { status: 400, body: mismatch },
      { status: 400, body: mismatch },
      { status: 429, body: RATE_LIMITED }
    ])

    const multistatus = await runBatch('updateUser', events)

    expect(bodies.map((body) => (body.users as Json[]).map((user) => user.userId))).toEqual([
      ['user-0', 'user-1', 'user-2', 'user-3'],
      ['user-0', 'user-1'],
      ['user-0']
    ])
    // user-0 met the 429 itself; user-1 and the second half were never sent again: all four are retried, none refused.
    expect(multistatus.map((entry) => entry.status)).toEqual([429, 429, 429, 429])
    expect(multistatus[0].errormessage).toMatch(/^Iterable's rate limit was reached \(429 RateLimitExceeded/)
    for (const entry of multistatus.slice(1)) {
      expect(entry.errormessage).toMatch(
        /^Iterable refused a request while Segment looked for the events at fault in a body it had refused \(429 RateLimitExceeded: Rate limit exceeded\); this event was not sent again, and Segment will retry it\.$/
      )
    }
  })

  it('sends each bulk body as JSON text, with the API key, exactly as JSON.stringify would write it', async () => {
    const events = [identify(0, { traits: { note: 'naïve “quotes” \\ and \n lines' } }), identify(1)]
    const rawBodies: string[] = []
    nock(US, { reqheaders: { 'content-type': 'application/json', 'api-key': settings.apiKey } })
      .post(BULK_UPDATE, (body) => {
        rawBodies.push(JSON.stringify(body))
        return true
      })
      .reply(200, usersAnswer(2))

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus.map((entry) => entry.status)).toEqual([200, 200])
    expect(rawBodies).toEqual([JSON.stringify({ users: events.map(userRecord) })])
  })

  it('reports as `sent` the record exactly as the body that carried it has it', async () => {
    // Two bodies (updateOnly splits them), a user Iterable refuses, one never sent, and records whose text is
    // rewritten on the way (an escaped string, a converted date, newEmail in dataFields).
    const events = [
      identify(0, {
        traits: { note: 'naïve “quotes” \\ and \n lines', since: '2021-06-01T08:00:00Z' },
        iterable: { updateOnly: true }
      }),
      identify(1, { email: null, userId: null }),
      identify(2, { traits: { newEmail: 'jane.new@example.com' } }),
      identify(3, { iterable: { updateOnly: true } }),
      identify(4)
    ]
    // Both bodies get the same answer, naming user 3; the body without user 3 holds no one it names.
    const answer = usersAnswer(2, { notFoundEmails: ['user3@example.com'] })
    answering(BULK_UPDATE, [answer, answer])

    const responses = await testDestination.testBatchAction('updateUser', {
      events,
      settings,
      useDefaultMappings: true,
      mapping: {
        updateOnly: { '@path': '$.context.iterable.updateOnly' },
        newEmail: { '@path': '$.traits.newEmail' }
      }
    })
    const multistatus = testDestination.results[0].multistatus as Json[]

    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 200, 404, 200])
    expect(multistatus[1]).not.toHaveProperty('sent')
    const sent = multistatus.map((entry) => entry.sent as Json)
    // Each body is its records as sent, byte for byte: every `sent` is its record as it went in its body.
    const bodyTexts = responses.map((response) => (response.options.body as Buffer).toString('utf8'))
    expect(bodyTexts).toHaveLength(2)
    expect(bodyTexts).toEqual(
      expect.arrayContaining([
        JSON.stringify({ updateOnly: true, users: [sent[0], sent[3]] }),
        JSON.stringify({ users: [sent[2], sent[4]] })
      ])
    )
    // And each is the record it stands for.
    expect(sent[0]).toEqual({
      ...userRecord(events[0]),
      dataFields: { ...events[0].traits, since: '2021-06-01 08:00:00 +00:00' }
    })
    expect(sent[2]).toEqual({
      ...userRecord(events[2]),
      dataFields: { ...events[2].traits, email: 'jane.new@example.com' }
    })
    expect(JSON.stringify(sent[3])).toBe(JSON.stringify(userRecord(events[3])))
    expect(JSON.stringify(sent[4])).toBe(JSON.stringify(userRecord(events[4])))
  })

  it('sends users mapped with updateOnly true and false in separate bodies; only the first says updateOnly: true', async () => {
    const updateOnly = (n: number, value?: boolean) =>
      identify(n, value === undefined ? {} : { iterable: { updateOnly: value } })
    const events = [updateOnly(0, true), updateOnly(1, false), updateOnly(2, true), updateOnly(3)]
    const answers = [usersAnswer(2), usersAnswer(2)]
    const bodies = answering(BULK_UPDATE, answers)

    const multistatus = await runBatch('updateUser', events, {
      updateOnly: { '@path': '$.context.iterable.updateOnly' }
    })

    const records = events.map(userRecord)
    expect(bodies).toHaveLength(2)
    const onlyUpdates = bodies.filter((body) => body.updateOnly === true)
    const upserts = bodies.filter((body) => body.updateOnly !== true)
    expect(onlyUpdates).toEqual([{ updateOnly: true, users: [records[0], records[2]] }])
    expect(upserts).toHaveLength(1)
    expect(upserts[0].users).toEqual([records[1], records[3]])
    expect(Object.keys(upserts[0]).filter((key) => key !== 'users' && key !== 'updateOnly')).toEqual([])
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 200, 200, 200])
    expect(multistatus.map((entry) => entry.sent)).toEqual(records)
  })

  it('sends updateOnly: true with every body when the mapping says so for all users', async () => {
    const events = [identify(0), identify(1)]
    const answer = usersAnswer(2)
    const bodies = answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', events, { updateOnly: true })

    expect(bodies).toEqual([{ updateOnly: true, users: events.map(userRecord) }])
    expect(multistatus).toEqual(events.map((event) => delivered(userRecord(event), answer)))
  })

  it('puts newEmail in dataFields.email of the bulk record (there is no email change in bulk)', async () => {
    const events = [
      identify(0, { traits: { newEmail: 'jane.new@example.com' } }),
      identify(1),
      identify(2, { email: null, traits: { newEmail: 'max.new@example.com' } })
    ]
    const answer = usersAnswer(3)
    const bodies = answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', events, { newEmail: { '@path': '$.traits.newEmail' } })

    const expected = [
      {
        email: 'user0@example.com',
        userId: 'user-0',
        mergeNestedObjects: false,
        dataFields: { ...events[0].traits, email: 'jane.new@example.com' }
      },
      userRecord(events[1]),
      {
        userId: 'user-2',
        mergeNestedObjects: false,
        dataFields: { ...events[2].traits, email: 'max.new@example.com' }
      }
    ]
    expect(bodies).toEqual([{ users: expected }])
    expect(multistatus).toEqual(expected.map((record) => delivered(record, answer)))
  })
})

describe('updateUser batches with newEmail: Iterable names the new address', () => {
  // Iterable's spec: conflictEmails are "existing email addresses that prevented identity updates", invalidEmails are
  // "malformed email addresses found either at the top level of a passed-in user object, or in dataFields". A batched
  // email change travels as dataFields.email, so a refused change comes back under the new address.
  it.each([
    ['conflictEmails', 409, 'taken@example.com'],
    ['invalidEmails', 400, 'jane@example.invalid']
  ])(
    'fails the user whose new email Iterable lists in failedUpdates.%s (status %d)',
    async (list: string, status: number, newEmail: string) => {
      const events = [identify(0, { traits: { newEmail } }), identify(1)]
      const answer = usersAnswer(2, { [list]: [newEmail] })
      answering(BULK_UPDATE, [answer])

      const multistatus = await runBatch('updateUser', events, { newEmail: { '@path': '$.traits.newEmail' } })

      const changed = { ...userRecord(events[0]), dataFields: { ...events[0].traits, email: newEmail } }
      expect(multistatus).toEqual([
        refusedByIterable(status, expect.stringContaining(`failedUpdates.${list}`), changed, answer),
        delivered(userRecord(events[1]), answer)
      ])
    }
  )
})

describe('trackEvent batches (POST /api/events/trackBulk)', () => {
  itSharesTheBulkCases(EVENT_BULK)

  it('fails the events whose name Iterable lists in disallowedEventNames, and only those', async () => {
    const events = [
      track(0),
      track(1, { event: 'Internal Debug' }),
      track(2),
      track(3, { event: 'Internal Debug' }),
      track(4, { event: 'Internal Debug Extended' })
    ]
    const answer = eventsAnswer(5, {}, { disallowedEventNames: ['Internal Debug'] })
    answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackEvent', events)

    const disallowed = (event: SegmentEvent) =>
      refusedByIterable(400, expect.stringContaining('disallowedEventNames'), eventRecord(event), answer)
    expect(multistatus).toEqual([
      delivered(eventRecord(events[0]), answer),
      disallowed(events[1]),
      delivered(eventRecord(events[2]), answer),
      disallowed(events[3]),
      delivered(eventRecord(events[4]), answer)
    ])
  })

  it('matches listed emails whatever their case', async () => {
    const events = [track(0, { email: 'Jane.Doe@Example.COM' }), track(1)]
    const answer = eventsAnswer(2, { invalidEmails: ['jane.doe@example.com'] })
    answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackEvent', events)

    expect(multistatus).toEqual([
      refusedByIterable(400, expect.stringContaining('failedUpdates.invalidEmails'), eventRecord(events[0]), answer),
      delivered(eventRecord(events[1]), answer)
    ])
  })

  it('splits events with large dataFields by bytes, greedily and in input order', async () => {
    const sizes = [2_500_000, 1_000_000, 1_000_000, 2_500_000, 1_000_000]
    const events = sizes.map((size, n) => track(n, { properties: { blob: 'b'.repeat(size) } }))
    const answers = [eventsAnswer(2), eventsAnswer(2), eventsAnswer(1)]
    const bodies = answering(TRACK_BULK, answers)

    const multistatus = await runBatch('trackEvent', events)

    expect(bodies.map((body) => body.events.map((event: Json) => event.id))).toEqual([
      ['track-0', 'track-1'],
      ['track-2', 'track-3'],
      ['track-4']
    ])
    for (const body of bodies) expect(bodyBytes(body)).toBeLessThanOrEqual(MAX_BULK_BODY_BYTES)
    // Two records in each of the first two bodies, one in the last.
    expect(multistatus).toEqual(events.map((event, i) => delivered(eventRecord(event), answers[Math.floor(i / 2)])))
  })

  it('sends an event whose body is exactly 4,000,000 bytes, and refuses one a byte larger', async () => {
    // The blob length that makes `{"events":[record]}` exactly 4,000,000 bytes for event n.
    const fittingBlob = (n: number) =>
      MAX_BULK_BODY_BYTES - bodyBytes({ events: [eventRecord(track(n, { properties: { blob: '' } }))] })
    const events = [
      track(0, { properties: { blob: 'f'.repeat(fittingBlob(0)) } }),
      track(1, { properties: { blob: 'f'.repeat(fittingBlob(1) + 1) } })
    ]
    const answer = eventsAnswer(1)
    const bodies = answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackEvent', events)

    expect(bodies).toHaveLength(1)
    expect(bodyBytes(bodies[0])).toBe(MAX_BULK_BODY_BYTES)
    expect(bodies[0]).toEqual({ events: [eventRecord(events[0])] })
    expect(multistatus).toEqual([
      delivered(eventRecord(events[0]), answer),
      invalidEvent(expect.stringMatching(OVERSIZE))
    ])
  })

  it('measures bodies in bytes of UTF-8, not in characters', async () => {
    // 1,000,000 characters, 2,000,000 bytes each: two of them do not fit in one body.
    const events = [0, 1, 2].map((n) => track(n, { properties: { note: 'é'.repeat(1_000_000) } }))
    const answers = [eventsAnswer(1), eventsAnswer(1), eventsAnswer(1)]
    const bodies = answering(TRACK_BULK, answers)

    const multistatus = await runBatch('trackEvent', events)

    expect(bodies).toEqual(events.map((event) => ({ events: [eventRecord(event)] })))
    for (const body of bodies) expect(bodyBytes(body)).toBeLessThanOrEqual(MAX_BULK_BODY_BYTES)
    expect(multistatus).toEqual(events.map((event, i) => delivered(eventRecord(event), answers[i])))
  })

  it('splits by batch_size: 5 events with batch_size 2 go in bodies of 2, 2 and 1', async () => {
    const events = [0, 1, 2, 3, 4].map((n) => track(n))
    const answers = [eventsAnswer(2), eventsAnswer(2), eventsAnswer(1)]
    const bodies = answering(TRACK_BULK, answers)

    const multistatus = await runBatch('trackEvent', events, { batch_size: 2 })

    expect(bodies).toEqual([
      { events: [eventRecord(events[0]), eventRecord(events[1])] },
      { events: [eventRecord(events[2]), eventRecord(events[3])] },
      { events: [eventRecord(events[4])] }
    ])
    expect(multistatus).toEqual(events.map((event, i) => delivered(eventRecord(event), answers[Math.floor(i / 2)])))
  })

  it('counts only the valid events against batch_size', async () => {
    const events = [track(0), track(1, { email: null, userId: null }), track(2), track(3)]
    const answers = [eventsAnswer(2), eventsAnswer(1)]
    const bodies = answering(TRACK_BULK, answers)

    const multistatus = await runBatch('trackEvent', events, { batch_size: 2 })

    expect(bodies).toEqual([
      { events: [eventRecord(events[0]), eventRecord(events[2])] },
      { events: [eventRecord(events[3])] }
    ])
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 200, 200])
  })

  it('gives 429 to the events of the one chunk that was rate limited; the chunks before and after are delivered', async () => {
    const events = [0, 1, 2, 3, 4, 5].map((n) => track(n))
    const [first, last] = [eventsAnswer(2), eventsAnswer(2)]
    const bodies = bulkEndpoint(TRACK_BULK, [
      { status: 200, body: first },
      { status: 429, body: RATE_LIMITED },
      { status: 200, body: last }
    ])

    const multistatus = await runBatch('trackEvent', events, { batch_size: 2 })

    expect(bodies).toHaveLength(3)
    const limited = (event: SegmentEvent) =>
      refusedByIterable(429, expect.stringMatching(/rate limit/i), eventRecord(event), RATE_LIMITED)
    expect(multistatus).toEqual([
      delivered(eventRecord(events[0]), first),
      delivered(eventRecord(events[1]), first),
      limited(events[2]),
      limited(events[3]),
      delivered(eventRecord(events[4]), last),
      delivered(eventRecord(events[5]), last)
    ])
  })

  it('gives 429 to the events of the second chunk only when it alone is rate limited', async () => {
    const events = [0, 1, 2, 3].map((n) => track(n))
    const ok = eventsAnswer(2)
    bulkEndpoint(TRACK_BULK, [
      { status: 200, body: ok },
      { status: 429, body: RATE_LIMITED }
    ])

    const multistatus = await runBatch('trackEvent', events, { batch_size: 2 })

    expect(multistatus).toEqual([
      delivered(eventRecord(events[0]), ok),
      delivered(eventRecord(events[1]), ok),
      refusedByIterable(429, expect.stringMatching(/rate limit/i), eventRecord(events[2]), RATE_LIMITED),
      refusedByIterable(429, expect.stringMatching(/rate limit/i), eventRecord(events[3]), RATE_LIMITED)
    ])
  })

  it('gives every event 401 on a rejected API key and says to use a server-side key', async () => {
    const events = [track(0), track(1)]
    bulkEndpoint(TRACK_BULK, [{ status: 401, body: BAD_API_KEY }])

    const multistatus = await runBatch('trackEvent', events)

    expect(multistatus).toEqual(
      events.map((event) =>
        refusedByIterable(401, expect.stringMatching(/server-side API key/i), eventRecord(event), BAD_API_KEY)
      )
    )
    for (const entry of multistatus) expect(entry.errormessage).not.toContain(settings.apiKey)
  })

  it('gives the events of a chunk whose connection failed a 5xx, and of one that timed out a retryable 408', async () => {
    const events = [0, 1, 2, 3, 4].map((n) => track(n))
    const ok = eventsAnswer(2)
    bulkEndpoint(TRACK_BULK, [
      { status: 200, body: ok },
      { error: { code: 'ECONNRESET', message: 'socket hang up' } },
      { error: { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 52.1.2.3:443' } }
    ])

    const multistatus = await runBatch('trackEvent', events, { batch_size: 2 })

    const unanswered = (event: SegmentEvent, status: unknown, errortype: unknown, code: string) => ({
      status,
      errortype,
      errormessage: expect.stringContaining(code),
      sent: eventRecord(event),
      errorreporter: 'DESTINATION'
    })
    expect(multistatus).toEqual([
      delivered(eventRecord(events[0]), ok),
      delivered(eventRecord(events[1]), ok),
      unanswered(events[2], expect.any(Number), expect.any(String), 'ECONNRESET'),
      unanswered(events[3], expect.any(Number), expect.any(String), 'ECONNRESET'),
      unanswered(events[4], 408, 'REQUEST_TIMEOUT', 'ETIMEDOUT')
    ])
    for (const entry of multistatus.slice(2, 4)) {
      expect(entry.status).toBeGreaterThanOrEqual(500)
      expect(entry.status).toBeLessThan(600)
    }
  })

  it('on RequestFieldsTypesMismatched fails the event whose field has the wrong type and re-sends the others', async () => {
    const events = [
      track(0, { properties: { quantity: 2 } }),
      track(1, { properties: { quantity: 'two' } }),
      track(2, { properties: { quantity: 3 } })
    ]
    const mismatch = typeMismatch({ quantity: stringForLong('two', 'event') })

    const { multistatus, answer, r0, r1, r2 } = await batchRefusedForOneType(EVENT_BULK, events, mismatch)

    expect(multistatus).toEqual([
      delivered(r0, answer),
      refusedByIterable(400, expect.stringMatching(/\bquantity\b.*\blong\b.*\bstring\b/s), r1, mismatch),
      delivered(r2, answer)
    ])
  })
})

describe('trackPage batches (POST /api/events/trackBulk)', () => {
  it('gives pages filtered out by the page settings and pages without an identifier their own 400, as the single path does', async () => {
    const events = [
      page(0, { name: 'Pricing' }),
      page(1),
      page(2, { name: 'Docs', email: null, userId: null }),
      page(3, { category: 'Blog' }),
      page(4, { type: 'screen', name: 'Home' }),
      page(5, { type: 'screen' })
    ]
    const answer = eventsAnswer(3)
    const bodies = answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackPage', events)

    const r0 = pageRecord(events[0], 'Pricing page')
    const r3 = pageRecord(events[3], 'Blog page')
    const r4 = pageRecord(events[4], 'Home screen')
    expect(bodies).toEqual([{ events: [r0, r3, r4] }])
    expect(multistatus).toEqual([
      delivered(r0, answer),
      invalidEvent(await singlePathError('trackPage', events[1])),
      invalidEvent(await singlePathError('trackPage', events[2])),
      delivered(r3, answer),
      delivered(r4, answer),
      invalidEvent(await singlePathError('trackPage', events[5]))
    ])
  })

  it('filters named pages out of the batch when "Track Named Pages" is off, with the single path message', async () => {
    const pageSettings = { ...settings, trackNamedPages: false, trackCategorizedPages: true }
    const events = [page(0, { name: 'Pricing' }), page(1, { category: 'Blog' }), page(2, { name: 'Docs' })]
    const answer = eventsAnswer(1)
    const bodies = answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackPage', events, {}, pageSettings)

    const r1 = pageRecord(events[1], 'Blog page')
    expect(bodies).toEqual([{ events: [r1] }])
    expect(multistatus).toEqual([
      invalidEvent(await singlePathError('trackPage', events[0], pageSettings)),
      delivered(r1, answer),
      invalidEvent(await singlePathError('trackPage', events[2], pageSettings))
    ])
  })

  it('fails the pages whose event name Iterable lists in disallowedEventNames or whose user it lists', async () => {
    const events = [page(0, { name: 'Pricing' }), page(1, { name: 'Admin' }), page(2, { name: 'Docs' })]
    const answer = eventsAnswer(3, { forgottenUserIds: ['user-2'] }, { disallowedEventNames: ['Admin page'] })
    answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackPage', events)

    expect(multistatus).toEqual([
      delivered(pageRecord(events[0], 'Pricing page'), answer),
      refusedByIterable(
        400,
        expect.stringContaining('disallowedEventNames'),
        pageRecord(events[1], 'Admin page'),
        answer
      ),
      refusedByIterable(
        400,
        expect.stringContaining('failedUpdates.forgottenUserIds'),
        pageRecord(events[2], 'Docs page'),
        answer
      )
    ])
  })

  it('splits pages by batch_size and gives 429 to the rate-limited chunk only', async () => {
    const events = [0, 1, 2].map((n) => page(n, { name: `Page ${n}` }))
    const ok = eventsAnswer(2)
    const bodies = bulkEndpoint(TRACK_BULK, [
      { status: 200, body: ok },
      { status: 429, body: RATE_LIMITED }
    ])

    const multistatus = await runBatch('trackPage', events, { batch_size: 2 })

    const records = events.map((event, n) => pageRecord(event, `Page ${n} page`))
    expect(bodies).toEqual([{ events: records.slice(0, 2) }, { events: records.slice(2) }])
    expect(multistatus).toEqual([
      delivered(records[0], ok),
      delivered(records[1], ok),
      refusedByIterable(429, expect.stringMatching(/rate limit/i), records[2], RATE_LIMITED)
    ])
  })
})

describe('the bulk record and the single-path body', () => {
  it('updateUser: the bulk record equals the body of /api/users/update for the same event', async () => {
    const event = identify(7, {
      traits: {
        phone: '+14155550123',
        createdAt: '2023-02-05T20:42:10.123-05:00',
        birthday: '1990-04-01',
        address: { city: 'Berlin', since: '2021-06-01T08:00:00Z' },
        tags: ['a', 'b']
      }
    })
    const singleBody = await singlePathBody('updateUser', UPDATE_USER_PATH, event)
    const answer = usersAnswer(1)
    const bodies = answering(BULK_UPDATE, [answer])

    const multistatus = await runBatch('updateUser', [event])

    expect(singleBody.dataFields.phoneNumber).toBe('+14155550123')
    expect(singleBody.dataFields.createdAt).toBe('2023-02-06 01:42:10 +00:00')
    expect(bodies).toEqual([{ users: [singleBody] }])
    expect(multistatus).toEqual([delivered(singleBody, answer)])
  })

  it('trackEvent: the bulk record equals the body of /api/events/track for the same event', async () => {
    const event = track(7, {
      properties: { campaignId: 1234, templateId: 5678, orderedAt: '2023-02-05T20:42:10Z', size: { eu: 42 } }
    })
    const singleBody = await singlePathBody('trackEvent', TRACK_PATH, event)
    const answer = eventsAnswer(1)
    const bodies = answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackEvent', [event])

    expect(singleBody).toMatchObject({ campaignId: 1234, templateId: 5678, createdAt: TIMESTAMP_SECONDS })
    expect(bodies).toEqual([{ events: [singleBody] }])
    expect(multistatus).toEqual([delivered(singleBody, answer)])
  })

  it('trackPage: the bulk record equals the body of /api/events/track for the same page call', async () => {
    const event = page(7, { name: 'Pricing', category: 'Marketing' })
    const pageSettings = { ...settings, mapToSingleEvent: false }
    const singleBody = await singlePathBody('trackPage', TRACK_PATH, event, pageSettings)
    const answer = eventsAnswer(1)
    const bodies = answering(TRACK_BULK, [answer])

    const multistatus = await runBatch('trackPage', [event], {}, pageSettings)

    expect(singleBody.eventName).toBe('Pricing page')
    expect(bodies).toEqual([{ events: [singleBody] }])
    expect(multistatus).toEqual([delivered(singleBody, answer)])
  })
})

describe('the input events', () => {
  it.each<[Action, string, () => SegmentEvent[]]>([
    [
      'updateUser',
      BULK_UPDATE,
      () => [
        identify(0, {
          traits: {
            phone: '+14155550123',
            createdAt: '2023-02-05T20:42:10Z',
            address: { since: '2021-06-01T08:00:00Z' }
          }
        }),
        identify(1, { traits: { newEmail: 'new@example.com' } }),
        identify(2, { email: null, userId: null })
      ]
    ],
    [
      'trackEvent',
      TRACK_BULK,
      () => [
        track(0, { properties: { orderedAt: '2023-02-05T20:42:10Z', items: [{ at: '2023-02-05T20:42:10Z' }] } }),
        track(1, { email: null, userId: null })
      ]
    ],
    ['trackPage', TRACK_BULK, () => [page(0, { name: 'Pricing' }), page(1), page(2, { category: 'Blog', email: null })]]
  ])('%s does not change the events it is given', async (action: Action, path: string, build: () => SegmentEvent[]) => {
    const events = build()
    const before = deepCopy(events)
    nock(US)
      .post(path)
      .reply(200, path === BULK_UPDATE ? usersAnswer(2) : eventsAnswer(2))

    await runBatch(action, events, action === 'updateUser' ? { newEmail: { '@path': '$.traits.newEmail' } } : {})

    expect(events).toEqual(before)
  })
})
