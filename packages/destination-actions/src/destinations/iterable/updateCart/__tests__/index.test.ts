import { createTestIntegration, createTestEvent, PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'

const testDestination = createTestIntegration(destination)

const US_BASE = 'https://api.iterable.com'
const EU_BASE = 'https://api.eu.iterable.com'
const CART_PATH = '/api/commerce/updateCart'
const SUCCESS = { msg: '', code: 'Success', params: null }
const settings = { apiKey: 'test-api-key' }

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

const TRAITS = {
  email: 'jane.kim@example.com',
  firstName: 'Jane',
  phone: '+14158675309',
  lastCartAt: '2023-02-05T20:42:10.123-05:00'
}

const USER = {
  email: 'jane.kim@example.com',
  userId: 'user1234',
  dataFields: {
    email: 'jane.kim@example.com',
    firstName: 'Jane',
    phone: '+14158675309',
    lastCartAt: '2023-02-06 01:42:10 +00:00',
    phoneNumber: '+14158675309'
  },
  mergeNestedObjects: false
}

function cartEvent(event: string, properties: Record<string, unknown>, overrides: Partial<SegmentEvent> = {}) {
  return createTestEvent({
    type: 'track',
    event,
    messageId: 'cart-msg-0001',
    timestamp: '2023-02-05T20:42:10.123Z',
    userId: 'user1234',
    context: { traits: { ...TRAITS } },
    properties: properties as SegmentEvent['properties'],
    ...overrides
  })
}

describe('Iterable.updateCart', () => {
  it.each([
    {
      event: 'Product Added',
      properties: { cart_id: 'skdjsidjsdkdj29j', product_id: UNO.product_id, products: [MONOPOLY, UNO] },
      items: [MONOPOLY_ITEM, UNO_ITEM]
    },
    {
      event: 'Product Removed',
      properties: { cart_id: 'skdjsidjsdkdj29j', product_id: UNO.product_id, products: [MONOPOLY] },
      items: [MONOPOLY_ITEM]
    },
    {
      event: 'Cart Updated',
      properties: { cart_id: 'skdjsidjsdkdj29j', products: [{ ...UNO, quantity: 3 }, MONOPOLY] },
      items: [{ ...UNO_ITEM, quantity: 3 }, MONOPOLY_ITEM]
    }
  ])('sends the whole cart of a "$event" event as exactly { user, items }', async ({ event, properties, items }) => {
    const scope = nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('updateCart', {
      event: cartEvent(event, properties),
      settings,
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
    expect(responses).toHaveLength(1)
    expect(responses[0].status).toBe(200)
    expect(responses[0].url).toBe(`${US_BASE}${CART_PATH}`)
    expect(responses[0].options.method).toBe('POST')
    expect((responses[0].options.headers as unknown as Headers).get('api-key')).toBe('test-api-key')
    expect(responses[0].options.json).toEqual({ user: USER, items })
  })

  it.each(['Product Added', 'Product Removed', 'Cart Updated'])(
    'rejects a "%s" event without properties.products, saying so, and sends nothing',
    async (eventName) => {
      const scope = nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)
      const event = cartEvent(eventName, { cart_id: 'skdjsidjsdkdj29j', ...MONOPOLY })

      const attempt = testDestination.testAction('updateCart', { event, settings, useDefaultMappings: true })

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/properties\.products/)
      expect(scope.isDone()).toBe(false)
    }
  )

  it('rejects a cart event whose products are null, saying properties.products must carry the cart, and sends nothing', async () => {
    const scope = nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)
    const event = cartEvent('Cart Updated', { cart_id: 'skdjsidjsdkdj29j', products: null })

    const attempt = testDestination.testAction('updateCart', { event, settings, useDefaultMappings: true })

    await expect(attempt).rejects.toThrow(PayloadValidationError)
    await expect(attempt).rejects.toThrow(/properties\.products/)
    expect(scope.isDone()).toBe(false)
  })

  it('sends an empty products array as an empty cart (items: [])', async () => {
    nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('updateCart', {
      event: cartEvent('Cart Updated', { cart_id: 'skdjsidjsdkdj29j', products: [] }),
      settings,
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toEqual({ user: USER, items: [] })
  })

  it("puts product keys that are not item fields into the item's dataFields, converting dates", async () => {
    nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)
    const products = [
      { ...MONOPOLY, color: 'red', coupon: 'BOARDGAMES10', variant: 'Deluxe', addedAt: '2023-02-05T20:42:10Z' },
      UNO
    ]

    const responses = await testDestination.testAction('updateCart', {
      event: cartEvent('Product Added', { products }),
      settings,
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toEqual({
      user: USER,
      items: [
        {
          ...MONOPOLY_ITEM,
          dataFields: { color: 'red', coupon: 'BOARDGAMES10', variant: 'Deluxe', addedAt: '2023-02-05 20:42:10 +00:00' }
        },
        UNO_ITEM
      ]
    })
  })

  describe('the user', () => {
    it('takes the email from properties.email before context.traits.email', async () => {
      nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateCart', {
        event: cartEvent('Product Added', { email: 'cart.owner@example.com', products: [UNO] }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        user: { ...USER, email: 'cart.owner@example.com' },
        items: [UNO_ITEM]
      })
    })

    it('identifies an anonymous shopper by the email in context.traits', async () => {
      nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateCart', {
        event: cartEvent(
          'Product Added',
          { products: [UNO] },
          { userId: null, context: { traits: { email: 'guest@example.com' } } }
        ),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        user: { email: 'guest@example.com', dataFields: { email: 'guest@example.com' }, mergeNestedObjects: false },
        items: [UNO_ITEM]
      })
    })

    it('rejects a cart whose user has neither email nor userId, naming user.email and user.userId, and sends nothing', async () => {
      const scope = nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)

      const attempt = testDestination.testAction('updateCart', {
        event: cartEvent('Product Added', { products: [UNO] }, { userId: null, context: { traits: {} } }),
        settings,
        useDefaultMappings: true
      })

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/user\.email/)
      await expect(attempt).rejects.toThrow(/user\.userId/)
      expect(scope.isDone()).toBe(false)
    })
  })

  it('rejects a product missing its price, naming /items/0 and price, and sends nothing', async () => {
    const scope = nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)
    const { price: _price, ...withoutPrice } = UNO

    const attempt = testDestination.testAction('updateCart', {
      event: cartEvent('Product Added', { products: [withoutPrice, MONOPOLY] }),
      settings,
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow('/items/0')
    await expect(attempt).rejects.toThrow("'price'")
    expect(scope.isDone()).toBe(false)
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = nock(EU_BASE).post(CART_PATH).reply(200, SUCCESS)

    const responses = await testDestination.testAction('updateCart', {
      event: cartEvent('Product Added', { products: [UNO] }),
      settings: { ...settings, dataCenterLocation: 'europe' },
      useDefaultMappings: true
    })

    expect(responses[0].url).toBe(`${EU_BASE}${CART_PATH}`)
    expect(responses[0].options.json).toEqual({ user: USER, items: [UNO_ITEM] })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    nock(US_BASE).post(CART_PATH).reply(200, SUCCESS)
    const event = cartEvent('Cart Updated', {
      cart_id: 'skdjsidjsdkdj29j',
      products: [{ ...MONOPOLY, color: 'red', addedAt: '2023-02-05T20:42:10.123-05:00' }, UNO]
    })
    const before = structuredClone(event)

    await testDestination.testAction('updateCart', { event, settings, useDefaultMappings: true })

    expect(event).toEqual(before)
  })

  it("rejects with Iterable's code and message when Iterable answers 400", async () => {
    nock(US_BASE)
      .post(CART_PATH)
      .reply(400, { msg: 'Invalid items: quantity must be an integer', code: 'BadParams', params: null })

    const attempt = testDestination.testAction('updateCart', {
      event: cartEvent('Product Added', { products: [UNO] }),
      settings,
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow(/BadParams/)
    await expect(attempt).rejects.toThrow(/Invalid items: quantity must be an integer/)
  })
})
