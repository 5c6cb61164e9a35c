import { PayloadValidationError } from '@segment/actions-core'
import { definedKeys } from './bodies'
import { withIterableDates } from './dates'
import type { CommerceItem, DataFields } from './types'

// Segment's ecommerce products → Iterable's CommerceItems.

/** An item as the mapping produces it (the `items` field allows extra keys). */
export interface MappedItem {
  id: string
  name: string
  price: number
  quantity: number
  sku?: string
  description?: string
  categories?: string
  url?: string
  imageUrl?: string
  dataFields?: DataFields
  [key: string]: unknown
}

// Keys of a Segment product (and of an Iterable item) that are item fields, so never item dataFields.
const ITEM_KEYS = new Set([
  'product_id',
  'id',
  'sku',
  'name',
  'price',
  'quantity',
  'category',
  'categories',
  'url',
  'image_url',
  'imageUrl',
  'description',
  'dataFields'
])

/** The item's other keys: from its mapped `dataFields` (the whole product by default), then extra keys of the item. */
function otherKeys(item: MappedItem): DataFields {
  const entries = [...Object.entries(item.dataFields ?? {}), ...Object.entries(item)]
  return Object.fromEntries(entries.filter(([key, value]) => value !== undefined && !ITEM_KEYS.has(key)))
}

/** A Segment product → an Iterable CommerceItem: `categories` as an array, every other product key in `dataFields`. */
function toCommerceItem(item: MappedItem, index: number): CommerceItem {
  return definedKeys({
    id: item.id,
    sku: item.sku,
    name: item.name,
    description: item.description,
    categories: item.categories === undefined ? undefined : [item.categories],
    price: item.price,
    quantity: item.quantity,
    imageUrl: item.imageUrl,
    url: item.url,
    dataFields: withIterableDates(otherKeys(item), `items[${index}].dataFields`)
  })
}

export const toCommerceItems = (items: MappedItem[]): CommerceItem[] => items.map(toCommerceItem)

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
