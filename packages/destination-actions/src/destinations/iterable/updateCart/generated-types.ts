// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The user the purchase or cart belongs to: updated, or created if none exists. Needs an email or a userId.
   */
  user: {
    /**
     * An email address that identifies a user profile in Iterable (at most 254 characters). Either this or User ID is required (User ID in UserID-based projects).
     */
    email?: string
    /**
     * A user ID that identifies a user profile in Iterable (at most 52 characters). Either this or Email Address is required; UserID-based projects require it.
     */
    userId?: string
    /**
     * Data to store on the user profile. ISO-8601 date-times anywhere in it are sent in Iterable's date format, "YYYY-MM-DD HH:mm:ss +00:00" (UTC).
     */
    dataFields?: {
      [k: string]: unknown
    }
    /**
     * If you'd like to merge (rather than overwrite) a user profile's top-level objects with the values provided for them in the request body, set mergeNestedObjects to true.
     */
    mergeNestedObjects?: boolean
    /**
     * User phone number, including the country code (e.g. +14158675309). Sent as `dataFields.phoneNumber`, where Iterable reads it for SMS.
     */
    phoneNumber?: string | null
    /**
     * Only respected in email-based projects: create a new user when the request has a userId that doesn't yet exist in the Iterable project (and no email). When unmapped, it is sent as true for such requests when the Iterable Project Type setting is email-based.
     */
    preferUserId?: boolean
  }
  /**
   * Individual items in the cart, by default from `properties.products`. Each item must contain `id` (the product's `product_id`, `productId` or `id`), `name`, `price`, and `quantity`. The product's other properties are added to dataFields.
   */
  items?: {
    /**
     * The unique identifier of the product (at most 512 bytes).
     */
    id?: string
    /**
     * The name of the product.
     */
    name?: string
    /**
     * The Stock Keeping Unit of the product.
     */
    sku?: string
    /**
     * How many of the product.
     */
    quantity?: number
    /**
     * The unit price of the product.
     */
    price?: number
    /**
     * A description of the product.
     */
    description?: string
    /**
     * Sent as a one-element `categories` array.
     */
    categories?: string
    /**
     * The URL of the product page.
     */
    url?: string
    /**
     * The URL of an image of the product.
     */
    imageUrl?: string
    /**
     * The product, whose keys other than the item fields above are sent in the item's dataFields.
     */
    dataFields?: {
      [k: string]: unknown
    }
    [k: string]: unknown
  }[]
}
