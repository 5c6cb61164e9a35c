// Iterable's own client, `@iterable/api`, against a running emulator: every call must succeed, which means the client
// accepted the answer against its zod schemas (it throws IterableResponseValidationError otherwise). The endpoints
// the client has no method for are called through its own HTTP instance and checked with its exported schemas.
//
// Run by `iterable-client.test.ts` with node's test runner (`node --test`), because the package is ESM only and Jest
// (ts-jest, CommonJS) cannot load it. Needs EMULATOR_URL and EMULATOR_API_KEY.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  CatalogItemWithPropertiesSchema,
  IterableApiError,
  IterableClient,
  IterableRawError,
  IterableErrorResponseSchema,
  IterableSuccessResponseSchema,
  UserResponseSchema
} from '@iterable/api'

const baseUrl = process.env.EMULATOR_URL
const apiKey = process.env.EMULATOR_API_KEY
if (!baseUrl || !apiKey) throw new Error('EMULATOR_URL and EMULATOR_API_KEY must be set')

let client
before(() => {
  client = new IterableClient({ apiKey, baseUrl })
})
after(() => client.destroy())

/** A call the client has no method for, through its own HTTP instance; the answer checked with one of its schemas. */
async function raw(method, path, body, schema = IterableSuccessResponseSchema) {
  const response = await client.client.request({ method, url: path, data: body })
  return schema.parse(response.data)
}

/** The client's error for a refused call: an IterableApiError (the answer matched Iterable's error shape). */
async function refused(call) {
  try {
    await call()
  } catch (error) {
    assert.ok(error instanceof IterableApiError, `expected IterableApiError, got ${error?.name}: ${error?.message}`)
    assert.ok(IterableErrorResponseSchema.safeParse(error.apiResponse).success)
    return error
  }
  assert.fail('the call was not refused')
}

describe('users', () => {
  it('updateUser, getUserByEmail, getUserByUserId', async () => {
    const updated = await client.updateUser({
      email: 'ada@example.com',
      userId: 'ada-1815',
      dataFields: { firstName: 'Ada', phoneNumber: '+5583999999939', address: { city: 'London' } }
    })
    assert.equal(updated.code, 'Success')
    const byEmail = await client.getUserByEmail({ email: 'ada@example.com' })
    assert.equal(byEmail.user.dataFields.firstName, 'Ada')
    assert.equal(byEmail.user.dataFields.itblInternal.regionCode, 'BR')
    const byUserId = await client.getUserByUserId({ userId: 'ada-1815' })
    assert.equal(byUserId.user.email, 'ada@example.com')
  })

  it('an unknown email reads as no user; an unknown userId is a plain-text 400, as Iterable answers', async () => {
    assert.deepEqual(await client.getUserByEmail({ email: 'nobody@example.com' }), {})
    await assert.rejects(client.getUserByUserId({ userId: 'nobody' }), (error) => {
      assert.ok(error instanceof IterableRawError, `expected IterableRawError, got ${error?.name}`)
      assert.equal(error.statusCode, 400)
      assert.equal(error.rawResponse, 'No user with that id exists!')
      return true
    })
  })

  it('a malformed email is an InvalidEmailAddressError', async () => {
    const error = await refused(() => client.getUserByEmail({ email: '000' }))
    assert.equal(error.code, 'InvalidEmailAddressError')
    assert.equal(error.statusCode, 400)
  })

  it('bulkUpdateUsers', async () => {
    const answer = await client.bulkUpdateUsers({
      users: [{ email: 'grace@example.com', dataFields: { plan: 'pro' } }, { email: 'not-an-email' }]
    })
    assert.equal(answer.successCount, 1)
    assert.equal(answer.failCount, 1)
    assert.deepEqual(answer.failedUpdates.invalidEmails, ['not-an-email'])
  })

  it('updateEmail moves the user; the old email no longer finds them', async () => {
    await client.updateUser({ email: 'old@example.com', dataFields: { plan: 'basic' } })
    assert.equal(
      (await client.updateEmail({ currentEmail: 'old@example.com', newEmail: 'new@example.com' })).code,
      'Success'
    )
    assert.deepEqual(await client.getUserByEmail({ email: 'old@example.com' }), {})
    assert.equal((await client.getUserByEmail({ email: 'new@example.com' })).user.dataFields.plan, 'basic')
  })

  it('getUserFields', async () => {
    const { fields } = await client.getUserFields()
    assert.equal(fields.email, 'string')
    assert.equal(fields.firstName, 'string')
    assert.equal(fields['address.city'], 'string')
  })

  it('updateUserSubscriptions, and bulkUpdateSubscriptions through the client', async () => {
    const answer = await client.updateUserSubscriptions({ email: 'ada@example.com', unsubscribedChannelIds: [7] })
    assert.equal(answer.code, 'Success')
    const bulk = await client.client.post('/api/users/bulkUpdateSubscriptions', {
      updateSubscriptionsRequests: [{ email: 'grace@example.com', unsubscribedMessageTypeIds: [3] }]
    })
    assert.deepEqual(bulk.data, {
      successCount: 1,
      failCount: 0,
      invalidEmails: [],
      invalidUserIds: [],
      validEmailFailures: [],
      validUserIdFailures: []
    })
    const { user } = await client.getUserByEmail({ email: 'ada@example.com' })
    assert.deepEqual(user.dataFields.unsubscribedChannelIds, [7])
  })

  it('registerDeviceToken and registerBrowserToken', async () => {
    await raw('post', '/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: {
        token: 'apns-token-1',
        platform: 'APNS',
        applicationName: 'com.example.app',
        dataFields: { appVersion: '2.1' }
      }
    })
    await raw('post', '/api/users/registerBrowserToken', { email: 'ada@example.com', browserToken: 'fcm-web-1' })
    const { user } = await raw('get', '/api/users/ada%40example.com', undefined, UserResponseSchema)
    assert.deepEqual(user.dataFields.devices, [
      {
        appVersion: '2.1',
        token: 'apns-token-1',
        platform: 'APNS',
        applicationName: 'com.example.app',
        endpointEnabled: true
      }
    ])
    assert.deepEqual(user.dataFields.browserTokens, ['fcm-web-1'])
  })

  it('deleteUserByEmail, deleteUserByUserId, forget', async () => {
    await client.updateUser({ email: 'leaving@example.com', userId: 'leaving-1' })
    assert.equal((await client.deleteUserByEmail({ email: 'leaving@example.com' })).code, 'Success')
    assert.deepEqual(await client.getUserByEmail({ email: 'leaving@example.com' }), {})
    await client.updateUser({ email: 'leaving2@example.com', userId: 'leaving-2' })
    assert.equal((await client.deleteUserByUserId({ userId: 'leaving-2' })).code, 'Success')
    await assert.rejects(client.getUserByUserId({ userId: 'leaving-2' }), IterableRawError)
    await client.updateUser({ email: 'forget-me@example.com' })
    await raw('post', '/api/users/forget', { email: 'forget-me@example.com' })
    const error = await refused(() => client.updateUser({ email: 'forget-me@example.com', dataFields: { a: 1 } }))
    assert.equal(error.code, 'ForgottenUserError')
  })
})

describe('events and commerce', () => {
  it('trackEvent, trackBulkEvents, getUserEventsByEmail, getUserEventsByUserId', async () => {
    assert.equal(
      (await client.trackEvent({ email: 'ada@example.com', eventName: 'Signed In', id: 'ev-1' })).code,
      'Success'
    )
    const bulk = await client.trackBulkEvents({
      events: [{ email: 'ada@example.com', eventName: 'Article Read', dataFields: { slug: 'engine' } }]
    })
    assert.equal(bulk.successCount, 1)
    const byEmail = await client.getUserEventsByEmail({ email: 'ada@example.com' })
    assert.deepEqual(byEmail.events.map((event) => event.eventName).sort(), ['Article Read', 'Signed In'])
    const byUserId = await client.getUserEventsByUserId({ userId: 'ada-1815' })
    assert.equal(byUserId.events.length, 2)
  })

  it('trackPurchase and updateCart through the client', async () => {
    const item = { id: 'sku-1', name: 'Notebook', price: 4.5, quantity: 2 }
    await raw('post', '/api/commerce/updateCart', { user: { email: 'ada@example.com' }, items: [item] })
    await raw('post', '/api/commerce/trackPurchase', { user: { email: 'ada@example.com' }, items: [item], total: 9 })
    const { user } = await client.getUserByEmail({ email: 'ada@example.com' })
    assert.deepEqual(user.dataFields.shoppingCartItems, [])
  })
})

describe('lists', () => {
  it('createList, getLists, subscribe, getListUsers, unsubscribe, deleteList', async () => {
    const { listId } = await client.createList({ name: 'Newsletter', description: 'Weekly' })
    const { lists } = await client.getLists()
    assert.deepEqual(
      lists.find((list) => list.id === listId),
      { id: listId, name: 'Newsletter', description: 'Weekly', createdAt: lists[0].createdAt, listType: 'Standard' }
    )
    const subscribed = await client.subscribeUserToList({
      listId,
      subscribers: [{ email: 'ada@example.com' }, { email: 'lin@example.com' }]
    })
    assert.equal(subscribed.successCount, 2)
    const { users } = await client.getListUsers({ listId })
    assert.deepEqual(users, [{ email: 'ada@example.com' }, { email: 'lin@example.com' }])
    const { user } = await client.getUserByEmail({ email: 'lin@example.com' })
    assert.deepEqual(user.dataFields.emailListIds, [listId])
    const unsubscribed = await client.unsubscribeUserFromList({ listId, subscribers: [{ email: 'lin@example.com' }] })
    assert.equal(unsubscribed.successCount, 1)
    assert.deepEqual((await client.getListUsers({ listId })).users, [{ email: 'ada@example.com' }])
    assert.equal((await client.deleteList({ listId })).code, 'Success')
    assert.equal(
      (await client.getLists()).lists.some((list) => list.id === listId),
      false
    )
  })
})

describe('catalogs', () => {
  it('createCatalog, getCatalogs, updateCatalogFieldMappings, getCatalogFieldMappings, deleteCatalog', async () => {
    assert.equal((await client.createCatalog({ catalogName: 'restaurants' })).code, 'Success')
    await client.createCatalog({ catalogName: 'campsites' })
    const page = await client.getCatalogs({ page: 1, pageSize: 1 })
    assert.deepEqual(page.catalogNames, [{ name: 'campsites' }])
    assert.equal(page.totalCatalogsCount, 2)
    assert.equal(page.nextPageUrl, '/api/catalogs?page=2&pageSize=1')
    const mappings = [
      { fieldName: 'isSteakHouse', fieldType: 'boolean' },
      { fieldName: 'location', fieldType: 'geo_location' }
    ]
    assert.equal(
      (await client.updateCatalogFieldMappings({ catalogName: 'restaurants', mappingsUpdates: mappings })).code,
      'Success'
    )
    const { definedMappings } = await client.getCatalogFieldMappings({ catalogName: 'restaurants' })
    assert.deepEqual(definedMappings, { isSteakHouse: 'boolean', location: 'geo_location' })
    const error = await refused(() =>
      client.updateCatalogFieldMappings({
        catalogName: 'restaurants',
        mappingsUpdates: [{ fieldName: 'isSteakHouse', fieldType: 'string' }]
      })
    )
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'BadParams')
    assert.equal((await client.deleteCatalog({ catalogName: 'campsites' })).code, 'Success')
  })

  it('item writes (bulk and single), reads and deletes; getCatalogItem through the HTTP instance', async () => {
    const catalogName = 'restaurants'
    await client.replaceCatalogItems({
      catalogName,
      documents: { duke: { name: 'The Duke', isSteakHouse: true }, bronto: { name: 'Bronto King' } }
    })
    await client.partialUpdateCatalogItems({ catalogName, documents: { duke: { recentlyUpdated: true } } })
    await client.replaceCatalogItem({ catalogName, itemId: 'chateau', value: { name: 'Le Chateau' } })
    await client.partialUpdateCatalogItem({ catalogName, itemId: 'chateau', update: { isSteakHouse: false } })
    const items = await client.getCatalogItems({ catalogName, pageSize: 10 })
    assert.equal(items.totalItemsCount, 3)
    assert.deepEqual(
      items.catalogItemsWithProperties.map(({ itemId, value }) => [itemId, value]),
      [
        ['duke', { name: 'The Duke', isSteakHouse: true, recentlyUpdated: true }],
        ['bronto', { name: 'Bronto King' }],
        ['chateau', { name: 'Le Chateau', isSteakHouse: false }]
      ]
    )
    // Iterable answers the item inside params (recorded); the client's getCatalogItem reads it bare, so it is
    // called through the client's HTTP instance and its params checked with the client's schema.
    const { data } = await client.client.get('/api/catalogs/restaurants/items/bronto')
    const item = CatalogItemWithPropertiesSchema.parse(data.params)
    assert.deepEqual(item.value, { name: 'Bronto King' })
    assert.equal(item.size, 22)
    assert.equal((await client.deleteCatalogItem({ catalogName, itemId: 'bronto' })).code, 'Success')
    assert.equal((await client.bulkDeleteCatalogItems({ catalogName, itemIds: ['duke', 'chateau'] })).code, 'Success')
    assert.equal((await client.getCatalogItems({ catalogName })).totalItemsCount, 0)
    const missing = await refused(() => client.getCatalogItem({ catalogName, itemId: 'bronto' }))
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.code, 'NotFound')
  })
})
