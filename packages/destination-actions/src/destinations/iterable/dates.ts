import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

// Iterable recognises date fields only in its own format, `YYYY-MM-DD HH:mm:ss +00:00`; ISO-8601 strings would be
// stored as plain text. A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only
// strings and strings that merely contain digits do not match and are left as they are.
// Groups: year, month, day, hour, minute, second, zone sign, zone hours, zone minutes.
const ISO_DATE_TIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:[.,]\d+)?)?(?:Z|([+-])([01]\d|2[0-3]):?([0-5]\d))?$/i

const DASH = 45 // '-'
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])

/** The parts of an ISO-8601 date-time of a real calendar day; null for anything else, 31 April included. */
function isoDateTimeParts(value: string): RegExpExecArray | null {
  // Cheap rejection first: nearly every string in dataFields is not a date-time.
  if (value.length < 16 || value.charCodeAt(4) !== DASH) return null
  const match = ISO_DATE_TIME.exec(value)
  return match !== null && Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2])) ? match : null
}

/** The zone's offset from UTC in minutes; 0 for `Z` and for no zone (read as UTC, whatever the server's zone). */
function offsetMinutesOf([, , , , , , , sign, hours, minutes]: RegExpExecArray): number {
  return sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) : 0
}

/** The instant of a matched date-time, in epoch milliseconds (whole seconds). */
function millisOf(parts: RegExpExecArray): number {
  const [, year, month, day, hour, minute, second] = parts
  // setUTCFullYear, not Date.UTC, which would read years 0–99 as 1900–1999.
  const date = new Date(0)
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day))
  date.setUTCHours(Number(hour), Number(minute) - offsetMinutesOf(parts), second ? Number(second) : 0, 0)
  return date.getTime()
}

/** dayjs in UTC mode reads a zone-less time as UTC (whatever the server's zone) and a zoned one at its offset. */
const parseUtc = (value: string) => dayjs.utc(value.replace(',', '.'))

/**
 * `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. This runs on every string
 * of every event, so it works from the regex's parts, and does date arithmetic only when the zone is not UTC.
 */
export function toIterableDate(value: string): string {
  const parts = isoDateTimeParts(value)
  if (parts === null) return value
  if (offsetMinutesOf(parts) === 0) {
    const [, year, month, day, hour, minute, second = '00'] = parts
    return `${year}-${month}-${day} ${hour}:${minute}:${second} +00:00`
  }
  // toISOString is `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0–9999; an offset can push a date just outside them.
  const iso = new Date(millisOf(parts)).toISOString()
  if (iso.length !== 24) return value
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +00:00`
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
 * they are. Built in one pass rather than copied and patched: the objects the framework maps are often in V8's slow
 * dictionary mode, where a copy costs more than building anew. Nested objects without date-times are shared.
 */
export function withIterableDates(
  fields: { [key: string]: unknown } | undefined,
  additions?: { [key: string]: unknown }
): { [key: string]: unknown } {
  const converted: { [key: string]: unknown } = {}
  for (const key in fields) {
    // An own "__proto__" key (JSON can carry one) must stay a key: assigning it would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(converted, key, { value: convertValue(fields[key]), ...DATA_KEY })
    else converted[key] = convertValue(fields[key])
  }
  return additions ? Object.assign(converted, additions) : converted
}

const DATA_KEY = { enumerable: true, writable: true, configurable: true }

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
      copy[key] = converted
    }
  }
  return copy ?? source
}

/** Iterable's `createdAt`: Unix seconds. Numbers above 1e11 are taken as milliseconds (as JavaScript clocks give). */
export function toUnixSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  // A mapped property may hold epoch seconds or milliseconds as text; dayjs would read those digits as a year.
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return toUnixSeconds(Number(value))
  if (typeof value === 'number') return Math.floor(value > 1e11 ? value / 1000 : value)
  const parts = isoDateTimeParts(value)
  if (parts !== null) return millisOf(parts) / 1000
  // Other forms (a date alone, a date-time without seconds' separator...) are dayjs's to read.
  const parsed = parseUtc(value)
  return parsed.isValid() ? parsed.unix() : undefined
}
