import Ajv from 'ajv'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { REQUEST_SCHEMAS } from './schemas'
import type { SchemaName } from './schemas'

// Body checks, answered the way Iterable answers them: a body that does not match the schema is refused whole with
// `BadJsonBody`, and `params` names each bad key by its JSON path from `obj` (`obj.events[1].createdAt`) with the
// error Iterable's JSON reader gives (`[{ msg: ['error.expected.jsnumber'], args: [] }]`). The message says the same
// in words ("Number value expected").

// verbose: errors carry the value, to tell "Integer value expected" (1.5) from "Number value expected" ('1').
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true })
const validators = new Map<SchemaName, ValidateFunction>(
  Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name as SchemaName, ajv.compile(schema)])
)

/** At most this many keys in `params`: a body with thousands of bad records does not get a megabyte of answer. */
const MAX_REPORTED_ERRORS = 50

/** A human reason per JSON path (`obj.name` → 'Missing required field'). */
export type PathErrors = Record<string, string>

export interface SchemaError {
  /** `obj.events[1].createdAt` */
  path: string
  /** Iterable's (Play JSON's) error key: `error.path.missing`, `error.expected.jsnumber`, ... */
  code: string
  /** The same in words: "Missing required field", "Number value expected". */
  message: string
}

/** `undefined` when the body matches the schema, otherwise its errors, one per bad JSON path. */
export function schemaErrors(name: SchemaName, body: unknown): SchemaError[] | undefined {
  const validate = validators.get(name)
  if (!validate) throw new Error(`No schema named ${name}`)
  if (validate(body)) return undefined
  const errors = new Map<string, SchemaError>()
  for (const error of validate.errors ?? []) {
    const described = describe(error)
    if (!errors.has(described.path)) errors.set(described.path, described)
    if (errors.size >= MAX_REPORTED_ERRORS) break
  }
  return [...errors.values()]
}

/** The errors as `{ path: reason }`, for messages and for the emulator's own admin routes. */
export const pathErrors = (errors: SchemaError[]): PathErrors =>
  Object.fromEntries(errors.map(({ path, message }) => [path, message]))

function describe(error: ErrorObject): SchemaError {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty
    return {
      path: jsonPath(`${error.instancePath}/${missing}`),
      code: 'error.path.missing',
      message: 'Missing required field'
    }
  }
  const path = jsonPath(error.instancePath)
  if (error.keyword === 'type') {
    const expected = String((error.params as { type: string | string[] }).type).split(',')[0]
    return { path, ...typeError(expected, error.data) }
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues
    return {
      path,
      code: 'error.expected.validenumvalue',
      message: `Invalid value, expected one of ${allowed.join(', ')}`
    }
  }
  return { path, code: 'error.invalid', message: error.message ?? 'Invalid value' }
}

const TYPE_ERRORS: Record<string, { code: string; message: string }> = {
  string: { code: 'error.expected.jsstring', message: 'String value expected' },
  number: { code: 'error.expected.jsnumber', message: 'Number value expected' },
  integer: { code: 'error.expected.jsnumber', message: 'Number value expected' },
  boolean: { code: 'error.expected.jsboolean', message: 'Boolean value expected' },
  object: { code: 'error.expected.jsobject', message: 'Object value expected' },
  array: { code: 'error.expected.jsarray', message: 'Array value expected' }
}

function typeError(expected: string, value: unknown): { code: string; message: string } {
  // A number where an integer (Iterable's long) is expected.
  if (expected === 'integer' && typeof value === 'number')
    return { code: 'error.expected.long', message: 'Integer value expected' }
  return TYPE_ERRORS[expected] ?? { code: 'error.invalid', message: `${expected} value expected` }
}

/** `/events/1/createdAt` → `obj.events[1].createdAt`; the root is `obj`. */
export function jsonPath(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
  return segments.reduce(
    (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`),
    'obj'
  )
}

// Identifiers. Iterable's exact rules are not published; these follow its documented descriptions.

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const EMAIL_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/

/** A syntactically valid address: `local@domain.tld`, no spaces, at most 254 characters. */
export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false
  const at = email.lastIndexOf('@')
  if (at <= 0) return false
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  return local.length <= 64 && EMAIL_LOCAL.test(local) && EMAIL_DOMAIN.test(domain)
}

/** Iterable's maximum userId length. */
export const MAX_USER_ID_LENGTH = 52

/**
 * "Malformed userId values (e.g. empty, too long, or containing non-ASCII or non-printable characters or a trailing
 * space)", in the words of Iterable's bulk answer.
 */
export function isValidUserId(userId: string): boolean {
  return userId.length > 0 && userId.length <= MAX_USER_ID_LENGTH && /^[\x20-\x7e]*$/.test(userId) && !/ $/.test(userId)
}

/** Iterable's maximum event id length, in bytes of UTF-8. */
export const MAX_EVENT_ID_BYTES = 512

// Catalogs. Iterable documents its rules for names, ids and fields in its API reference.

/** "Alphanumeric, dashes, case insensitive, 255 characters max". */
const CATALOG_NAME = /^[A-Za-z0-9-]{1,255}$/
/** "Alphanumeric, dashes, case sensitive, 255 characters max". */
const CATALOG_ITEM_ID = /^[A-Za-z0-9-]{1,255}$/

export const isValidCatalogName = (name: string) => CATALOG_NAME.test(name)
export const isValidCatalogItemId = (itemId: string) => CATALOG_ITEM_ID.test(itemId)

/** "Max number of pairs in list is 1000": the documents of one bulk upload. */
export const MAX_CATALOG_DOCUMENTS = 1000

/** "Max size of each json value is 30kb", read as 30 × 1024 bytes of the item's JSON. */
export const MAX_CATALOG_ITEM_BYTES = 30 * 1024
