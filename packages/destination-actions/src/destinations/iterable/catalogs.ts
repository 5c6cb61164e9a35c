import { PayloadValidationError } from '@segment/actions-core'
import type { DynamicFieldResponse, RequestClient } from '@segment/actions-core'
import { callIterable, shorten } from './iterable-api'
import type { ApiPath, IterableAnswer, IterableSettings } from './iterable-api'

// Iterable's catalogs: what their names, item ids and fields may be, and the calls that list, create and type them.
// Item writes go through the bulk path (bulk.ts) and the single item endpoints (the Sync Catalog Items action).

/** Catalog names and item ids: alphanumerics and dashes, at most 255 characters (names are case-insensitive). */
const NAME = /^[A-Za-z0-9-]{1,255}$/
/** Iterable takes at most 1,000 items per bulk request, each of at most 30 KB of JSON. */
export const MAX_ITEMS_PER_REQUEST = 1000
export const MAX_ITEM_BYTES = 30 * 1024

/** Iterable's catalog field types. */
export const FIELD_TYPES = ['string', 'boolean', 'date', 'geo_location', 'long', 'double', 'object'] as const

const describeValue = (value: string) => JSON.stringify(shorten(value, 60))

/** Throws unless `name` is a catalog name Iterable takes. */
export function requireCatalogName(name: string | undefined): string {
  if (name === undefined || name === '') {
    throw new PayloadValidationError(
      'No catalog is chosen: select or create one when saving the mapping (Select or Create a Catalog), or set Catalog to the name of an Iterable catalog.'
    )
  }
  if (!NAME.test(name)) {
    throw new PayloadValidationError(
      `The catalog name ${describeValue(
        name
      )} is not one Iterable takes: use letters, digits and dashes only, at most 255 characters.`
    )
  }
  return name
}

/** Throws unless `id` is an item id Iterable takes. */
export function requireItemId(id: string | undefined): string {
  if (id === undefined || id === '' || !NAME.test(id)) {
    throw new PayloadValidationError(
      `The item id ${describeValue(
        id ?? ''
      )} is not one Iterable takes: an item id has letters, digits and dashes only, at most 255 characters. Map Item ID to a column that holds such ids.`
    )
  }
  return id
}

/** The first field name with a period, at any depth, if any: Iterable reads periods in catalog field names as paths. */
function dottedField(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined
  for (const [key, nested] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key
    if (key.includes('.')) return name
    const found = dottedField(nested, name)
    if (found) return found
  }
  return undefined
}

/** Throws unless Iterable takes `item` as a catalog item: no period in a field name, at most 30 KB of JSON. */
export function requireItemFields(item: Record<string, unknown>): void {
  const dotted = dottedField(item)
  if (dotted !== undefined) {
    throw new PayloadValidationError(
      `The item field ${describeValue(
        dotted
      )} has a period in its name, which Iterable catalog field names cannot have: rename the column, or leave it out of Item Fields.`
    )
  }
  const bytes = Buffer.byteLength(JSON.stringify(item))
  if (bytes > MAX_ITEM_BYTES) {
    throw new PayloadValidationError(
      `This item is ${bytes} bytes of JSON, over the ${MAX_ITEM_BYTES} bytes Iterable takes for one catalog item: send fewer or smaller fields.`
    )
  }
}

const catalogPath = (catalog: string): ApiPath => `/api/catalogs/${encodeURIComponent(catalog)}`
export const itemsPath = (catalog: string): ApiPath => `${catalogPath(catalog)}/items`
export const itemPath = (catalog: string, itemId: string): ApiPath =>
  `${itemsPath(catalog)}/${encodeURIComponent(itemId)}`

/** The catalogs of the project, a page at a time, as the choices of a dynamic field. */
export async function catalogChoices(
  request: RequestClient,
  settings: IterableSettings,
  page?: string
): Promise<DynamicFieldResponse> {
  const pageNumber = Number(page ?? 1) || 1
  const { json } = await callIterable(request, settings, `/api/catalogs?page=${pageNumber}&pageSize=100`, {
    method: 'get'
  })
  // Iterable puts the page in `params`; the answer is read either way.
  const listed = (json.params ?? json) as { catalogNames?: { name?: unknown }[]; nextPageUrl?: unknown }
  const choices = (listed.catalogNames ?? []).map(({ name }) => ({ label: String(name), value: String(name) }))
  return { choices, ...(typeof listed.nextPageUrl === 'string' && { nextPage: String(pageNumber + 1) }) }
}

/** A field and the Iterable type it is to have. */
export interface FieldType {
  name: string
  type: string
}

/** The types Iterable already has for the catalog's fields. */
async function definedTypes(request: RequestClient, settings: IterableSettings, catalog: string) {
  const { json } = await callIterable(request, settings, `${catalogPath(catalog)}/fieldMappings`, { method: 'get' })
  const params = (json.params ?? json) as { definedMappings?: Record<string, string> }
  return params.definedMappings ?? {}
}

/**
 * Sets the types of a catalog's fields. Iterable fixes a field's type once set: a field asked to change type is
 * refused here, naming it, before anything is changed.
 */
export async function setFieldTypes(
  request: RequestClient,
  settings: IterableSettings,
  catalog: string,
  fields: FieldType[]
): Promise<IterableAnswer | undefined> {
  if (fields.length === 0) return undefined
  const defined = await definedTypes(request, settings, catalog)
  const changed = fields.filter(({ name, type }) => defined[name] !== undefined && defined[name] !== type)
  if (changed.length > 0) {
    const [{ name, type }] = changed
    throw new PayloadValidationError(
      `The field "${name}" of the catalog ${catalog} is already of type ${defined[name]}, and Iterable never changes a catalog field's type once set: keep ${defined[name]}, or give the ${type} values another field name.`
    )
  }
  const mappingsUpdates = fields
    .filter(({ name }) => defined[name] === undefined)
    .map(({ name, type }) => ({ fieldName: name, fieldType: type }))
  if (mappingsUpdates.length === 0) return undefined
  return callIterable(request, settings, `${catalogPath(catalog)}/fieldMappings`, {
    method: 'put',
    json: { mappingsUpdates }
  })
}

/** Creates a catalog. Iterable answers 201; a name already taken is refused. */
export function createCatalog(request: RequestClient, settings: IterableSettings, catalog: string) {
  return callIterable(request, settings, catalogPath(requireCatalogName(catalog)), { method: 'post' })
}
