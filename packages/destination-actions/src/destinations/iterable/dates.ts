import { PayloadValidationError } from '@segment/actions-core'
import dayjs from '../../lib/dayjs'

// Iterable recognises a date field only in its own format, `YYYY-MM-DD HH:mm:ss +00:00`; an ISO-8601 string would be
// stored as plain text. A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only
// strings and strings that merely contain digits do not match and are sent as they are. Date reads and writes
// ISO-8601 itself; dayjs reads the other forms a createdAt can take.
const ISO_DATE_TIME =
  /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[T ]((?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?)(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i

/** Deeper data is refused: Iterable cannot store it, and walking it would exhaust the stack. */
export const MAX_NESTING_DEPTH = 64

/** The earliest and latest `createdAt` Iterable's date format can show: 1970-01-01 to 9999-12-31, in Unix seconds. */
const LATEST_UNIX_SECONDS = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000

/** An instant as `YYYY-MM-DD HH:mm:ss +00:00`; undefined outside years 0–9999, which the format cannot say. */
function iterableFormat(instant: Date): string | undefined {
  const iso = instant.toISOString()
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} +00:00` : undefined
}

/** The number of days in the month of `date` (YYYY-MM-DD): day 0 of the next month is its last day. */
function daysInMonth(date: string): number {
  const lastDay = new Date(0)
  lastDay.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)), 0)
  return lastDay.getUTCDate()
}

/** The instant of an ISO-8601 date-time on a real calendar day; undefined for any other string. */
function isoInstant(value: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(value)
  if (!match) return undefined
  const [, date, time, zone] = match
  // Date rolls 31 April over to 1 May: a day past the 28th must be checked against its month.
  if (Number(date.slice(8)) > 28 && Number(date.slice(8)) > daysInMonth(date)) return undefined
  // Segment's timestamps are UTC: a time without a zone is read as UTC, not in the server's zone.
  const offset = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone
  const instant = new Date(`${date}T${time.replace(',', '.')}${offset.toUpperCase()}`)
  return isNaN(instant.getTime()) ? undefined : instant
}

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  const instant = isoInstant(value)
  return (instant && iterableFormat(instant)) ?? value
}

/**
 * `value` with every ISO date-time string and every Date, at any depth, in Iterable's format. The value the framework
 * handed over is never changed: an object or array holding a date is copied, one holding none is returned as it is.
 * Throws PayloadValidationError past MAX_NESTING_DEPTH levels.
 */
export function withIterableDates<T>(value: T, field = 'dataFields'): T {
  return convert(value, field, 0) as T
}

function convert(value: unknown, field: string, depth: number): unknown {
  if (typeof value === 'string') return toIterableDate(value)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return isNaN(value.getTime()) ? value : (iterableFormat(value) ?? value)
  if (depth >= MAX_NESTING_DEPTH) {
    throw new PayloadValidationError(
      `${field} is nested more than ${MAX_NESTING_DEPTH} levels deep, which Iterable cannot store. Flatten it, or map only the keys you need.`
    )
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let index = 0; index < value.length; index++) {
      const result = convert(value[index], field, depth + 1)
      if (result !== value[index]) (copy ??= value.slice())[index] = result
    }
    return copy ?? value
  }
  const record = value as Record<string, unknown>
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(record)) {
    const result = convert(record[key], field, depth + 1)
    // A computed key in a literal is a plain key, "__proto__" included (assigning that one would set the prototype).
    if (result !== record[key]) copy = { ...(copy ?? record), [key]: result }
  }
  return copy ?? value
}

/**
 * Iterable's `createdAt`: Unix seconds. Numbers (and numeric strings) above 1e11 are taken as milliseconds, as
 * JavaScript clocks give them; other strings are read by dayjs, a time without a zone as UTC.
 */
export function toUnixSeconds(value: string | number | undefined, field = 'createdAt'): number | undefined {
  if (value === undefined || value === '') return undefined
  const number = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined
  const seconds =
    number !== undefined
      ? Math.floor(number > 1e11 ? number / 1000 : number)
      : Math.floor((isoInstant(value as string) ?? dayjs.utc(value).toDate()).getTime() / 1000)
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > LATEST_UNIX_SECONDS) {
    throw new PayloadValidationError(
      `${field} (${String(value).slice(0, 40)}) is not a time Iterable accepts: send a date-time between 1970-01-01 and 9999-12-31, or Unix seconds.`
    )
  }
  return seconds
}
