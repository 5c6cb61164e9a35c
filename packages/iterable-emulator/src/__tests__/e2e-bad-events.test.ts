import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import type { RunningServer } from '../../../cli/src/lib/server'
import type { Emulator } from '..'
import { startServedStack } from './served-stack'
import type { ServedStack } from './served-stack'

// End-to-end: poisoned batches through serve to the emulator. Every bad event gets its own 400 and is not sent; every
// good one is delivered and can be read back.

const API_KEY = 'e2e-bad-events-key-3a9f'
let emulator: Emulator
let serve: RunningServer
let stack: ServedStack

beforeAll(async () => {
  stack = await startServedStack({ apiKey: API_KEY })
  ;({ emulator, serve } = stack)
})

afterAll(() => stack?.close())

async function sendBatch(action: string, payload: SegmentEvent[]): Promise<any[]> {
  const response = await fetch(`${serve.url}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payload, settings: { apiKey: API_KEY } })
  })
  const answer = (await response.json()) as any[]
  return answer.find((item) => 'multistatus' in item).multistatus
}

async function eventsOf(userId: string): Promise<any[]> {
  const response = await fetch(`${emulator.url}/api/events/byUserId/${userId}`, { headers: { 'Api-Key': API_KEY } })
  return ((await response.json()) as { events?: any[] }).events ?? []
}

/** The users the events belong to: in the emulator's email-based project, events need a known user. */
async function createUsers(userIds: string[]) {
  const identifies = userIds.map((userId) =>
    createTestEvent({ type: 'identify', userId, traits: { email: `${userId}@example.com` } })
  )
  const multistatus = await sendBatch('updateUser', identifies)
  expect(multistatus.map(({ status }) => status)).toEqual(userIds.map(() => 200))
}

const played = (userId: string, overrides: Partial<SegmentEvent> = {}) =>
  createTestEvent({ type: 'track', event: 'Song Played', userId, timestamp: '2024-03-01T12:00:00.000Z', ...overrides })

function nested(levels: number): unknown {
  let value: unknown = 'leaf'
  for (let level = 0; level < levels; level++) value = level % 2 ? { next: value } : [value]
  return value
}

it('gives each bad event of a batch its own 400 and delivers the good ones', async () => {
  await createUsers([1, 2, 3, 4, 6, 7, 8].map((n) => `bad-user-${n}`))
  const events = [
    played('bad-user-1'),
    played('bad-user-2', { event: '   ' }),
    played('bad-user-3', { messageId: 'x'.repeat(513) }),
    played('bad-user-4'),
    played('u'.repeat(53)),
    played('bad-user-6', { timestamp: '1969-07-20T20:17:40Z' }),
    played('bad-user-7', { properties: { deep: nested(500) as never } }),
    played('bad-user-8')
  ]

  const multistatus = await sendBatch('trackEvent', events)

  expect(multistatus.map(({ status }) => status)).toEqual([200, 400, 400, 200, 400, 400, 400, 200])
  expect(multistatus.map(({ errormessage }) => errormessage ?? '')).toEqual([
    '',
    "eventName is missing or blank: Iterable refuses an event without a name. Map Event name to the event's name (by default the track call's `event`).",
    "id is 513 bytes, over Iterable's limit of 512 bytes. Map a shorter id (the default, the Segment messageId, fits).",
    '',
    expect.stringMatching(/User ID must be 52 characters or fewer/),
    expect.stringMatching(/^createdAt .* is not a time Iterable accepts/),
    expect.stringMatching(/^dataFields is nested more than 64 levels deep/),
    ''
  ])
  for (const userId of ['bad-user-1', 'bad-user-4', 'bad-user-8']) expect(await eventsOf(userId)).toHaveLength(1)
  for (const userId of ['bad-user-2', 'bad-user-3', 'bad-user-6', 'bad-user-7'])
    expect(await eventsOf(userId)).toEqual([])
})

it('narrows a body the emulator refuses whole for one field type to that event; the others are delivered', async () => {
  await createUsers([0, 1, 2, 3].map((n) => `type-user-${n}`))
  // The project fixes `tempo` as a number with the first value it sees.
  await sendBatch('trackEvent', [played('type-user-0', { properties: { tempo: 120 } })])

  const multistatus = await sendBatch('trackEvent', [
    played('type-user-1', { properties: { tempo: 96 } }),
    played('type-user-2', { properties: { tempo: 'allegro' } }),
    played('type-user-3', { properties: { tempo: 140 } })
  ])

  expect(multistatus.map(({ status }) => status)).toEqual([200, 400, 200])
  expect(multistatus[1].errormessage).toMatch(/dataFields\.tempo \(RequestFieldsTypesMismatched\)/)
  expect(await eventsOf('type-user-1')).toHaveLength(1)
  expect(await eventsOf('type-user-2')).toEqual([])
  expect(await eventsOf('type-user-3')).toHaveLength(1)
})

/** What serve answers one event: the failure's status and message, or undefined when it was delivered. */
async function sendOne(action: string, payload: SegmentEvent) {
  const response = await fetch(`${serve.url}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payload, settings: { apiKey: API_KEY } })
  })
  const answer = (await response.json()) as any[]
  const failure = answer.find((item) => typeof item.statusCode === 'number')
  return (
    failure && { status: failure.statusCode as number, message: failure.message as string, sent: answer.length > 1 }
  )
}

it('says the same sentence for a nameless event on the single path and in a batch, and sends neither', async () => {
  await createUsers(['nameless-1'])
  const EXPECTED =
    "eventName is missing or blank: Iterable refuses an event without a name. Map Event name to the event's name (by default the track call's `event`)."

  for (const event of ['', '  ']) {
    expect(await sendOne('trackEvent', played('nameless-1', { event }))).toEqual({
      status: 400,
      message: EXPECTED,
      sent: false
    })
    const [entry] = await sendBatch('trackEvent', [played('nameless-1', { event })])
    expect(entry).toMatchObject({ status: 400, errormessage: EXPECTED })
  }
  expect(await eventsOf('nameless-1')).toEqual([])
})

it('refuses an order without products or with an empty list, naming properties.products, and sends nothing', async () => {
  for (const products of [undefined, []]) {
    const order = createTestEvent({
      type: 'track',
      event: 'Order Completed',
      userId: 'buyer-1',
      properties: { order_id: 'o-1', total: 10, ...(products && { products }) }
    })
    expect(await sendOne('trackPurchase', order)).toEqual({
      status: 400,
      message:
        'This purchase has no products: Iterable records a purchase only with the items bought. Send them in properties.products (each with product_id, name, price and quantity), or map Purchased items to where they are.',
      sent: false
    })
  }
})

describe("narrowing within Iterable's rate limit (trackBulk limited to 3 requests a second)", () => {
  let limited: ServedStack
  beforeAll(async () => {
    limited = await startServedStack({ apiKey: API_KEY, rateLimits: { 'POST /api/events/trackBulk': 3 } })
  })
  afterAll(() => limited?.close())

  const send = async (action: string, events: SegmentEvent[]) => {
    const response = await fetch(`${limited.serve.url}/${action}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload: events, settings: { apiKey: API_KEY } })
    })
    const answer = (await response.json()) as any[]
    return answer.find((item) => 'multistatus' in item).multistatus as any[]
  }
  const delivered = async (userId: string) => {
    const response = await fetch(`${limited.emulator.url}/api/events/byUserId/${userId}`, {
      headers: { 'Api-Key': API_KEY }
    })
    return ((await response.json()) as { events?: unknown[] }).events?.length ?? 0
  }
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100))

  it("stops at the rate limit with the unsettled events retryable; retried, they land and the bad ones don't", async () => {
    const users = [0, 1, 2, 3, 4, 5].map((n) => `limited-${n}`)
    const identifies = users.map((userId) =>
      createTestEvent({ type: 'identify', userId, traits: { email: `${userId}@example.com` } })
    )
    expect((await send('updateUser', identifies)).map(({ status }) => status)).toEqual(users.map(() => 200))
    await send('trackEvent', [played(users[0], { properties: { tempo: 120 } })])
    await nextSecond()
    // Four distinct wrong values: Iterable names one per answer, so finding them takes a request each.
    const tempos: (number | string)[] = [96, 'a', 'b', 'c', 'd', 140]
    const events = users.map((userId, n) => played(userId, { properties: { tempo: tempos[n] } }))

    const first = await send('trackEvent', events)

    // Three requests find a, b and c; the fourth is refused by the rate limit: 96, d and 140 are left for a retry.
    expect(first.map(({ status }) => status)).toEqual([429, 400, 400, 400, 429, 429])
    expect(first[0].errormessage).toMatch(/^Iterable's rate limit was reached \(429 RateLimitExceeded/)

    await nextSecond()
    const retried = [0, 4, 5]
    const second = await send(
      'trackEvent',
      retried.map((n) => events[n])
    )

    expect(second.map(({ status }) => status)).toEqual([200, 400, 200])
    expect(second[1].errormessage).toMatch(/dataFields\.tempo \(RequestFieldsTypesMismatched\)/)
    // limited-0 holds the event that fixed tempo's type, and its Song Played.
    expect(await Promise.all(users.map(delivered))).toEqual([2, 0, 0, 0, 0, 1])
  })
})
