// Generated file. DO NOT MODIFY IT BY HAND.

export interface Payload {
  /**
   * The Iterable catalog of the items, when none was chosen or created when saving the mapping (which then wins). Letters, digits and dashes, at most 255 characters.
   */
  catalogName?: string
  /**
   * The item's id in the catalog: letters, digits and dashes, at most 255 characters. By default the row's `id` column.
   */
  itemId: string
  /**
   * The item's fields: by default every column of the row (its id included). Field names cannot contain a period; an item is at most 30 KB of JSON. ISO-8601 date-times are sent in Iterable's date format.
   */
  item?: {
    [k: string]: unknown
  }
  /**
   * On: an upsert changes only the fields sent, and keeps the item's other fields (Iterable's replaceUploadedFieldsOnly; PATCH for a single row). Off: it replaces the whole item (PUT for a single row).
   */
  replaceUploadedFieldsOnly?: boolean
  /**
   * When enabled, Segment sends data to Iterable's bulk endpoint in batches of up to 1001.
   */
  enable_batching?: boolean
  /**
   * Maximum number of rows in each batch: Iterable takes at most 1000 items per request.
   */
  batch_size?: number
  /**
   * Maximum size of a batch in bytes: Iterable's bulk endpoints take at most 4 MB per request.
   */
  batch_bytes?: number
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveInputs {
  /**
   * Select an existing catalog, or create a new one.
   */
  operation: string
  /**
   * The catalog to sync the items to.
   */
  existingCatalog?: string
  /**
   * The name of the catalog to create: letters, digits and dashes, at most 255 characters.
   */
  newCatalog?: string
  /**
   * The types of the catalog's fields (string, boolean, date, geo_location, long, double, object), set before any item arrives; fields left out take the type of their first value. A type already set cannot change.
   */
  fieldTypes?: {
    /**
     * The field, without periods.
     */
    name: string
    /**
     * The field's Iterable type.
     */
    type: string
  }[]
}
// Generated file. DO NOT MODIFY IT BY HAND.

export interface OnMappingSaveOutputs {
  /**
   * The catalog the items go to.
   */
  catalogName: string
}
