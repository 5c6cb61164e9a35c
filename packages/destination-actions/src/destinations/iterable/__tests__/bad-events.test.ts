import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { callIterable } from '../iterable-api'
import { BAD_EVENTS, track } from './__helpers__/bad-events'
import type { BadEvent } from './__helpers__/bad-events'
import { freshTestDestination, settings, TRACK_BULK, TRACK_PATH, BULK_UPDATE, US } from './__helpers__/support'
import type { Json } from './__helpers__/support'

// One bad event never costs the others, and a permanent problem is never retried: what Iterable documents is checked
// before sending; what Iterable still refuses whole is narrowed down to the events at fault.

const testDestination = freshTestDestination()

/** trackBulk that accepts every body, keeping the events it received. */
function acceptingTrackBulk() {
  const received: Json[] = []
  nock(US)
    .persist()
    .post(TRACK_BULK)
    .reply((_uri, body) => {
      const { events } = body as { events: Json[] }
      received.push(...events)
      return [200, { successCount: events.length, failCount: 0, failedUpdates: {}, disallowedEventNames: [] }]
    })
  return received
}

async function runBatch(action: string, events: SegmentEvent[], mapping: Json = {}) {
  await testDestination.testBatchAction(action, { events, settings, useDefaultMappings: true, mapping })
  return testDestination.results[0].multistatus as Json[]
}

describe.each(BAD_EVENTS)('an event with $kind', ({ event, message, bySchema }: BadEvent) => {
  it('is refused on the single path with a 400 naming the field, and nothing is sent', async () => {
    const scope = nock(US).post(TRACK_PATH).reply(200, {})

    const attempt = testDestination.testAction('trackEvent', { event: event(0), settings, useDefaultMappings: true })

    const refusal = bySchema ? { name: 'AggregateAjvError' } : { name: 'PayloadValidationError', status: 400 }
    await expect(attempt).rejects.toMatchObject({ ...refusal, message: expect.stringMatching(message) })
    expect(scope.isDone()).toBe(false)
  })

  it('gets its own 400 in a batch of five, and the four good events are delivered in one body', async () => {
    const received = acceptingTrackBulk()
    const events = [track(0), track(1), event(2), track(3), track(4)]

    const multistatus = await runBatch('trackEvent', events)

    expect(multistatus.map(({ status }) => status)).toEqual([200, 200, 400, 200, 200])
    expect(multistatus[2]).toMatchObject({ errormessage: expect.stringMatching(message) })
    expect(multistatus[2]).not.toHaveProperty('sent')
    expect(received.map(({ id }) => id)).toEqual(['msg-0', 'msg-1', 'msg-3', 'msg-4'])
  })
})

describe('a body Iterable refuses whole', () => {
  it('is narrowed to the event its params name (BadJsonBody), which gets those params; the others are sent again', async () => {
    const bodies: Json[][] = []
    const refusal = {
      msg: '[/api/events/trackBulk] Invalid JSON body',
      code: 'BadJsonBody',
      params: { 'obj.events[2].dataFields': 'error.expected.jsobject' }
    }
    nock(US)
      .post(TRACK_BULK)
      .times(2)
      .reply((_uri, body) => {
        const { events } = body as { events: Json[] }
        bodies.push(events)
        return bodies.length === 1 ? [400, refusal] : [200, { successCount: events.length, failCount: 0 }]
      })

    const multistatus = await runBatch(
      'trackEvent',
      [0, 1, 2, 3, 4].map((n) => track(n))
    )

    expect(multistatus.map(({ status }) => status)).toEqual([200, 200, 400, 200, 200])
    expect(multistatus[2].errormessage).toBe(
      'Iterable refused this event (BadJsonBody: [/api/events/trackBulk] Invalid JSON body; obj.events[2].dataFields: error.expected.jsobject).'
    )
    expect(bodies.map((events) => events.map(({ id }) => id))).toEqual([
      ['msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4'],
      ['msg-0', 'msg-1', 'msg-3', 'msg-4']
    ])
  })

  it.each([
    [400, { msg: 'Invalid eventName', code: 'BadParams', params: null }, /^Iterable rejected the request as invalid/],
    [413, { msg: 'Request Entity Too Large', code: 'BatchTooLarge', params: null }, /as too large/]
  ])(
    'with %i and no event named: halves are sent until the refused event is alone',
    async (status: number, answer: Json, said: RegExp) => {
      // Iterable's rule that this destination cannot know: it refuses any body holding user 3.
      const bodies: string[][] = []
      nock(US)
        .persist()
        .post(BULK_UPDATE)
        .reply((_uri, body) => {
          const { users } = body as { users: Json[] }
          bodies.push(users.map(({ userId }) => String(userId)))
          return users.some(({ userId }) => userId === 'user-3')
            ? [status, answer]
            : [200, { successCount: users.length, failCount: 0 }]
        })
      const events = [0, 1, 2, 3, 4].map((n) =>
        createTestEvent({ type: 'identify', userId: `user-${n}`, traits: { email: `user${n}@example.com` } })
      )

      const multistatus = await runBatch('updateUser', events)

      expect(multistatus.map(({ status: each }) => each)).toEqual([200, 200, 200, status, 200])
      expect(multistatus[3].errormessage).toMatch(said)
      expect(multistatus[3].sent).toMatchObject({ userId: 'user-3' })
      expect(bodies).toEqual([
        ['user-0', 'user-1', 'user-2', 'user-3', 'user-4'],
        ['user-0', 'user-1', 'user-2'],
        ['user-3', 'user-4'],
        ['user-3'],
        ['user-4']
      ])
    }
  )

  it('sends a bounded number of halves, and leaves the events whose fault it did not find for a retry, never refused for good', async () => {
    let requests = 0
    nock(US)
      .persist()
      .post(TRACK_BULK)
      .reply(() => {
        requests++
        return [400, { msg: 'updateOnly is not enabled for this project', code: 'BadParams', params: null }]
      })

    const multistatus = await runBatch(
      'trackEvent',
      Array.from({ length: 200 }, (_, n) => track(n))
    )

    expect(requests).toBe(33)
    expect(multistatus).toHaveLength(200)
    // Halves of 200 down to bodies of one within 32 more requests: the first events, each refused alone, are refused
    // for good; the others are retried (429), with Iterable's words.
    const refusedAlone = multistatus.filter((entry) => entry.status === 400)
    const retried = multistatus.filter((entry) => entry.status === 429)
    expect(refusedAlone.length).toBeGreaterThan(0)
    expect(refusedAlone.length + retried.length).toBe(200)
    for (const entry of refusedAlone) expect(entry.errormessage).toContain('updateOnly is not enabled')
    for (const entry of retried) {
      expect(entry.errormessage).toMatch(
        /^Iterable refused the body this event was in without naming the events at fault \(400 BadParams: updateOnly is not enabled for this project\); finding them would take more requests than Iterable's rate limits allow at once, so Segment will retry this event\.$/
      )
    }
  })
})

describe("Iterable's params and lists, named as Iterable gave them", () => {
  it("puts a BadParams answer's params in the message of the single path", async () => {
    nock(US)
      .post(TRACK_PATH)
      .reply(400, { msg: 'Invalid params', code: 'BadParams', params: { 'obj.createdAt': 'Number value expected' } })

    const attempt = testDestination.testAction('trackEvent', { event: track(0), settings, useDefaultMappings: true })

    await expect(attempt).rejects.toThrow(
      'Iterable rejected the request as invalid (400 BadParams: Invalid params; params: obj.createdAt: Number value expected).'
    )
  })

  it('names the list that holds the identifier Iterable failed the event by: its userId, not its email', async () => {
    nock(US)
      .post(TRACK_BULK)
      .reply(200, {
        successCount: 1,
        failCount: 1,
        failedUpdates: { notFoundUserIds: ['user-1'], invalidEmails: [] },
        invalidEmails: []
      })
    const events = [0, 1].map((n) => track(n, { properties: { email: `user${n}@example.com` } }))

    const multistatus = await runBatch('trackEvent', events)

    expect(multistatus.map(({ status }) => status)).toEqual([200, 404])
    expect(multistatus[1].errormessage).toBe(
      "Iterable listed this event's userId in failedUpdates.notFoundUserIds: no Iterable user has this userId (an email-based project creates a user from a userId alone only with preferUserId, which Segment sends when the Iterable Project Type setting is Email-based)."
    )
  })

  it("says in a delivered event's status body which of its fields Iterable filtered out", async () => {
    nock(US)
      .post(BULK_UPDATE)
      .reply(200, { successCount: 2, failCount: 0, failedUpdates: {}, filteredOutFields: ['favoriteColor'] })
    const events = [
      createTestEvent({ type: 'identify', userId: 'user-0', traits: { favoriteColor: 'teal' } }),
      createTestEvent({ type: 'identify', userId: 'user-1', traits: { plan: 'pro' } })
    ]

    const multistatus = await runBatch('updateUser', events)

    expect(multistatus.map(({ status }) => status)).toEqual([200, 200])
    expect((multistatus[0].body as Json).note).toMatch(
      /^Iterable accepted the record but dropped dataFields it does not create \(filteredOutFields\): favoriteColor\./
    )
    expect(multistatus[1].body).not.toHaveProperty('note')
  })

  it('says in every delivered status body when Iterable counts failures it does not name', async () => {
    nock(US).post(TRACK_BULK).reply(200, { successCount: 1, failCount: 1, failedUpdates: {} })

    const multistatus = await runBatch('trackEvent', [track(0), track(1)])

    expect(multistatus.map(({ status }) => status)).toEqual([200, 200])
    for (const entry of multistatus) {
      expect((entry.body as Json).note).toMatch(/Iterable reported 1 failed records and named fewer/)
    }
  })
})

describe('a request that cannot be built', () => {
  it('is a 400 that says why, not a retryable network failure, and nothing is sent', async () => {
    const request = jest.fn()
    const cyclic: Json = { name: 'loop' }
    cyclic.self = cyclic

    const attempt = callIterable(request as never, settings, '/api/events/track', { json: cyclic })

    await expect(attempt).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(
        /^The request to Iterable could not be built \(TypeError: Converting circular structure/
      )
    })
    expect(request).not.toHaveBeenCalled()
  })

  it("is a 400 naming its size when its body is over Iterable's 4 MB, and nothing is sent", async () => {
    const request = jest.fn()

    const attempt = callIterable(request as never, settings, '/api/events/track', {
      json: { note: 'x'.repeat(4_000_000) }
    })

    await expect(attempt).rejects.toMatchObject({
      status: 400,
      message:
        'This event is 4000011 bytes of JSON, over the 4000000 bytes Iterable takes in one request: send less in its dataFields.'
    })
    expect(request).not.toHaveBeenCalled()
  })
})

describe('bad purchases and carts: one sentence naming the field and the fix, and nothing sent', () => {
  const order = (properties: Json) =>
    createTestEvent({
      type: 'track',
      event: 'Order Completed',
      userId: 'user-1',
      properties: { order_id: 'order-1', total: 19, ...properties }
    })
  const MONOPOLY = { product_id: 'p-1', name: 'Monopoly', price: 19, quantity: 1 }
  const runPurchase = (event: SegmentEvent) =>
    testDestination.testAction('trackPurchase', { event, settings, useDefaultMappings: true })

  it.each([
    ['without products', {}],
    ['with an empty products array', { products: [] }]
  ])(
    'refuses an order %s, naming properties.products: Iterable requires items',
    async (_case: string, products: Json) => {
      const scope = nock(US).post(/.*/).reply(200, {})

      await expect(runPurchase(order(products))).rejects.toMatchObject({
        name: 'PayloadValidationError',
        status: 400,
        message:
          'This purchase has no products: Iterable records a purchase only with the items bought. Send them in properties.products (each with product_id, name, price and quantity), or map Purchased items to where they are.'
      })
      expect(scope.isDone()).toBe(false)
    }
  )

  it("refuses an order id over Iterable's 512 bytes, without repeating it", async () => {
    const scope = nock(US).post(/.*/).reply(200, {})

    const attempt = runPurchase(order({ order_id: 'é'.repeat(300), products: [MONOPOLY] }))

    await expect(attempt).rejects.toThrow(
      "id (Order ID) is 600 bytes, over Iterable's limit of 512 bytes. Map a shorter order id (properties.order_id by default)."
    )
    expect(scope.isDone()).toBe(false)
  })

  it.each([
    ['productId', { productId: 'p-1' }],
    ['id', { id: 'p-1' }]
  ])(
    'takes a product id from %s when the product has no product_id, as Segment documents for Iterable',
    async (_key: string, id: Json) => {
      const { product_id: _productId, ...withoutProductId } = MONOPOLY
      const products = [{ ...withoutProductId, ...id, color: 'red' }]
      const bodies: Json[] = []
      nock(US)
        .post('/api/commerce/trackPurchase', (body: Json) => bodies.push(body) > 0)
        .reply(200, {})
        .post('/api/commerce/updateCart', (body: Json) => bodies.push(body) > 0)
        .reply(200, {})

      await runPurchase(order({ products }))
      await testDestination.testAction('updateCart', {
        event: createTestEvent({ type: 'track', event: 'Product Added', userId: 'user-1', properties: { products } }),
        settings,
        useDefaultMappings: true
      })

      for (const body of bodies) {
        expect(body.items).toEqual([
          { id: 'p-1', name: 'Monopoly', price: 19, quantity: 1, dataFields: { color: 'red' } }
        ])
      }
      expect(bodies).toHaveLength(2)
    }
  )
})
