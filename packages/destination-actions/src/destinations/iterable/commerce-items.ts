import { PayloadValidationError } from '@segment/actions-core'
import type { DataFields } from './bodies'
import { withIterableDates } from './dates'
import { ITEMS_FIELD } from './fields'
import { requireIdWithinLimit } from './limits'

// Segment's ecommerce products → Iterable's CommerceItems.

/** An item as the mapping produces it (the `items` field allows extra keys). */
export type MappedItem = {
  id?: string
  name?: string
  price?: number
  quantity?: number
  categories?: string
  dataFields?: DataFields
  [key: string]: unknown
}

// Keys of an Iterable item, and the Segment product keys they are mapped from, are never item dataFields.
const ITEM_KEYS = new Set([
  ...Object.keys(ITEMS_FIELD.properties ?? {}),
  'product_id',
  'productId',
  'category',
  'image_url'
])

/** The fields Iterable requires on every item, and the product keys the default mapping reads them from. */
const REQUIRED: [field: 'id' | 'name' | 'price' | 'quantity', productKeys: string][] = [
  ['id', 'product_id, productId or id'],
  ['name', 'name'],
  ['price', 'price'],
  ['quantity', 'quantity']
]

/** Throws, naming the product by its place in properties.products and the keys it lacks, when Iterable would refuse it. */
function requireItemFields(item: MappedItem, index: number): void {
  const product = `Product ${index + 1} of properties.products (items[${index}])`
  const missing = REQUIRED.filter(([field]) => item[field] === undefined || item[field] === null || item[field] === '')
  if (missing.length > 0) {
    const names = missing.map(([field, keys]) => (field === keys ? field : `${field} (${keys})`)).join(' or ')
    const [[field, keys]] = missing
    const fix =
      missing.length === 1
        ? `Add ${keys.split(',')[0]} to the product, or map the items' ${field} to the product key that holds it.`
        : `Add them to the product, or map the items' ${missing
            .map(([each]) => each)
            .join(', ')} to the product keys that hold them.`
    throw new PayloadValidationError(
      `${product} has no ${names}: Iterable requires an id, name, price and quantity on every item. ${fix}`
    )
  }
  requireIdWithinLimit(String(item.id), `The id of ${product}`)
}

/**
 * Segment products → Iterable CommerceItems: `categories` as an array, every other key of the item's `dataFields` (the
 * whole product, by default) and every extra key of the item in the item's dataFields.
 */
export function toCommerceItems(items: MappedItem[]) {
  return items.map((item, index) => {
    requireItemFields(item, index)
    // Object.fromEntries keeps every key a plain own key ("__proto__" included); an extra key of the item wins.
    const others = [...Object.entries(item.dataFields ?? {}), ...Object.entries(item)].filter(
      ([key]) => !ITEM_KEYS.has(key)
    )
    return {
      id: item.id,
      sku: item.sku,
      name: item.name,
      description: item.description,
      categories: item.categories === undefined ? undefined : [item.categories],
      price: item.price,
      quantity: item.quantity,
      imageUrl: item.imageUrl,
      url: item.url,
      dataFields: withIterableDates(Object.fromEntries(others), `items[${index}].dataFields`)
    }
  })
}

/**
 * Iterable replaces the user's whole cart with the items sent, so a cart event must carry the whole cart. Without
 * `properties.products` it would empty the cart; an empty array, on the other hand, is a deliberate empty cart.
 */
export function requireWholeCart(items: MappedItem[] | undefined): MappedItem[] {
  if (items === undefined) {
    throw new PayloadValidationError(
      'This cart event has no products. Iterable replaces the whole cart with the items sent, so "Product Added", "Product Removed" and "Cart Updated" must carry every product in the cart in properties.products (send an empty array to empty the cart), or map Cart items to them.'
    )
  }
  return items
}

/** Iterable records a purchase of one item at least. */
export function requirePurchasedItems(items: MappedItem[] | undefined): MappedItem[] {
  if (items === undefined || items.length === 0) {
    throw new PayloadValidationError(
      'This purchase has no products: Iterable records a purchase only with the items bought. Send them in properties.products (each with product_id, name, price and quantity), or map Purchased items to where they are.'
    )
  }
  return items
}
