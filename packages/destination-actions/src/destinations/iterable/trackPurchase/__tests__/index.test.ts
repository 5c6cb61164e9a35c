import { PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import {
  acceptPost,
  actionUnderTest,
  EU,
  EUROPE,
  expectNothingSent,
  expectOnePost,
  MONOPOLY,
  MONOPOLY_ITEM,
  ORDER_DATA_FIELDS,
  ORDER_PROPERTIES,
  orderCompleted,
  PURCHASE_PATH,
  TIMESTAMP_UNIX_SECONDS,
  UNO,
  UNO_ITEM,
  US,
  deepCopy,
  sentBody
} from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('trackPurchase', PURCHASE_PATH)

/** The purchase's user dataFields: the buyer's traits, createdAt in Iterable's format, the phone as phoneNumber. */
const BUYER_DATA_FIELDS = {
  email: 'jane.kim@example.com',
  firstName: 'Jane',
  lastName: 'Kim',
  phone: '+14158675309',
  createdAt: '2021-03-04 05:06:07 +00:00',
  phoneNumber: '+14158675309'
}

const BUYER = {
  email: 'jane.kim@example.com',
  userId: 'user1234',
  dataFields: BUYER_DATA_FIELDS,
  mergeNestedObjects: false
}

/** What commerce/trackPurchase receives for `orderCompleted()` with the default mappings. */
const PURCHASE_BODY = {
  id: '50314b8e9bcf000000000000',
  user: BUYER,
  items: [MONOPOLY_ITEM, UNO_ITEM],
  total: 27.5,
  createdAt: TIMESTAMP_UNIX_SECONDS,
  dataFields: ORDER_DATA_FIELDS
}

describe('Iterable.trackPurchase', () => {
  it("sends Segment's Order Completed example as a purchase: user, items, total, id, createdAt and dataFields", async () => {
    const scope = acceptPost(PURCHASE_PATH)

    const responses = await run(orderCompleted())

    expect(scope.isDone()).toBe(true)
    expectOnePost(responses, `${US}${PURCHASE_PATH}`)
    expect(sentBody(responses[0])).toEqual(PURCHASE_BODY)
  })

  it('does not repeat the products in the purchase dataFields', async () => {
    const body = (await bodySent(orderCompleted())) as { dataFields: Record<string, unknown> }

    expect(body.dataFields).not.toHaveProperty('products')
  })

  it('uses properties.revenue as the total when the order has no total', async () => {
    const { total: _total, ...withoutTotal } = deepCopy(ORDER_PROPERTIES)

    const body = await bodySent(orderCompleted({ properties: withoutTotal }))

    const { total: _t, ...dataFieldsWithoutTotal } = ORDER_DATA_FIELDS
    expect(body).toEqual({ ...PURCHASE_BODY, total: 25, dataFields: dataFieldsWithoutTotal })
  })

  it("puts product keys that are not item fields into the item's dataFields, converting dates", async () => {
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

    const body = (await bodySent(orderCompleted({ properties: { ...deepCopy(ORDER_PROPERTIES), products } }))) as {
      items: unknown[]
    }

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

  describe("where an item's other product keys come from", () => {
    const COLORED_MONOPOLY = { ...MONOPOLY, color: 'red' }
    const ITEM_PATHS = {
      id: { '@path': 'product_id' },
      name: { '@path': 'name' },
      price: { '@path': 'price' },
      quantity: { '@path': 'quantity' }
    }
    const itemsOf = (list: string, extra: object = {}) => ({ '@arrayPath': [list, { ...ITEM_PATHS, ...extra }] })
    const plain = ({
      product_id,
      name,
      price,
      quantity
    }: {
      product_id: string
      name: string
      price: number
      quantity: number
    }) => ({ id: product_id, name, price, quantity })

    it("takes an item's other keys from the item's own dataFields mapping (the whole product by default), as on carts", async () => {
      const CHESS = {
        product_id: 'chess-1',
        name: 'Chess',
        price: 30,
        quantity: 1,
        category: 'Games',
        material: 'wood'
      }
      const properties = { ...deepCopy(ORDER_PROPERTIES), products: [COLORED_MONOPOLY, CHESS] }

      const body = (await bodySent(orderCompleted({ properties }))) as { items: { dataFields: unknown }[] }

      expect(body.items.map((item) => item.dataFields)).toEqual([{ color: 'red' }, { material: 'wood' }])
    })

    it("sends no product keys for a mapping saved before items had dataFields, as the live destination didn't", async () => {
      const event = orderCompleted({ properties: { ...deepCopy(ORDER_PROPERTIES), products: [COLORED_MONOPOLY] } })

      const saved = (await bodySent(event, { mapping: { items: itemsOf('$.properties.products') } })) as {
        items: unknown[]
      }

      expect(saved.items).toEqual([{ ...plain(MONOPOLY), dataFields: {} }])
    })
  })

  it('converts ISO date-times in the order properties and sends campaignId and templateId from the properties', async () => {
    const properties = {
      order_id: 'order-42',
      total: 19,
      currency: 'USD',
      deliveryBy: '2023-02-05T20:42:10.123-05:00',
      campaignId: 2345,
      templateId: 6789,
      products: [MONOPOLY]
    }

    const body = await bodySent(orderCompleted({ properties, context: { traits: {} } }))

    expect(body).toEqual({
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
      const body = (await bodySent(
        orderCompleted({ properties: { ...deepCopy(ORDER_PROPERTIES), email: 'buyer@example.com' } })
      )) as { user: Record<string, unknown>; dataFields: Record<string, unknown> }

      expect(body.user).toEqual({ ...BUYER, email: 'buyer@example.com' })
      expect(body.dataFields).toEqual({ ...ORDER_DATA_FIELDS, email: 'buyer@example.com' })
    })

    it('identifies an anonymous buyer by the email in context.traits', async () => {
      const body = (await bodySent(
        orderCompleted({ userId: null, context: { traits: { email: 'guest@example.com' } } })
      )) as { user: Record<string, unknown> }

      expect(body.user).toEqual({
        email: 'guest@example.com',
        dataFields: { email: 'guest@example.com' },
        mergeNestedObjects: false
      })
    })

    it('rejects a purchase whose user has neither email nor userId, naming user.email and user.userId, and sends nothing', async () => {
      const scope = acceptPost(PURCHASE_PATH)

      const attempt = run(orderCompleted({ userId: null, context: { traits: { firstName: 'Jane' } } }))

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/user\.email/)
      await expect(attempt).rejects.toThrow(/user\.userId/)
      expectNothingSent(scope)
    })
  })

  describe('products missing a required item field', () => {
    const incomplete = (key: keyof typeof UNO) => {
      const product: Record<string, unknown> = { ...UNO }
      delete product[key]
      return product
    }

    it.each([
      { missing: 'product_id', field: 'id (product_id, productId or id)', fix: 'product_id', item: 'id' },
      { missing: 'name', field: 'name', fix: 'name', item: 'name' },
      { missing: 'price', field: 'price', fix: 'price', item: 'price' },
      { missing: 'quantity', field: 'quantity', fix: 'quantity', item: 'quantity' }
    ] as const)(
      'rejects a second product without $missing, naming the product, its position and the key, and sends nothing',
      async ({
        missing,
        field,
        fix,
        item
      }: {
        missing: keyof typeof UNO
        field: string
        fix: string
        item: string
      }) => {
        const scope = acceptPost(PURCHASE_PATH)
        const properties = {
          ...deepCopy(ORDER_PROPERTIES),
          products: [MONOPOLY, incomplete(missing)]
        } as SegmentEvent['properties']

        const attempt = run(orderCompleted({ properties }))

        await expect(attempt).rejects.toThrow(
          `Product 2 of properties.products (items[1]) has no ${field}: Iterable requires an id, name, price and quantity on every item. Add ${fix} to the product, or map the items' ${item} to the product key that holds it.`
        )
        await expect(attempt).rejects.toMatchObject({ name: 'PayloadValidationError', status: 400 })
        expectNothingSent(scope)
      }
    )
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = acceptPost(PURCHASE_PATH, { base: EU })

    const responses = await run(orderCompleted(), { settings: EUROPE })

    expect(responses[0].url).toBe(`${EU}${PURCHASE_PATH}`)
    expect(sentBody(responses[0])).toMatchObject({ id: '50314b8e9bcf000000000000', total: 27.5 })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    acceptPost(PURCHASE_PATH)
    const products = [{ ...MONOPOLY, color: 'red', releasedAt: '2023-02-05T20:42:10.123-05:00' }, UNO]
    const event = orderCompleted({
      properties: { ...deepCopy(ORDER_PROPERTIES), products, deliveryBy: '2023-02-05T20:42:10Z' }
    })
    const before = deepCopy(event)

    await run(event)

    expect(event).toEqual(before)
  })

  // Iterable's error answers (a 400 with its code and message among them) are tested for every action in
  // ../../__tests__/errors.test.ts.
})
