import { createTestIntegration, createTestEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'updateCart'
const destinationSlug = 'Iterable'
const SUCCESS = { msg: '', code: 'Success', params: null }

const productAdded = createTestEvent({
  type: 'track',
  event: 'Product Added',
  messageId: 'cart-msg-7a8b9c0d',
  timestamp: '2023-02-05T20:42:10.123Z',
  userId: 'user1234',
  context: {
    traits: { email: 'jane.kim@example.com', firstName: 'Jane', phone: '+14158675309' }
  },
  properties: {
    cart_id: 'skdjsidjsdkdj29j',
    product_id: '505bd76785ebb509fc183733',
    sku: '46493-32',
    name: 'Uno Card Game',
    price: 3,
    quantity: 2,
    products: [
      {
        product_id: '507f1f77bcf86cd799439011',
        sku: '45790-32',
        name: 'Monopoly: 3rd Edition',
        price: 19,
        quantity: 1,
        category: 'Games',
        url: 'https://www.example.com/product/path',
        image_url: 'https://www.example.com/product/path.jpg',
        coupon: 'BOARDGAMES10'
      },
      {
        product_id: '505bd76785ebb509fc183733',
        sku: '46493-32',
        name: 'Uno Card Game',
        price: 3,
        quantity: 2,
        category: 'Games',
        addedAt: '2023-02-05T20:42:10.123-05:00'
      }
    ]
  }
})

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('Product Added carrying the whole cart, all fields', async () => {
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: productAdded,
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(Object.keys(responses[0].options.json as object).sort()).toEqual(['items', 'user'])
    expect(responses[0].options.json).toMatchObject({
      user: {
        email: 'jane.kim@example.com',
        userId: 'user1234',
        dataFields: { phoneNumber: '+14158675309' },
        mergeNestedObjects: false
      },
      items: [
        { id: '507f1f77bcf86cd799439011', categories: ['Games'], dataFields: { coupon: 'BOARDGAMES10' } },
        { id: '505bd76785ebb509fc183733', dataFields: { addedAt: '2023-02-06 01:42:10 +00:00' } }
      ]
    })
  })

  it('Cart Updated emptying the cart', async () => {
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: { ...productAdded, event: 'Cart Updated', properties: { cart_id: 'skdjsidjsdkdj29j', products: [] } },
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toMatchObject({ items: [] })
  })
})
