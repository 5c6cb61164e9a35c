import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'
import fc from 'fast-check'
import { toIterableDate, toUnixSeconds } from '../../src/destinations/iterable/dates'

// Property-based (fast-check, which action-destinations does not install): Iterable's date format against two
// independent readings of the same instants.

describe('toIterableDate against Date#toISOString', () => {
  const pad = (value: number) => String(Math.abs(value)).padStart(2, '0')
  // Whole-second instants over the years Iterable's format can write, each written at some zone offset; some near the
  // ends of that range and around century leap days, where a calendar computation would go wrong first.
  const secondsOf = (iso: string) => Date.parse(iso) / 1000
  const near = (iso: string) => fc.integer({ min: secondsOf(iso) - 3 * 86_400, max: secondsOf(iso) + 3 * 86_400 })
  const instantAtOffset = fc.record({
    seconds: fc.oneof(
      fc.integer({ min: secondsOf('0000-01-01T00:00:00Z'), max: secondsOf('9999-12-31T23:59:59Z') }),
      near('0000-01-02T00:00:00Z'),
      near('9999-12-30T00:00:00Z'),
      near('1900-03-01T00:00:00Z'),
      near('2000-03-01T00:00:00Z'),
      near('2100-03-01T00:00:00Z'),
      near('1970-01-01T00:00:00Z')
    ),
    offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 })
  })

  it('writes every instant of years 0–9999, at any offset, as its UTC date and time (beyond them: unchanged)', () => {
    fc.assert(
      fc.property(instantAtOffset, ({ seconds, offsetMinutes }) => {
        const local = new Date(seconds * 1000 + offsetMinutes * 60_000).toISOString()
        fc.pre(local.length === 24)
        const zone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`
        const utc = new Date(seconds * 1000).toISOString()
        const input = `${local.slice(0, 19)}${zone}`
        // A UTC year outside 0–9999 has no place in Iterable's format: such a value is left as it is.
        const expected = utc.length === 24 ? `${utc.slice(0, 10)} ${utc.slice(11, 19)} +00:00` : input
        expect(toIterableDate(input)).toBe(expected)
      }),
      { numRuns: 5000 }
    )
  })
})

describe('toIterableDate against dayjs', () => {
  dayjs.extend(utc)
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  const isoDateTime = fc
    .record({
      year: fc.integer({ min: 1971, max: 2100 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      second: fc.option(fc.integer({ min: 0, max: 59 })),
      millis: fc.option(fc.integer({ min: 0, max: 999 })),
      zone: fc.option(fc.integer({ min: -12 * 60, max: 14 * 60 }))
    })
    .map(({ year, month, day, hour, minute, second, millis, zone }) => {
      const time = `${pad(hour)}:${pad(minute)}${
        second === null ? '' : `:${pad(second)}${millis === null ? '' : `.${pad(millis, 3)}`}`
      }`
      const offset =
        zone === null
          ? 'Z'
          : `${zone < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(zone) / 60))}:${pad(Math.abs(zone) % 60)}`
      return `${year}-${pad(month)}-${pad(day)}T${time}${offset}`
    })

  it("gives dayjs's UTC reading of every ISO date-time, in Iterable's format", () => {
    fc.assert(
      fc.property(isoDateTime, (value) => {
        expect(toIterableDate(value)).toBe(dayjs.utc(value).format('YYYY-MM-DD HH:mm:ss +00:00'))
        expect(toUnixSeconds(value)).toBe(dayjs.utc(value).unix())
      }),
      { numRuns: 2000 }
    )
  })
})
