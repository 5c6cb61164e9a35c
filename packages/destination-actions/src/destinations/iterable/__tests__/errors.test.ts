import nock from 'nock'
import {
  APIError,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  createTestEvent,
  createTestIntegration
} from '@segment/actions-core'
import destination from '../index'
import { endpointUrl, readAnswer, translateIterableError } from '../iterable-api'
import type { Settings } from '../generated-types'

const API_KEY = 'sk_SECRET_abc123'
const HTML_502 =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'

type ErrorClass = abstract new (...args: never[]) => Error

describe('translateIterableError', () => {
  it.each<[string, number, unknown, ErrorClass, number, string[]]>([
    [
      '400 BadParams',
      400,
      { msg: 'eventName is required', code: 'BadParams', params: null },
      IntegrationError,
      400,
      ['BadParams', 'eventName is required']
    ],
    [
      '400 BadJsonBody',
      400,
      { msg: 'Could not parse body', code: 'BadJsonBody', params: { 'obj.dataFields': 'error' } },
      IntegrationError,
      400,
      ['BadJsonBody', 'Could not parse body']
    ],
    [
      '401 BadApiKey',
      401,
      { msg: 'Invalid API key', code: 'BadApiKey', params: null },
      InvalidAuthenticationError,
      401,
      ['BadApiKey', 'server-side API key', 'API Keys']
    ],
    [
      '409 EmailAlreadyExists',
      409,
      { msg: 'Email already exists', code: 'EmailAlreadyExists', params: null },
      IntegrationError,
      409,
      ['EmailAlreadyExists', 'email address']
    ],
    [
      '409 UserIdAlreadyExists',
      409,
      { msg: 'UserId already exists', code: 'UserIdAlreadyExists', params: null },
      IntegrationError,
      409,
      ['UserIdAlreadyExists', 'userId']
    ],
    [
      '409 without a code',
      409,
      { msg: 'Conflict' },
      IntegrationError,
      409,
      ['email and the userId belong to different Iterable users']
    ],
    [
      '429 RateLimitExceeded',
      429,
      { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null },
      RetryableError,
      429,
      ['rate limit', 'RateLimitExceeded']
    ],
    ['408', 408, { msg: 'Request timeout' }, RetryableError, 408, ['408', 'Request timeout']],
    ['423', 423, { msg: 'Locked' }, RetryableError, 423, ['423', 'Locked']],
    [
      '500 GenericError',
      500,
      { msg: 'Something went wrong', code: 'GenericError', params: null },
      RetryableError,
      500,
      ['GenericError', 'Something went wrong']
    ],
    ['502', 502, { msg: 'Bad gateway' }, RetryableError, 502, ['502', 'Bad gateway']],
    ['503', 503, { msg: 'Service unavailable' }, RetryableError, 503, ['503', 'Service unavailable']],
    ['504', 504, { msg: 'Gateway timeout' }, RetryableError, 504, ['504', 'Gateway timeout']],
    ['501', 501, { msg: 'Not implemented' }, APIError, 501, ['501', 'Not implemented']],
    ['404', 404, { msg: 'Not found', code: 'NotFound' }, IntegrationError, 404, ['404', 'NotFound', 'Not found']],
    [
      '400 with the body as a JSON string',
      400,
      JSON.stringify({ msg: 'Invalid email: not-an-email', code: 'InvalidEmailAddressError', params: null }),
      IntegrationError,
      400,
      ['InvalidEmailAddressError', 'Invalid email: not-an-email']
    ],
    ['502 with an HTML page', 502, HTML_502, RetryableError, 502, ['502 Bad Gateway']],
    [
      '400 with plain text',
      400,
      '  Bad Request: body too large  ',
      IntegrationError,
      400,
      ['Bad Request: body too large']
    ],
    ['503 with an empty body', 503, '', RetryableError, 503, ['503']],
    ['400 without a body', 400, undefined, IntegrationError, 400, ['400']]
  ])('turns %s into the right error', (_case, status, body, errorClass, expectedStatus, messageParts) => {
    const error = translateIterableError(status, body, API_KEY)

    expect(error).toBeInstanceOf(errorClass)
    expect(error).toHaveProperty('status', expectedStatus)
    for (const part of messageParts) expect(error.message).toContain(part)
  })

  it.each([400, 401, 409, 429, 500, 501, 503, 404])(
    'never sends a %s to the retry queue unless Segment retries that status',
    (status) => {
      const error = translateIterableError(status, { msg: 'x', code: 'Y' }, API_KEY)
      const retried = [408, 423, 429, 500, 502, 503, 504].includes(status)
      expect(error instanceof RetryableError).toBe(retried)
    }
  )

  it('does not treat 501 as retryable', () => {
    const error = translateIterableError(501, { msg: 'Not implemented' }, API_KEY)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error).toBeInstanceOf(APIError)
  })

  it('keeps the Iterable code as the error code of a 400', () => {
    expect(translateIterableError(400, { msg: 'bad', code: 'BadParams' }, API_KEY)).toHaveProperty('code', 'BadParams')
    expect(translateIterableError(400, 'bad', API_KEY)).toHaveProperty('code', 'BadRequest')
  })

  it('names the conflict code on a 409', () => {
    expect(translateIterableError(409, { code: 'EmailAlreadyExists' }, API_KEY)).toHaveProperty(
      'code',
      'EmailAlreadyExists'
    )
  })

  it('mentions the email, not the userId, for EmailAlreadyExists', () => {
    const error = translateIterableError(409, { msg: 'exists', code: 'EmailAlreadyExists' }, API_KEY)
    expect(error.message).toContain('another Iterable user already has this email address')
  })

  it('mentions the userId, not the email, for UserIdAlreadyExists', () => {
    const error = translateIterableError(409, { msg: 'exists', code: 'UserIdAlreadyExists' }, API_KEY)
    expect(error.message).toContain('another Iterable user already has this userId')
  })

  describe('never reveals the API key', () => {
    it.each<[string, number, unknown]>([
      ['in a 401 msg', 401, { msg: `Invalid API key: ${API_KEY}`, code: 'BadApiKey' }],
      ['in a 400 msg', 400, { msg: `Key ${API_KEY} cannot call this endpoint`, code: 'BadParams' }],
      ['in a 409 msg', 409, { msg: `Project of ${API_KEY}: email exists`, code: 'EmailAlreadyExists' }],
      ['in a 429 msg', 429, { msg: `Rate limit for ${API_KEY}`, code: 'RateLimitExceeded' }],
      ['in a 500 msg', 500, { msg: `Failure for ${API_KEY}`, code: 'GenericError' }],
      ['in a 501 msg', 501, { msg: `Not implemented for ${API_KEY}` }],
      ['in the code', 400, { msg: 'bad', code: `Bad_${API_KEY}` }],
      ['repeated in a plain-text body', 403, `Forbidden ${API_KEY} / ${API_KEY}`],
      ['in a JSON-string body', 404, JSON.stringify({ msg: `No such key ${API_KEY}`, code: 'NotFound' })]
    ])('echoed %s', (_case, status, body) => {
      const error = translateIterableError(status, body, API_KEY)
      expect(error.message).not.toContain(API_KEY)
      expect(error.message).toContain('<redacted>')
    })

    it('not even partly, when a long plain-text body is cut off in the middle of the key', () => {
      // readAnswer keeps the first 300 characters of a text body; here the key starts at character 290.
      const body = `${'x'.repeat(289)} ${API_KEY} end`
      const error = translateIterableError(403, body, API_KEY)

      expect(error.message).not.toContain(API_KEY.slice(0, 10))
    })
  })
})

describe('readAnswer', () => {
  it.each<[string, unknown, object]>([
    [
      'an object as it is',
      { msg: 'Invalid API key', code: 'BadApiKey', params: null },
      { msg: 'Invalid API key', code: 'BadApiKey', params: null }
    ],
    [
      'a JSON string as the object it encodes',
      '{"msg":"Bad params","code":"BadParams","params":{"email":"invalid"}}',
      { msg: 'Bad params', code: 'BadParams', params: { email: 'invalid' } }
    ],
    ['plain text as the msg, trimmed', '  Service Unavailable \n', { msg: 'Service Unavailable' }],
    ['an HTML page as the msg', HTML_502, { msg: HTML_502 }],
    ['a JSON string that is not an object as text', '"just a string"', { msg: '"just a string"' }],
    ['a JSON number as text', '503', { msg: '503' }],
    ['an empty string as nothing', '', {}],
    ['a blank string as nothing', '   ', {}],
    ['undefined as nothing', undefined, {}],
    ['null as nothing', null, {}],
    ['a number as nothing', 42, {}]
  ])('reads %s', (_case, body, expected) => {
    expect(readAnswer(body)).toEqual(expected)
  })

  it('keeps at most 300 characters of a long text body', () => {
    const answer = readAnswer('e'.repeat(1000))
    expect(answer.msg).toBe('e'.repeat(300))
  })
})

describe('endpointUrl', () => {
  it.each<[string, string | undefined, string]>([
    ['united_states', 'united_states', 'https://api.iterable.com/api/events/track'],
    ['europe', 'europe', 'https://api.eu.iterable.com/api/events/track'],
    ['no location', undefined, 'https://api.iterable.com/api/events/track'],
    ['an unknown location', 'mars', 'https://api.iterable.com/api/events/track'],
    ['an empty location', '', 'https://api.iterable.com/api/events/track'],
    ['a location named like an Object method', 'toString', 'https://api.iterable.com/api/events/track'],
    ['a location named constructor', 'constructor', 'https://api.iterable.com/api/events/track']
  ])('builds the trackEvent URL for %s', (_case, location, expected) => {
    expect(endpointUrl('trackEvent', location)).toBe(expected)
  })

  it.each([
    ['updateUser', '/api/users/update'],
    ['bulkUpdateUser', '/api/users/bulkUpdate'],
    ['updateEmail', '/api/users/updateEmail'],
    ['bulkTrackEvent', '/api/events/trackBulk'],
    ['trackPurchase', '/api/commerce/trackPurchase'],
    ['updateCart', '/api/commerce/updateCart'],
    ['getWebhooks', '/api/webhooks']
  ] as const)('puts %s on %s in Europe', (endpoint, endpointPath) => {
    expect(endpointUrl(endpoint, 'europe')).toBe(`https://api.eu.iterable.com${endpointPath}`)
  })
})

describe('Iterable errors through an action', () => {
  const testDestination = createTestIntegration(destination)
  const settings: Settings = { apiKey: API_KEY, dataCenterLocation: 'united_states' }
  const ITERABLE = 'https://api.iterable.com'

  const trackSignedUp = () =>
    testDestination.testAction('trackEvent', {
      event: createTestEvent({
        type: 'track',
        event: 'Signed Up',
        userId: 'user-42',
        properties: { email: 'ada@example.com', plan: 'pro' }
      }),
      useDefaultMappings: true,
      settings
    })

  it('turns a reset connection into a RetryableError', async () => {
    nock(ITERABLE).post('/api/events/track').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toMatchObject({ status: 503 })
    await expect(failure).rejects.toThrow(/Could not reach Iterable.*ECONNRESET.*socket hang up/)
  })

  it('turns a timeout into a RetryableError saying Iterable did not answer in time', async () => {
    nock(ITERABLE).post('/api/events/track').replyWithError({ code: 'ETIMEDOUT', message: 'timed out' })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toMatchObject({ status: 408 })
    await expect(failure).rejects.toThrow('Iterable did not answer in time')
  })

  it('removes the API key from a network error that quotes it', async () => {
    nock(ITERABLE)
      .post('/api/events/track')
      .replyWithError({ code: 'ECONNREFUSED', message: `proxy refused Api-Key ${API_KEY}` })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toThrow('<redacted>')
    await expect(failure).rejects.not.toThrow(API_KEY)
  })

  it('turns a 400 JSON answer into an IntegrationError naming code and msg', async () => {
    nock(ITERABLE)
      .post('/api/events/track')
      .reply(400, { msg: 'dataFields.plan has the wrong type', code: 'RequestFieldsTypesMismatched', params: null })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(IntegrationError)
    await expect(failure).rejects.toMatchObject({ status: 400, code: 'RequestFieldsTypesMismatched' })
    await expect(failure).rejects.toThrow('dataFields.plan has the wrong type')
  })

  it('turns a 502 HTML page into a RetryableError quoting the page', async () => {
    nock(ITERABLE).post('/api/events/track').reply(502, HTML_502, { 'Content-Type': 'text/html' })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toMatchObject({ status: 502 })
    await expect(failure).rejects.toThrow('502 Bad Gateway')
  })

  it('turns a 429 into a RetryableError', async () => {
    nock(ITERABLE)
      .post('/api/events/track')
      .reply(429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toMatchObject({ status: 429 })
  })

  it('turns a 401 that echoes the key into an InvalidAuthenticationError without the key', async () => {
    nock(ITERABLE)
      .post('/api/events/track')
      .reply(401, { msg: `Invalid API key ${API_KEY}`, code: 'BadApiKey', params: null })

    const failure = trackSignedUp()
    await expect(failure).rejects.toBeInstanceOf(InvalidAuthenticationError)
    await expect(failure).rejects.not.toThrow(API_KEY)
  })
})
