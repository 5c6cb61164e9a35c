import { createTestIntegration, createTestEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'trackPurchase'
const destinationSlug = 'Iterable'
const SUCCESS = { msg: '', code: 'Success', params: null }

/** Segment's "Order Completed" spec example, with a fixed messageId and timestamp. */
const orderCompleted = createTestEvent({
  type: 'track',
  event: 'Order Completed',
  messageId: 'order-msg-9f1c2d3e',
  timestamp: '2023-02-05T20:42:10.123Z',
  userId: 'user1234',
  context: {
    traits: {
      email: 'jane.kim@example.com',
      firstName: 'Jane',
      lastName: 'Kim',
      phone: '+14158675309',
      createdAt: '2021-03-04T05:06:07Z'
    }
  },
  properties: {
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
    products: [
      {
        product_id: '507f1f77bcf86cd799439011',
        sku: '45790-32',
        name: 'Monopoly: 3rd Edition',
        price: 19,
        quantity: 1,
        category: 'Games',
        url: 'https://www.example.com/product/path',
        image_url: 'https://www.example.com/product/path.jpg'
      },
      {
        product_id: '505bd76785ebb509fc183733',
        sku: '46493-32',
        name: 'Uno Card Game',
        price: 3,
        quantity: 2,
        category: 'Games',
        variant: 'Travel edition',
        releasedAt: '2023-02-05T20:42:10.123-05:00'
      }
    ]
  }
})

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('Order Completed with all fields', async () => {
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: orderCompleted,
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toMatchObject({
      id: '50314b8e9bcf000000000000',
      total: 27.5,
      createdAt: 1675629730,
      user: { email: 'jane.kim@example.com', userId: 'user1234', mergeNestedObjects: false },
      items: [
        { id: '507f1f77bcf86cd799439011', categories: ['Games'] },
        {
          id: '505bd76785ebb509fc183733',
          categories: ['Games'],
          dataFields: { variant: 'Travel edition', releasedAt: '2023-02-06 01:42:10 +00:00' }
        }
      ]
    })
  })

  it('required fields only', async () => {
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: orderCompleted,
      settings: { apiKey: 'test-api-key' },
      mapping: {
        user: { userId: { '@path': '$.userId' } },
        items: {
          '@arrayPath': [
            '$.properties.products',
            {
              id: { '@path': '$.product_id' },
              name: { '@path': '$.name' },
              price: { '@path': '$.price' },
              quantity: { '@path': '$.quantity' }
            }
          ]
        },
        total: { '@path': '$.properties.total' }
      }
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toEqual({
      user: { userId: 'user1234', dataFields: {} },
      items: [
        { id: '507f1f77bcf86cd799439011', name: 'Monopoly: 3rd Edition', price: 19, quantity: 1 },
        { id: '505bd76785ebb509fc183733', name: 'Uno Card Game', price: 3, quantity: 2 }
      ],
      total: 27.5,
      dataFields: {}
    })
  })
})
