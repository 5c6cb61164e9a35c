import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

// Iterable recognises date fields only in its own format; ISO-8601 strings would be stored as plain text.
const ITERABLE_DATE_FORMAT = 'YYYY-MM-DD HH:mm:ss +00:00'

// A full ISO-8601 date-time: date, time, optional seconds and fraction, optional zone. Date-only strings and
// strings that merely contain digits do not match and are left as they are.
const ISO_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d([.,]\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  if (!ISO_DATE_TIME.test(value)) return value
  const hasZone = HAS_ZONE.test(value)
  // Without a zone the time is taken as UTC, so the result does not depend on the server's zone.
  const parsed = hasZone ? dayjs(value.replace(',', '.')).utc() : dayjs.utc(value.replace(',', '.'))
  // Reject calendar overflow (e.g. 31 April), which Date would silently roll into the next month.
  const datePart = value.slice(0, 10)
  if (!parsed.isValid() || dayjs.utc(datePart).format('YYYY-MM-DD') !== datePart) return value
  return parsed.format(ITERABLE_DATE_FORMAT)
}

/** A copy of `value` with every ISO date-time string, at any depth, in Iterable's format. The input is not changed. */
export function convertDates<T>(value: T): T {
  if (typeof value === 'string') return toIterableDate(value) as T
  if (Array.isArray(value)) return value.map(convertDates) as T
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {}
    for (const [key, nested] of Object.entries(value)) copy[key] = convertDates(nested)
    return copy as T
  }
  return value
}

/** Iterable's `createdAt`: Unix seconds. Numbers above 1e11 are taken as milliseconds (as JavaScript clocks give). */
export function toUnixSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  // A mapped property may hold epoch seconds or milliseconds as text; dayjs would read those digits as a year.
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return toUnixSeconds(Number(value))
  if (typeof value === 'number') return Math.floor(value > 1e11 ? value / 1000 : value)
  // Like toIterableDate, a time without a zone is UTC, whatever the server's zone.
  const parsed = HAS_ZONE.test(value) ? dayjs(value) : dayjs.utc(value)
  return parsed.isValid() ? parsed.unix() : undefined
}
