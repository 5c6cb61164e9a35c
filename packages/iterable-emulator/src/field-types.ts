import { isDateString } from './dates'

// Iterable fixes the type of a data field by the first value the project sees for it; a later value of another type
// is refused with `RequestFieldsTypesMismatched`. User fields are shared by every user of the project; event fields
// are shared by the events of one name ("for events of the same name, identically named data fields must be of the
// same type"). Nested fields are fields of their own, named by their dotted path (`address.city`), and an array is
// typed by its elements.

export type FieldType = 'string' | 'date' | 'long' | 'double' | 'boolean' | 'object' | 'nested'

/** Which profile or record a field belongs to, as Iterable names it in `validationErrors`. */
export type Category = 'user' | 'event' | 'purchase' | 'catalog'

export interface TypeMismatch {
  incomingTypes: string[]
  expectedType: FieldType
  _type: 'UnexpectedType'
  offendingValue: unknown
  category: Category
}

/** Where a field's type lives: the user profile, the events of one name, or purchases. */
export interface FieldScope {
  key: string
  category: Category
}

export const USER_SCOPE: FieldScope = { key: 'user', category: 'user' }
export const PURCHASE_SCOPE: FieldScope = { key: 'purchase', category: 'purchase' }
export const eventScope = (eventName: string): FieldScope => ({ key: `event:${eventName}`, category: 'event' })

/** Fields every Iterable project has from the start, with the types Iterable gives them. */
export const RESERVED_USER_FIELDS: Record<string, FieldType> = {
  email: 'string',
  userId: 'string',
  phoneNumber: 'string',
  signupDate: 'date',
  signupSource: 'string',
  profileUpdatedAt: 'date',
  shoppingCartItems: 'nested',
  emailListIds: 'long',
  subscribedMessageTypeIds: 'long',
  unsubscribedChannelIds: 'long',
  unsubscribedMessageTypeIds: 'long'
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** The type a new field gets from its first value. */
function typeOfValue(value: unknown): FieldType | undefined {
  if (typeof value === 'string') return isDateString(value) ? 'date' : 'string'
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double'
  if (typeof value === 'boolean') return 'boolean'
  if (isPlainObject(value)) return 'object'
  return undefined
}

/** Every type the value could be stored as, as Iterable lists them (`["string", "keyword"]`). */
export function incomingTypesOf(value: unknown): string[] {
  if (typeof value === 'string') return isDateString(value) ? ['date', 'string', 'keyword'] : ['string', 'keyword']
  if (typeof value === 'number') return Number.isInteger(value) ? ['long'] : ['double']
  if (typeof value === 'boolean') return ['boolean']
  return ['object']
}

/**
 * Whether a field of this type takes the value. A date field takes date strings only; a string field takes any string
 * (a date-like string included); long and double fields take any number (see the README: real Iterable may be
 * stricter between the two).
 */
function accepts(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'date':
      return typeof value === 'string' && isDateString(value)
    case 'long':
    case 'double':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'object':
    case 'nested':
      return isPlainObject(value)
  }
}

/**
 * A catalog's field types. Unlike profile fields, catalog fields get no type from their values: a field is undefined
 * until `PUT /api/catalogs/{catalogName}/fieldMappings` sets its type, and "after being set, a given field's data type
 * may not be changed". Valid types: boolean, date, geo_location, long, double, object and string.
 */
export const CATALOG_FIELD_TYPES = ['boolean', 'date', 'geo_location', 'long', 'double', 'object', 'string'] as const

export type CatalogFieldType = typeof CATALOG_FIELD_TYPES[number]

export const isCatalogFieldType = (value: string): value is CatalogFieldType =>
  (CATALOG_FIELD_TYPES as readonly string[]).includes(value)

/** A geo_location value: `{ "lat": 37.77, "lon": -122.42 }`. */
function isGeoLocation(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  const { lat, lon } = value
  return typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
}

/** Whether a catalog field of this type takes the value (an array: each of its elements); null is always taken. */
export function catalogAccepts(type: CatalogFieldType, value: unknown): boolean {
  if (value === null) return true
  if (Array.isArray(value)) return value.every((element) => catalogAccepts(type, element))
  return type === 'geo_location' ? isGeoLocation(value) : accepts(type, value)
}

/** The project's field types, per scope. */
export class FieldTypes {
  private readonly scopes = new Map<string, Map<string, FieldType>>()

  constructor() {
    this.reset()
  }

  reset(): void {
    this.scopes.clear()
    this.scopes.set(USER_SCOPE.key, new Map(Object.entries(RESERVED_USER_FIELDS)))
  }

  get(scope: string, path: string): FieldType | undefined {
    return this.scopes.get(scope)?.get(path)
  }

  set(scope: string, path: string, type: FieldType): void {
    let fields = this.scopes.get(scope)
    if (!fields) this.scopes.set(scope, (fields = new Map<string, FieldType>()))
    fields.set(path, type)
  }

  /** `{ user: { age: 'long', ... }, 'event:Order Shipped': { ... } }` */
  snapshot(): Record<string, Record<string, FieldType>> {
    return Object.fromEntries([...this.scopes].map(([scope, fields]) => [scope, Object.fromEntries(fields)]))
  }
}

const DROP = Symbol('drop')

/**
 * The types one request would add, checked before anything is stored: a request refused for a type mismatch changes
 * nothing. `commit()` makes the new types permanent once the request is accepted.
 */
export class TypeCheck {
  private readonly added = new Map<string, { scope: string; path: string; type: FieldType }>()
  readonly mismatches: Record<string, TypeMismatch> = {}
  /** Fields this request creates, and fields it drops because it may not create them (`createNewFields: false`). */
  readonly createdFields = new Set<string>()
  readonly filteredOutFields = new Set<string>()

  constructor(private readonly types: FieldTypes) {}

  get ok(): boolean {
    return Object.keys(this.mismatches).length === 0
  }

  /**
   * Checks one record's dataFields and returns the dataFields to store: the same values, less the new fields when
   * new fields may not be created.
   */
  check(scope: FieldScope, dataFields: Record<string, unknown>, createNewFields: boolean): Record<string, unknown> {
    const kept: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(dataFields)) {
      const result = this.visit(scope, key, value, createNewFields)
      if (result !== DROP) kept[key] = result
    }
    return kept
  }

  commit(): void {
    for (const { scope, path, type } of this.added.values()) this.types.set(scope, path, type)
    this.added.clear()
  }

  private typeOf(scope: string, path: string): FieldType | undefined {
    return this.added.get(`${scope}\u0000${path}`)?.type ?? this.types.get(scope, path)
  }

  private visit(scope: FieldScope, path: string, value: unknown, createNewFields: boolean): unknown {
    // null carries no type: it removes the field.
    if (value === null || value === undefined) return value
    if (Array.isArray(value)) {
      const kept = value.map((item) => this.visit(scope, path, item, createNewFields)).filter((item) => item !== DROP)
      return value.length > 0 && kept.length === 0 ? DROP : kept
    }
    const expected = this.typeOf(scope.key, path)
    if (expected === undefined) {
      const type = typeOfValue(value)
      if (type === undefined) return value
      if (!createNewFields) {
        this.filteredOutFields.add(path)
        return DROP
      }
      this.added.set(`${scope.key}\u0000${path}`, { scope: scope.key, path, type })
      this.createdFields.add(path)
    } else if (!accepts(expected, value)) {
      if (!(path in this.mismatches)) {
        this.mismatches[path] = {
          incomingTypes: incomingTypesOf(value),
          expectedType: expected,
          _type: 'UnexpectedType',
          offendingValue: value,
          category: scope.category
        }
      }
      return value
    }
    if (!isPlainObject(value)) return value
    const kept: Record<string, unknown> = {}
    for (const [key, nested] of Object.entries(value)) {
      const result = this.visit(scope, `${path}.${key}`, nested, createNewFields)
      if (result !== DROP) kept[key] = result
    }
    return kept
  }
}

/** Iterable's message for a `RequestFieldsTypesMismatched` answer. */
export function mismatchMessage(projectId: number, mismatches: Record<string, TypeMismatch>): string {
  const fields = Object.entries(mismatches).map(
    ([field, { category, expectedType, incomingTypes }]) =>
      `Field '${field}' already exists for type '${category}' and has a data type of '${expectedType}' but possible types '${incomingTypes.join(
        ', '
      )}' in the request.`
  )
  return `Project ${projectId}: The request does not have the same data types as the data previously submitted. ${fields.join(
    ' '
  )}`
}
