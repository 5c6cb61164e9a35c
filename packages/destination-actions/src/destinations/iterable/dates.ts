import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

// Iterable recognises date fields only in its own format; ISO-8601 strings would be stored as plain text.
const ITERABLE_DATE_FORMAT = 'YYYY-MM-DD HH:mm:ss +00:00'

// A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only strings and
// strings that merely contain digits do not match and are left as they are. Groups: year, month, day.
const ISO_DATE_TIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d([.,]\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i

const DASH = 45 // '-'
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const daysInMonth = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1])

/** Whether `value` is an ISO-8601 date-time of a real calendar day (31 April is not: Date would roll it over). */
function isIsoDateTime(value: string): boolean {
  // Cheap rejection first: nearly every string in dataFields is not a date-time.
  if (value.length < 16 || value.charCodeAt(4) !== DASH) return false
  const match = ISO_DATE_TIME.exec(value)
  return match !== null && Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]))
}

/** dayjs in UTC mode reads a zone-less time as UTC (whatever the server's zone) and a zoned one at its offset. */
const parseUtc = (value: string) => dayjs.utc(value.replace(',', '.'))

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  if (!isIsoDateTime(value)) return value
  const parsed = parseUtc(value)
  return parsed.isValid() ? parsed.format(ITERABLE_DATE_FORMAT) : value
}

/**
 * `value` with every ISO date-time string, at any depth, in Iterable's format. The input is not changed: an object or
 * array that holds a date-time is copied; one that holds none is returned as it is (no copy, no garbage).
 */
export function convertDates<T>(value: T): T {
  if (typeof value === 'string') return toIterableDate(value) as T
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let index = 0; index < value.length; index++) {
      const converted = convertDates(value[index])
      if (converted !== value[index]) {
        copy ??= value.slice()
        copy[index] = converted
      }
    }
    return (copy ?? value) as T
  }
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>
    let copy: Record<string, unknown> | undefined
    for (const key in source) {
      if (!Object.hasOwn(source, key)) continue
      const converted = convertDates(source[key])
      if (converted !== source[key]) {
        copy ??= { ...source }
        copy[key] = converted
      }
    }
    return (copy ?? value) as T
  }
  return value
}

/** Iterable's `createdAt`: Unix seconds. Numbers above 1e11 are taken as milliseconds (as JavaScript clocks give). */
export function toUnixSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  // A mapped property may hold epoch seconds or milliseconds as text; dayjs would read those digits as a year.
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return toUnixSeconds(Number(value))
  if (typeof value === 'number') return Math.floor(value > 1e11 ? value / 1000 : value)
  const parsed = parseUtc(value)
  return parsed.isValid() ? parsed.unix() : undefined
}
