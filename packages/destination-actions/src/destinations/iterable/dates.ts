import { PayloadValidationError } from '@segment/actions-core'
import dayjs from '../../lib/dayjs'

// Iterable recognises a date field only in its own format, `YYYY-MM-DD HH:mm:ss +00:00`; an ISO-8601 string would be
// stored as plain text. A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only
// strings and strings that merely contain digits do not match and are sent as they are.
const ISO_DATE_TIME =
  /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[T ]((?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?)(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i

/** Deeper data is refused: Iterable cannot store it, and walking it would exhaust the stack. */
export const MAX_NESTING_DEPTH = 64

/** The earliest and latest `createdAt` Iterable's date format can show: 1970-01-01 to 9999-12-31, in Unix seconds. */
const LATEST_UNIX_SECONDS = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000

const iterableFormat = (instant: dayjs.Dayjs) => instant.utc().format('YYYY-MM-DD HH:mm:ss [+00:00]')

/** The instant of an ISO-8601 date-time on a real calendar day; undefined for any other string. */
function isoInstant(value: string): dayjs.Dayjs | undefined {
  const match = ISO_DATE_TIME.exec(value)
  if (!match) return undefined
  const [, date, time, zone] = match
  // Date rolls 31 April over to 1 May: only a real calendar day is a date.
  if (dayjs.utc(`${date}T00:00:00Z`).format('YYYY-MM-DD') !== date) return undefined
  // Segment's timestamps are UTC: a time without a zone is read as UTC, not in the server's zone.
  const instant = dayjs.utc(`${date}T${time.replace(',', '.')}${zone ?? 'Z'}`)
  return instant.isValid() ? instant : undefined
}

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  const instant = isoInstant(value)
  // Outside years 0–9999 Iterable's format cannot say it: such a value is sent as it is.
  return instant && instant.year() >= 0 && instant.year() <= 9999 ? iterableFormat(instant) : value
}

/**
 * A copy of `value` with every ISO date-time string and every Date, at any depth, in Iterable's format. The value the
 * framework handed over is not changed. Throws PayloadValidationError past MAX_NESTING_DEPTH levels.
 */
export function withIterableDates<T>(value: T, field = 'dataFields'): T {
  return convert(value, field, 0) as T
}

function convert(value: unknown, field: string, depth: number): unknown {
  if (typeof value === 'string') return toIterableDate(value)
  if (value instanceof Date) return isNaN(value.getTime()) ? value : iterableFormat(dayjs.utc(value))
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_NESTING_DEPTH) {
    throw new PayloadValidationError(
      `${field} is nested more than ${MAX_NESTING_DEPTH} levels deep, which Iterable cannot store. Flatten it, or map only the keys you need.`
    )
  }
  if (Array.isArray(value)) return value.map((item) => convert(item, field, depth + 1))
  // Object.fromEntries keeps a "__proto__" key from the event as a plain key.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item, field, depth + 1)]))
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
      : (isoInstant(value as string) ?? dayjs.utc(value)).unix()
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > LATEST_UNIX_SECONDS) {
    throw new PayloadValidationError(
      `${field} (${String(value).slice(0, 40)}) is not a time Iterable accepts: send a date-time between 1970-01-01 and 9999-12-31, or Unix seconds.`
    )
  }
  return seconds
}
