import { PayloadValidationError } from '@segment/actions-core'
import type { DataFields } from './bodies'
import { withIterableDates } from './dates'
import { ITEMS_FIELD } from './fields'

// Segment's ecommerce products → Iterable's CommerceItems.

/** An item as the mapping produces it (the `items` field allows extra keys). */
export type MappedItem = { id: string; categories?: string; dataFields?: DataFields; [key: string]: unknown }

// Keys of an Iterable item, and the Segment product keys they are mapped from, are never item dataFields.
const ITEM_KEYS = new Set([...Object.keys(ITEMS_FIELD.properties ?? {}), 'product_id', 'category', 'image_url'])

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

/**
 * Segment products → Iterable CommerceItems: `categories` as an array, every other key in `dataFields`. A purchase
 * passes its products (mapped once already, in its dataFields): each item takes its product's other keys from there,
 * rather than the framework mapping every product twice.
 */
export function toCommerceItems(items: MappedItem[], products?: unknown[]) {
  return items.map((item, index) => {
    // The other keys, from each source in order (a later one wins): the product, the item's mapped `dataFields` (the
    // whole product, by default on cart events), and the item's extra keys. Object.fromEntries keeps every key a plain
    // own key ("__proto__" included).
    const others: [string, unknown][] = []
    for (const source of [productOf(item, index, products), item.dataFields, item]) {
      for (const key of Object.keys(source ?? {})) if (!ITEM_KEYS.has(key)) others.push([key, source?.[key]])
    }
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
