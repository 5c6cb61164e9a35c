import { createTestIntegration, createTestEvent, PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'

const testDestination = createTestIntegration(destination)

const US_BASE = 'https://api.iterable.com'
const EU_BASE = 'https://api.eu.iterable.com'
const PURCHASE_PATH = '/api/commerce/trackPurchase'
const SUCCESS = { msg: '', code: 'Success', params: null }
const settings = { apiKey: 'test-api-key' }

const TIMESTAMP = '2023-02-05T20:42:10.123Z'
const TIMESTAMP_UNIX_SECONDS = 1675629730

const MONOPOLY = {
  product_id: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  category: 'Games',
  url: 'https://www.example.com/product/path',
  image_url: 'https://www.example.com/product/path.jpg'
}

const UNO = {
  product_id: '505bd76785ebb509fc183733',
  sku: '46493-32',
  name: 'Uno Card Game',
  price: 3,
  quantity: 2,
  category: 'Games'
}

/** Segment's "Order Completed" spec example. */
const ORDER_PROPERTIES = {
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
  currency: 'USD',
  products: [MONOPOLY, UNO]
}

const TRAITS = {
  email: 'jane.kim@example.com',
  firstName: 'Jane',
  lastName: 'Kim',
  phone: '+14158675309',
  createdAt: '2021-03-04T05:06:07Z'
}

const MONOPOLY_ITEM = {
  id: '507f1f77bcf86cd799439011',
  sku: '45790-32',
  name: 'Monopoly: 3rd Edition',
  price: 19,
  quantity: 1,
  categories: ['Games'],
  url: 'https://www.example.com/product/path',
  imageUrl: 'https://www.example.com/product/path.jpg'
}

const UNO_ITEM = {
  id: '505bd76785ebb509fc183733',
  sku: '46493-32',
  name: 'Uno Card Game',
  price: 3,
  quantity: 2,
  categories: ['Games']
}

const ORDER_DATA_FIELDS = {
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

function orderCompleted(overrides: Partial<SegmentEvent> = {}): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event: 'Order Completed',
    messageId: 'order-msg-0001',
    timestamp: TIMESTAMP,
    userId: 'user1234',
    context: { traits: { ...TRAITS } },
    properties: structuredClone(ORDER_PROPERTIES),
    ...overrides
  })
}

describe('Iterable.trackPurchase', () => {
  it("sends Segment's Order Completed example as a purchase: user, items, total, id, createdAt and dataFields", async () => {
    const scope = nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted(),
      settings,
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
    expect(responses).toHaveLength(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].url).toBe(`${US_BASE}${PURCHASE_PATH}`)
    expect(responses[0].options.method).toBe('POST')
    expect((responses[0].options.headers as unknown as Headers).get('api-key')).toBe('test-api-key')
    expect(responses[0].options.json).toEqual({
      id: '50314b8e9bcf000000000000',
      user: {
        email: 'jane.kim@example.com',
        userId: 'user1234',
        dataFields: {
          email: 'jane.kim@example.com',
          firstName: 'Jane',
          lastName: 'Kim',
          phone: '+14158675309',
          createdAt: '2021-03-04 05:06:07 +00:00',
          phoneNumber: '+14158675309'
        },
        mergeNestedObjects: false
      },
      items: [MONOPOLY_ITEM, UNO_ITEM],
      total: 27.5,
      createdAt: TIMESTAMP_UNIX_SECONDS,
      dataFields: ORDER_DATA_FIELDS
    })
  })

  it('does not repeat the products in the purchase dataFields', async () => {
    nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted(),
      settings,
      useDefaultMappings: true
    })

    const body = responses[0].options.json as { dataFields: Record<string, unknown> }
    expect(body.dataFields).not.toHaveProperty('products')
  })

  it('uses properties.revenue as the total when the order has no total', async () => {
    nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)
    const { total: _total, ...withoutTotal } = structuredClone(ORDER_PROPERTIES)

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted({ properties: withoutTotal }),
      settings,
      useDefaultMappings: true
    })

    const { total: _t, ...dataFieldsWithoutTotal } = ORDER_DATA_FIELDS
    expect(responses[0].options.json).toEqual({
      id: '50314b8e9bcf000000000000',
      user: {
        email: 'jane.kim@example.com',
        userId: 'user1234',
        dataFields: {
          email: 'jane.kim@example.com',
          firstName: 'Jane',
          lastName: 'Kim',
          phone: '+14158675309',
          createdAt: '2021-03-04 05:06:07 +00:00',
          phoneNumber: '+14158675309'
        },
        mergeNestedObjects: false
      },
      items: [MONOPOLY_ITEM, UNO_ITEM],
      total: 25,
      createdAt: TIMESTAMP_UNIX_SECONDS,
      dataFields: dataFieldsWithoutTotal
    })
  })

  it("puts product keys that are not item fields into the item's dataFields, converting dates", async () => {
    nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)
    const products = [
      {
        ...MONOPOLY,
        description: 'The classic property trading game',
        color: 'red',
        coupon: 'BOARDGAMES10',
        variant: 'Deluxe',
        releasedAt: '2023-02-05T20:42:10.123-05:00',
        releaseDay: '2023-02-06'
      },
      UNO
    ]

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted({ properties: { ...structuredClone(ORDER_PROPERTIES), products } }),
      settings,
      useDefaultMappings: true
    })

    const body = responses[0].options.json as { items: unknown[] }
    expect(body.items).toEqual([
      {
        ...MONOPOLY_ITEM,
        description: 'The classic property trading game',
        dataFields: {
          color: 'red',
          coupon: 'BOARDGAMES10',
          variant: 'Deluxe',
          releasedAt: '2023-02-06 01:42:10 +00:00',
          releaseDay: '2023-02-06'
        }
      },
      UNO_ITEM
    ])
  })

  it('converts ISO date-times in the order properties and sends campaignId and templateId from the properties', async () => {
    nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)
    const properties = {
      order_id: 'order-42',
      total: 19,
      currency: 'USD',
      deliveryBy: '2023-02-05T20:42:10.123-05:00',
      campaignId: 2345,
      templateId: 6789,
      products: [MONOPOLY]
    }

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted({ properties, context: { traits: {} } }),
      settings,
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toEqual({
      id: 'order-42',
      user: { userId: 'user1234', dataFields: {}, mergeNestedObjects: false },
      items: [MONOPOLY_ITEM],
      total: 19,
      createdAt: TIMESTAMP_UNIX_SECONDS,
      campaignId: 2345,
      templateId: 6789,
      dataFields: {
        order_id: 'order-42',
        total: 19,
        currency: 'USD',
        deliveryBy: '2023-02-06 01:42:10 +00:00',
        campaignId: 2345,
        templateId: 6789
      }
    })
  })

  describe('the user', () => {
    it('takes the email from properties.email before context.traits.email', async () => {
      nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackPurchase', {
        event: orderCompleted({ properties: { ...structuredClone(ORDER_PROPERTIES), email: 'buyer@example.com' } }),
        settings,
        useDefaultMappings: true
      })

      const body = responses[0].options.json as { user: Record<string, unknown>; dataFields: Record<string, unknown> }
      expect(body.user).toEqual({
        email: 'buyer@example.com',
        userId: 'user1234',
        dataFields: {
          email: 'jane.kim@example.com',
          firstName: 'Jane',
          lastName: 'Kim',
          phone: '+14158675309',
          createdAt: '2021-03-04 05:06:07 +00:00',
          phoneNumber: '+14158675309'
        },
        mergeNestedObjects: false
      })
      expect(body.dataFields).toEqual({ ...ORDER_DATA_FIELDS, email: 'buyer@example.com' })
    })

    it('identifies an anonymous buyer by the email in context.traits', async () => {
      nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackPurchase', {
        event: orderCompleted({ userId: null, context: { traits: { email: 'guest@example.com' } } }),
        settings,
        useDefaultMappings: true
      })

      const body = responses[0].options.json as { user: Record<string, unknown> }
      expect(body.user).toEqual({
        email: 'guest@example.com',
        dataFields: { email: 'guest@example.com' },
        mergeNestedObjects: false
      })
    })

    it('rejects a purchase whose user has neither email nor userId, naming user.email and user.userId, and sends nothing', async () => {
      const scope = nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

      const attempt = testDestination.testAction('trackPurchase', {
        event: orderCompleted({ userId: null, context: { traits: { firstName: 'Jane' } } }),
        settings,
        useDefaultMappings: true
      })

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/user\.email/)
      await expect(attempt).rejects.toThrow(/user\.userId/)
      expect(scope.isDone()).toBe(false)
    })
  })

  describe('products missing a required item field', () => {
    const incomplete = (key: keyof typeof UNO) => {
      const product: Record<string, unknown> = { ...UNO }
      delete product[key]
      return product
    }

    it.each([
      { missing: 'product_id', field: 'id' },
      { missing: 'name', field: 'name' },
      { missing: 'price', field: 'price' },
      { missing: 'quantity', field: 'quantity' }
    ] as const)(
      'rejects a second product without $missing, naming /items/1 and $field, and sends nothing',
      async ({ missing, field }) => {
        const scope = nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)
        const properties = {
          ...structuredClone(ORDER_PROPERTIES),
          products: [MONOPOLY, incomplete(missing)]
        } as SegmentEvent['properties']

        const attempt = testDestination.testAction('trackPurchase', {
          event: orderCompleted({ properties }),
          settings,
          useDefaultMappings: true
        })

        await expect(attempt).rejects.toThrow('/items/1')
        await expect(attempt).rejects.toThrow(`'${field}'`)
        expect(scope.isDone()).toBe(false)
      }
    )
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = nock(EU_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('trackPurchase', {
      event: orderCompleted(),
      settings: { ...settings, dataCenterLocation: 'europe' },
      useDefaultMappings: true
    })

    expect(responses[0].url).toBe(`${EU_BASE}${PURCHASE_PATH}`)
    expect(responses[0].options.json).toMatchObject({ id: '50314b8e9bcf000000000000', total: 27.5 })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    nock(US_BASE).post(PURCHASE_PATH).reply(200, SUCCESS)
    const products = [{ ...MONOPOLY, color: 'red', releasedAt: '2023-02-05T20:42:10.123-05:00' }, UNO]
    const event = orderCompleted({
      properties: { ...structuredClone(ORDER_PROPERTIES), products, deliveryBy: '2023-02-05T20:42:10Z' }
    })
    const before = structuredClone(event)

    await testDestination.testAction('trackPurchase', { event, settings, useDefaultMappings: true })

    expect(event).toEqual(before)
  })

  it("rejects with Iterable's code and message when Iterable answers 400", async () => {
    nock(US_BASE)
      .post(PURCHASE_PATH)
      .reply(400, { msg: 'Invalid items: price must be a number', code: 'BadParams', params: null })

    const attempt = testDestination.testAction('trackPurchase', {
      event: orderCompleted(),
      settings,
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow(/BadParams/)
    await expect(attempt).rejects.toThrow(/Invalid items: price must be a number/)
  })
})
