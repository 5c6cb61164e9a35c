import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError
} from '@segment/actions-core'
import destination from '../../index'

const US = 'https://api.iterable.com'
const EU = 'https://api.eu.iterable.com'
const SUCCESS = { msg: '', code: 'Success', params: null }
const settings = { apiKey: 'test-api-key' }

const newTestDestination = () => createTestIntegration(destination)
let testDestination: ReturnType<typeof newTestDestination>

beforeEach(() => {
  // A fresh harness per test: a failed run would otherwise leave its captured responses for the next one.
  testDestination = newTestDestination()
})

/** The Api-Key header of a captured request (the harness hands over a Headers object). */
const apiKeyHeader = (response: { options: { headers?: unknown } }) =>
  (response.options.headers as Headers).get('api-key')

const productViewed = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Product Viewed',
    messageId: 'msg-track-1',
    timestamp: '2023-02-05T20:42:10.000Z',
    userId: 'user-8812',
    properties: {
      email: 'jane.doe@example.com',
      product_id: 'sku-42',
      name: 'Trail Shoe',
      price: 89.5
    },
    ...overrides
  })

const EXPECTED_BODY = {
  email: 'jane.doe@example.com',
  userId: 'user-8812',
  eventName: 'Product Viewed',
  id: 'msg-track-1',
  createdAt: 1675629730,
  dataFields: { email: 'jane.doe@example.com', product_id: 'sku-42', name: 'Trail Shoe', price: 89.5 }
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected the action to fail, but it succeeded')
    },
    (error: Error) => error
  )

describe('Iterable trackEvent', () => {
  describe('request with default mappings', () => {
    it('POSTs the event to /api/events/track with the Api-Key header', async () => {
      const scope = nock(US, { reqheaders: { 'api-key': 'test-api-key' } })
        .post('/api/events/track', EXPECTED_BODY)
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings,
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses).toHaveLength(1)
      expect(responses[0].status).toBe(200)
      expect(responses[0].url).toBe(`${US}/api/events/track`)
      expect(responses[0].options.method).toBe('POST')
      expect(apiKeyHeader(responses[0])).toBe('test-api-key')
      expect(responses[0].options.json).toEqual(EXPECTED_BODY)
    })

    it('sends the request to api.eu.iterable.com when the data center is Europe', async () => {
      const scope = nock(EU).post('/api/events/track', EXPECTED_BODY).reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings: { ...settings, dataCenterLocation: 'europe' },
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses[0].url).toBe(`${EU}/api/events/track`)
      expect(responses[0].options.method).toBe('POST')
      expect(responses[0].options.json).toEqual(EXPECTED_BODY)
    })

    it('takes eventName from the event name and id from the messageId', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ event: 'Newsletter Signup', messageId: 'ajs-next-0c7b1e' }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        ...EXPECTED_BODY,
        eventName: 'Newsletter Signup',
        id: 'ajs-next-0c7b1e'
      })
    })

    it('sends createdAt as unix seconds, whatever the zone of the timestamp', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ timestamp: '2023-02-05T15:42:10.000-05:00' }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({ ...EXPECTED_BODY, createdAt: 1675629730 })
    })

    it('sends a createdAt given in milliseconds as unix seconds', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings,
        mapping: { createdAt: 1675629730123 },
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({ ...EXPECTED_BODY, createdAt: 1675629730 })
    })

    it('sends a createdAt mapped from a string of unix seconds as those seconds', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ properties: { email: 'jane.doe@example.com', occurred_at: '1675629730' } }),
        settings,
        mapping: { createdAt: { '@path': '$.properties.occurred_at' } },
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        ...EXPECTED_BODY,
        createdAt: 1675629730,
        dataFields: { email: 'jane.doe@example.com', occurred_at: '1675629730' }
      })
    })

    it('sends campaignId and templateId from the properties', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({
          properties: { email: 'jane.doe@example.com', campaignId: 123456, templateId: 789012, channel: 'email' }
        }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
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
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({
          properties: {
            email: 'jane.doe@example.com',
            bookedAt: '2023-02-05T20:42:10.123-05:00',
            trip: { departsOn: '2023-03-01', returnsAt: '2023-03-08T09:30:00Z', code: '12345' },
            legs: [{ at: '2023-03-01T06:00:00+02:00' }]
          }
        }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
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
      nock(US).post('/api/events/track', EXPECTED_BODY).reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings,
        mapping: { enable_batching: false, batch_size: 50 },
        useDefaultMappings: true
      })

      const body = responses[0].options.json as Record<string, unknown>
      expect(body).not.toHaveProperty('enable_batching')
      expect(body).not.toHaveProperty('batch_size')
      expect(body).toEqual(EXPECTED_BODY)
    })

    it('never sends the default enable_batching and batch_size either', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings,
        useDefaultMappings: true
      })

      const allowed = ['email', 'userId', 'eventName', 'id', 'createdAt', 'dataFields', 'campaignId', 'templateId']
      const sentKeys = Object.keys(responses[0].options.json as object)
      expect(sentKeys.filter((key) => !allowed.includes(key))).toEqual([])
    })
  })

  describe('identifiers', () => {
    it('prefers properties.email over context.traits.email', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ context: { traits: { email: 'profile@example.com' } } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual(EXPECTED_BODY)
    })

    it('falls back to context.traits.email when the properties have no email', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({
          properties: { product_id: 'sku-42' },
          context: { traits: { email: 'profile@example.com' } }
        }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'profile@example.com',
        userId: 'user-8812',
        eventName: 'Product Viewed',
        id: 'msg-track-1',
        createdAt: 1675629730,
        dataFields: { product_id: 'sku-42' }
      })
    })

    it('tracks an event of a user known only by userId', async () => {
      const scope = nock(US)
        .post('/api/events/track', {
          userId: 'user-8812',
          eventName: 'Product Viewed',
          id: 'msg-track-1',
          createdAt: 1675629730,
          dataFields: { product_id: 'sku-42' }
        })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ properties: { product_id: 'sku-42' } }),
        settings,
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses[0].options.json).toEqual({
        userId: 'user-8812',
        eventName: 'Product Viewed',
        id: 'msg-track-1',
        createdAt: 1675629730,
        dataFields: { product_id: 'sku-42' }
      })
    })

    it('tracks an event of an anonymous user known only by email', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const responses = await testDestination.testAction('trackEvent', {
        event: productViewed({ userId: undefined, anonymousId: 'anon-5' }),
        settings,
        useDefaultMappings: true
      })

      const { userId: _userId, ...withoutUserId } = EXPECTED_BODY
      expect(responses[0].options.json).toEqual(withoutUserId)
    })

    it('rejects an event with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = nock(US).post('/api/events/track').reply(200, SUCCESS)

      const error = await failure(
        testDestination.testAction('trackEvent', {
          event: productViewed({ userId: undefined, properties: { product_id: 'sku-42' } }),
          settings,
          useDefaultMappings: true
        })
      )

      expect(error.message).toContain("'email'")
      expect(error.message).toContain("'userId'")
      expect(scope.isDone()).toBe(false)
    })

    it('rejects an event whose identifiers are blank strings, and sends nothing', async () => {
      const scope = nock(US).post('/api/events/track').reply(200, SUCCESS)

      const error = await failure(
        testDestination.testAction('trackEvent', {
          event: productViewed({ properties: { product_id: 'sku-42' } }),
          settings,
          mapping: { userId: '  ' },
          useDefaultMappings: true
        })
      )

      expect(error).toMatchObject({ name: 'PayloadValidationError', status: 400 })
      expect(error.message).toMatch(/Either email or userId is required/)
      expect(scope.isDone()).toBe(false)
    })

    it('rejects an event without an event name, and sends nothing', async () => {
      const scope = nock(US).post('/api/events/track').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('trackEvent', {
          event: productViewed({ event: undefined }),
          settings,
          useDefaultMappings: true
        })
      ).rejects.toThrow("missing the required field 'eventName'")

      expect(scope.isDone()).toBe(false)
    })
  })

  describe("Iterable's error answers", () => {
    const track = (apiKey = 'test-api-key') =>
      testDestination.testAction('trackEvent', {
        event: productViewed(),
        settings: { apiKey },
        useDefaultMappings: true
      })

    it('reports a 400 InvalidEmailAddressError with its code, its message and status 400', async () => {
      nock(US)
        .post('/api/events/track')
        .reply(400, { msg: 'Invalid email', code: 'InvalidEmailAddressError', params: null })

      const error = await failure(track())

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 400, code: 'InvalidEmailAddressError' })
      expect(error.message).toContain('InvalidEmailAddressError')
      expect(error.message).toContain('Invalid email')
    })

    it('reports a 401 BadApiKey as an InvalidAuthenticationError', async () => {
      nock(US).post('/api/events/track').reply(401, { msg: 'Invalid API key', code: 'BadApiKey' })

      const error = await failure(track())

      expect(error).toBeInstanceOf(InvalidAuthenticationError)
      expect(error.name).toBe('InvalidAuthenticationError')
      expect(error).toMatchObject({ status: 401 })
      expect(error.message).toContain('BadApiKey')
    })

    it('reports a 409 EmailAlreadyExists as an email conflict with status 409', async () => {
      nock(US)
        .post('/api/events/track')
        .reply(409, { msg: 'Email already exists', code: 'EmailAlreadyExists', params: null })

      const error = await failure(track())

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 409, code: 'EmailAlreadyExists' })
      expect(error.message).toMatch(/another Iterable user already has this email address/)
      expect(error.message).toContain('Email already exists')
    })

    it('reports a 429 RateLimitExceeded as a RetryableError with status 429', async () => {
      nock(US)
        .post('/api/events/track')
        .reply(429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null })

      const error = await failure(track())

      expect(error).toBeInstanceOf(RetryableError)
      expect(error.name).toBe('RetryableError')
      expect(error).toMatchObject({ status: 429 })
      expect(error.message).toContain('RateLimitExceeded')
    })

    it('reports a 500 GenericError as a RetryableError with status 500', async () => {
      nock(US).post('/api/events/track').reply(500, { msg: 'Something went wrong', code: 'GenericError', params: null })

      const error = await failure(track())

      expect(error).toBeInstanceOf(RetryableError)
      expect(error.name).toBe('RetryableError')
      expect(error).toMatchObject({ status: 500 })
      expect(error.message).toContain('GenericError')
      expect(error.message).toContain('Something went wrong')
    })

    it('handles a non-JSON answer (a 502 HTML page) and keeps its text in the message', async () => {
      nock(US).post('/api/events/track').reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' })

      const error = await failure(track())

      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 502 })
      expect(error.message).toContain('<html>Bad Gateway</html>')
    })

    it('handles a JSON body sent as plain text', async () => {
      nock(US)
        .post('/api/events/track')
        .reply(400, JSON.stringify({ msg: 'Invalid email', code: 'InvalidEmailAddressError', params: null }), {
          'Content-Type': 'text/plain'
        })

      const error = await failure(track())

      expect(error).toMatchObject({ status: 400, code: 'InvalidEmailAddressError' })
      expect(error.message).toContain('Invalid email')
    })

    it('handles an empty error body', async () => {
      nock(US).post('/api/events/track').reply(503, '')

      const error = await failure(track())

      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 503 })
    })

    it('reports a connection failure as a RetryableError', async () => {
      nock(US).post('/api/events/track').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })

      const error = await failure(track())

      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toContain('socket hang up')
    })

    it('never puts the API key in the message of a 401 that echoes it', async () => {
      nock(US)
        .post('/api/events/track')
        .reply(401, { msg: 'Invalid API key: sk_live_SECRET123', code: 'BadApiKey', params: null })

      const error = await failure(track('sk_live_SECRET123'))

      expect(error.name).toBe('InvalidAuthenticationError')
      expect(error.message).not.toContain('sk_live_SECRET123')
    })

    it.each([
      [400, { msg: 'Bad params for key sk_live_SECRET123', code: 'BadParams' }],
      [409, { msg: 'Conflict for sk_live_SECRET123', code: 'EmailAlreadyExists' }],
      [429, { msg: 'Too many requests from sk_live_SECRET123', code: 'RateLimitExceeded' }],
      [500, { msg: 'Failed for key sk_live_SECRET123', code: 'GenericError' }],
      [502, '<html>Bad Gateway for sk_live_SECRET123</html>'],
      [404, 'Not found: sk_live_SECRET123']
    ])('never puts the API key in the message of a %i answer that echoes it', async (status, body) => {
      nock(US).post('/api/events/track').reply(status, body)

      const error = await failure(track('sk_live_SECRET123'))

      expect(error).toMatchObject({ status })
      expect(error.message).not.toContain('sk_live_SECRET123')
    })

    it('never puts the API key in the message of a connection failure that mentions it', async () => {
      nock(US).post('/api/events/track').replyWithError('connect failed while sending Api-Key sk_live_SECRET123')

      const error = await failure(track('sk_live_SECRET123'))

      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).not.toContain('sk_live_SECRET123')
    })
  })

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      nock(US).post('/api/events/track').reply(200, SUCCESS)

      const event = productViewed({
        properties: {
          email: 'jane.doe@example.com',
          bookedAt: '2023-02-05T20:42:10.123-05:00',
          trip: { returnsAt: '2023-03-08T09:30:00Z', legs: ['2023-03-01T06:00:00+02:00'] }
        }
      })
      const before = JSON.parse(JSON.stringify(event))

      await testDestination.testAction('trackEvent', { event, settings, useDefaultMappings: true })

      expect(event).toEqual(before)
    })
  })
})
