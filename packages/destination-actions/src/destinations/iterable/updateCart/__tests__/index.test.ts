import { PayloadValidationError } from '@segment/actions-core'
import {
  acceptPost,
  actionUnderTest,
  CART_PATH,
  cartEvent,
  EU,
  EUROPE,
  expectNothingSent,
  expectOnePost,
  MONOPOLY,
  MONOPOLY_ITEM,
  UNO,
  UNO_ITEM,
  US,
  deepCopy,
  sentBody
} from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('updateCart', CART_PATH)

/** The cart's user: the shopper's traits as dataFields, lastCartAt in Iterable's format, the phone as phoneNumber. */
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

/** A cart event, and the items Iterable must get for it. */
interface CartCase {
  event: string
  properties: Record<string, unknown>
  items: unknown[]
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
  ])(
    'sends the whole cart of a "$event" event as exactly { user, items }',
    async ({ event, properties, items }: CartCase) => {
      const scope = acceptPost(CART_PATH)

      const responses = await run(cartEvent(event, properties))

      expect(scope.isDone()).toBe(true)
      expectOnePost(responses, `${US}${CART_PATH}`)
      expect(sentBody(responses[0])).toEqual({ user: USER, items })
    }
  )

  it.each(['Product Added', 'Product Removed', 'Cart Updated'])(
    'rejects a "%s" event without properties.products, saying so, and sends nothing',
    async (eventName: string) => {
      const scope = acceptPost(CART_PATH)

      const attempt = run(cartEvent(eventName, { cart_id: 'skdjsidjsdkdj29j', ...MONOPOLY }))

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/properties\.products/)
      expectNothingSent(scope)
    }
  )

  it('rejects a cart event whose products are null, saying properties.products must carry the cart, and sends nothing', async () => {
    const scope = acceptPost(CART_PATH)

    const attempt = run(cartEvent('Cart Updated', { cart_id: 'skdjsidjsdkdj29j', products: null }))

    await expect(attempt).rejects.toThrow(PayloadValidationError)
    await expect(attempt).rejects.toThrow(/properties\.products/)
    expectNothingSent(scope)
  })

  it('sends an empty products array as an empty cart (items: [])', async () => {
    const body = await bodySent(cartEvent('Cart Updated', { cart_id: 'skdjsidjsdkdj29j', products: [] }))

    expect(body).toEqual({ user: USER, items: [] })
  })

  it("puts product keys that are not item fields into the item's dataFields, converting dates", async () => {
    const products = [
      { ...MONOPOLY, color: 'red', coupon: 'BOARDGAMES10', variant: 'Deluxe', addedAt: '2023-02-05T20:42:10Z' },
      UNO
    ]

    const body = await bodySent(cartEvent('Product Added', { products }))

    expect(body).toEqual({
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
      const body = await bodySent(cartEvent('Product Added', { email: 'cart.owner@example.com', products: [UNO] }))

      expect(body).toEqual({ user: { ...USER, email: 'cart.owner@example.com' }, items: [UNO_ITEM] })
    })

    it('identifies an anonymous shopper by the email in context.traits', async () => {
      const body = await bodySent(
        cartEvent(
          'Product Added',
          { products: [UNO] },
          { userId: null, context: { traits: { email: 'guest@example.com' } } }
        )
      )

      expect(body).toEqual({
        user: { email: 'guest@example.com', dataFields: { email: 'guest@example.com' }, mergeNestedObjects: false },
        items: [UNO_ITEM]
      })
    })

    it('rejects a cart whose user has neither email nor userId, naming user.email and user.userId, and sends nothing', async () => {
      const scope = acceptPost(CART_PATH)

      const attempt = run(cartEvent('Product Added', { products: [UNO] }, { userId: null, context: { traits: {} } }))

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/user\.email/)
      await expect(attempt).rejects.toThrow(/user\.userId/)
      expectNothingSent(scope)
    })
  })

  it('rejects a product missing its price, naming the product and its price, and sends nothing', async () => {
    const scope = acceptPost(CART_PATH)
    const { price: _price, ...withoutPrice } = UNO

    const attempt = run(cartEvent('Product Added', { products: [withoutPrice, MONOPOLY] }))

    await expect(attempt).rejects.toThrow(
      "Product 1 of properties.products (items[0]) has no price: Iterable requires an id, name, price and quantity on every item. Add price to the product, or map the items' price to the product key that holds it."
    )
    expectNothingSent(scope)
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = acceptPost(CART_PATH, { base: EU })

    const responses = await run(cartEvent('Product Added', { products: [UNO] }), { settings: EUROPE })

    expect(responses[0].url).toBe(`${EU}${CART_PATH}`)
    expect(sentBody(responses[0])).toEqual({ user: USER, items: [UNO_ITEM] })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    acceptPost(CART_PATH)
    const event = cartEvent('Cart Updated', {
      cart_id: 'skdjsidjsdkdj29j',
      products: [{ ...MONOPOLY, color: 'red', addedAt: '2023-02-05T20:42:10.123-05:00' }, UNO]
    })
    const before = deepCopy(event)

    await run(event)

    expect(event).toEqual(before)
  })

  // Iterable's error answers (a 400 with its code and message among them) are tested for every action in
  // ../../__tests__/errors.test.ts.
})
