import { badParams, failure, ok, success } from '../answers'
import type { Answer } from '../answers'
import { refuseMalformed } from '../context'
import type { Context } from '../context'
import { CATALOG_FIELD_TYPES, catalogAccepts, incomingTypesOf, isCatalogFieldType } from '../field-types'
import type { CatalogFieldType } from '../field-types'
import { isPlainObject } from '../store'
import type { DataFields, StoredCatalog, StoredCatalogItem } from '../store'
import { MAX_CATALOG_DOCUMENTS, MAX_CATALOG_ITEM_BYTES, isValidCatalogItemId, isValidCatalogName } from '../validation'

// Catalogs: create, list and delete catalogs, set and read their field mappings, and write, read and delete their
// items. Iterable's rules (its API reference):
// - Catalog names are alphanumerics and dashes, case-insensitive, at most 255 characters; each is unique in a project.
//   Item ids are alphanumerics and dashes, case-sensitive, at most 255 characters. Field names contain no period.
// - A bulk upload takes at most 1,000 items, each at most 30 KB of JSON. An item sent again is replaced whole, or with
//   `replaceUploadedFieldsOnly: true` only in the fields sent (PATCH does the same for one item).
// - A field has no type until the field mappings set one, and "after being set, a given field's data type may not be
//   changed". Valid types: boolean, date, geo_location, long, double, object, string.
// - Item writes and deletes are asynchronous at Iterable: it answers 202 and applies them later. The emulator applies
//   them before answering, so a read right after sees them.
// - Reads answer inside `params` of `{ msg, code, params }`, as recorded from Iterable (its spec shows them bare), and
//   `lastModified` is in epoch milliseconds (the spec says a date-time string; recorded answers and Iterable's own
//   client have a number).

/** An accepted asynchronous write: Iterable answers 202 before it applies it. */
const accepted = (msg: string, params: unknown = null): Answer => ({
  status: 202,
  body: { msg, code: 'Success', params }
})

/** A read's answer: the result in `params`. */
const wrapped = (params: unknown): Answer => ok({ msg: '', code: 'Success', params })

const invalidCatalogName = (name: string) =>
  badParams(`Invalid catalog name "${name}": a catalog name is 1 to 255 letters, digits and dashes`)

const invalidItemId = (itemId: string) =>
  badParams(`Invalid catalog item id "${itemId}": an item id is 1 to 255 letters, digits and dashes (case-sensitive)`)

const unknownCatalog = (name: string) => failure(404, 'NotFound', `Catalog not found: ${name}`)

const isAnswer = (value: StoredCatalog | Answer): value is Answer => 'status' in value

/** The catalog the path names (without regard to case), or the answer to a malformed or unknown name. */
function catalogFor(ctx: Context, name: string): StoredCatalog | Answer {
  if (!isValidCatalogName(name)) return invalidCatalogName(name)
  return ctx.store.findCatalog(name) ?? unknownCatalog(name)
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key)

// Paging: `page` from 1, `pageSize` 10 unless set; links to the pages before and after, when there are any.

function pageParameter(query: URLSearchParams, name: string, fallback: number, max: number): number | Answer {
  const raw = query.get(name)
  if (raw === null || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max)
    return badParams(`Invalid ${name}: ${raw}. ${name} must be an integer from 1 to ${max}.`)
  return value
}

interface Paging {
  page: number
  pageSize: number
}

function paging(query: URLSearchParams, maxPageSize: number): Paging | Answer {
  const page = pageParameter(query, 'page', 1, Number.MAX_SAFE_INTEGER)
  if (typeof page !== 'number') return page
  const pageSize = pageParameter(query, 'pageSize', 10, maxPageSize)
  if (typeof pageSize !== 'number') return pageSize
  return { page, pageSize }
}

/** One page of `all`, and the links to the pages around it (the path and query of this emulator). */
function pageOf<T>(ctx: Context, all: T[], { page, pageSize }: Paging, extra: Record<string, string> = {}) {
  const start = (page - 1) * pageSize
  const link = (to: number) =>
    `${ctx.path}?${new URLSearchParams({ page: String(to), pageSize: String(pageSize), ...extra }).toString()}`
  return {
    entries: all.slice(start, start + pageSize),
    links: {
      ...(page > 1 && { previousPageUrl: link(page - 1) }),
      ...(start + pageSize < all.length && { nextPageUrl: link(page + 1) })
    }
  }
}

/** Iterable's client documents at most 100 catalogs a page and 1,000 items a page. */
const MAX_CATALOGS_PAGE_SIZE = 100
const MAX_ITEMS_PAGE_SIZE = 1000

// Catalogs.

/** `GET /api/catalogs`: the catalogs' names, newest first, a page at a time. */
export function getCatalogs(ctx: Context, query: URLSearchParams): Answer {
  const pages = paging(query, MAX_CATALOGS_PAGE_SIZE)
  if ('status' in pages) return pages
  const all = [...ctx.store.catalogs.values()].reverse()
  const { entries, links } = pageOf(ctx, all, pages)
  return wrapped({
    catalogNames: entries.map((catalog) => ({ name: catalog.name })),
    totalCatalogsCount: all.length,
    ...links
  })
}

/** `POST /api/catalogs/{catalogName}`: 201, with the new catalog's id, name and path (as recorded from Iterable). */
export function createCatalog(ctx: Context, name: string): Answer {
  if (!isValidCatalogName(name)) return invalidCatalogName(name)
  const existing = ctx.store.findCatalog(name)
  if (existing)
    return badParams(
      `Catalog ${existing.name} already exists: catalog names are unique in a project, without regard to case`
    )
  const catalog = ctx.store.createCatalog(name)
  return {
    status: 201,
    body: { msg: '', code: 'Success', params: { id: catalog.id, name: catalog.name, url: catalogUrl(catalog) } }
  }
}

const catalogUrl = (catalog: StoredCatalog) => `/api/catalogs/${catalog.name}`

/** `DELETE /api/catalogs/{catalogName}`: the catalog and its items are gone. */
export function deleteCatalog(ctx: Context, name: string): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  ctx.store.deleteCatalog(catalog)
  return success(null, `Successfully deleted catalog ${catalog.name}`)
}

// Field mappings.

interface FieldDefinition {
  fieldName: string
  fieldType: string
  children?: FieldDefinition[] | null
}

/** `GET …/fieldMappings`: the types set, by path, and the fields the items have that have no type. */
export function getFieldMappings(ctx: Context, name: string): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  return wrapped({ definedMappings: Object.fromEntries(catalog.fieldTypes), undefinedFields: undefinedFields(catalog) })
}

/** Fields of the items without a type: top-level ones, and those inside object fields whose children are typed. */
function undefinedFields(catalog: StoredCatalog): string[] {
  const found = new Set<string>()
  const visit = (fields: DataFields, path: string) => {
    for (const [key, value] of Object.entries(fields)) {
      const at = path ? `${path}.${key}` : key
      const type = catalog.fieldTypes.get(at)
      if (type === undefined) found.add(at)
      else if (type === 'object')
        for (const element of Array.isArray(value) ? value : [value]) if (isPlainObject(element)) visit(element, at)
    }
  }
  for (const item of catalog.items.values()) visit(item.value, '')
  return [...found].sort()
}

/**
 * `PUT …/fieldMappings`: sets the types of the fields sent (an object field's `children` by their dotted path). A type
 * once set cannot change: a different one is refused, the same one again is fine. The request is checked whole before
 * any type is set.
 */
export function updateFieldMappings(ctx: Context, name: string, body: unknown): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  const malformed = refuseMalformed(ctx, 'catalogMappingsUpdate', body)
  if (malformed) return malformed
  const requested = new Map<string, CatalogFieldType>()
  const refused = collectMappings((body as { mappingsUpdates: FieldDefinition[] }).mappingsUpdates, '', requested)
  if (refused) return refused
  for (const [path, type] of requested) {
    const current = catalog.fieldTypes.get(path)
    if (current !== undefined && current !== type)
      return badParams(
        `Field ${path} of catalog ${catalog.name} already has the type ${current}; ` +
          `a catalog field's type cannot be changed once set (requested: ${type})`
      )
    const disagreeing = firstDisagreeingItem(catalog, path, type)
    if (disagreeing)
      return badParams(
        `Field ${path} of catalog ${catalog.name} cannot be given the type ${type}: ` +
          `item ${disagreeing.itemId} holds ${JSON.stringify(disagreeing.value)} there`
      )
  }
  for (const [path, type] of requested) catalog.fieldTypes.set(path, type)
  return success()
}

function collectMappings(
  definitions: FieldDefinition[],
  parent: string,
  into: Map<string, CatalogFieldType>
): Answer | undefined {
  for (const { fieldName, fieldType, children } of definitions) {
    const path = parent ? `${parent}.${fieldName}` : fieldName
    if (fieldName === '' || fieldName.includes('.'))
      return badParams(`Invalid field name "${path}": catalog field names must not be empty or contain periods`)
    if (!isCatalogFieldType(fieldType))
      return badParams(`Invalid type "${fieldType}" for field ${path}: the types are ${CATALOG_FIELD_TYPES.join(', ')}`)
    if (children && children.length > 0 && fieldType !== 'object')
      return badParams(`Field ${path} has children: its type must be object, not ${fieldType}`)
    const earlier = into.get(path)
    if (earlier !== undefined && earlier !== fieldType)
      return badParams(`Field ${path} is given two types in one request: ${earlier} and ${fieldType}`)
    into.set(path, fieldType)
    const refused = children ? collectMappings(children, path, into) : undefined
    if (refused) return refused
  }
  return undefined
}

/** The values at a dotted path of an item, through objects and arrays of objects. */
function valuesAt(value: unknown, segments: string[]): unknown[] {
  if (segments.length === 0) return [value]
  if (Array.isArray(value)) return value.flatMap((element) => valuesAt(element, segments))
  if (!isPlainObject(value) || !hasOwn(value, segments[0])) return []
  return valuesAt(value[segments[0]], segments.slice(1))
}

function firstDisagreeingItem(
  catalog: StoredCatalog,
  path: string,
  type: CatalogFieldType
): { itemId: string; value: unknown } | undefined {
  for (const item of catalog.items.values()) {
    const value = valuesAt(item.value, path.split('.')).find((candidate) => !catalogAccepts(type, candidate))
    if (value !== undefined) return { itemId: item.itemId, value }
  }
  return undefined
}

// Items.

/** A value of another type than its field's, as `validationErrors` of RequestFieldsTypesMismatched names it. */
interface CatalogTypeMismatch {
  itemId: string
  incomingTypes: string[]
  expectedType: CatalogFieldType
  _type: 'UnexpectedType'
  offendingValue: unknown
  category: 'catalog'
}

/** The path of the first field name with a period, at any depth of the item. */
function dottedField(fields: DataFields, path = ''): string | undefined {
  for (const [key, value] of Object.entries(fields)) {
    const at = path ? `${path}.${key}` : key
    if (key.includes('.')) return at
    for (const element of Array.isArray(value) ? value : [value]) {
      const nested = isPlainObject(element) ? dottedField(element, at) : undefined
      if (nested !== undefined) return nested
    }
  }
  return undefined
}

/** What Iterable refuses in an item sent: a malformed id, a field name with a period, over 30 KB of JSON. */
function itemRefusal(itemId: string, value: DataFields): Answer | undefined {
  if (!isValidCatalogItemId(itemId)) return invalidItemId(itemId)
  const dotted = dottedField(value)
  if (dotted !== undefined)
    return badParams(`Invalid field name "${dotted}" in item ${itemId}: catalog field names must not contain periods`)
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8')
  if (bytes > MAX_CATALOG_ITEM_BYTES)
    return badParams(
      `Item ${itemId} is ${bytes} bytes of JSON; a catalog item may be at most ${MAX_CATALOG_ITEM_BYTES} bytes (30 KB)`
    )
  return undefined
}

/** Adds the item's values that disagree with their fields' types (the first one per field) to `into`. */
function checkTypes(
  catalog: StoredCatalog,
  itemId: string,
  fields: DataFields,
  into: Map<string, CatalogTypeMismatch>,
  path = ''
): void {
  const check = (at: string, value: unknown): void => {
    if (value === null) return
    if (Array.isArray(value)) return value.forEach((element) => check(at, element))
    const type = catalog.fieldTypes.get(at)
    if (type !== undefined && !catalogAccepts(type, value)) {
      if (!into.has(at)) {
        into.set(at, {
          itemId,
          incomingTypes: incomingTypesOf(value),
          expectedType: type,
          _type: 'UnexpectedType',
          offendingValue: value,
          category: 'catalog'
        })
      }
      return
    }
    if (isPlainObject(value) && type !== 'geo_location') checkTypes(catalog, itemId, value, into, at)
  }
  for (const [key, value] of Object.entries(fields)) check(path ? `${path}.${key}` : key, value)
}

function mismatchAnswer(catalog: StoredCatalog, mismatches: Map<string, CatalogTypeMismatch>): Answer {
  const fields = [...mismatches].map(
    ([field, { itemId, expectedType, incomingTypes }]) =>
      `Item ${itemId}: field '${field}' has a data type of '${expectedType}' but possible types '${incomingTypes.join(
        ', '
      )}' in the request.`
  )
  return failure(
    400,
    'RequestFieldsTypesMismatched',
    `Catalog ${
      catalog.name
    }: the request does not have the same data types as the catalog's field mappings. ${fields.join(' ')}`,
    { validationErrors: Object.fromEntries(mismatches) }
  )
}

/**
 * Checks the items sent, all before any is written: one refused item refuses the request. Only the fields sent are
 * checked against the types: an item's other fields were checked when they were written.
 */
function refuseItems(catalog: StoredCatalog, items: [string, DataFields][]): Answer | undefined {
  const mismatches = new Map<string, CatalogTypeMismatch>()
  for (const [itemId, value] of items) {
    const refused = itemRefusal(itemId, value)
    if (refused) return refused
    checkTypes(catalog, itemId, value, mismatches)
  }
  return mismatches.size > 0 ? mismatchAnswer(catalog, mismatches) : undefined
}

/** Writes an item: whole (it replaces the item there), or merged into it, the fields sent replacing theirs. */
function writeItem(ctx: Context, catalog: StoredCatalog, itemId: string, value: DataFields, merge: boolean): void {
  const existing = catalog.items.get(itemId)
  ctx.store.putCatalogItem(catalog, itemId, merge && existing ? { ...existing.value, ...value } : value)
}

/**
 * `POST …/items`: creates or replaces up to 1,000 items; with `replaceUploadedFieldsOnly: true` an existing item keeps
 * the fields not sent. (The spec marks `replaceUploadedFieldsOnly` required; absent counts as false here.)
 */
export function bulkUpsertItems(ctx: Context, name: string, body: unknown): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  const malformed = refuseMalformed(ctx, 'catalogBulkUpload', body)
  if (malformed) return malformed
  const { documents, replaceUploadedFieldsOnly } = body as {
    documents: Record<string, DataFields>
    replaceUploadedFieldsOnly?: boolean | null
  }
  const items = Object.entries(documents)
  if (items.length === 0) return badParams('obj.documents holds no items: send at least one item id and its fields')
  if (items.length > MAX_CATALOG_DOCUMENTS)
    return badParams(
      `obj.documents holds ${items.length} items; a bulk upload takes at most ${MAX_CATALOG_DOCUMENTS} items`
    )
  const refused = refuseItems(catalog, items)
  if (refused) return refused
  for (const [itemId, value] of items) writeItem(ctx, catalog, itemId, value, replaceUploadedFieldsOnly === true)
  return accepted(`Request to bulk-upload documents into ${catalog.name} processed successfully`)
}

/** `DELETE …/items`: the items named; ids the catalog lacks are accepted too (Iterable deletes asynchronously). */
export function bulkDeleteItems(ctx: Context, name: string, body: unknown): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  const malformed = refuseMalformed(ctx, 'catalogBulkDelete', body)
  if (malformed) return malformed
  const { itemIds } = body as { itemIds: string[] }
  const invalid = itemIds.find((itemId) => !isValidCatalogItemId(itemId))
  if (invalid !== undefined) return invalidItemId(invalid)
  for (const itemId of itemIds) catalog.items.delete(itemId)
  return accepted(`Successfully received request to delete ${itemIds.length} items from catalog ${catalog.name}`)
}

/** The catalog and a well-formed item id, or the answer refusing them. */
function itemTarget(ctx: Context, name: string, itemId: string): StoredCatalog | Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog) || isValidCatalogItemId(itemId)) return catalog
  return invalidItemId(itemId)
}

/** The answer of PUT and PATCH, as recorded from Iterable: where the item is. */
const itemAccepted = (catalog: StoredCatalog, itemId: string) =>
  accepted('', { catalogName: catalog.name, itemId, url: `${catalogUrl(catalog)}/items/${itemId}` })

/** `PUT …/items/{itemId}`: creates the item, or replaces it whole. */
export function replaceItem(ctx: Context, name: string, itemId: string, body: unknown): Answer {
  return writeOne(ctx, name, itemId, body, false)
}

/** `PATCH …/items/{itemId}`: creates the item, or updates the fields sent and keeps the others. */
export function updateItem(ctx: Context, name: string, itemId: string, body: unknown): Answer {
  return writeOne(ctx, name, itemId, body, true)
}

function writeOne(ctx: Context, name: string, itemId: string, body: unknown, merge: boolean): Answer {
  const catalog = itemTarget(ctx, name, itemId)
  if (isAnswer(catalog)) return catalog
  const malformed = refuseMalformed(ctx, merge ? 'catalogUpdateItem' : 'catalogIndexItem', body)
  if (malformed) return malformed
  const value = merge ? (body as { update: DataFields }).update : (body as { value: DataFields }).value
  const refused = refuseItems(catalog, [[itemId, value]])
  if (refused) return refused
  writeItem(ctx, catalog, itemId, value, merge)
  return itemAccepted(catalog, itemId)
}

/** `GET …/items/{itemId}`: the item with its properties, or 404. */
export function getItem(ctx: Context, name: string, itemId: string): Answer {
  const catalog = itemTarget(ctx, name, itemId)
  if (isAnswer(catalog)) return catalog
  const item = catalog.items.get(itemId)
  if (!item) return failure(404, 'NotFound', `No catalog item ${itemId} in catalog ${catalog.name}`)
  return wrapped(ctx.store.renderCatalogItem(catalog, item))
}

/** `DELETE …/items/{itemId}`: accepted whether or not the item exists (Iterable deletes asynchronously). */
export function deleteItem(ctx: Context, name: string, itemId: string): Answer {
  const catalog = itemTarget(ctx, name, itemId)
  if (isAnswer(catalog)) return catalog
  catalog.items.delete(itemId)
  // Iterable's wording, "deleted" included.
  return accepted(`Received request to deleted item ID ${itemId} from catalog ${catalog.name}`)
}

/**
 * `GET …/items`: the items a page at a time, in the order they were first created, or by `orderBy` (a field's value;
 * items without it last), descending unless `sortAscending=true`. "To also use the sortAscending parameter, this field
 * must have a defined type": on a field without one the order stays descending.
 */
export function getItems(ctx: Context, name: string, query: URLSearchParams): Answer {
  const catalog = catalogFor(ctx, name)
  if (isAnswer(catalog)) return catalog
  const pages = paging(query, MAX_ITEMS_PAGE_SIZE)
  if ('status' in pages) return pages
  const orderBy = query.get('orderBy') || undefined
  const sortAscending = query.get('sortAscending')
  if (sortAscending !== null && sortAscending !== 'true' && sortAscending !== 'false')
    return badParams(`Invalid sortAscending: ${sortAscending}. sortAscending must be true or false.`)
  let items = [...catalog.items.values()]
  if (orderBy !== undefined) {
    const ascending = sortAscending === 'true' && catalog.fieldTypes.has(orderBy)
    items = sortItems(items, orderBy, ascending)
  }
  const extra = {
    ...(orderBy !== undefined && { orderBy }),
    ...(sortAscending !== null && { sortAscending })
  }
  const { entries, links } = pageOf(ctx, items, pages, extra)
  return wrapped({
    catalogItemsWithProperties: entries.map((item) => ctx.store.renderCatalogItem(catalog, item)),
    totalItemsCount: items.length,
    ...links
  })
}

function sortItems(items: StoredCatalogItem[], field: string, ascending: boolean): StoredCatalogItem[] {
  const keyed = items.map((item) => ({ item, key: valuesAt(item.value, field.split('.'))[0] }))
  const present = keyed.filter(({ key }) => key !== undefined && key !== null)
  const missing = keyed.filter(({ key }) => key === undefined || key === null)
  present.sort((a, b) => compare(a.key, b.key) * (ascending ? 1 : -1))
  return [...present, ...missing].map(({ item }) => item)
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const left = typeof a === 'string' ? a : JSON.stringify(a)
  const right = typeof b === 'string' ? b : JSON.stringify(b)
  return left < right ? -1 : left > right ? 1 : 0
}
