import { PayloadValidationError } from '@segment/actions-core'
import type { DataFields } from './bodies'
import { withIterableDates } from './dates'
import { ITEMS_FIELD } from './fields'

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

// Keys of an Iterable item, and the Segment product keys they are mapped from, are never item dataFields.
const ITEM_KEYS = new Set([...Object.keys(ITEMS_FIELD.properties ?? {}), 'product_id', 'category', 'image_url'])

/**
 * The item's other keys, from its sources in order (a later one wins): its product, its mapped `dataFields` (the whole
 * product, by default on cart events), and extra keys of the item. Spread keeps every key a plain own key ("__proto__"
 * included); the item's own keys are then taken out.
 */
function otherKeys(item: MappedItem, product: DataFields | undefined): DataFields {
  const others: DataFields = { ...product, ...item.dataFields, ...item }
  for (const key of ITEM_KEYS) delete others[key]
  return others
}

const productIdOf = (product: unknown): string | undefined => {
  const { product_id: productId, id } = (product ?? {}) as { product_id?: unknown; id?: unknown }
  return productId === undefined && id === undefined ? undefined : String(productId ?? id)
}

/** The product among `products` with the item's id: at the item's own position with the default mappings. */
function productOf(item: MappedItem, index: number, products: unknown[] | undefined): DataFields | undefined {
  if (!products) return undefined
  const product =
    productIdOf(products[index]) === item.id ? products[index] : products.find((each) => productIdOf(each) === item.id)
  return product as DataFields | undefined
}

/** A Segment product → an Iterable CommerceItem: `categories` as an array, every other product key in `dataFields`. */
function toCommerceItem(item: MappedItem, index: number, products?: unknown[]) {
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
    dataFields: withIterableDates(otherKeys(item, productOf(item, index, products)), `items[${index}].dataFields`)
  }
}

/**
 * Segment products → Iterable CommerceItems. A purchase passes its products (mapped once already, in its dataFields):
 * each item takes its product's other keys from there, rather than the framework mapping every product twice.
 */
export const toCommerceItems = (items: MappedItem[], products?: unknown[]) =>
  items.map((item, index) => toCommerceItem(item, index, products))

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
