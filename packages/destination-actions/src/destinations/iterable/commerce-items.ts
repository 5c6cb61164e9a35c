import { PayloadValidationError } from '@segment/actions-core'
import { convertDates } from './dates'
import type { CommerceItem, DataFields } from './types'

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

// Keys of a Segment product (and of an Iterable item) that become item fields, so never item dataFields.
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

function extraProductKeys(source: Record<string, unknown> | undefined): DataFields {
  const extra: DataFields = {}
  for (const [key, value] of Object.entries(source ?? {})) {
    if (!ITEM_KEYS.has(key) && value !== undefined) extra[key] = value
  }
  return extra
}

/** Segment products → Iterable CommerceItems: `categories` as an array, every other product key in `dataFields`. */
export function toCommerceItems(items: MappedItem[]): CommerceItem[] {
  return items.map((item) => {
    const { id, sku, name, description, categories, price, quantity, imageUrl, url, dataFields } = item
    const extra = convertDates({ ...extraProductKeys(dataFields), ...extraProductKeys(item) })
    return {
      id,
      name,
      price,
      quantity,
      ...(sku !== undefined && { sku }),
      ...(description !== undefined && { description }),
      ...(categories !== undefined && { categories: [categories] }),
      ...(url !== undefined && { url }),
      ...(imageUrl !== undefined && { imageUrl }),
      ...(Object.keys(extra).length > 0 && { dataFields: extra })
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
