import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { PayloadValidationError } from '@segment/actions-core'
import { MAX_NESTING_DEPTH, toIterableDate, toUnixSeconds, withIterableDates } from '../dates'
import { deepFreeze, deepCopy } from './__helpers__/support'

describe('toIterableDate', () => {
  it.each([
    ['with milliseconds and a negative offset', '2023-02-05T20:42:10.123-05:00', '2023-02-06 01:42:10 +00:00'],
    ['in UTC (Z)', '2023-02-05T20:42:10Z', '2023-02-05 20:42:10 +00:00'],
    ['in UTC with a lower-case z', '2023-02-05T20:42:10z', '2023-02-05 20:42:10 +00:00'],
    ['with milliseconds and a positive offset', '2023-02-05T20:42:10.123+02:00', '2023-02-05 18:42:10 +00:00'],
    ['with an offset without colon', '2023-02-05T20:42:10+0200', '2023-02-05 18:42:10 +00:00'],
    ['whose offset moves it into the next day', '2023-02-05T23:30:00-05:00', '2023-02-06 04:30:00 +00:00'],
    ['without a zone, read as UTC', '2023-02-05T20:42:10', '2023-02-05 20:42:10 +00:00'],
    ['with a space instead of T', '2023-02-05 20:42:10', '2023-02-05 20:42:10 +00:00'],
    ['without seconds', '2023-02-05T20:42', '2023-02-05 20:42:00 +00:00'],
    ['with microseconds', '2023-02-05T20:42:10.999999Z', '2023-02-05 20:42:10 +00:00'],
    ['on 29 February of a leap year', '2024-02-29T10:00:00Z', '2024-02-29 10:00:00 +00:00'],
    ['whose offset moves it into the previous year', '2024-01-01T01:00:00+02:00', '2023-12-31 23:00:00 +00:00'],
    ['in the first century (not read as 19xx)', '0050-06-01T12:00:00Z', '0050-06-01 12:00:00 +00:00'],
    ['with a comma before the fraction', '2023-02-05T20:42:10,5Z', '2023-02-05 20:42:10 +00:00']
  ])('converts an ISO date-time %s', (_case: string, input: string, expected: string) => {
    expect(toIterableDate(input)).toBe(expected)
  })

  it.each([
    ['a date-only string', '2023-02-05'],
    ['a number as text', '12345'],
    ['text ending in a year', 'order 2023'],
    ['text starting with a date', '2023-02-05 is my birthday'],
    ['a phone number', '+14158675309'],
    ['an empty string', ''],
    ['an impossible calendar date (30 February)', '2023-02-30T10:00:00Z'],
    ['an impossible calendar date (31 April)', '2023-04-31T10:00:00Z'],
    ['29 February of a common year', '2023-02-29T10:00:00Z'],
    ['an impossible hour', '2023-02-05T25:00:00Z'],
    ['an impossible month', '2023-13-05T10:00:00Z'],
    ['a date-time followed by text', '2023-02-05T20:42:10Z please'],
    ['a date in Iterable format already', '2023-02-05 20:42:10 +00:00'],
    ['a US-style date', '02/05/2023 20:42'],
    ['a date-time whose offset moves it before year 0', '0000-01-01T00:30:00+01:00'],
    ['a date-time whose offset moves it past year 9999', '9999-12-31T23:30:00-01:00']
  ])('leaves %s unchanged', (_case: string, input: string) => {
    expect(toIterableDate(input)).toBe(input)
  })
})

describe('withIterableDates', () => {
  it.each([
    ['an ISO date-time string', '2023-02-05T20:42:10Z', '2023-02-05 20:42:10 +00:00'],
    ['a date-only string', '2023-02-05', '2023-02-05'],
    ['a plain string', 'order 2023', 'order 2023'],
    ['an integer', 12345, 12345],
    ['a millisecond timestamp', 1675629730123, 1675629730123],
    ['true', true, true],
    ['false', false, false],
    ['null', null, null],
    ['undefined', undefined, undefined]
  ])('given %s at the top level (%p) returns %p', (_case: string, input: unknown, expected: unknown) => {
    expect(withIterableDates(input)).toEqual(expected)
  })

  it('converts date-times at every depth of objects and arrays, leaving everything else as it is', () => {
    const input = {
      signedUpAt: '2023-02-05T20:42:10.123-05:00',
      birthday: '1990-07-14',
      plan: 'pro',
      seats: 3,
      active: true,
      referrer: null,
      address: {
        city: 'Lisbon',
        verifiedAt: '2023-02-05T20:42:10Z',
        history: { movedInAt: '2020-01-01T00:00:00+01:00', previous: ['Porto', '2019-06-30T12:00:00Z'] }
      },
      logins: ['2023-02-05T20:42:10Z', '2023-02-06T08:00:00+02:00', 'yesterday', 7],
      orders: [
        { id: 'o-1', placedAt: '2023-02-05T20:42:10Z', items: [{ shippedAt: '2023-02-07T10:00:00-08:00' }] },
        [['2023-02-05T20:42:10'], { deep: { deeper: '2023-02-05T20:42:10.5+00:00' } }]
      ]
    }

    expect(withIterableDates(input)).toEqual({
      signedUpAt: '2023-02-06 01:42:10 +00:00',
      birthday: '1990-07-14',
      plan: 'pro',
      seats: 3,
      active: true,
      referrer: null,
      address: {
        city: 'Lisbon',
        verifiedAt: '2023-02-05 20:42:10 +00:00',
        history: { movedInAt: '2019-12-31 23:00:00 +00:00', previous: ['Porto', '2019-06-30 12:00:00 +00:00'] }
      },
      logins: ['2023-02-05 20:42:10 +00:00', '2023-02-06 06:00:00 +00:00', 'yesterday', 7],
      orders: [
        {
          id: 'o-1',
          placedAt: '2023-02-05 20:42:10 +00:00',
          items: [{ shippedAt: '2023-02-07 18:00:00 +00:00' }]
        },
        [['2023-02-05 20:42:10 +00:00'], { deep: { deeper: '2023-02-05 20:42:10 +00:00' } }]
      ]
    })
  })

  it('converts the elements of a top-level array', () => {
    expect(withIterableDates(['2023-02-05T20:42:10Z', 'text', 1, null])).toEqual([
      '2023-02-05 20:42:10 +00:00',
      'text',
      1,
      null
    ])
  })

  it('does not change a deep-frozen input (writing to it would throw)', () => {
    const input = deepFreeze({
      createdAt: '2023-02-05T20:42:10Z',
      nested: { at: '2023-02-05T20:42:10Z', list: ['2023-02-05T20:42:10Z', { at: '2023-02-05T20:42:10Z' }] }
    })

    expect(() => withIterableDates(input)).not.toThrow()
    expect(withIterableDates(input).nested.list[0]).toBe('2023-02-05 20:42:10 +00:00')
  })

  it('returns a copy and leaves the input exactly as it was', () => {
    const input = {
      createdAt: '2023-02-05T20:42:10Z',
      nested: { at: '2023-02-05T20:42:10-05:00', list: ['2023-02-05T20:42:10Z', { at: '2023-02-05T20:42:10Z' }] }
    }
    const before = deepCopy(input)

    const output = withIterableDates(input)

    expect(input).toEqual(before)
    expect(output).not.toBe(input)
    expect(output.nested).not.toBe(input.nested)
    expect(output.nested.list).not.toBe(input.nested.list)
    expect(output.nested.list[1]).not.toBe(input.nested.list[1])
  })
})

describe('withIterableDates on Date objects and deep data', () => {
  it('converts a Date (as Insert Functions and the test harness hand them) like an ISO string, at any depth', () => {
    const at = new Date('2023-02-05T20:42:10.123Z')
    expect(withIterableDates({ at, nested: { list: [at] } })).toEqual({
      at: '2023-02-05 20:42:10 +00:00',
      nested: { list: ['2023-02-05 20:42:10 +00:00'] }
    })
  })

  it('leaves an invalid Date as it is (JSON sends it as null)', () => {
    const invalid = new Date('not a date')
    expect(withIterableDates({ invalid }).invalid).toBe(invalid)
  })

  it('keeps an own "__proto__" key (as JSON can carry) as a key, without touching the prototype', () => {
    const fields = JSON.parse('{"__proto__": {"at": "2023-02-05T20:42:10Z"}, "plan": "pro"}') as {
      [key: string]: unknown
    }

    const result = withIterableDates(fields)

    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(Object.keys(result)).toEqual(['__proto__', 'plan'])
    expect(JSON.stringify(result)).toBe('{"__proto__":{"at":"2023-02-05 20:42:10 +00:00"},"plan":"pro"}')
  })

  it(`refuses data nested more than ${MAX_NESTING_DEPTH} levels, naming the field, with a PayloadValidationError`, () => {
    let deep: unknown = 'leaf'
    for (let level = 0; level < 5000; level++) deep = level % 2 ? { next: deep } : [deep]

    expect(() => withIterableDates({ deep })).toThrow(PayloadValidationError)
    expect(() => withIterableDates({ deep }, 'user.dataFields')).toThrow(
      /user\.dataFields is nested more than 64 levels deep/
    )
  })

  it(`takes data nested ${MAX_NESTING_DEPTH} levels deep`, () => {
    let deep: unknown = '2023-02-05T20:42:10Z'
    for (let level = 1; level < MAX_NESTING_DEPTH; level++) deep = { next: deep }

    expect(JSON.stringify(withIterableDates({ deep }))).toContain('2023-02-05 20:42:10 +00:00')
  })
})

describe('toUnixSeconds', () => {
  it.each([
    ['an ISO string in UTC', '2023-02-05T20:42:10Z', 1675629730],
    ['an ISO string with milliseconds and an offset', '2023-02-05T20:42:10.123-05:00', 1675647730],
    ['a millisecond timestamp', 1675629730123, 1675629730],
    ['a second timestamp', 1675629730, 1675629730],
    ['a fractional second timestamp', 1675629730.9, 1675629730],
    ['seconds as text', '1675629730', 1675629730],
    ['milliseconds as text', '1675629730123', 1675629730],
    ['a date alone, read as UTC midnight', '2023-02-05', 1675555200],
    ['the start of 1970', '1970-01-01T00:00:00Z', 0],
    ['undefined', undefined, undefined],
    ['an empty string', '', undefined]
  ])('given %s (%p) returns %p', (_case: string, input: string | number | undefined, expected: number | undefined) => {
    expect(toUnixSeconds(input)).toBe(expected)
  })

  it.each([
    ['a time before 1970', '1969-12-31T23:59:59Z'],
    ['a negative timestamp', -5],
    ['a time past year 9999 (in milliseconds)', 253402300800000],
    ['text that is not a date', 'not a date']
  ])('refuses %s (%p), naming the field and what Iterable accepts', (_case: string, input: string | number) => {
    expect(() => toUnixSeconds(input)).toThrow(PayloadValidationError)
    expect(() => toUnixSeconds(input)).toThrow(
      /^createdAt \(.*\) is not a time Iterable accepts: send a date-time between 1970-01-01 and 9999-12-31/
    )
  })
})

describe('independence from the server time zone', () => {
  /** Runs dates.ts in a fresh Node process whose local zone is `timeZone` (the zone cannot change inside Jest). */
  function inTimeZone(timeZone: string, expression: string): unknown {
    const repoRoot = path.resolve(__dirname, '../../../../../..')
    const datesModule = path.resolve(__dirname, '../dates.ts')
    const output = execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        `const d = require(${JSON.stringify(datesModule)}); process.stdout.write(JSON.stringify(${expression}))`
      ],
      { cwd: repoRoot, env: { ...process.env, TZ: timeZone, TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.json') } }
    )
    return JSON.parse(output.toString())
  }

  it.each(['America/New_York', 'Asia/Kolkata'])(
    'reads a zone-less date-time in dataFields as UTC on a server in %s',
    (timeZone: string) => {
      expect(inTimeZone(timeZone, `d.toIterableDate('2023-02-05T20:42:10')`)).toBe('2023-02-05 20:42:10 +00:00')
    }
  )

  it.each(['America/New_York', 'Asia/Kolkata'])(
    'reads a zone-less createdAt as UTC, like dataFields, on a server in %s',
    (timeZone: string) => {
      expect(inTimeZone(timeZone, `d.toUnixSeconds('2023-02-05T20:42:10')`)).toBe(1675629730)
    }
  )
})
