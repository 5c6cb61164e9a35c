import fc from 'fast-check'
import { PayloadValidationError } from '@segment/actions-core'
import {
  bulkUserRecordJson,
  trackEventBody,
  trackEventRecordJson,
  trackPageBody,
  trackPageRecordJson,
  userUpdateBody
} from '../bodies'
import type { Payload as UpdateUserPayload } from '../updateUser/generated-types'
import type { Payload as TrackEventPayload } from '../trackEvent/generated-types'
import type { Payload as TrackPagePayload } from '../trackPage/generated-types'
import { deepFreeze, settings } from './support'

// A bulk record is built straight as JSON, a single call's body as an object, from the same parts (bodies.ts). These
// tests pin down that the two cannot differ: same keys, same values, dates converted the same way.

const dateTime = fc.constantFrom(
  '2023-02-05T20:42:10Z',
  '2023-02-05T20:42:10.123-05:00',
  '2024-02-29T23:30:00+0200',
  '2023-02-05 20:42',
  '2023-02-30T10:00:00Z'
)
const text = fc.oneof(fc.string(), dateTime)
const dataFields = fc.dictionary(
  fc.oneof(fc.string(), dateTime, fc.constantFrom('phoneNumber', 'email')),
  fc.oneof(
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(text, { maxLength: 3 }),
    fc.dictionary(fc.string(), text, { maxKeys: 3 })
  ),
  { maxKeys: 6 }
)
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined })
const identifiers = fc.record({
  email: optional(fc.constantFrom('ada@example.com', '2023-02-05T20:42:10Z@example.com')),
  userId: optional(fc.constantFrom('user-1815', '2023-02-05T20:42:10Z'))
})

const userPayload: fc.Arbitrary<UpdateUserPayload> = fc
  .tuple(
    identifiers,
    fc.record({
      dataFields: optional(dataFields),
      phoneNumber: optional(fc.oneof(fc.constant(null), fc.constantFrom('+14158675309', ''))),
      preferUserId: optional(fc.boolean()),
      mergeNestedObjects: optional(fc.boolean()),
      enable_batching: fc.constant(true),
      batch_size: fc.constant(1001)
    })
  )
  .map(([ids, rest]) => ({ ...ids, ...rest }))

const eventPayload: fc.Arbitrary<TrackEventPayload> = fc
  .tuple(
    identifiers,
    fc.record({
      eventName: fc.constantFrom('Video Watched', '2023-02-05T20:42:10Z'),
      id: optional(fc.uuid()),
      createdAt: optional(fc.constantFrom('2023-02-05T20:42:10.123-05:00', 1675629730123)),
      dataFields: optional(dataFields),
      campaignId: optional(fc.integer({ min: 1, max: 99999 })),
      templateId: optional(fc.integer({ min: 1, max: 99999 }))
    })
  )
  .map(([ids, rest]) => ({ ...ids, ...rest }))

/** Both builders' outcome for one payload: the JSON they produce, or the error they throw. */
function outcome(build: () => unknown): { json: string } | { error: string } {
  try {
    const built = build()
    return { json: typeof built === 'string' ? built : JSON.stringify(built) }
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadValidationError)
    return { error: (error as Error).message }
  }
}

describe('bulk records and single bodies', () => {
  it('give the same event, key for key and byte for byte, or the same error', () => {
    fc.assert(
      fc.property(eventPayload, (payload) => {
        deepFreeze(payload)
        expect(outcome(() => trackEventRecordJson(payload))).toEqual(outcome(() => trackEventBody(payload)))
      }),
      { numRuns: 500 }
    )
  })

  it('give the same page or screen event, or the same error', () => {
    const pages = fc
      .tuple(
        eventPayload,
        fc.record({
          eventType: optional(fc.constantFrom<TrackPagePayload['eventType']>('page', 'screen')),
          name: optional(fc.constantFrom('Pricing', '2023-02-05T20:42:10Z')),
          category: optional(fc.constant('Docs'))
        })
      )
      .map(([{ eventName: _eventName, ...event }, page]): TrackPagePayload => ({ ...event, ...page }))
    fc.assert(
      fc.property(pages, (payload) => {
        deepFreeze(payload)
        expect(outcome(() => trackPageRecordJson(payload, settings))).toEqual(
          outcome(() => trackPageBody(payload, settings))
        )
      }),
      { numRuns: 500 }
    )
  })

  it('give the same user update (the phone number in dataFields), or the same error', () => {
    fc.assert(
      fc.property(userPayload, (payload) => {
        deepFreeze(payload)
        const record = outcome(() => bulkUserRecordJson(payload))
        const body = outcome(() => userUpdateBody(payload))
        if ('error' in body) expect(record).toEqual(body)
        // A phone number that replaces a same-named field moves to the end of the JSON: compare values, not text.
        else expect(JSON.parse((record as { json: string }).json)).toEqual(JSON.parse(body.json))
      }),
      { numRuns: 500 }
    )
  })

  it('put a batch email change in the record as dataFields.email, over a mapped email field', () => {
    const payload: UpdateUserPayload = deepFreeze({
      email: 'ada@example.com',
      newEmail: 'ada@analytical.example',
      dataFields: { email: 'ada@example.com', signedUpAt: '2023-02-05T20:42:10Z' },
      phoneNumber: '+14158675309'
    })

    const json = bulkUserRecordJson(payload)

    expect(json.match(/"email"/g)).toHaveLength(2) // the identifier and dataFields.email, once each
    expect(JSON.parse(json)).toEqual({
      email: 'ada@example.com',
      dataFields: {
        signedUpAt: '2023-02-05 20:42:10 +00:00',
        phoneNumber: '+14158675309',
        email: 'ada@analytical.example'
      }
    })
  })
})
