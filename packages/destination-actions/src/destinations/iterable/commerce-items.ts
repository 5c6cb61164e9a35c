import { PayloadValidationError } from '@segment/actions-core'
import { convertDates } from './dates'
import { setOwnKey } from './own-keys'
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

/**
 * The product's keys that are not item fields, from its sources in order (a later one wins): the product itself, the
 * item's mapped `dataFields` (the whole product by default on cart events) and the item. Dates converted; undefined
 * when there are none.
 */
function extraProductKeys(...sources: (Record<string, unknown> | undefined)[]): DataFields | undefined {
  let extra: DataFields | undefined
  for (const source of sources) {
    for (const key in source) {
      const value = source[key]
      if (value !== undefined && !ITEM_KEYS.has(key)) setOwnKey((extra ??= {}), key, convertDates(value))
    }
  }
  return extra
}

/** A Segment product → an Iterable CommerceItem: `categories` as an array, every other product key in `dataFields`. */
function toCommerceItem(item: MappedItem, product: Record<string, unknown> | undefined): CommerceItem {
  // One object, keys set in place: this runs for every product of every order.
  const commerceItem: CommerceItem = { id: item.id, name: item.name, price: item.price, quantity: item.quantity }
  if (item.sku !== undefined) commerceItem.sku = item.sku
  if (item.description !== undefined) commerceItem.description = item.description
  if (item.categories !== undefined) commerceItem.categories = [item.categories]
  if (item.url !== undefined) commerceItem.url = item.url
  if (item.imageUrl !== undefined) commerceItem.imageUrl = item.imageUrl
  const extra = extraProductKeys(product, item.dataFields, item)
  if (extra !== undefined) commerceItem.dataFields = extra
  return commerceItem
}

const productIdOf = (product: unknown): string | undefined => {
  if (product === null || typeof product !== 'object') return undefined
  const { product_id: productId, id } = product as { product_id?: unknown; id?: unknown }
  const found = productId ?? id
  return found === undefined || found === null ? undefined : String(found)
}

/**
 * The product `item` was mapped from, among `products` (the purchase's mapped `properties.products`): the one at its
 * position when the ids match (always, with the default mappings), else the first with its id. None without an id.
 */
function productOf(item: MappedItem, index: number, products: unknown[] | undefined): DataFields | undefined {
  if (products === undefined) return undefined
  const product =
    productIdOf(products[index]) === item.id
      ? products[index]
      : products.find((candidate) => productIdOf(candidate) === item.id)
  return product as DataFields | undefined
}

/** Segment products → Iterable CommerceItems; `products`, where given, lend each item its product's other keys. */
export const toCommerceItems = (items: MappedItem[], products?: unknown[]): CommerceItem[] =>
  items.map((item, index) => toCommerceItem(item, productOf(item, index, products)))

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
