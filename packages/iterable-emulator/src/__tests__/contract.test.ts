import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import iterable from '../../../destination-actions/src/destinations/iterable'
import type { Settings } from '../../../destination-actions/src/destinations/iterable/generated-types'
import type { Payload as UpdateUserPayload } from '../../../destination-actions/src/destinations/iterable/updateUser/generated-types'
import type { Payload as TrackEventPayload } from '../../../destination-actions/src/destinations/iterable/trackEvent/generated-types'
import type { Payload as TrackPagePayload } from '../../../destination-actions/src/destinations/iterable/trackPage/generated-types'
import type { Payload as TrackPurchasePayload } from '../../../destination-actions/src/destinations/iterable/trackPurchase/generated-types'
import type { Payload as UpdateCartPayload } from '../../../destination-actions/src/destinations/iterable/updateCart/generated-types'
import { describeWithSpec, loadSpec, requestDefinition, specValidators, useEmulator } from './helpers'
import { iterableSchemaErrors } from './iterable/zod-schemas'

// Contract tests: the request bodies the destination sends (read from the wire, for realistic mapped payloads)
// must be what Iterable documents. Checked against the request schemas of Iterable's own client (`@iterable/api`, in
// every clone); against Iterable's Swagger spec for the commerce bodies, which the client has no schemas for, where
// this checkout has the spec (skipped otherwise); and sent to the emulator.

const settings: Settings = { apiKey: 'contract-test-key' }

const user: UpdateUserPayload = {
  email: 'ada@example.com',
  userId: 'user-1815',
  dataFields: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    plan: 'premium',
    createdAt: '2023-12-10T08:15:00+01:00',
    birthday: '1815-12-10',
    address: { city: 'London', country: 'UK' },
    interests: ['mathematics', 'poetry']
  },
  phoneNumber: '+441632960961',
  mergeNestedObjects: true,
  enable_batching: true,
  batch_size: 1001
}
const userIdOnly: UpdateUserPayload = { userId: 'user-1816', preferUserId: true, dataFields: { plan: 'basic' } }
const renamedUser: UpdateUserPayload = { ...user, email: 'ada.l@example.com', newEmail: 'ada@analytical.example' }

const event: TrackEventPayload = {
  email: 'ada@example.com',
  userId: 'user-1815',
  eventName: 'Article Bookmarked',
  dataFields: { title: 'Notes on the Analytical Engine', published: '1842-10-01T00:00:00Z', pages: 65 },
  id: 'msg-track-1',
  createdAt: '2024-03-14T09:26:53.589Z',
  campaignId: 1234,
  templateId: 5678,
  enable_batching: true,
  batch_size: 1001
}
const page: TrackPagePayload = {
  userId: 'user-1815',
  email: 'ada@example.com',
  eventType: 'page',
  name: 'shoppingCart',
  category: 'Shop',
  dataFields: { path: '/cart', url: 'https://shop.example.com/cart', title: 'Your cart' },
  id: 'msg-page-1',
  createdAt: '2024-03-14T09:26:53.589Z'
}
const screen: TrackPagePayload = { userId: 'user-1815', eventType: 'screen', name: 'Home', id: 'msg-screen-1' }

const products = [
  {
    id: 'sku-1',
    sku: 'G-32',
    name: 'Monopoly: 3rd Edition',
    price: 18.99,
    quantity: 1,
    categories: 'Games',
    url: 'https://shop.example.com/monopoly',
    imageUrl: 'https://shop.example.com/monopoly.png',
    brand: 'Hasbro',
    released: '1935-11-05T00:00:00Z'
  },
  { id: 'sku-2', sku: 'F-15', name: 'Uno Card Game', price: 3.5, quantity: 2, categories: 'Games' }
]
const commerceUser = {
  email: 'ada@example.com',
  userId: 'user-1815',
  dataFields: { firstName: 'Ada', lastName: 'Lovelace' },
  phoneNumber: '+441632960961'
}
const purchase: TrackPurchasePayload = {
  id: 'order-50314b8e',
  user: commerceUser,
  dataFields: { order_id: 'order-50314b8e', coupon: 'hasbros', currency: 'USD', products },
  items: products,
  total: 25.99,
  createdAt: '2024-03-14T09:26:53.589Z',
  campaignId: 1234
}
const cart: UpdateCartPayload = { user: commerceUser, items: products }

/** What the destination sends for `payloads` (mapped payloads, given as literal mappings), read from the wire. */
async function sentBodies(action: string, payloads: object[], batch = false): Promise<unknown[]> {
  nock('https://api.iterable.com').persist().post(/.*/).reply(200, {})
  const destination = createTestIntegration(iterable)
  // Each event carries its payload; the mapping reads every key of it, so one mapping serves different payloads.
  const keys = [...new Set(payloads.flatMap((payload) => Object.keys(payload)))]
  const mapping = Object.fromEntries(keys.map((key) => [key, { '@path': `$.properties.payload.${key}` }]))
  const events = payloads.map((payload) => createTestEvent({ properties: { payload: payload as never } }))
  const responses = batch
    ? await destination.testBatchAction(action, { events, mapping, settings })
    : await destination.testAction(action, { event: events[0], mapping, settings })
  nock.cleanAll()
  return responses.map(({ options }) => options.json ?? JSON.parse(String(options.body)))
}

/** Every body the destination sends, with the endpoint it goes to. */
const CASES: { name: string; endpoint: string; send: () => Promise<unknown[]> }[] = [
  { name: 'updateUser', endpoint: '/api/users/update', send: () => sentBodies('updateUser', [user]) },
  {
    name: 'updateUser, userId only',
    endpoint: '/api/users/update',
    send: () => sentBodies('updateUser', [userIdOnly])
  },
  {
    name: 'updateUser, batch',
    endpoint: '/api/users/bulkUpdate',
    send: () => sentBodies('updateUser', [user, userIdOnly, renamedUser], true)
  },
  {
    name: 'updateEmail',
    endpoint: '/api/users/updateEmail',
    send: () => sentBodies('updateEmail', [{ currentEmail: 'ada.l@example.com', newEmail: 'ada@analytical.example' }])
  },
  {
    name: 'updateEmail, by userId',
    endpoint: '/api/users/updateEmail',
    send: () => sentBodies('updateEmail', [{ currentUserId: 'user-1815', newEmail: 'ada@analytical.example' }])
  },
  { name: 'trackEvent', endpoint: '/api/events/track', send: () => sentBodies('trackEvent', [event]) },
  { name: 'trackPage, page', endpoint: '/api/events/track', send: () => sentBodies('trackPage', [page]) },
  { name: 'trackPage, screen', endpoint: '/api/events/track', send: () => sentBodies('trackPage', [screen]) },
  { name: 'trackEvent, batch', endpoint: '/api/events/trackBulk', send: () => sentBodies('trackEvent', [event], true) },
  {
    name: 'trackPage, batch',
    endpoint: '/api/events/trackBulk',
    send: () => sentBodies('trackPage', [page, screen], true)
  },
  {
    name: 'trackPurchase',
    endpoint: '/api/commerce/trackPurchase',
    send: () => sentBodies('trackPurchase', [purchase])
  },
  { name: 'updateCart', endpoint: '/api/commerce/updateCart', send: () => sentBodies('updateCart', [cart]) },
  {
    name: 'updateCart, empty cart',
    endpoint: '/api/commerce/updateCart',
    send: () => sentBodies('updateCart', [{ ...cart, items: [] }])
  }
]

// The batch path adds `updateOnly` beside the users when the mapping asks for it (updateUser's bodyExtras).
const sendUpdateOnlyBatch = () => sentBodies('updateUser', [{ ...user, updateOnly: true }], true)

/** The zod schema `@iterable/api` checks each endpoint's request with; it has none for commerce. */
const CLIENT_SCHEMAS: Record<string, string> = {
  '/api/users/update': 'UpdateUserParamsSchema',
  '/api/users/bulkUpdate': 'BulkUpdateUsersParamsSchema',
  '/api/users/updateEmail': 'UpdateEmailParamsSchema',
  '/api/events/track': 'TrackEventParamsSchema',
  '/api/events/trackBulk': 'TrackBulkEventsParamsSchema'
}
const CLIENT_CASES = CASES.filter(({ endpoint }) => endpoint in CLIENT_SCHEMAS)
/**
 * The records of bulk bodies, checked against the client's schema of the single request, strictly: the client's
 * bulk schemas list a record's keys in part only (its bulk user has no `preferUserId`), and Iterable's spec documents a
 * trackBulk event as the track body (TrackRequest) and a bulkUpdate user as the users/update body without
 * createNewFields (OptionalApiUser), which no record carries.
 */
const CLIENT_RECORD_SCHEMAS: Record<string, { list: string; schema: string }> = {
  '/api/users/bulkUpdate': { list: 'users', schema: 'UpdateUserParamsSchema' },
  '/api/events/trackBulk': { list: 'events', schema: 'TrackEventParamsSchema' }
}
/** What only Iterable's Swagger spec checks: the commerce bodies, which the client has no schemas for. */
const SPEC_CASES = CASES.filter(({ endpoint }) => !(endpoint in CLIENT_SCHEMAS))

describe("the destination's request bodies against @iterable/api's request schemas", () => {
  // Each case's body, checked loosely and strictly, and the records of a bulk body strictly, in one node process (the
  // package is ESM only: see iterable/zod-schemas.ts).
  let results: { loose: string[]; strict: string[]; records: string[] }[] = []
  let recordCounts: number[] = []
  beforeAll(async () => {
    const bodies: unknown[] = []
    for (const { send } of CLIENT_CASES) bodies.push(...(await send()))
    expect(bodies).toHaveLength(CLIENT_CASES.length)
    const recordsOf = (endpoint: string, body: unknown) => {
      const records = CLIENT_RECORD_SCHEMAS[endpoint]
      return records ? (body as Record<string, unknown[]>)[records.list] ?? [] : []
    }
    const checks = CLIENT_CASES.map(({ endpoint }, index) => [
      { schema: CLIENT_SCHEMAS[endpoint], value: bodies[index] },
      { schema: CLIENT_SCHEMAS[endpoint], value: bodies[index], strict: true },
      ...recordsOf(endpoint, bodies[index]).map((record) => ({
        schema: CLIENT_RECORD_SCHEMAS[endpoint].schema,
        value: record,
        strict: true
      }))
    ])
    recordCounts = CLIENT_CASES.map(({ endpoint }, index) => recordsOf(endpoint, bodies[index]).length)
    const errors = iterableSchemaErrors(checks.flat())
    let next = 0
    results = checks.map((caseChecks) => {
      const [loose, strict, ...records] = errors.slice(next, (next += caseChecks.length))
      return { loose, strict, records: records.flat() }
    })
  })

  it('covers every case but the commerce ones, and the records of each bulk body', () => {
    expect(CLIENT_CASES.map(({ name }) => name)).toEqual(
      CASES.filter(({ endpoint }) => !endpoint.includes('/commerce/')).map(({ name }) => name)
    )
    expect(SPEC_CASES.map(({ name }) => name)).toEqual(['trackPurchase', 'updateCart', 'updateCart, empty cart'])
    const bulkCases = CLIENT_CASES.flatMap(({ name, endpoint }, index) =>
      endpoint in CLIENT_RECORD_SCHEMAS ? [[name, recordCounts[index]]] : []
    )
    expect(bulkCases).toEqual([
      ['updateUser, batch', 3],
      ['trackEvent, batch', 1],
      ['trackPage, batch', 2]
    ])
  })

  it.each(CLIENT_CASES.map(({ name }, index) => ({ name, index })))(
    '$name conforms to the client schema and sends only keys it lists',
    ({ index }) => {
      expect(results[index]).toEqual({ loose: [], strict: [], records: [] })
    }
  )

  it('a batch with updateOnly sends one top-level key BulkUpdateUsersParamsSchema does not list: updateOnly', async () => {
    const [body] = await sendUpdateOnlyBatch()
    const [loose, strict] = iterableSchemaErrors([
      { schema: 'BulkUpdateUsersParamsSchema', value: body },
      { schema: 'BulkUpdateUsersParamsSchema', value: body, strict: true }
    ])
    expect({ loose, strict }).toEqual({ loose: [], strict: ['/: Unrecognized key: "updateOnly"'] })
  })

  it('would notice a body that breaks the contract', () => {
    const [missingName, badDate, extraKey] = iterableSchemaErrors([
      { schema: 'TrackEventParamsSchema', value: { email: 'ada@example.com' } },
      {
        schema: 'TrackEventParamsSchema',
        value: { email: 'ada@example.com', eventName: 'A', createdAt: '2024-03-14' }
      },
      { schema: 'UpdateUserParamsSchema', value: { email: 'ada@example.com', enable_batching: true }, strict: true }
    ])
    expect(missingName).not.toEqual([])
    expect(badDate).not.toEqual([])
    expect(extraKey).toEqual(['/: Unrecognized key: "enable_batching"'])
  })
})

const spec = loadSpec('Contract tests of commerce bodies against the Swagger spec')

describeWithSpec(spec)("the destination's commerce bodies against Iterable's Swagger spec", () => {
  const validators = spec && { loose: specValidators(spec), strict: specValidators(spec, { strict: true }) }
  /** The spec's complaints about a body sent to `endpoint`; `strict`: any key it does not document, in records too. */
  const errors = (strictness: 'loose' | 'strict', endpoint: string, body: unknown) => {
    if (!spec || !validators) throw new Error('These tests run only with the spec')
    return validators[strictness](requestDefinition(spec, endpoint), body)
  }

  it('finds the request definition of each endpoint in the spec', () => {
    const endpoints = [
      '/api/users/update',
      '/api/users/bulkUpdate',
      '/api/users/updateEmail',
      '/api/events/track',
      '/api/events/trackBulk',
      '/api/commerce/trackPurchase',
      '/api/commerce/updateCart'
    ]
    expect(
      Object.fromEntries(endpoints.map((endpoint) => [endpoint, spec && requestDefinition(spec, endpoint)]))
    ).toEqual({
      '/api/users/update': 'ApiUserUpdateRequest',
      '/api/users/bulkUpdate': 'BulkUpdateUsersRequest',
      '/api/users/updateEmail': 'UpdateEmailRequest',
      '/api/events/track': 'TrackRequest',
      '/api/events/trackBulk': 'BulkTrackRequest',
      '/api/commerce/trackPurchase': 'TrackPurchaseRequest',
      '/api/commerce/updateCart': 'UpdateCartRequest'
    })
  })

  it.each(SPEC_CASES)(
    '$name conforms to its definition and sends only keys the spec documents',
    async ({ endpoint, send }) => {
      const bodies = await send()
      expect(bodies).toHaveLength(1)
      expect(errors('loose', endpoint, bodies[0])).toEqual([])
      expect(errors('strict', endpoint, bodies[0])).toEqual([])
    }
  )

  it('would notice a body that breaks the contract, or a key the spec does not document', () => {
    expect(errors('loose', '/api/commerce/updateCart', { user: { email: 'ada@example.com' } })).not.toEqual([])
    const item = { id: 'sku-1', name: 'Uno', price: 3, quantity: 1, enable_batching: true }
    expect(
      errors('strict', '/api/commerce/updateCart', { user: { email: 'ada@example.com' }, items: [item] })
    ).not.toEqual([])
  })
})

describe("the destination's request bodies against the emulator", () => {
  const client = useEmulator()

  it.each(CASES)('$name is accepted', async ({ endpoint, send }) => {
    const [body] = await send()
    if (
      endpoint === '/api/users/updateEmail' ||
      endpoint.startsWith('/api/events/') ||
      endpoint.includes('/commerce/')
    ) {
      // Those need the user to exist, or a userId the project knows.
      await client.post('/api/users/update', { email: 'ada.l@example.com', userId: 'user-1815' })
    }
    const reply = await client.post(endpoint, body)
    expect(reply.status).toBe(200)
    if (reply.body.code !== undefined) expect(reply.body.code).toBe('Success')
    else expect(reply.body).toMatchObject({ failCount: 0 })
  })

  it('an updateOnly batch is accepted, unknown users reported as not found', async () => {
    const [body] = await sendUpdateOnlyBatch()
    const reply = await client.post('/api/users/bulkUpdate', body)
    expect(reply.body).toMatchObject({
      successCount: 0,
      failCount: 1,
      failedUpdates: { notFoundEmails: ['ada@example.com'] }
    })
  })
})
