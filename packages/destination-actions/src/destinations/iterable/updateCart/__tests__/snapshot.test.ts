import {
  actionUnderTest,
  CART_PATH,
  cartEvent,
  MONOPOLY,
  snapshotSuite,
  UNO
} from '../../__tests__/__helpers__/support'

const actionSlug = 'updateCart'
const { bodySent } = actionUnderTest(actionSlug, CART_PATH)

const productAdded = cartEvent(
  'Product Added',
  {
    cart_id: 'skdjsidjsdkdj29j',
    product_id: '505bd76785ebb509fc183733',
    sku: '46493-32',
    name: 'Uno Card Game',
    price: 3,
    quantity: 2,
    products: [
      { ...MONOPOLY, coupon: 'BOARDGAMES10' },
      { ...UNO, addedAt: '2023-02-05T20:42:10.123-05:00' }
    ]
  },
  {
    messageId: 'cart-msg-7a8b9c0d',
    context: { traits: { email: 'jane.kim@example.com', firstName: 'Jane', phone: '+14158675309' } }
  }
)

describe(snapshotSuite(actionSlug), () => {
  it('Product Added carrying the whole cart, all fields', async () => {
    const body = await bodySent(productAdded)

    expect(body).toMatchSnapshot()
    expect(Object.keys(body as object).sort()).toEqual(['items', 'user'])
    expect(body).toMatchObject({
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
    const body = await bodySent({
      ...productAdded,
      event: 'Cart Updated',
      properties: { cart_id: 'skdjsidjsdkdj29j', products: [] }
    })

    expect(body).toMatchSnapshot()
    expect(body).toMatchObject({ items: [] })
  })
})
