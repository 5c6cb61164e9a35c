import { shorten } from './iterable-api'
import type { IterableAnswer } from './iterable-api'

// What Iterable's bulk answers (read once, by callIterable) say of each record. A 200 answer names the records that
// failed by their email or userId (events also by name), never by position; a 400 may name them by position or by a
// field's type.

/** What a bulk record is recognised by in Iterable's answer. */
export type BulkRecord = {
  email?: string
  userId?: string
  eventName?: string
  dataFields?: Record<string, unknown>
  [key: string]: unknown
}

type IdentifierKind = 'email' | 'userId'

// The lists of `failedUpdates`, by the name's prefix; the suffix says the identifier they hold (…Emails, …UserIds).
const FAILED_UPDATES: Record<string, { status: number; meaning: (identifier: string) => string }> = {
  invalid: { status: 400, meaning: (identifier) => `the ${identifier} is malformed` },
  notFound: {
    status: 404,
    meaning: (identifier) =>
      identifier === 'userId'
        ? 'no Iterable user has this userId (an email-based project creates a user from a userId alone only with preferUserId, which Segment sends when the Iterable Project Type setting is Email-based)'
        : `no Iterable user has this ${identifier}`
  },
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

/** The lookups that tell each record's fate from a 200 bulk answer. */
export function readBulkAnswer({ json: answer }: IterableAnswer) {
  const lists: { name: string; kind: IdentifierKind; status: number; meaning: string; values: Set<string> }[] = []
  const addList = (name: string, kind: IdentifierKind, status: number, meaning: string, named: unknown) => {
    const values = new Set(stringsIn(named).map((value) => normalise(kind, value)))
    if (values.size > 0) lists.push({ name, kind, status, meaning, values })
  }
  for (const [list, named] of Object.entries((answer.failedUpdates ?? {}) as Record<string, unknown>)) {
    const [, prefix = '', suffix] = /^(.*?)(Emails|UserIds)$/.exec(list) ?? []
    if (!Object.prototype.hasOwnProperty.call(FAILED_UPDATES, prefix)) continue
    const kind = suffix === 'Emails' ? 'email' : 'userId'
    const { status, meaning } = FAILED_UPDATES[prefix]
    addList(`failedUpdates.${list}`, kind, status, meaning(kind === 'email' ? 'email address' : 'userId'), named)
  }
  for (const [list, kind, status, meaning] of TOP_LEVEL_LISTS) addList(list, kind, status, meaning, answer[list])
  const disallowed = new Set(stringsIn(answer.disallowedEventNames))
  const filteredOut = new Set(stringsIn(answer.filteredOutFields))
  const failCount = typeof answer.failCount === 'number' ? answer.failCount : 0
  const unnamedFailures = failCount > lists.reduce((count, list) => count + list.values.size, disallowed.size)

  /** Why Iterable refused `record` (named by its email, its userId, or the new email it sets), if it did. */
  const failureOf = (record: BulkRecord, { changesEmail = false } = {}) => {
    // Most answers name nobody.
    if (lists.length === 0 && disallowed.size === 0) return undefined
    const newEmail = changesEmail ? record.dataFields?.email : undefined
    for (const [kind, value] of [
      ['email', record.email],
      ['userId', record.userId],
      ['email', newEmail]
    ] as const) {
      const list =
        typeof value === 'string' && lists.find((l) => l.kind === kind && l.values.has(normalise(kind, value)))
      if (list)
        return {
          status: list.status,
          message: `Iterable listed this event's ${kind} in ${list.name}: ${list.meaning}.`
        }
    }
    if (record.eventName === undefined || !disallowed.has(record.eventName)) return undefined
    return {
      status: 400,
      message: `Iterable listed this event name in disallowedEventNames: the project does not accept events named "${record.eventName}".`
    }
  }

  /** What an accepted record should know of the answer: fields Iterable dropped, failures it did not name. */
  const noteFor = (record: BulkRecord): string | undefined => {
    if (filteredOut.size === 0 && !unnamedFailures) return undefined
    const dropped = Object.keys(record.dataFields ?? {}).filter((field) => filteredOut.has(field))
    const notes = [
      dropped.length > 0 &&
        `Iterable accepted the record but dropped dataFields it does not create (filteredOutFields): ${dropped.join(
          ', '
        )}. Allow new fields in the Iterable project, or create them there first.`,
      unnamedFailures &&
        `Iterable reported ${failCount} failed records and named fewer; this record was not named, and may be one of them.`
    ].filter(Boolean)
    return notes.length > 0 ? notes.join(' ') : undefined
  }

  return { failureOf, noteFor }
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value

/** The JSON type a value of one of Iterable's field types has, for an answer that names no offending value. */
function jsonTypeOf(iterableType: string): string | undefined {
  const type = iterableType.toLowerCase()
  if (['long', 'integer', 'double', 'float', 'number'].includes(type)) return 'number'
  if (['string', 'keyword', 'text', 'date'].includes(type)) return 'string'
  return ({ boolean: 'boolean', object: 'object', nested: 'array' } as Record<string, string>)[type]
}

type TypeMismatch = { field: string; expectedType: string; offendingValue?: unknown }

/**
 * Iterable fixes a field's type by the first value it sees, and refuses a whole bulk body when one record disagrees:
 * `{ code: 'RequestFieldsTypesMismatched', params: { validationErrors: { <field>: { expectedType, offendingValue } } } }`.
 * Says why `record` is to blame, or undefined when it is not.
 */
function typeMismatchOf(record: BulkRecord, mismatches: TypeMismatch[]): string | undefined {
  for (const { field, expectedType, offendingValue } of mismatches) {
    // Iterable may prefix a field with its project namespace ("namespace:::field") and names nested fields with dots.
    const path = field.split(':::').pop() ?? field
    const value = Object.prototype.hasOwnProperty.call(record.dataFields ?? {}, path)
      ? record.dataFields?.[path]
      : path.split('.').reduce<unknown>((parent, key) => (parent as Record<string, unknown>)?.[key], record.dataFields)
    if (value === undefined) continue
    // With the offending value named, blame exactly the records holding it: event field types are fixed per event
    // name, so another event's same-named field may be fine.
    const expectedJson = jsonTypeOf(expectedType)
    const toBlame =
      offendingValue !== undefined
        ? JSON.stringify(value) === JSON.stringify(offendingValue)
        : expectedJson !== undefined && jsonType(value) !== expectedJson
    if (toBlame) {
      const sent = `${jsonType(value)} (${JSON.stringify(value)?.slice(0, 80)})`
      return `Iterable refused dataFields.${field} (RequestFieldsTypesMismatched): the project stores it as ${expectedType}, this event sent a ${sent}. Send a ${expectedType} value or use another field name.`
    }
  }
  return undefined
}

/**
 * The records a refused bulk body's answer blames, by position, with why: by a field's type (type mismatch), or by
 * their place in its `params`, e.g. `obj.events[3].createdAt` (BadJsonBody) or `users[1].email`.
 */
export function recordsBlamed(
  { msg, code, params }: IterableAnswer,
  records: BulkRecord[],
  listKey: string
): Map<number, string> {
  const blamed = new Map<number, string>()
  if (code === 'RequestFieldsTypesMismatched') {
    const errors = (params as { validationErrors?: Record<string, Partial<TypeMismatch>> } | null)?.validationErrors
    const mismatches = Object.entries(errors ?? {}).map(([field, detail]) => ({
      field,
      expectedType: String(detail?.expectedType ?? 'another type'),
      offendingValue: detail?.offendingValue
    }))
    records.forEach((record, position) => {
      const reason = typeMismatchOf(record, mismatches)
      if (reason) blamed.set(position, reason)
    })
  }
  const pattern = new RegExp(`\\b${listKey}\\[(\\d+)\\]`)
  const named = Object.entries(params && typeof params === 'object' ? params : {}).map(([path, detail]) => ({
    position: Number(pattern.exec(path)?.[1]),
    said: `${path}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`
  }))
  for (const { position } of named) {
    if (!(position < records.length) || blamed.has(position)) continue
    // Several params may name the same record.
    const said = named.filter((each) => each.position === position).map((each) => each.said)
    blamed.set(
      position,
      `Iterable refused this event (${code ?? 'BadParams'}${msg ? `: ${shorten(msg, 200)}` : ''}; ${shorten(
        said.join('; '),
        300
      )}).`
    )
  }
  return blamed
}
