import {
  actionUnderTest,
  MONOPOLY,
  ORDER_PROPERTIES,
  orderCompleted,
  PURCHASE_PATH,
  snapshotSuite,
  UNO,
  deepCopy
} from '../../__tests__/__helpers__/support'

const actionSlug = 'trackPurchase'
const { bodySent } = actionUnderTest(actionSlug, PURCHASE_PATH)

/** Segment's "Order Completed" spec example, with a fixed messageId and a second product with extra keys. */
const event = orderCompleted({
  messageId: 'order-msg-9f1c2d3e',
  properties: {
    ...deepCopy(ORDER_PROPERTIES),
    products: [MONOPOLY, { ...UNO, variant: 'Travel edition', releasedAt: '2023-02-05T20:42:10.123-05:00' }]
  }
})

describe(snapshotSuite(actionSlug), () => {
  it('Order Completed with all fields', async () => {
    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toMatchObject({
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
    const body = await bodySent(event, {
      useDefaultMappings: false,
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

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      user: { userId: 'user1234', dataFields: {} },
      items: [
        { id: '507f1f77bcf86cd799439011', name: 'Monopoly: 3rd Edition', price: 19, quantity: 1, dataFields: {} },
        { id: '505bd76785ebb509fc183733', name: 'Uno Card Game', price: 3, quantity: 2, dataFields: {} }
      ],
      total: 27.5,
      dataFields: {}
    })
  })
})
