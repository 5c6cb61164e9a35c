import { PayloadValidationError } from '@segment/actions-core'
import dayjs from '../../lib/dayjs'

// Iterable recognises a date field only in its own format, `YYYY-MM-DD HH:mm:ss +00:00`; an ISO-8601 string would be
// stored as plain text. Only full ISO-8601 date-times are converted: date-only strings and other text are sent as is.
const ISO_DATE_TIME =
  /^(\d{4}-(?:0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))[T ]((?:[01]\d|2[0-3]):[0-5]\d)(?::([0-5]\d)(?:[.,](\d+))?)?(?:Z|([+-](?:[01]\d|2[0-3])):?([0-5]\d))?$/i

/** Deeper data is refused: Iterable cannot store it, and walking it would exhaust the stack. */
export const MAX_NESTING_DEPTH = 64

const LATEST_UNIX_SECONDS = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000

/** An instant as `YYYY-MM-DD HH:mm:ss +00:00`; undefined outside years 0–9999, which the format cannot say. */
function iterableFormat(instant: Date): string | undefined {
  if (isNaN(instant.getTime())) return undefined
  const iso = instant.toISOString()
  return iso.length === 24 ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} +00:00` : undefined
}

/** `2023-02-05T20:42:10.123-05:00` → `2023-02-06 01:42:10 +00:00`; anything else unchanged. */
export function toIterableDate(value: string): string {
  const [, date, day, time, seconds = '00', fraction = '0', hours, minutes] = ISO_DATE_TIME.exec(value) ?? []
  // Date rolls 31 April over to 1 May; only days past the 28th can be past the end of their month.
  if (!date || (Number(day) > 28 && new Date(`${date}T00:00Z`).getUTCDate() !== Number(day))) return value
  // Segment's timestamps are UTC: a time without a zone is read as UTC, which is Iterable's zone, only laid out
  // differently. A time with an offset is moved to UTC.
  if (!hours) return `${date} ${time}:${seconds} +00:00`
  return iterableFormat(new Date(`${date}T${time}:${seconds}.${fraction}${hours}:${minutes}`)) ?? value
}

/** A copy of `value` with every ISO date-time string and every Date, at any depth, in Iterable's format. */
export function withIterableDates<T>(value: T, field = 'dataFields', depth = 0): T {
  if (typeof value === 'string') return toIterableDate(value) as T
  if (value instanceof Date) return (iterableFormat(value) ?? value) as T
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_NESTING_DEPTH) {
    throw new PayloadValidationError(
      `${field} is nested more than ${MAX_NESTING_DEPTH} levels deep, which Iterable cannot store. Flatten it, or map only the keys you need.`
    )
  }
  if (Array.isArray(value)) return value.map((item: unknown) => withIterableDates(item, field, depth + 1)) as T
  // A spread copies a "__proto__" key as an own key, which assignment then sets like any other.
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  for (const key of Object.keys(copy)) copy[key] = withIterableDates(copy[key], field, depth + 1)
  return copy as T
}

/**
 * Iterable's `createdAt`: Unix seconds. Numbers (and numeric strings) above 1e11 are taken as milliseconds, as
 * JavaScript clocks give them; other strings are read by dayjs, a time without a zone as UTC.
 */
export function toUnixSeconds(value: string | number | undefined, field = 'createdAt'): number | undefined {
  if (value === undefined || value === '') return undefined
  const numeric = typeof value === 'number' || /^\d+(\.\d+)?$/.test(value.trim())
  const seconds = numeric
    ? Math.floor(Number(value) > 1e11 ? Number(value) / 1000 : Number(value))
    : dayjs.utc(value).unix()
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > LATEST_UNIX_SECONDS) {
    throw new PayloadValidationError(
      `${field} (${String(value).slice(
        0,
        40
      )}) is not a time Iterable accepts: send a date-time between 1970-01-01 and 9999-12-31, or Unix seconds.`
    )
  }
  return seconds
}
