import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import { setOwnKey } from './own-keys'

dayjs.extend(utc)

// Iterable recognises date fields only in its own format, `YYYY-MM-DD HH:mm:ss +00:00`; ISO-8601 strings would be
// stored as plain text. A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only
// strings and strings that merely contain digits do not match and are left as they are.
const ISO_DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i

// These functions run on every string of every event. Once the regex has checked the shape, every part sits at a known
// place: they read digits in place rather than capture groups, so a date-time costs no allocation until its output.
const ZERO = 48
const DASH = 45
const COLON = 58
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])
const MILLIS_IN_DAY = 86_400_000
const DAYS_IN_400_YEARS = 146_097
/** 400 Gregorian years: Date.UTC(year + 400, ...) less this reads years 0–99 right (Date.UTC alone: 19xx). */
const MILLIS_IN_400_YEARS = DAYS_IN_400_YEARS * MILLIS_IN_DAY

function digitsAt(value: string, start: number, count: number): number {
  let number = 0
  for (let index = start; index < start + count; index++) number = number * 10 + value.charCodeAt(index) - ZERO
  return number
}

/** Whether `value` is an ISO-8601 date-time of a real calendar day (31 April is not: Date would roll it over). */
function isIsoDateTime(value: string): boolean {
  // Cheap rejection first: nearly every string in dataFields is not a date-time.
  if (value.length < 16 || value.charCodeAt(4) !== DASH || !ISO_DATE_TIME.test(value)) return false
  return digitsAt(value, 8, 2) <= daysInMonth(digitsAt(value, 0, 4), digitsAt(value, 5, 2))
}

const hasSeconds = (value: string) => value.charCodeAt(16) === COLON

/** The zone's offset east of UTC in minutes; 0 for `Z` and for no zone (read as UTC, whatever the server's zone). */
function zoneOffsetMinutes(value: string): number {
  // The date's dashes end before index 16: a '+' or '-' from there on is the zone's sign.
  let sign = value.indexOf('+', 16)
  const direction = sign >= 0 ? 1 : -1
  if (sign < 0) sign = value.indexOf('-', 16)
  if (sign < 0) return 0
  const minutesAt = value.charCodeAt(sign + 3) === COLON ? sign + 4 : sign + 3
  return direction * (digitsAt(value, sign + 1, 2) * 60 + digitsAt(value, minutesAt, 2))
}

/** The instant of a checked date-time, in epoch milliseconds (whole seconds: Iterable keeps no fraction). */
function millisOf(value: string): number {
  const minute = digitsAt(value, 14, 2) - zoneOffsetMinutes(value)
  const second = hasSeconds(value) ? digitsAt(value, 17, 2) : 0
  const shifted = Date.UTC(
    digitsAt(value, 0, 4) + 400,
    digitsAt(value, 5, 2) - 1,
    digitsAt(value, 8, 2),
    digitsAt(value, 11, 2),
    minute,
    second
  )
  return shifted - MILLIS_IN_400_YEARS
}

/** Days from 0000-03-01 to 1970-01-01: the civil calendar below counts years from March, so leap days end them. */
const DAYS_TO_EPOCH_FROM_MARCH_0000 = 719_468
const TWO_DIGITS = Array.from({ length: 100 }, (_, number) => (number < 10 ? `0${number}` : `${number}`))

/**
 * A whole-second instant as `YYYY-MM-DD HH:mm:ss +00:00`, or undefined outside years 0–9999. Arithmetic rather than
 * Date#toISOString, which formats through a C printf and cost more than everything else done to a date-time. The
 * calendar part is H. Hinnant's civil_from_days.
 */
function iterableUtcText(millis: number): string | undefined {
  const days = Math.floor(millis / MILLIS_IN_DAY)
  const secondOfDay = (millis - days * MILLIS_IN_DAY) / 1000
  const fromMarch0000 = days + DAYS_TO_EPOCH_FROM_MARCH_0000
  const era = Math.floor(fromMarch0000 / DAYS_IN_400_YEARS)
  const dayOfEra = fromMarch0000 - era * DAYS_IN_400_YEARS
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
  const year = era * 400 + yearOfEra + (month <= 2 ? 1 : 0)
  if (year < 0 || year > 9999) return undefined
  const hour = Math.floor(secondOfDay / 3600)
  const minute = Math.floor((secondOfDay - hour * 3600) / 60)
  const second = secondOfDay - hour * 3600 - minute * 60
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]} ${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]} +00:00`
}

/** dayjs in UTC mode reads a zone-less time as UTC (whatever the server's zone) and a zoned one at its offset. */
const parseUtc = (value: string) => dayjs.utc(value.replace(',', '.'))

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  if (!isIsoDateTime(value)) return value
  // In UTC already: the output is the input's own digits.
  if (zoneOffsetMinutes(value) === 0) {
    return `${value.slice(0, 10)} ${value.slice(11, 16)}:${hasSeconds(value) ? value.slice(17, 19) : '00'} +00:00`
  }
  // An offset can push a date just outside years 0–9999, which Iterable's format cannot write: left as it is.
  return iterableUtcText(millisOf(value)) ?? value
}

/**
 * `value` with every ISO date-time string, at any depth, in Iterable's format. The input is not changed: an object or
 * array that holds a date-time is copied; one that holds none is returned as it is (no copy, no garbage).
 */
export function convertDates<T>(value: T): T {
  return convertValue(value) as T
}

/**
 * A new object: `fields` with every ISO date-time, at any depth, in Iterable's format, and `additions` set on it as
 * they are. Nested objects without date-times are shared. The copy is made by spreading, then patched: objects the
 * framework maps are often in V8's slow dictionary mode, and a spread gives a fast one, which is cheaper to patch,
 * to serialize and to collect than one built key by key.
 */
export function withIterableDates(
  fields: { [key: string]: unknown } | undefined,
  additions?: { [key: string]: unknown }
): { [key: string]: unknown } {
  const copy: { [key: string]: unknown } = { ...fields, ...additions }
  // The copy, not `fields`: it is a fast object, whose keys V8 enumerates from a cache.
  for (const key in copy) {
    if (additions !== undefined && Object.hasOwn(additions, key)) continue
    const value = copy[key]
    const converted = convertValue(value)
    if (converted === value) continue
    setOwnKey(copy, key, converted)
  }
  return copy
}

const QUOTE = 34
const COMMA = 44
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93
const CLOSE_BRACE = 125

// In JSON.stringify's output a string value's opening quote follows a colon, a comma or `[` (or starts the text), and
// its closing quote is followed by a comma, `]` or `}` (or ends the text). Inside a string every quote is escaped, so
// follows a backslash; a key's closing quote is followed by a colon.
const opensValue = (code: number) => code === COLON || code === COMMA || code === OPEN_BRACKET
const closesValue = (code: number) => code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE

/**
 * Adds to `pieces` the text of `json` from its start up to its last converted date-time, with every string value past
 * `from` that is an ISO date-time in Iterable's format; returns where the rest of `json` starts (0: nothing converted,
 * nothing added). Pieces are joined once, into one flat string: no chain of concatenations for V8 to flatten again.
 */
function convertedDatePieces(json: string, from: number, pieces: string[]): number {
  let copiedUpTo = 0
  // A date-time's first dash is the fifth character after its opening quote: only those places are looked at.
  for (let dash = json.indexOf('-', from + 5); dash !== -1; dash = json.indexOf('-', dash + 1)) {
    const open = dash - 5
    if (json.charCodeAt(open) !== QUOTE || (open > 0 && !opensValue(json.charCodeAt(open - 1)))) continue
    // The next quote. If it is an escaped one, the text up to it holds a backslash and is no date-time.
    const close = json.indexOf('"', dash)
    if (close === -1) break
    if (close + 1 < json.length && !closesValue(json.charCodeAt(close + 1))) continue
    const value = json.slice(open + 1, close)
    const date = toIterableDate(value)
    if (date !== value) {
      pieces.push(json.slice(copiedUpTo, open + 1), date)
      copiedUpTo = close
    }
    dash = close
  }
  return copiedUpTo
}

/**
 * `json`, the output of JSON.stringify, with every string value that is an ISO date-time in Iterable's format; the
 * same text as JSON.stringify(convertDates(value)). Keys and text inside other strings are never changed.
 */
export function convertJsonDates(json: string): string {
  const pieces: string[] = []
  const copiedUpTo = convertedDatePieces(json, 0, pieces)
  if (copiedUpTo === 0) return json
  pieces.push(json.slice(copiedUpTo))
  return pieces.join('')
}

const DATA_FIELDS_KEY = '"dataFields":'

/**
 * JSON.stringify({ ...keys, dataFields: withIterableDates(fields, additions) }) (an addition that replaces a field comes
 * last, not in its place), without copying `fields` and written once: the bulk path serializes thousands of records a
 * batch, and copying the framework's objects (dictionary-mode, past a dozen keys) cost more than serializing them and
 * converting the dates in the text. `keys` hold scalars only (they are not converted).
 */
export function iterableRecordJson(
  keys: { [key: string]: unknown },
  fields: { [key: string]: unknown } | undefined,
  additions?: { [key: string]: unknown }
): string {
  const source = fields ?? {}
  let replaced = false
  if (additions !== undefined) for (const key in additions) replaced ||= Object.hasOwn(source, key)
  // `?? {}` only narrows the type: a helper that narrowed it instead cost updateUser batch 12% more instructions.
  const json = JSON.stringify({ ...keys, dataFields: replaced ? withoutKeys(source, additions ?? {}) : source })
  // Before dataFields come only scalars, whose JSON holds a quote followed by a colon only after a key: the first
  // `"dataFields":` is the key, and its value runs to the record's closing brace.
  const fieldsStart = json.indexOf(DATA_FIELDS_KEY) + DATA_FIELDS_KEY.length
  const pieces: string[] = []
  const copiedUpTo = convertedDatePieces(json, fieldsStart, pieces)
  const added = additions === undefined ? '{}' : JSON.stringify(additions)
  if (added === '{}') {
    if (copiedUpTo === 0) return json
    pieces.push(json.slice(copiedUpTo))
  } else {
    // dataFields is the last key: the additions close it, before the record's `}}`.
    const fieldsEnd = json.length - 2
    const empty = fieldsEnd - 1 === fieldsStart
    pieces.push(json.slice(copiedUpTo, fieldsEnd), empty ? '' : ',', added.slice(1, -1), '}}')
  }
  return pieces.join('')
}

/** A copy of `fields` without the keys of `keys` (own keys only; a `__proto__` key stays a key). */
function withoutKeys(fields: { [key: string]: unknown }, keys: { [key: string]: unknown }): { [key: string]: unknown } {
  const kept: { [key: string]: unknown } = {}
  for (const key of Object.keys(fields)) if (!Object.hasOwn(keys, key)) setOwnKey(kept, key, fields[key])
  return kept
}

// convertValue, convertArray and convertObject run for every value of every event: no work beyond a type check for
// values that cannot be dates.
function convertValue(value: unknown): unknown {
  if (typeof value === 'string') return toIterableDate(value)
  if (value === null || typeof value !== 'object') return value
  return Array.isArray(value) ? convertArray(value) : convertObject(value as Record<string, unknown>)
}

function convertArray(source: unknown[]): unknown[] {
  let copy: unknown[] | undefined
  for (let index = 0; index < source.length; index++) {
    const converted = convertValue(source[index])
    if (converted !== source[index]) {
      copy ??= source.slice()
      copy[index] = converted
    }
  }
  return copy ?? source
}

function convertObject(source: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const key in source) {
    const converted = convertValue(source[key])
    if (converted !== source[key]) {
      copy ??= { ...source }
      setOwnKey(copy, key, converted)
    }
  }
  return copy ?? source
}

/** Iterable's `createdAt`: Unix seconds. Numbers above 1e11 are taken as milliseconds (as JavaScript clocks give). */
export function toUnixSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'number') return Math.floor(value > 1e11 ? value / 1000 : value)
  // The event's own timestamp, the usual case, first.
  if (isIsoDateTime(value)) return millisOf(value) / 1000
  // A mapped property may hold epoch seconds or milliseconds as text; dayjs would read those digits as a year.
  if (/^\d+(\.\d+)?$/.test(value.trim())) return toUnixSeconds(Number(value))
  // Other forms (a date alone, a date-time without seconds' separator...) are dayjs's to read.
  const parsed = parseUtc(value)
  return parsed.isValid() ? parsed.unix() : undefined
}
