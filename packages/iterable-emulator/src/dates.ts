// Iterable's dates. A string in one of the date formats Iterable recognises makes a new field a `date` field; Iterable
// shows dates as `YYYY-MM-DD HH:mm:ss +00:00` (UTC), and stores ISO-8601 date-times sent to a date field that way.

// `2024-05-01 13:45:00 +00:00`, `2024-05-01 13:45:00 +0200`, `2024-05-01 13:45:00`: Iterable's own format.
const ITERABLE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})( [+-]\d{2}:?\d{2})?$/
// `2024-05-01T13:45:00Z`, `2024-05-01T13:45:00.123+02:00`: ISO-8601 with a zone.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i
// `2024-05-01`
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

function validCalendar(year: string, month: string, day: string, hour = '0', minute = '0', second = '0'): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60
  )
}

/** Whether Iterable would read this string as a date. */
export function isDateString(value: string): boolean {
  const match = ITERABLE_DATE_TIME.exec(value) ?? ISO_DATE_TIME.exec(value) ?? DATE_ONLY.exec(value)
  if (!match) return false
  const [, year, month, day, hour, minute, second] = match
  return validCalendar(year, month, day, hour, minute, second)
}

const pad = (value: number) => String(value).padStart(2, '0')

/** A Date as Iterable shows dates: `2024-05-01 13:45:00 +00:00`. */
export function formatIterableDate(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +00:00`
  )
}

/** An ISO-8601 date-time in Iterable's format; any other string unchanged (Iterable keeps its own formats as sent). */
export function normaliseDate(value: string): string {
  if (!ISO_DATE_TIME.test(value) || !isDateString(value)) return value
  const parsed = new Date(value)
  return Number.isNaN(parsed.getTime()) ? value : formatIterableDate(parsed)
}

/**
 * An event's `createdAt` (a Unix timestamp) as a date. Iterable documents seconds; a value above 1e11 can only be
 * milliseconds (the year 5138 in seconds), so it is read as milliseconds.
 */
export function fromUnixTimestamp(value: number): Date {
  return new Date(value > 1e11 ? value : value * 1000)
}
