import nock from 'nock'
import { deserialize, serialize } from 'v8'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import destination from '../../index'
import type { Settings } from '../../generated-types'

// What the Iterable destination's tests share: hosts and paths, Iterable's answers, settings, the test harness, the
// events the actions are fed and the expectations every test repeats. Not a test suite itself (Jest runs *.test.ts).
// URLs and paths are spelled out rather than imported from the code under test, so that a wrong one fails the tests.

// ---------------------------------------------------------------------------------------------------------------
// Where requests go.

export const US = 'https://api.iterable.com'
export const EU = 'https://api.eu.iterable.com'

export const UPDATE_USER_PATH = '/api/users/update'
export const UPDATE_EMAIL_PATH = '/api/users/updateEmail'
export const BULK_UPDATE = '/api/users/bulkUpdate'
export const TRACK_PATH = '/api/events/track'
export const TRACK_BULK = '/api/events/trackBulk'
export const PURCHASE_PATH = '/api/commerce/trackPurchase'
export const CART_PATH = '/api/commerce/updateCart'
export const WEBHOOKS_PATH = '/api/webhooks'

// ---------------------------------------------------------------------------------------------------------------
// Settings and API keys.

export const API_KEY = 'test-api-key'
export const settings: Settings = { apiKey: API_KEY }
export const EUROPE: Settings = { ...settings, dataCenterLocation: 'europe' }
export const UNITED_STATES: Settings = { ...settings, dataCenterLocation: 'united_states' }

/** A key that must never show in an error message, even when Iterable or the network echoes it. */
export const SECRET_API_KEY = 'sk_SECRET_abc123'

// ---------------------------------------------------------------------------------------------------------------
// Iterable's answers.

export const SUCCESS = { msg: '', code: 'Success', params: null }
export const BAD_API_KEY = { msg: 'Invalid API key', code: 'BadApiKey', params: null }
export const INVALID_EMAIL = { msg: 'Invalid email', code: 'InvalidEmailAddressError', params: null }
export const EMAIL_EXISTS = { msg: 'Email already exists', code: 'EmailAlreadyExists', params: null }
export const RATE_LIMITED = { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null }
export const GENERIC_ERROR = { msg: 'An unexpected error occurred', code: 'GenericError', params: null }
export const HTML_502 =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'

// ---------------------------------------------------------------------------------------------------------------
// The harness.

export const newTestDestination = () => createTestIntegration(destination)
export type TestDestination = ReturnType<typeof newTestDestination>

/**
 * A test destination that is a new harness in every test: the harness keeps the responses of a failed run (and its
 * `results`) for the next call, so one harness shared across tests lets a test see another's leftovers.
 * Call it where `beforeEach` may be called: at the top of a file or in a `describe` block.
 */
export function freshTestDestination(): TestDestination {
  let current = newTestDestination()
  beforeEach(() => {
    current = newTestDestination()
  })
  return new Proxy({} as TestDestination, {
    get(_target, property) {
      const value = Reflect.get(current, property, current)
      return typeof value === 'function' ? value.bind(current) : value
    }
  })
}

type RunOptions = Omit<Parameters<TestDestination['testAction']>[1], 'event'>

/**
 * Runs one action on a fresh harness per test, with the default mappings and `settings` unless the options say
 * otherwise (`mapping` adds to the default mappings).
 */
export function actionRunner(action: string) {
  const testDestination = freshTestDestination()
  return (event: Partial<SegmentEvent>, options: RunOptions = {}) =>
    testDestination.testAction(action, { event, settings, useDefaultMappings: true, ...options })
}

export type Run = ReturnType<typeof actionRunner>

/**
 * `run` for the action, and `bodySent`: runs the action with Iterable answering success on `path`, and gives the body
 * of the first request sent, parsed from its JSON as Iterable receives it, for the tests that look at the body only.
 */
export function actionUnderTest(action: string, path: string) {
  const run = actionRunner(action)
  const bodySent = async (event: Partial<SegmentEvent>, options: RunOptions = {}) => {
    acceptPost(path)
    const responses = await run(event, options)
    return JSON.parse(await responses[0].request.text())
  }
  return { run, bodySent }
}

/**
 * The two tests of where the action's request goes, with the default mappings: to the US host with the Api-Key
 * header (`title`), and to the EU host when the data center is Europe. Both want exactly `body`.
 */
export function itSendsTheRequest(
  title: string,
  options: { run: Run; path: string; event: () => Partial<SegmentEvent>; body: nock.DataMatcherMap }
) {
  const { run, path, event, body } = options

  it(title, async () => {
    const scope = acceptPost(path, { apiKey: API_KEY, body })

    const responses = await run(event())

    expect(scope.isDone()).toBe(true)
    expectOnePost(responses, `${US}${path}`)
    expect(sentBody(responses[0])).toEqual(body)
  })

  it('sends the request to api.eu.iterable.com when the data center is Europe', async () => {
    const scope = acceptPost(path, { base: EU, body })

    const responses = await run(event(), { settings: EUROPE })

    expect(scope.isDone()).toBe(true)
    expect(responses[0].url).toBe(`${EU}${path}`)
    expect(responses[0].options.method).toBe('POST')
    expect(sentBody(responses[0])).toEqual(body)
  })
}

/** `value`, which the test needs to be there: fails the test, naming `what`, when it is not. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing`)
  return value
}

/** The JSON body of a captured request, as Iterable receives it (the destination sends its bodies as JSON text). */
export const sentBody = (response: { options: { body?: unknown } }): any => JSON.parse(String(response.options.body))

/** The error a promise rejects with; fails the test when it resolves instead. */
export const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected the action to fail, but it succeeded')
    },
    (error: Error) => error
  )

// ---------------------------------------------------------------------------------------------------------------
// Iterable's side of a request.

/**
 * Answers one POST to `path` with Iterable's success answer; only a request with `body` (when given) and the
 * Api-Key header `apiKey` (when given) matches.
 */
export function acceptPost(
  path: string | RegExp,
  options: { base?: string; body?: nock.RequestBodyMatcher; apiKey?: string } = {}
): nock.Scope {
  const scope = nock(options.base ?? US, options.apiKey ? { reqheaders: { 'api-key': options.apiKey } } : {})
  return scope.post(path, options.body).reply(200, SUCCESS)
}

/** Says that the interceptor was never used: the action sent nothing. */
export function expectNothingSent(scope: nock.Scope) {
  expect(scope.isDone()).toBe(false)
}

/** The Api-Key header of a captured request (the harness hands over a Headers object). */
export const apiKeyHeader = (response: { options: { headers?: unknown } }) =>
  (response.options.headers as Headers).get('api-key')

/** Says that the run sent exactly one POST, to `url`, with the Api-Key header, and that Iterable answered 200. */
export function expectOnePost(
  responses: { status: number; url: string; options: { method?: string; headers?: unknown } }[],
  url: string,
  apiKey = API_KEY
) {
  expect(responses).toHaveLength(1)
  expect(responses[0].status).toBe(200)
  expect(responses[0].url).toBe(url)
  expect(responses[0].options.method).toBe('POST')
  expect(apiKeyHeader(responses[0])).toBe(apiKey)
}

// ---------------------------------------------------------------------------------------------------------------
// Times.

/** 2023-02-05T20:42:10Z, the time of most single-event tests. */
export const TIMESTAMP = '2023-02-05T20:42:10.000Z'
/** The same second with milliseconds, which createdAt drops. */
export const TIMESTAMP_WITH_MS = '2023-02-05T20:42:10.123Z'
export const TIMESTAMP_UNIX_SECONDS = 1675629730

/** The time of the batch and preset tests. */
export const BATCH_TIMESTAMP = '2024-03-01T12:00:00.000Z'
export const BATCH_TIMESTAMP_SECONDS = 1709294400

/** How an event arrives at Segment, for the realistic events of the snapshot tests. */
export const AS_DELIVERED = {
  receivedAt: '2023-02-05T20:42:11.000Z',
  sentAt: '2023-02-05T20:42:10.500Z',
  anonymousId: 'anon-5c1a'
}

// ---------------------------------------------------------------------------------------------------------------
// Events of the single-event actions.

/** An identify call of Jane Doe (updateUser). */
export const identify = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'identify',
    messageId: 'msg-identify-1',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    traits: {
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      plan: 'premium'
    },
    ...overrides
  })

/** A track call "Product Viewed" (trackEvent). */
export const productViewed = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Product Viewed',
    messageId: 'msg-track-1',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    properties: {
      email: 'jane.doe@example.com',
      product_id: 'sku-42',
      name: 'Trail Shoe',
      price: 89.5
    },
    ...overrides
  })

/** A track call "Email Updated" (updateEmail). */
export const emailUpdated = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Email Updated',
    messageId: 'msg-email-updated-1',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    properties: {
      previous_email: 'jane.old@example.com',
      new_email: 'jane.new@example.com',
      source: 'account settings'
    },
    ...overrides
  })

// Page and screen calls (trackPage).

export type PageKind = 'page' | 'screen'

export const PAGE_MESSAGE_ID = 'page-msg-0001'

/** Page properties as analytics.js sends them; screens carry app-flavoured properties instead. */
export const basePropertiesFor = (kind: PageKind): Record<string, unknown> =>
  kind === 'page'
    ? {
        path: '/cart',
        referrer: 'https://www.example.com/products/monopoly',
        search: '',
        title: 'Your Cart',
        url: 'https://www.example.com/cart'
      }
    : { appVersion: '4.2.0', orientation: 'portrait' }

export interface PageIdentity {
  name?: string
  /** Top-level `event.category`, as analytics.page(category, name) sends it. */
  category?: string
  /** `properties.category`, as some libraries and screen calls send it. */
  propertiesCategory?: string
}

export function pageEvent(kind: PageKind, identity: PageIdentity, overrides: Partial<SegmentEvent> = {}): SegmentEvent {
  const properties = basePropertiesFor(kind)
  if (identity.propertiesCategory !== undefined) properties.category = identity.propertiesCategory
  const event: Partial<SegmentEvent> = {
    type: kind,
    messageId: PAGE_MESSAGE_ID,
    timestamp: TIMESTAMP_WITH_MS,
    userId: 'user1234',
    properties: properties as SegmentEvent['properties'],
    ...overrides
  }
  if (identity.name !== undefined) event.name = identity.name
  if (identity.category !== undefined) event.category = identity.category
  return createTestEvent(event)
}

// Commerce (trackPurchase, updateCart): products as Segment's ecommerce spec sends them, and the items Iterable gets.

export const MONOPOLY = {
  product_id: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  category: 'Games',
  url: 'https://www.example.com/product/path',
  image_url: 'https://www.example.com/product/path.jpg'
}

export const UNO = {
  product_id: '505bd76785ebb509fc183733',
  sku: '46493-32',
  name: 'Uno Card Game',
  price: 3,
  quantity: 2,
  category: 'Games'
}

export const MONOPOLY_ITEM = {
  id: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  categories: ['Games'],
  url: 'https://www.example.com/product/path',
  imageUrl: 'https://www.example.com/product/path.jpg',
  // An item always carries dataFields, empty when the product has no other keys, as upstream sends it.
  dataFields: {}
}

export const UNO_ITEM = {
  id: '505bd76785ebb509fc183733',
  sku: '46493-32',
  name: 'Uno Card Game',
  price: 3,
  quantity: 2,
  categories: ['Games'],
  dataFields: {}
}

/** The order of Segment's "Order Completed" spec example, without its products. */
export const ORDER_DATA_FIELDS = {
  checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
  order_id: '50314b8e9bcf000000000000',
  affiliation: 'Google Store',
  total: 27.5,
  subtotal: 22.5,
  revenue: 25.0,
  shipping: 3,
  tax: 2,
  discount: 2.5,
  coupon: 'hasbros',
  currency: 'USD'
}

/** Segment's "Order Completed" spec example. */
export const ORDER_PROPERTIES = { ...ORDER_DATA_FIELDS, products: [MONOPOLY, UNO] }

/** The buyer's traits, as the Order Completed events carry them in context.traits. */
export const BUYER_TRAITS = {
  email: 'jane.kim@example.com',
  firstName: 'Jane',
  lastName: 'Kim',
  phone: '+14158675309',
  createdAt: '2021-03-04T05:06:07Z'
}

/** Segment's "Order Completed" example as a track call (trackPurchase). */
export function orderCompleted(overrides: Partial<SegmentEvent> = {}): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event: 'Order Completed',
    messageId: 'order-msg-0001',
    timestamp: TIMESTAMP_WITH_MS,
    userId: 'user1234',
    context: { traits: { ...BUYER_TRAITS } },
    properties: deepCopy(ORDER_PROPERTIES),
    ...overrides
  })
}

/** The shopper's traits, as the cart events carry them in context.traits. */
export const SHOPPER_TRAITS = {
  email: 'jane.kim@example.com',
  firstName: 'Jane',
  phone: '+14158675309',
  lastCartAt: '2023-02-05T20:42:10.123-05:00'
}

/** A cart event such as "Product Added" (updateCart). */
export function cartEvent(event: string, properties: Record<string, unknown>, overrides: Partial<SegmentEvent> = {}) {
  return createTestEvent({
    type: 'track',
    event,
    messageId: 'cart-msg-0001',
    timestamp: TIMESTAMP_WITH_MS,
    userId: 'user1234',
    context: { traits: { ...SHOPPER_TRAITS } },
    properties: properties as SegmentEvent['properties'],
    ...overrides
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshot tests.

/** The name of an action's snapshot suite; the stored snapshots are keyed by it. */
export const snapshotSuite = (action: string) => `Testing snapshot for Iterable's ${action} destination action:`

// ---------------------------------------------------------------------------------------------------------------
// Batches.

export type Json = Record<string, any>

/** The size of a body in bytes, as Iterable counts it against its 4,000,000-byte limit. */
export const bodyBytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body), 'utf8')

/** Iterable's 400 for a body whose field has another type than the project's: one entry per field. */
export const typeMismatch = (validationErrors: Json) => ({
  msg: 'Project 10216: The request does not have the same data types as the existing fields in the project.',
  code: 'RequestFieldsTypesMismatched',
  params: { validationErrors }
})

// ---------------------------------------------------------------------------------------------------------------
// Inputs that must not change.

/** A deep copy through v8's serializer, which keeps Dates and undefined values. */
export const deepCopy = <T>(value: T): T => deserialize(serialize(value)) as T

/** Freezes every object and array, so that any write by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const nested of Object.values(value)) deepFreeze(nested)
    Object.freeze(value)
  }
  return value
}
