import { toCommerceItems } from '../commerce-items'
import type { MappedItem } from '../commerce-items'
import { MONOPOLY, MONOPOLY_ITEM } from './__helpers__/support'

// What the framework does not pin end to end: an item's other keys, and keys JSON can carry.

const ITEM: MappedItem = { id: MONOPOLY.product_id, name: MONOPOLY.name, price: MONOPOLY.price, quantity: 1 }

describe('toCommerceItems', () => {
  it("sends the item's other keys, from its dataFields (the product) then its own extra keys, a later one winning", () => {
    const product = { ...MONOPOLY, brand: 'Hasbro', color: 'red' }
    const item = { ...ITEM, categories: 'Games', dataFields: product, brand: 'Parker Brothers', edition: '3rd' }

    const [sent] = toCommerceItems([item])

    expect(sent).toEqual({
      ...MONOPOLY_ITEM,
      sku: undefined,
      url: undefined,
      imageUrl: undefined,
      description: undefined,
      dataFields: { brand: 'Parker Brothers', color: 'red', edition: '3rd' }
    })
    // The product's keys mapped to item fields (product_id, category, image_url…) are not repeated in dataFields.
    expect(Object.keys(sent.dataFields)).toEqual(['brand', 'color', 'edition'])
  })

  it('keeps a key named "__proto__" (as JSON can carry) as a plain dataFields key, without touching the prototype', () => {
    const product = { ...MONOPOLY, ...(JSON.parse('{"__proto__": {"bundle": "family"}}') as object) }

    const [{ dataFields }] = toCommerceItems([{ ...ITEM, dataFields: product }])

    expect(Object.keys(dataFields)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(dataFields)).toBe(Object.prototype)
    expect(JSON.stringify(dataFields)).toBe('{"__proto__":{"bundle":"family"}}')
  })

  it("refuses an item id over Iterable's 512 bytes, naming the product and the byte count", () => {
    expect(() => toCommerceItems([ITEM, { ...ITEM, id: 'é'.repeat(300) }])).toThrow(
      "The id of Product 2 of properties.products (items[1]) is 600 bytes, over Iterable's limit of 512 bytes. Map a shorter one."
    )
  })
})
