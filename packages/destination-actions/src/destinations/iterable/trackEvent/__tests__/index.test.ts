import {
  acceptPost,
  actionUnderTest,
  expectNothingSent,
  failure,
  itSendsTheRequest,
  productViewed,
  TIMESTAMP_UNIX_SECONDS,
  TRACK_PATH,
  sentBody
} from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('trackEvent', TRACK_PATH)

/** What events/track receives for `productViewed()` with the default mappings. */
const EXPECTED_BODY = {
  email: 'jane.doe@example.com',
  userId: 'user-8812',
  eventName: 'Product Viewed',
  id: 'msg-track-1',
  createdAt: TIMESTAMP_UNIX_SECONDS,
  dataFields: { email: 'jane.doe@example.com', product_id: 'sku-42', name: 'Trail Shoe', price: 89.5 }
}

describe('Iterable trackEvent', () => {
  describe('request with default mappings', () => {
    itSendsTheRequest('POSTs the event to /api/events/track with the Api-Key header', {
      run,
      path: TRACK_PATH,
      event: () => productViewed(),
      body: EXPECTED_BODY
    })

    it('takes eventName from the event name and id from the messageId', async () => {
      const body = await bodySent(productViewed({ event: 'Newsletter Signup', messageId: 'ajs-next-0c7b1e' }))

      expect(body).toEqual({ ...EXPECTED_BODY, eventName: 'Newsletter Signup', id: 'ajs-next-0c7b1e' })
    })

    it('sends createdAt as unix seconds, whatever the zone of the timestamp', async () => {
      const body = await bodySent(productViewed({ timestamp: '2023-02-05T15:42:10.000-05:00' }))

      expect(body).toEqual({ ...EXPECTED_BODY, createdAt: 1675629730 })
    })

    it('sends a createdAt given in milliseconds as unix seconds', async () => {
      const body = await bodySent(productViewed(), { mapping: { createdAt: 1675629730123 } })

      expect(body).toEqual({ ...EXPECTED_BODY, createdAt: 1675629730 })
    })

    it('sends a createdAt mapped from a string of unix seconds as those seconds', async () => {
      const body = await bodySent(
        productViewed({ properties: { email: 'jane.doe@example.com', occurred_at: '1675629730' } }),
        { mapping: { createdAt: { '@path': '$.properties.occurred_at' } } }
      )

      expect(body).toEqual({
        ...EXPECTED_BODY,
        createdAt: 1675629730,
        dataFields: { email: 'jane.doe@example.com', occurred_at: '1675629730' }
      })
    })

    it('sends campaignId and templateId from the properties', async () => {
      const body = await bodySent(
        productViewed({
          properties: { email: 'jane.doe@example.com', campaignId: 123456, templateId: 789012, channel: 'email' }
        })
      )

      expect(body).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        eventName: 'Product Viewed',
        id: 'msg-track-1',
        createdAt: 1675629730,
        campaignId: 123456,
        templateId: 789012,
        dataFields: { email: 'jane.doe@example.com', campaignId: 123456, templateId: 789012, channel: 'email' }
      })
    })

    it("sends the properties as dataFields with ISO date-times in Iterable's format at any depth", async () => {
      const body = await bodySent(
        productViewed({
          properties: {
            email: 'jane.doe@example.com',
            bookedAt: '2023-02-05T20:42:10.123-05:00',
            trip: { departsOn: '2023-03-01', returnsAt: '2023-03-08T09:30:00Z', code: '12345' },
            legs: [{ at: '2023-03-01T06:00:00+02:00' }]
          }
        })
      )

      expect(body).toEqual({
        ...EXPECTED_BODY,
        dataFields: {
          email: 'jane.doe@example.com',
          bookedAt: '2023-02-06 01:42:10 +00:00',
          trip: { departsOn: '2023-03-01', returnsAt: '2023-03-08 09:30:00 +00:00', code: '12345' },
          legs: [{ at: '2023-03-01 04:00:00 +00:00' }]
        }
      })
    })

    it('never sends enable_batching or batch_size to Iterable', async () => {
      acceptPost(TRACK_PATH, { body: EXPECTED_BODY })

      const responses = await run(productViewed(), { mapping: { enable_batching: false, batch_size: 50 } })

      const body = sentBody(responses[0]) as Record<string, unknown>
      expect(body).not.toHaveProperty('enable_batching')
      expect(body).not.toHaveProperty('batch_size')
      expect(body).toEqual(EXPECTED_BODY)
    })

    it('never sends the default enable_batching and batch_size either', async () => {
      const body = await bodySent(productViewed())

      const allowed = ['email', 'userId', 'eventName', 'id', 'createdAt', 'dataFields', 'campaignId', 'templateId']
      const sentKeys = Object.keys(body as object)
      expect(sentKeys.filter((key) => !allowed.includes(key))).toEqual([])
    })
  })

  describe('identifiers', () => {
    it('prefers properties.email over context.traits.email', async () => {
      const body = await bodySent(productViewed({ context: { traits: { email: 'profile@example.com' } } }))

      expect(body).toEqual(EXPECTED_BODY)
    })

    it('falls back to context.traits.email when the properties have no email', async () => {
      const body = await bodySent(
        productViewed({ properties: { product_id: 'sku-42' }, context: { traits: { email: 'profile@example.com' } } })
      )

      expect(body).toEqual({
        email: 'profile@example.com',
        userId: 'user-8812',
        eventName: 'Product Viewed',
        id: 'msg-track-1',
        createdAt: 1675629730,
        dataFields: { product_id: 'sku-42' }
      })
    })

    it('tracks an event of a user known only by userId', async () => {
      const expected = {
        userId: 'user-8812',
        eventName: 'Product Viewed',
        id: 'msg-track-1',
        createdAt: 1675629730,
        dataFields: { product_id: 'sku-42' }
      }
      const scope = acceptPost(TRACK_PATH, { body: expected })

      const responses = await run(productViewed({ properties: { product_id: 'sku-42' } }))

      expect(scope.isDone()).toBe(true)
      expect(sentBody(responses[0])).toEqual(expected)
    })

    it('tracks an event of an anonymous user known only by email', async () => {
      const body = await bodySent(productViewed({ userId: undefined, anonymousId: 'anon-5' }))

      const { userId: _userId, ...withoutUserId } = EXPECTED_BODY
      expect(body).toEqual(withoutUserId)
    })

    it('rejects an event with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = acceptPost(TRACK_PATH)

      const error = await failure(run(productViewed({ userId: undefined, properties: { product_id: 'sku-42' } })))

      expect(error.message).toContain("'email'")
      expect(error.message).toContain("'userId'")
      expectNothingSent(scope)
    })

    it('rejects an event whose userId is a blank string, naming it, and sends nothing', async () => {
      const scope = acceptPost(TRACK_PATH)

      const error = await failure(
        run(productViewed({ properties: { product_id: 'sku-42' } }), { mapping: { userId: '  ' } })
      )

      expect(error).toMatchObject({ name: 'PayloadValidationError', status: 400 })
      expect(error.message).toMatch(/^userId is blank/)
      expectNothingSent(scope)
    })

    it('rejects an event without an event name, and sends nothing', async () => {
      const scope = acceptPost(TRACK_PATH)

      await expect(run(productViewed({ event: undefined }))).rejects.toThrow(
        "eventName is missing or blank: Iterable refuses an event without a name. Map Event name to the event's name (by default the track call's `event`)."
      )

      expectNothingSent(scope)
    })
  })

  // Iterable's error answers are tested for every action in ../../__tests__/errors.test.ts.

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      acceptPost(TRACK_PATH)

      const event = productViewed({
        properties: {
          email: 'jane.doe@example.com',
          bookedAt: '2023-02-05T20:42:10.123-05:00',
          trip: { returnsAt: '2023-03-08T09:30:00Z', legs: ['2023-03-01T06:00:00+02:00'] }
        }
      })
      const before = JSON.parse(JSON.stringify(event))

      await run(event)

      expect(event).toEqual(before)
    })
  })
})
