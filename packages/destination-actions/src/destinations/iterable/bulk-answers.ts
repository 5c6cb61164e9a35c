import { readAnswer } from './iterable-api'

// Bulk answers. Iterable answers 200 even when some records failed, and names a failed record by its email or userId
// (events also by name), never by position.

/** What a bulk record is recognised by in Iterable's answer. */
export interface BulkRecord {
  email?: string
  userId?: string
  eventName?: string
  dataFields?: Record<string, unknown>
}

export interface RecordFailure {
  status: number
  message: string
}

type IdentifierKind = 'email' | 'userId'

// The lists of `failedUpdates`, by the name's prefix; the suffix says the identifier they hold (…Emails, …UserIds).
const FAILED_UPDATES: Record<string, { status: number; meaning: (identifier: string) => string }> = {
  invalid: { status: 400, meaning: (identifier) => `the ${identifier} is malformed` },
  notFound: { status: 404, meaning: (identifier) => `no Iterable user has this ${identifier}` },
  forgotten: { status: 400, meaning: () => 'the user was forgotten at their request (GDPR)' },
  conflict: { status: 409, meaning: (identifier) => `another Iterable user already has this ${identifier}` },
  invalidData: { status: 400, meaning: () => 'its dataFields hold invalid data' }
}

// Top-level lists: the deprecated invalidEmails and invalidUserIds, still sent beside failedUpdates; and
// bulkUpdateSubscriptions' valid records not updated "due to internal error", retried (which also lets a user created
// meanwhile by another call get the update).
const RETRIED =
  'Iterable did not update this valid record (an internal error, or a user it cannot update yet); Segment will retry'
const TOP_LEVEL_LISTS: [list: string, kind: IdentifierKind, status: number, meaning: string][] = [
  ['invalidEmails', 'email', 400, 'the record was not accepted'],
  ['invalidUserIds', 'userId', 400, 'the record was not accepted'],
  ['validEmailFailures', 'email', 500, RETRIED],
  ['validUserIdFailures', 'userId', 500, RETRIED]
]

const normalise = (kind: IdentifierKind, value: string) => (kind === 'email' ? value.trim().toLowerCase() : value)

const stringsIn = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []

/** The identifiers Iterable may name a record by: its email, its userId, and a new email it sets (bulk email change). */
function identifiersOf(record: BulkRecord, changesEmail: boolean): [IdentifierKind, string | undefined][] {
  const newEmail = changesEmail ? record.dataFields?.email : undefined
  return [
    ['email', record.email],
    ['userId', record.userId],
    ['email', typeof newEmail === 'string' ? newEmail : undefined]
  ]
}

export interface BulkOutcome {
  /** Why Iterable refused `record`, or undefined when it accepted it. */
  failureOf: (record: BulkRecord, options?: { changesEmail?: boolean }) => RecordFailure | undefined
  /** What an accepted record should know of the answer: fields Iterable dropped, failures it did not name. */
  noteFor: (record: BulkRecord) => string | undefined
  /** How many records Iterable says failed. */
  failCount: number
  /** Whether the answer names or notes any record; when it does not, every record in the body was accepted as is. */
  namesRecords: boolean
}

/** Reads a 200 bulk answer once, for the lookups that tell each record's fate. */
export function readBulkAnswer(body: unknown): BulkOutcome {
  const answer = readAnswer(body)
  const lists: { name: string; kind: IdentifierKind; status: number; meaning: string; values: Set<string> }[] = []
  const addList = (name: string, kind: IdentifierKind, status: number, meaning: string, named: unknown) => {
    const values = new Set(stringsIn(named).map((value) => normalise(kind, value)))
    if (values.size > 0) lists.push({ name, kind, status, meaning, values })
  }
  for (const [list, named] of Object.entries((answer.failedUpdates ?? {}) as Record<string, unknown>)) {
    const [, prefix = '', suffix] = /^(.*?)(Emails|UserIds)$/.exec(list) ?? []
    if (!Object.hasOwn(FAILED_UPDATES, prefix)) continue
    const kind = suffix === 'Emails' ? 'email' : 'userId'
    const { status, meaning } = FAILED_UPDATES[prefix]
    addList(`failedUpdates.${list}`, kind, status, meaning(kind === 'email' ? 'email address' : 'userId'), named)
  }
  for (const [list, kind, status, meaning] of TOP_LEVEL_LISTS) addList(list, kind, status, meaning, answer[list])
  const disallowed = new Set(stringsIn(answer.disallowedEventNames))
  const filteredOut = new Set(stringsIn(answer.filteredOutFields))
  const failCount = typeof answer.failCount === 'number' ? answer.failCount : 0
  const unnamedFailures = failCount > lists.reduce((count, list) => count + list.values.size, disallowed.size)

  const failureOf = (record: BulkRecord, { changesEmail = false } = {}): RecordFailure | undefined => {
    if (lists.length === 0 && disallowed.size === 0) return undefined
    for (const [kind, value] of identifiersOf(record, changesEmail)) {
      const list =
        value === undefined ? undefined : lists.find((l) => l.kind === kind && l.values.has(normalise(kind, value)))
      if (list) {
        return {
          status: list.status,
          message: `Iterable listed this event's ${kind} in ${list.name}: ${list.meaning}.`
        }
      }
    }
    if (record.eventName === undefined || !disallowed.has(record.eventName)) return undefined
    return {
      status: 400,
      message: `Iterable listed this event name in disallowedEventNames: the project does not accept events named "${record.eventName}".`
    }
  }

  const noteFor = (record: BulkRecord): string | undefined => {
    if (filteredOut.size === 0 && !unnamedFailures) return undefined
    const dropped = Object.keys(record.dataFields ?? {}).filter((field) => filteredOut.has(field))
    const notes = [
      dropped.length > 0 &&
        `Iterable accepted the record but dropped dataFields it does not create (filteredOutFields): ${dropped.join(', ')}. Allow new fields in the Iterable project, or create them there first.`,
      unnamedFailures &&
        `Iterable reported ${failCount} failed records and named fewer; this record was not named, and may be one of them.`
    ].filter(Boolean)
    return notes.length > 0 ? notes.join(' ') : undefined
  }

  const namesRecords = lists.length > 0 || disallowed.size > 0 || filteredOut.size > 0 || unnamedFailures
  return { failureOf, noteFor, failCount, namesRecords }
}

/** One field of a `RequestFieldsTypesMismatched` answer. */
export interface FieldTypeMismatch {
  field: string
  expectedType: string
  offendingValue?: unknown
}

export const TYPE_MISMATCH_CODE = 'RequestFieldsTypesMismatched'

/**
 * Iterable fixes a field's type by the first value it sees and refuses a whole bulk body when one record disagrees:
 * `{ code: 'RequestFieldsTypesMismatched', params: { validationErrors: { <field>: { expectedType, incomingTypes,
 * offendingValue } } } }`. Returns the fields it names (none when the answer is another one).
 */
export function typeMismatches(body: unknown): FieldTypeMismatch[] {
  const { code, params } = readAnswer(body)
  if (code !== TYPE_MISMATCH_CODE) return []
  const errors = (params as { validationErrors?: Record<string, { expectedType?: string; offendingValue?: unknown }> })
    ?.validationErrors
  return Object.entries(errors ?? {}).map(([field, detail]) => ({
    field,
    expectedType: String(detail?.expectedType ?? 'another type'),
    offendingValue: detail?.offendingValue
  }))
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value

// Iterable's type names → the JSON type a value of that type has, for an answer that names no offending value.
const EXPECTED_JSON_TYPE: Record<string, string> = {
  long: 'number',
  integer: 'number',
  double: 'number',
  float: 'number',
  number: 'number',
  boolean: 'boolean',
  string: 'string',
  keyword: 'string',
  text: 'string',
  date: 'string',
  object: 'object',
  nested: 'array'
}

/** Why a record is responsible for a type mismatch, or undefined when it is not. */
export function recordTypeMismatch(record: BulkRecord, mismatches: FieldTypeMismatch[]): string | undefined {
  for (const { field, expectedType, offendingValue } of mismatches) {
    // Iterable may prefix a field with its project namespace ("namespace:::field") and names nested fields with dots.
    const path = field.split(':::').pop() ?? field
    const value = Object.hasOwn(record.dataFields ?? {}, path)
      ? record.dataFields?.[path]
      : path.split('.').reduce<unknown>((parent, key) => (parent as Record<string, unknown>)?.[key], record.dataFields)
    if (value === undefined) continue
    const expectedJson = EXPECTED_JSON_TYPE[expectedType.toLowerCase()]
    // With the offending value named, blame exactly the records holding it: event field types are fixed per event
    // name, so another event's same-named field may be fine.
    const responsible =
      offendingValue !== undefined
        ? JSON.stringify(value) === JSON.stringify(offendingValue)
        : expectedJson !== undefined && jsonType(value) !== expectedJson
    if (responsible) {
      return `Iterable refused dataFields.${field} (${TYPE_MISMATCH_CODE}): the project stores it as ${expectedType}, this event sent a ${jsonType(
        value
      )} (${JSON.stringify(value)?.slice(0, 80)}). Send a ${expectedType} value or use another field name.`
    }
  }
  return undefined
}

/**
 * The positions of the records a 400 answer names in its `params`, e.g. `obj.events[3].createdAt` (BadJsonBody) or
 * `users[1].email`, with what it says of each; empty when it names none.
 */
export function recordsNamedInParams(body: unknown, listKey: string): Map<number, string> {
  const { params } = readAnswer(body)
  const named = new Map<number, string>()
  const pattern = new RegExp(`\\b${listKey}\\[(\\d+)\\]`)
  for (const [path, detail] of Object.entries(params && typeof params === 'object' ? params : {})) {
    const match = pattern.exec(path)
    if (!match) continue
    const index = Number(match[1])
    const said = `${path}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`
    named.set(index, named.has(index) ? `${named.get(index)}; ${said}` : said)
  }
  return named
}
