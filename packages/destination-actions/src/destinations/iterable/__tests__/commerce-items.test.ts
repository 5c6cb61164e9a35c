import { toCommerceItems } from '../commerce-items'
import type { MappedItem } from '../commerce-items'
import { MONOPOLY, MONOPOLY_ITEM } from './__helpers__/support'

// What the framework does not pin end to end: items built from products passed beside them, and keys JSON can carry.

const ITEM: MappedItem = { id: MONOPOLY.product_id, name: MONOPOLY.name, price: MONOPOLY.price, quantity: 1 }

describe('toCommerceItems', () => {
  it("takes each item's other keys from the product with its id, then its mapped dataFields, a later one winning", () => {
    const products = [
      { ...MONOPOLY, brand: 'Hasbro', color: 'red' },
      { ...MONOPOLY, product_id: 'other', brand: 'Mattel' }
    ]
    const item = { ...ITEM, categories: 'Games', dataFields: { brand: 'Parker Brothers', edition: '3rd' } }

    const [first, second] = toCommerceItems([item, { ...ITEM, id: 'other' }], products)

    expect(first).toEqual({
      ...MONOPOLY_ITEM,
      sku: undefined,
      url: undefined,
      imageUrl: undefined,
      description: undefined,
      dataFields: { brand: 'Parker Brothers', color: 'red', edition: '3rd' }
    })
    expect(Object.keys(first.dataFields)).toEqual(['brand', 'color', 'edition'])
    expect(second.dataFields).toEqual({ brand: 'Mattel' })
  })

  it('keeps a key named "__proto__" (as JSON can carry) as a plain dataFields key, without touching the prototype', () => {
    const product = { ...MONOPOLY, ...(JSON.parse('{"__proto__": {"bundle": "family"}}') as object) }

    const [{ dataFields }] = toCommerceItems([ITEM], [product])

    expect(Object.keys(dataFields)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(dataFields)).toBe(Object.prototype)
    expect(JSON.stringify(dataFields)).toBe('{"__proto__":{"bundle":"family"}}')
  })
})
