import { createTestEvent } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { normalizeBaseUrl } from '../../../cli/src/lib/api-base-url'
import { BASE_URLS } from '../../../destination-actions/src/destinations/iterable/iterable-api'
import { loadDestination, resolveDestinationDir } from '../../../cli/src/lib/destinations'
import { startServer } from '../../../cli/src/lib/server'
import type { RunningServer } from '../../../cli/src/lib/server'
import { startEmulator } from '..'
import type { Emulator } from '..'

// End-to-end: Segment events through `serve` (the CLI's server, running the Iterable destination as Segment runs
// it) to the emulator, over real HTTP on 127.0.0.1, then read back through the emulator's GET endpoints, as
// `npm start` wires them: serve's base URL override sends the destination's api.iterable.com calls to the emulator.

const API_KEY = 'e2e-emulator-key-4f9c2b7a1d8e'
const SETTINGS = { apiKey: API_KEY }
const ITERABLE_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+00:00$/

let emulator: Emulator
let serve: RunningServer
/** Every raw answer serve gave and every line it logged, to look for the key in. */
const rawAnswers: string[] = []
const serveLog: string[] = []

beforeAll(async () => {
  // Every option explicit: nothing of the environment (EMULATOR_RATE_LIMITS, EMULATOR_ERROR_RATE, ...) leaks in.
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    apiKey: API_KEY,
    rateLimits: false,
    faults: {},
    createNewFields: true,
    disallowedEventNames: ['Spam Detected'],
    forgottenEmails: [],
    forgottenUserIds: []
  })
  // As `serve --destination iterable --api-url <emulator>` starts it (packages/cli/src/commands/serve.ts).
  const dir = resolveDestinationDir('iterable')
  serve = await startServer({
    load: () => loadDestination(dir),
    directoryName: 'iterable',
    apiUrls: Object.fromEntries(Object.values(BASE_URLS).map((origin) => [origin, normalizeBaseUrl(emulator.url)])),
    log: (line) => serveLog.push(line),
    port: 0,
    host: '127.0.0.1'
  })
})

afterAll(async () => {
  await Promise.allSettled([serve?.close(), emulator?.close()])
})

// serve.

interface ServeAnswer {
  status: number
  json: any
}

/** `POST /<action>` on serve with `{ payload, settings, mapping? }`, as Segment would send the event. */
async function send(
  action: string,
  payload: SegmentEvent | SegmentEvent[],
  extra: { settings?: Record<string, unknown>; mapping?: Record<string, unknown> } = {}
): Promise<ServeAnswer> {
  const response = await fetch(`${serve.url}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      payload,
      settings: extra.settings ?? SETTINGS,
      ...(extra.mapping && { mapping: extra.mapping })
    })
  })
  const text = await response.text()
  rawAnswers.push(text)
  return { status: response.status, json: JSON.parse(text) }
}

/** The HTTP exchanges of an answer (a failure holds them in `exchanges`), request bodies parsed from their text. */
const exchangesOf = (answer: ServeAnswer): any[] =>
  answer.json
    .flatMap((item: any) => item.exchanges ?? ('request' in item ? [item] : []))
    .map((item: any) => ({
      ...item,
      request: { ...item.request, body: JSON.parse((item.request.body as string) || 'null') }
    }))
const failureOf = (answer: ServeAnswer): any => answer.json.find((item: any) => item.requestError === true)
const multistatusOf = (answer: ServeAnswer): any[] =>
  answer.json.find((item: any) => 'multistatus' in item)?.multistatus

// The emulator's read endpoints.

async function read(path: string): Promise<any> {
  const response = await fetch(emulator.url + path, { headers: { 'Api-Key': emulator.apiKey } })
  expect(response.status).toBe(200)
  return response.json()
}
const userByEmail = (email: string) => read(`/api/users/${encodeURIComponent(email)}`)
const userByUserId = (userId: string) => read(`/api/users/byUserId/${encodeURIComponent(userId)}`)
const eventsByEmail = async (email: string): Promise<any[]> =>
  (await read(`/api/events/${encodeURIComponent(email)}`)).events
const eventsByUserId = async (userId: string): Promise<any[]> =>
  (await read(`/api/events/byUserId/${encodeURIComponent(userId)}`)).events

// Segment events.

const WEB_CONTEXT = createTestEvent().context
const MOBILE_CONTEXT = {
  app: { name: 'Engine Shop', version: '3.2.1', build: '321' },
  device: { manufacturer: 'Apple', model: 'iPhone15,2', type: 'ios' },
  os: { name: 'iOS', version: '17.4' },
  library: { name: 'analytics-ios', version: '4.1.8' },
  locale: 'en-GB',
  timezone: 'Europe/London'
}

/** A track event of a signed-in user: the email in context.traits, as analytics.js sends it. */
function track(
  event: string,
  messageId: string,
  timestamp: string,
  user: { userId?: string; email?: string },
  properties: JSONObject
): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event,
    messageId,
    timestamp,
    userId: user.userId,
    context: { ...WEB_CONTEXT, traits: user.email ? { email: user.email } : {} },
    properties
  })
}

function identify(messageId: string, userId: string | undefined, traits: JSONObject): SegmentEvent {
  return createTestEvent({ type: 'identify', messageId, userId, timestamp: '2024-03-14T09:00:00.000Z', traits })
}

describe("one user's story, through serve to the emulator", () => {
  const USER_ID = 'user-1815'
  const EMAIL = 'ada@example.com'
  const NEW_EMAIL = 'ada.lovelace@example.org'

  const engineSketch = {
    product_id: 'prod-engine-sketch',
    sku: 'BK-1843',
    name: 'Sketch of the Analytical Engine',
    category: 'Books',
    price: 24.5,
    quantity: 1,
    url: 'https://shop.example.com/products/engine-sketch',
    image_url: 'https://shop.example.com/images/engine-sketch.png'
  }
  const gearSet = {
    product_id: 'prod-gear-set',
    sku: 'HW-0042',
    name: 'Brass gear set',
    category: 'Hardware',
    price: 12,
    quantity: 3,
    color: 'brass'
  }
  const engineSketchItem = {
    id: 'prod-engine-sketch',
    sku: 'BK-1843',
    name: 'Sketch of the Analytical Engine',
    categories: ['Books'],
    price: 24.5,
    quantity: 1,
    url: 'https://shop.example.com/products/engine-sketch',
    imageUrl: 'https://shop.example.com/images/engine-sketch.png',
    // An item always carries dataFields, empty when the product has no other keys.
    dataFields: {}
  }
  const gearSetItem = {
    id: 'prod-gear-set',
    sku: 'HW-0042',
    name: 'Brass gear set',
    categories: ['Hardware'],
    price: 12,
    quantity: 3,
    dataFields: { color: 'brass' }
  }

  beforeAll(() => emulator.reset())

  it('identify creates the user: ISO dates in Iterable’s format, the phone in dataFields.phoneNumber', async () => {
    const event = identify('e2e-identify-1', USER_ID, {
      email: EMAIL,
      firstName: 'Ada',
      lastName: 'Lovelace',
      plan: 'premium',
      createdAt: '2023-12-10T08:15:00+01:00',
      phone: '+441632960961',
      address: { city: 'London', country: 'UK' }
    })
    const answer = await send('updateUser', event)

    expect(answer.status).toBe(200)
    expect(answer.json).toHaveLength(1)
    const [{ request, response }] = exchangesOf(answer)
    expect(request).toMatchObject({ url: `${emulator.url}/api/users/update`, method: 'POST' })
    expect(request.headers['api-key']).toBe('<redacted>')
    expect(request.body).toMatchObject({
      email: EMAIL,
      userId: USER_ID,
      dataFields: { createdAt: '2023-12-10 07:15:00 +00:00', phoneNumber: '+441632960961' }
    })
    expect(response).toMatchObject({ statusCode: 200, body: { msg: '', code: 'Success', params: null } })

    const { user } = await userByEmail(EMAIL)
    expect(user).toMatchObject({ email: EMAIL, userId: USER_ID })
    expect(user.dataFields).toMatchObject({
      email: EMAIL,
      userId: USER_ID,
      firstName: 'Ada',
      lastName: 'Lovelace',
      plan: 'premium',
      createdAt: '2023-12-10 07:15:00 +00:00',
      phoneNumber: '+441632960961',
      address: { city: 'London', country: 'UK' },
      signupSource: 'API'
    })
    expect(user.dataFields.signupDate).toMatch(ITERABLE_DATE)
    expect(user.dataFields.profileUpdatedAt).toMatch(ITERABLE_DATE)
    expect(await userByUserId(USER_ID)).toEqual({ user })
    expect(emulator.store.types.get('user', 'createdAt')).toBe('date')
  })

  it('Email Updated (updateEmail) renames the user: readable under the new email, not the old', async () => {
    const event = track(
      'Email Updated',
      'e2e-email-updated-1',
      '2024-03-14T09:30:00.000Z',
      { userId: USER_ID },
      {
        previous_email: EMAIL,
        new_email: NEW_EMAIL
      }
    )
    const answer = await send('updateEmail', event)

    expect(answer.status).toBe(200)
    expect(answer.json).toHaveLength(1)
    const [{ request, response }] = exchangesOf(answer)
    expect(request.url).toBe(`${emulator.url}/api/users/updateEmail`)
    expect(request.body).toEqual({ currentEmail: EMAIL, currentUserId: USER_ID, newEmail: NEW_EMAIL })
    expect(response).toMatchObject({ statusCode: 200, body: { code: 'Success' } })

    expect(await userByEmail(EMAIL)).toEqual({})
    const { user } = await userByEmail(NEW_EMAIL)
    expect(user).toMatchObject({ email: NEW_EMAIL, userId: USER_ID })
    // The whole profile moved.
    expect(user.dataFields).toMatchObject({
      email: NEW_EMAIL,
      firstName: 'Ada',
      createdAt: '2023-12-10 07:15:00 +00:00',
      phoneNumber: '+441632960961'
    })
    expect((await userByUserId(USER_ID)).user.email).toBe(NEW_EMAIL)
  })

  it('Product Added (updateCart) gives the user a cart: products as shoppingCartItems, categories as arrays', async () => {
    const user = { userId: USER_ID, email: NEW_EMAIL }
    const first = await send(
      'updateCart',
      track('Product Added', 'e2e-product-added-1', '2024-03-14T09:40:00.000Z', user, {
        cart_id: 'cart-42',
        ...engineSketch,
        products: [engineSketch]
      })
    )
    expect(failureOf(first)).toBeUndefined()
    expect(exchangesOf(first)[0].request.url).toBe(`${emulator.url}/api/commerce/updateCart`)
    expect((await userByEmail(NEW_EMAIL)).user.dataFields.shoppingCartItems).toEqual([engineSketchItem])

    // The next cart event carries the whole cart, which replaces the one stored (two items, not three).
    const second = await send(
      'updateCart',
      track('Product Added', 'e2e-product-added-2', '2024-03-14T09:45:00.000Z', user, {
        cart_id: 'cart-42',
        ...gearSet,
        products: [engineSketch, gearSet]
      })
    )
    expect(second.json).toHaveLength(1)
    const [{ request, response }] = exchangesOf(second)
    expect(request.body).toMatchObject({
      user: { email: NEW_EMAIL, userId: USER_ID },
      items: [engineSketchItem, gearSetItem]
    })
    expect(response).toMatchObject({ statusCode: 200, body: { code: 'Success' } })

    const { user: stored } = await userByEmail(NEW_EMAIL)
    expect(stored.dataFields.shoppingCartItems).toEqual([engineSketchItem, gearSetItem])
    // A cart update is no event.
    expect(await eventsByEmail(NEW_EMAIL)).toEqual([])
  })

  it('Order Completed (trackPurchase) records the purchase among the user’s events and empties the cart', async () => {
    const event = track(
      'Order Completed',
      'e2e-order-completed-1',
      '2024-03-14T10:05:00.000Z',
      {
        userId: USER_ID,
        email: NEW_EMAIL
      },
      {
        order_id: 'order-1843',
        checkout_id: 'checkout-7',
        total: 66.5,
        revenue: 60.5,
        shipping: 6,
        currency: 'GBP',
        coupon: 'ENGINE10',
        products: [engineSketch, gearSet]
      }
    )
    const answer = await send('trackPurchase', event)

    expect(answer.json).toHaveLength(1)
    const [{ request, response }] = exchangesOf(answer)
    expect(request.url).toBe(`${emulator.url}/api/commerce/trackPurchase`)
    expect(response).toMatchObject({ statusCode: 200, body: { code: 'Success', params: { id: 'order-1843' } } })

    expect((await userByEmail(NEW_EMAIL)).user.dataFields.shoppingCartItems).toEqual([])
    const purchase = {
      _id: 'order-1843',
      eventType: 'purchase',
      email: NEW_EMAIL,
      userId: USER_ID,
      createdAt: '2024-03-14 10:05:00 +00:00',
      total: 66.5,
      shoppingCartItems: [engineSketchItem, gearSetItem],
      dataFields: {
        order_id: 'order-1843',
        checkout_id: 'checkout-7',
        total: 66.5,
        revenue: 60.5,
        shipping: 6,
        currency: 'GBP',
        coupon: 'ENGINE10'
      }
    }
    expect(await eventsByEmail(NEW_EMAIL)).toEqual([purchase])
    expect(await eventsByUserId(USER_ID)).toEqual([purchase])
  })

  it('page and screen calls become events named per the page rules', async () => {
    const traits = { email: NEW_EMAIL }
    const cartPage = createTestEvent({
      type: 'page',
      messageId: 'e2e-page-cart',
      timestamp: '2024-03-14T10:10:00.000Z',
      userId: USER_ID,
      name: 'shoppingCart',
      category: 'Shop',
      context: { ...WEB_CONTEXT, traits },
      properties: { path: '/cart', title: 'Your cart', url: 'https://shop.example.com/cart' }
    })
    const homeScreen = createTestEvent({
      type: 'screen',
      messageId: 'e2e-screen-home',
      timestamp: '2024-03-14T10:11:00.000Z',
      userId: USER_ID,
      name: 'Home',
      context: { ...MOBILE_CONTEXT, traits },
      properties: { variant: 'dark' }
    })
    const docsPage = createTestEvent({
      type: 'page',
      messageId: 'e2e-page-docs',
      timestamp: '2024-03-14T10:12:00.000Z',
      userId: USER_ID,
      name: 'Docs',
      context: { ...WEB_CONTEXT, traits },
      properties: { path: '/docs', title: 'Documentation' }
    })

    for (const event of [cartPage, homeScreen]) {
      const answer = await send('trackPage', event)
      expect(answer.json).toHaveLength(1)
      expect(exchangesOf(answer)[0].response).toMatchObject({ statusCode: 200, body: { code: 'Success' } })
    }
    const single = await send('trackPage', docsPage, { settings: { ...SETTINGS, mapToSingleEvent: true } })
    expect(exchangesOf(single)[0].request).toMatchObject({
      url: `${emulator.url}/api/events/track`,
      body: { eventName: 'Loaded a Page', id: 'e2e-page-docs' }
    })

    const events = await eventsByEmail(NEW_EMAIL)
    expect(events.map((event) => [event._id, event.eventType, event.eventName])).toEqual([
      ['e2e-page-docs', 'customEvent', 'Loaded a Page'],
      ['e2e-screen-home', 'customEvent', 'Home screen'],
      ['e2e-page-cart', 'customEvent', 'shoppingCart page'],
      ['order-1843', 'purchase', undefined]
    ])
    expect(events[2]).toEqual({
      _id: 'e2e-page-cart',
      eventType: 'customEvent',
      eventName: 'shoppingCart page',
      email: NEW_EMAIL,
      userId: USER_ID,
      createdAt: '2024-03-14 10:10:00 +00:00',
      dataFields: { path: '/cart', title: 'Your cart', url: 'https://shop.example.com/cart' }
    })
    expect(events[1]).toMatchObject({ createdAt: '2024-03-14 10:11:00 +00:00', dataFields: { variant: 'dark' } })
  })

  it('a page with neither name nor category is refused under the default settings, naming "Track All Pages"', async () => {
    const anonymousPage = createTestEvent({
      type: 'page',
      messageId: 'e2e-page-unnamed',
      timestamp: '2024-03-14T10:13:00.000Z',
      userId: USER_ID,
      context: { ...WEB_CONTEXT, traits: { email: NEW_EMAIL } },
      properties: { path: '/some/where', title: 'Somewhere' }
    })
    const before = await eventsByEmail(NEW_EMAIL)
    const refused = await send('trackPage', anonymousPage)

    expect(refused.status).toBe(200)
    // Refused before any call to Iterable: the answer is the failure alone.
    expect(refused.json).toEqual([
      expect.objectContaining({ statusCode: 400, requestError: true, code: 'PAYLOAD_VALIDATION_FAILED' })
    ])
    expect(failureOf(refused).message).toMatch(/no name or category/)
    expect(failureOf(refused).message).toContain('"Track All Pages"')
    expect(await eventsByEmail(NEW_EMAIL)).toEqual(before)

    // With "Track All Pages" on, the same call goes through, under the generic name.
    const sent = await send('trackPage', anonymousPage, { settings: { ...SETTINGS, trackAllPages: true } })
    expect(failureOf(sent)).toBeUndefined()
    const [latest] = await eventsByUserId(USER_ID)
    expect(latest).toMatchObject({ _id: 'e2e-page-unnamed', eventName: 'Loaded a Page', email: NEW_EMAIL })
  })
})

describe('a trackEvent batch with records the emulator rejects', () => {
  beforeAll(() => emulator.reset())

  it('answers per-event statuses that match what the emulator rejected; the accepted events are readable', async () => {
    // A first event fixes the type of "duration" for events named "Video Watched": a number.
    const first = await send(
      'trackEvent',
      track(
        'Video Watched',
        'e2e-video-1',
        '2024-03-15T08:00:00.000Z',
        { userId: 'user-alice', email: 'alice@example.com' },
        {
          title: 'Intro',
          duration: 120
        }
      )
    )
    expect(exchangesOf(first)[0].response).toMatchObject({ statusCode: 200, body: { params: { id: 'e2e-video-1' } } })

    const batch = [
      // 0: accepted.
      track(
        'Video Watched',
        'e2e-batch-0',
        '2024-03-15T09:00:00.000Z',
        { userId: 'user-bob', email: 'bob@example.com' },
        {
          title: 'Setup',
          duration: 95
        }
      ),
      // 1: "duration" as a string: RequestFieldsTypesMismatched.
      track(
        'Video Watched',
        'e2e-batch-1',
        '2024-03-15T09:01:00.000Z',
        { userId: 'user-carol', email: 'carol@example.com' },
        {
          title: 'Setup',
          duration: 'two minutes'
        }
      ),
      // 2: an event name the project blocks.
      track(
        'Spam Detected',
        'e2e-batch-2',
        '2024-03-15T09:02:00.000Z',
        { userId: 'user-dave', email: 'dave@example.com' },
        {
          score: 0.97
        }
      ),
      // 3: a userId alone, of a user Iterable does not know.
      track('Article Read', 'e2e-batch-3', '2024-03-15T09:03:00.000Z', { userId: 'user-ghost' }, { slug: 'notes' }),
      // 4: an email Segment's format accepts and Iterable does not (a top-level domain with a digit).
      track(
        'Article Read',
        'e2e-batch-4',
        '2024-03-15T09:04:00.000Z',
        { userId: 'user-erin', email: 'erin@example.c0m' },
        {
          slug: 'notes'
        }
      ),
      // 5: accepted, for a known user.
      track(
        'Article Read',
        'e2e-batch-5',
        '2024-03-15T09:05:00.000Z',
        { userId: 'user-alice', email: 'alice@example.com' },
        {
          slug: 'sketch',
          readAt: '2024-03-15T09:05:30Z'
        }
      )
    ]
    const answer = await send('trackEvent', batch)

    expect(answer.status).toBe(200)
    expect(failureOf(answer)).toBeUndefined()
    // What the emulator answered: the whole body refused for record 1's type, then the rest taken, some failed.
    const exchanges = exchangesOf(answer)
    expect(exchanges.map((exchange) => exchange.request.url)).toEqual([
      `${emulator.url}/api/events/trackBulk`,
      `${emulator.url}/api/events/trackBulk`
    ])
    expect(exchanges[0].request.body.events.map((event: any) => event.id)).toEqual([
      'e2e-batch-0',
      'e2e-batch-1',
      'e2e-batch-2',
      'e2e-batch-3',
      'e2e-batch-4',
      'e2e-batch-5'
    ])
    expect(exchanges[0].response).toMatchObject({
      statusCode: 400,
      body: {
        code: 'RequestFieldsTypesMismatched',
        params: { validationErrors: { duration: { expectedType: 'long', offendingValue: 'two minutes' } } }
      }
    })
    expect(exchanges[1].request.body.events.map((event: any) => event.id)).toEqual([
      'e2e-batch-0',
      'e2e-batch-2',
      'e2e-batch-3',
      'e2e-batch-4',
      'e2e-batch-5'
    ])
    expect(exchanges[1].response).toMatchObject({ statusCode: 200 })
    expect(exchanges[1].response.body).toMatchObject({
      successCount: 2,
      failCount: 3,
      disallowedEventNames: ['Spam Detected'],
      failedUpdates: {
        invalidEmails: ['erin@example.c0m'],
        invalidUserIds: [],
        notFoundEmails: [],
        notFoundUserIds: ['user-ghost'],
        forgottenEmails: [],
        forgottenUserIds: []
      }
    })

    const multistatus = multistatusOf(answer)
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 400, 404, 400, 200])
    expect(multistatus[0].sent).toMatchObject({ id: 'e2e-batch-0', eventName: 'Video Watched' })
    expect(multistatus[1].errormessage).toMatch(/RequestFieldsTypesMismatched/)
    expect(multistatus[1].errormessage).toMatch(/duration/)
    expect(multistatus[2].errormessage).toMatch(/disallowedEventNames/)
    expect(multistatus[3].errormessage).toMatch(/notFoundUserIds/)
    expect(multistatus[4].errormessage).toMatch(/invalidEmails/)
    expect(multistatus[5].sent).toMatchObject({ id: 'e2e-batch-5', eventName: 'Article Read' })
    for (const index of [1, 2, 3, 4]) expect(multistatus[index].errortype).not.toBe('PAYLOAD_VALIDATION_FAILED')

    // The accepted events are stored; nothing of the rejected ones is.
    expect(await eventsByEmail('bob@example.com')).toEqual([
      {
        _id: 'e2e-batch-0',
        eventType: 'customEvent',
        eventName: 'Video Watched',
        email: 'bob@example.com',
        userId: 'user-bob',
        createdAt: '2024-03-15 09:00:00 +00:00',
        dataFields: { title: 'Setup', duration: 95 }
      }
    ])
    const alice = await eventsByUserId('user-alice')
    expect(alice.map((event) => [event._id, event.eventName])).toEqual([
      ['e2e-batch-5', 'Article Read'],
      ['e2e-video-1', 'Video Watched']
    ])
    expect(alice[0].dataFields).toEqual({ slug: 'sketch', readAt: '2024-03-15 09:05:30 +00:00' })
    for (const email of ['carol@example.com', 'dave@example.com']) {
      expect(await userByEmail(email)).toEqual({})
      expect(await eventsByEmail(email)).toEqual([])
    }
    // Iterable refuses to read a malformed address (400 InvalidEmailAddressError): the store says it holds nothing.
    expect(emulator.store.findByEmail('erin@example.c0m')).toBeUndefined()
    // Iterable answers a read of an unknown userId with a 400: the store says it holds no such user.
    expect(emulator.store.findByUserId('user-ghost')).toBeUndefined()
    const stored = [...emulator.store.events.values()].map((event) => event.id).sort()
    expect(stored).toEqual(['e2e-batch-0', 'e2e-batch-5', 'e2e-video-1'])
  })

  it('fails only the record the emulator named when another event name has a field of the same name', async () => {
    // Event field types are fixed per event name: "duration" is a number for "Lesson Completed" only.
    await send(
      'trackEvent',
      track(
        'Lesson Completed',
        'e2e-lesson-1',
        '2024-03-16T08:00:00.000Z',
        { email: 'alice@example.com' },
        {
          duration: 300
        }
      )
    )
    const answer = await send('trackEvent', [
      // 0: refused by the emulator, for its type.
      track(
        'Lesson Completed',
        'e2e-scope-0',
        '2024-03-16T09:00:00.000Z',
        { email: 'bob@example.com' },
        {
          duration: 'five minutes'
        }
      ),
      // 1: the first "duration" of "Podcast Played": a string is its type, and the emulator takes it.
      track(
        'Podcast Played',
        'e2e-scope-1',
        '2024-03-16T09:01:00.000Z',
        { email: 'carol@example.com' },
        {
          duration: 'about an hour'
        }
      ),
      // 2: accepted.
      track(
        'Lesson Completed',
        'e2e-scope-2',
        '2024-03-16T09:02:00.000Z',
        { email: 'dave@example.com' },
        {
          duration: 240
        }
      )
    ])

    const [refusal] = exchangesOf(answer)
    expect(refusal.response.body).toMatchObject({
      code: 'RequestFieldsTypesMismatched',
      params: { validationErrors: { duration: { offendingValue: 'five minutes', category: 'event' } } }
    })
    expect(multistatusOf(answer).map((entry) => entry.status)).toEqual([400, 200, 200])
    expect((await eventsByEmail('carol@example.com')).map((event) => event._id)).toEqual(['e2e-scope-1'])
    expect((await eventsByEmail('dave@example.com')).map((event) => event._id)).toEqual(['e2e-scope-2'])
  })
})

describe('an updateUser batch (Update Only) with records the emulator rejects', () => {
  beforeAll(() => emulator.reset())

  it('answers per-event statuses that match what the emulator rejected; the accepted updates are readable', async () => {
    // Two known users; "age" is fixed as a number by the first.
    for (const [messageId, userId, traits] of [
      ['e2e-identify-alice', 'user-alice', { email: 'alice@example.com', name: 'Alice', plan: 'pro', age: 36 }],
      ['e2e-identify-bob', 'user-bob', { email: 'bob@example.com', name: 'Bob', plan: 'free', age: 39 }]
    ] as const) {
      const answer = await send('updateUser', identify(messageId, userId, traits))
      expect(exchangesOf(answer)[0].response.statusCode).toBe(200)
    }

    const batch = [
      // 0: accepted.
      identify('e2e-users-0', 'user-alice', { email: 'alice@example.com', plan: 'enterprise' }),
      // 1: "age" as a string: RequestFieldsTypesMismatched.
      identify('e2e-users-1', 'user-bob', { email: 'bob@example.com', plan: 'pro', age: 'thirty-nine' }),
      // 2: Update Only, and no user has this email.
      identify('e2e-users-2', 'user-newbie', { email: 'newbie@example.com', plan: 'free' }),
      // 3: Update Only, a userId alone that no user has.
      identify('e2e-users-3', 'user-ghost', { plan: 'free' }),
      // 4: refused by the destination itself (the email field's format): never sent.
      identify('e2e-users-4', 'user-mallory', { email: 'not-an-email', plan: 'free' }),
      // 5: an email Segment's format accepts and Iterable does not.
      identify('e2e-users-5', 'user-frank', { email: 'frank@example.c0m', plan: 'free' })
    ]
    const answer = await send('updateUser', batch, { mapping: { updateOnly: true } })

    expect(answer.status).toBe(200)
    expect(failureOf(answer)).toBeUndefined()
    const exchanges = exchangesOf(answer)
    expect(exchanges.map((exchange) => exchange.request.url)).toEqual([
      `${emulator.url}/api/users/bulkUpdate`,
      `${emulator.url}/api/users/bulkUpdate`
    ])
    expect(exchanges[0].request.body.updateOnly).toBe(true)
    expect(exchanges[0].request.body.users.map((user: any) => user.userId)).toEqual([
      'user-alice',
      'user-bob',
      'user-newbie',
      'user-ghost',
      'user-frank'
    ])
    expect(exchanges[0].response).toMatchObject({
      statusCode: 400,
      body: {
        code: 'RequestFieldsTypesMismatched',
        params: { validationErrors: { age: { expectedType: 'long', offendingValue: 'thirty-nine' } } }
      }
    })
    expect(exchanges[1].request.body).toMatchObject({ updateOnly: true })
    expect(exchanges[1].request.body.users.map((user: any) => user.userId)).toEqual([
      'user-alice',
      'user-newbie',
      'user-ghost',
      'user-frank'
    ])
    expect(exchanges[1].response).toMatchObject({ statusCode: 200 })
    expect(exchanges[1].response.body).toMatchObject({
      successCount: 1,
      failCount: 3,
      failedUpdates: {
        invalidEmails: ['frank@example.c0m'],
        invalidUserIds: [],
        notFoundEmails: ['newbie@example.com'],
        notFoundUserIds: ['user-ghost'],
        forgottenEmails: [],
        forgottenUserIds: [],
        conflictEmails: [],
        conflictUserIds: [],
        invalidDataEmails: [],
        invalidDataUserIds: []
      }
    })

    const multistatus = multistatusOf(answer)
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 404, 404, 400, 400])
    expect(multistatus[0].sent).toMatchObject({ email: 'alice@example.com', userId: 'user-alice' })
    expect(multistatus[1].errormessage).toMatch(/RequestFieldsTypesMismatched/)
    expect(multistatus[1].errormessage).toMatch(/age/)
    expect(multistatus[2].errormessage).toMatch(/notFoundEmails/)
    expect(multistatus[3].errormessage).toMatch(/notFoundUserIds/)
    expect(multistatus[4]).toMatchObject({ errortype: 'PAYLOAD_VALIDATION_FAILED' })
    expect(multistatus[4].sent).toBeUndefined()
    expect(multistatus[5].errormessage).toMatch(/invalidEmails/)

    // The accepted update is stored; nothing of the rejected ones is.
    expect((await userByEmail('alice@example.com')).user.dataFields).toMatchObject({ plan: 'enterprise', age: 36 })
    expect((await userByUserId('user-bob')).user.dataFields).toMatchObject({ plan: 'free', age: 39 })
    expect(await userByEmail('newbie@example.com')).toEqual({})
    expect(emulator.store.findByEmail('frank@example.c0m')).toBeUndefined()
    for (const userId of ['user-newbie', 'user-ghost', 'user-mallory', 'user-frank']) {
      expect(emulator.store.findByUserId(userId)).toBeUndefined()
    }
    expect(emulator.store.users.size).toBe(2)
  })
})

describe('the API key', () => {
  it('is refused by the emulator when wrong (401 BadApiKey), and serve says so without showing either key', async () => {
    const wrongKey = 'e2e-wrong-key-0b5d3e8c'
    const answer = await send('updateUser', identify('e2e-wrong-key', 'user-x', { email: 'x@example.com' }), {
      settings: { apiKey: wrongKey }
    })
    const [{ request, response }] = exchangesOf(answer)
    expect(request.headers['api-key']).toBe('<redacted>')
    expect(response).toMatchObject({ statusCode: 401, body: { code: 'BadApiKey' } })
    expect(failureOf(answer)).toMatchObject({ statusCode: 401, requestError: true })
    expect(JSON.stringify(answer.json)).not.toContain(wrongKey)
    expect(await userByEmail('x@example.com')).toEqual({})
  })

  it('never appears in any of serve’s answers or log lines, and every exchange shows Api-Key as <redacted>', () => {
    expect(rawAnswers.length).toBeGreaterThanOrEqual(15)
    for (const raw of rawAnswers) expect(raw).not.toContain(API_KEY)
    for (const line of serveLog) expect(line).not.toContain(API_KEY)
    const exchanges = rawAnswers.flatMap((raw) => exchangesOf({ status: 200, json: JSON.parse(raw) }))
    expect(exchanges.length).toBeGreaterThanOrEqual(15)
    for (const exchange of exchanges) {
      expect(exchange.request.url.startsWith(`${emulator.url}/api/`)).toBe(true)
      expect(exchange.request.headers['api-key']).toBe('<redacted>')
    }
  })
})
