import nock from 'nock'
import { IntegrationError, InvalidAuthenticationError, RetryableError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { endpointUrl, errorFor, isRetryable, readAnswer } from '../iterable-api'
import {
  actionRunner,
  API_KEY,
  CART_PATH,
  cartEvent,
  EMAIL_EXISTS,
  emailUpdated,
  failure,
  HTML_502,
  identify,
  INVALID_EMAIL,
  orderCompleted,
  pageEvent,
  productViewed,
  PURCHASE_PATH,
  RATE_LIMITED,
  SECRET_API_KEY,
  TRACK_PATH,
  UNO,
  UPDATE_EMAIL_PATH,
  UPDATE_USER_PATH,
  US
} from './__helpers__/support'
import type { Json } from './__helpers__/support'

type ErrorClass = abstract new (...args: never[]) => Error

/** The error for Iterable's answer `status` with `body` (an object is sent as JSON, text as it is). */
const translate = (status: number, body: unknown, apiKey = SECRET_API_KEY) =>
  errorFor(readAnswer(status, typeof body === 'string' ? body : JSON.stringify(body) ?? '', apiKey), apiKey)

describe('errorFor', () => {
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
      '409 ForgottenUserError',
      409,
      { msg: 'This user has been forgotten', code: 'ForgottenUserError', params: null },
      IntegrationError,
      409,
      ['ForgottenUserError', 'forgotten at their request (GDPR)']
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
      IntegrationError,
      429,
      ['rate limit', 'RateLimitExceeded']
    ],
    ['408', 408, { msg: 'Request timeout' }, IntegrationError, 408, ['408', 'Request timeout']],
    ['423', 423, { msg: 'Locked' }, IntegrationError, 423, ['423', 'Locked']],
    [
      '500 GenericError',
      500,
      { msg: 'Something went wrong', code: 'GenericError', params: null },
      IntegrationError,
      500,
      ['GenericError', 'Something went wrong']
    ],
    ['502', 502, { msg: 'Bad gateway' }, IntegrationError, 502, ['502', 'Bad gateway']],
    ['503', 503, { msg: 'Service unavailable' }, IntegrationError, 503, ['503', 'Service unavailable']],
    ['504', 504, { msg: 'Gateway timeout' }, IntegrationError, 504, ['504', 'Gateway timeout']],
    ['501', 501, { msg: 'Not implemented' }, IntegrationError, 501, ['501', 'Not implemented']],
    ['404', 404, { msg: 'Not found', code: 'NotFound' }, IntegrationError, 404, ['404', 'NotFound', 'Not found']],
    [
      '400 with the body as a JSON string',
      400,
      JSON.stringify({ msg: 'Invalid email: not-an-email', code: 'InvalidEmailAddressError', params: null }),
      IntegrationError,
      400,
      ['InvalidEmailAddressError', 'Invalid email: not-an-email']
    ],
    ['502 with an HTML page', 502, HTML_502, IntegrationError, 502, ['502 Bad Gateway']],
    [
      '400 with plain text',
      400,
      '  Bad Request: body too large  ',
      IntegrationError,
      400,
      ['Bad Request: body too large']
    ],
    ['503 with an empty body', 503, '', IntegrationError, 503, ['503']],
    ['400 without a body', 400, undefined, IntegrationError, 400, ['400']]
  ])(
    'turns %s into the right error',
    (
      _case: string,
      status: number,
      body: unknown,
      errorClass: ErrorClass,
      expectedStatus: number,
      messageParts: string[]
    ) => {
      const error = translate(status, body)

      expect(error).toBeInstanceOf(errorClass)
      expect(error).toHaveProperty('status', expectedStatus)
      for (const part of messageParts) expect(error.message).toContain(part)
    }
  )

  it.each([400, 401, 404, 408, 409, 413, 423, 429, 500, 501, 502, 503, 504])(
    'keeps Iterable\'s %s, by which Segment decides a retry, and says "Segment will retry" exactly when it does',
    (status: number) => {
      const error = translate(status, { msg: 'x', code: 'Y' })
      const retried = [408, 423, 429, 500, 502, 503, 504].includes(status)

      expect(isRetryable(status)).toBe(retried)
      expect(error).toHaveProperty('status', status)
      expect(error.message.includes('Segment will retry')).toBe(retried)
      // The framework's own class for a retry is for no answer at all; an answer's status speaks for itself.
      expect(error).not.toBeInstanceOf(RetryableError)
    }
  )

  it('says what to do about a request refused as too large, ending its sentence once', () => {
    const error = translate(413, {
      msg: 'Request body is 4100134 bytes; the limit is 4000000 bytes. Send fewer records per request.',
      code: 'BatchTooLarge'
    })
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({ status: 413, code: 'BatchTooLarge' })
    expect(error.message).toContain('4 MB')
    expect(error.message).toContain("send less in this event's dataFields")
    expect(error.message).not.toContain('..')
  })

  it("keeps Iterable's code as the error code, else the framework's code for the status", () => {
    expect(translate(400, { msg: 'bad', code: 'BadParams' })).toHaveProperty('code', 'BadParams')
    expect(translate(409, { code: 'EmailAlreadyExists' })).toHaveProperty('code', 'EmailAlreadyExists')
    expect(translate(400, 'bad')).toHaveProperty('code', 'BAD_REQUEST')
    expect(translate(409, { msg: 'Conflict' })).toHaveProperty('code', 'CONFLICT')
    expect(translate(413, '')).toHaveProperty('code', 'PAYLOAD_TOO_LARGE')
    expect(translate(503, '')).toHaveProperty('code', 'SERVICE_UNAVAILABLE')
  })

  it('cuts a long value Iterable echoes, such as a 600-character email, instead of repeating it whole', () => {
    const email = `${'a'.repeat(590)}@example.com`
    const error = translate(400, { msg: `Invalid email: ${email}`, code: 'InvalidEmailAddressError' })

    expect(error.message).toContain(`Invalid email: ${'a'.repeat(100)}`)
    expect(error.message).not.toContain(email)
    expect(error.message.length).toBeLessThan(500)
  })

  it('mentions the email, not the userId, for EmailAlreadyExists', () => {
    const error = translate(409, { msg: 'exists', code: 'EmailAlreadyExists' })
    expect(error.message).toContain('another Iterable user already has this email address')
  })

  it('mentions the userId, not the email, for UserIdAlreadyExists', () => {
    const error = translate(409, { msg: 'exists', code: 'UserIdAlreadyExists' })
    expect(error.message).toContain('another Iterable user already has this userId')
  })

  describe('never reveals the API key', () => {
    it.each<[string, number, unknown]>([
      ['in a 401 msg', 401, { msg: `Invalid API key: ${SECRET_API_KEY}`, code: 'BadApiKey' }],
      ['in a 400 msg', 400, { msg: `Key ${SECRET_API_KEY} cannot call this endpoint`, code: 'BadParams' }],
      ['in a 409 msg', 409, { msg: `Project of ${SECRET_API_KEY}: email exists`, code: 'EmailAlreadyExists' }],
      ['in a 429 msg', 429, { msg: `Rate limit for ${SECRET_API_KEY}`, code: 'RateLimitExceeded' }],
      ['in a 500 msg', 500, { msg: `Failure for ${SECRET_API_KEY}`, code: 'GenericError' }],
      ['in a 501 msg', 501, { msg: `Not implemented for ${SECRET_API_KEY}` }],
      ['in the code', 400, { msg: 'bad', code: `Bad_${SECRET_API_KEY}` }],
      ['repeated in a plain-text body', 403, `Forbidden ${SECRET_API_KEY} / ${SECRET_API_KEY}`],
      ['in a JSON-string body', 404, JSON.stringify({ msg: `No such key ${SECRET_API_KEY}`, code: 'NotFound' })]
    ])('echoed %s', (_case: string, status: number, body: unknown) => {
      const error = translate(status, body)
      expect(error.message).not.toContain(SECRET_API_KEY)
      expect(error.message).toContain('<redacted>')
    })

    it('not even partly, when a long plain-text body is cut off in the middle of the key', () => {
      // A message keeps the first 300 characters of a text body; here the key starts at character 290.
      const body = `${'x'.repeat(289)} ${SECRET_API_KEY} end`
      const error = translate(403, body)

      expect(error.message).not.toContain(SECRET_API_KEY.slice(0, 10))
    })
  })
})

describe('readAnswer', () => {
  it.each<[string, string, object]>([
    [
      'a JSON object: its msg, code and params, the whole object in json and body',
      '{"msg":"Bad params","code":"BadParams","params":{"email":"invalid"}}',
      {
        status: 400,
        msg: 'Bad params',
        code: 'BadParams',
        params: { email: 'invalid' },
        json: { msg: 'Bad params', code: 'BadParams', params: { email: 'invalid' } },
        body: { msg: 'Bad params', code: 'BadParams', params: { email: 'invalid' } }
      }
    ],
    [
      'a bulk answer, whose lists are in json',
      '{"successCount":1,"failCount":0}',
      { status: 400, json: { successCount: 1, failCount: 0 }, body: { successCount: 1, failCount: 0 } }
    ],
    [
      'plain text as the msg, trimmed',
      '  Service Unavailable \n',
      { status: 400, msg: 'Service Unavailable', json: {}, body: '  Service Unavailable \n' }
    ],
    ['an HTML page as the msg', HTML_502, { status: 400, msg: HTML_502, json: {}, body: HTML_502 }],
    [
      'a JSON string as text',
      '"just a string"',
      { status: 400, msg: 'just a string', json: {}, body: 'just a string' }
    ],
    ['a JSON number as nothing said', '503', { status: 400, json: {}, body: 503 }],
    ['an empty body as nothing said', '', { status: 400, json: {}, body: '' }],
    ['a blank body as nothing said', '   ', { status: 400, json: {}, body: '   ' }]
  ])('reads %s', (_case: string, content: string, expected: object) => {
    expect(readAnswer(400, content)).toEqual(expected)
  })

  it('keeps at most 300 characters of a long text body as its msg', () => {
    const answer = readAnswer(502, 'e'.repeat(1000))
    expect(answer.msg).toBe(`${'e'.repeat(300)}…`)
  })

  it('takes the API key out of an answer that echoes it, JSON or text, before reading it', () => {
    const json = readAnswer(
      400,
      JSON.stringify({ msg: `bad key ${SECRET_API_KEY}`, echo: { key: SECRET_API_KEY } }),
      SECRET_API_KEY
    )
    expect(JSON.stringify(json)).not.toContain(SECRET_API_KEY)
    expect(json.json).toEqual({ msg: 'bad key <redacted>', echo: { key: '<redacted>' } })
    expect(JSON.stringify(readAnswer(403, `Forbidden ${SECRET_API_KEY}`, SECRET_API_KEY))).not.toContain(SECRET_API_KEY)
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
  ])('builds the trackEvent URL for %s', (_case: string, location: string | undefined, expected: string) => {
    expect(endpointUrl('/api/events/track', location)).toBe(expected)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Iterable's error answers, through every action: each action sends its request the same way, so each must report
// every answer the same way. The cases come from the actions' own tests, where each was written for one action.

interface ActionRow {
  action: string
  path: string
  /** An event the action sends with the default mappings. */
  event: () => Partial<SegmentEvent>
  /** The msg of a 400 BadParams answer to this action's request. */
  badParams: string
}

const ACTIONS: ActionRow[] = [
  {
    action: 'updateUser',
    path: UPDATE_USER_PATH,
    event: () => identify(),
    badParams: 'Invalid dataFields: must be an object'
  },
  {
    action: 'updateEmail',
    path: UPDATE_EMAIL_PATH,
    event: () => emailUpdated(),
    badParams: 'Invalid newEmail: must not be empty'
  },
  {
    action: 'trackEvent',
    path: TRACK_PATH,
    event: () => productViewed(),
    badParams: 'eventName is required'
  },
  {
    action: 'trackPage',
    path: TRACK_PATH,
    event: () => pageEvent('page', { name: 'shoppingCart' }),
    badParams: 'Invalid eventName: must not be empty'
  },
  {
    action: 'trackPurchase',
    path: PURCHASE_PATH,
    event: () => orderCompleted(),
    badParams: 'Invalid items: price must be a number'
  },
  {
    action: 'updateCart',
    path: CART_PATH,
    event: () => cartEvent('Product Added', { products: [UNO] }),
    badParams: 'Invalid items: quantity must be an integer'
  }
]

interface AnswerCase {
  name: string
  /** What Iterable, or the network, does with the action's POST. */
  answer: (post: nock.Interceptor, row: ActionRow) => nock.Scope
  /** The API key the action runs with. */
  apiKey?: string
  expectError: (error: Error, row: ActionRow) => void
}

const ANSWERS: AnswerCase[] = [
  // 400
  {
    name: 'reports a 400 InvalidEmailAddressError with its code, its message and status 400',
    answer: (post) => post.reply(400, INVALID_EMAIL),
    expectError: (error) => {
      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 400, code: 'InvalidEmailAddressError' })
      expect(error.message).toContain('InvalidEmailAddressError')
      expect(error.message).toContain('Invalid email')
    }
  },
  {
    name: 'reports a 400 InvalidEmailAddressError with its code and message',
    answer: (post) => post.reply(400, INVALID_EMAIL),
    expectError: (error) => {
      expect(error).toMatchObject({ status: 400 })
      expect(error.message).toContain('InvalidEmailAddressError')
      expect(error.message).toContain('Invalid email')
    }
  },
  {
    name: "rejects with Iterable's code and message when Iterable answers 400",
    answer: (post, row) => post.reply(400, { msg: row.badParams, code: 'BadParams', params: null }),
    expectError: (error, row) => {
      expect(error.message).toMatch(/BadParams/)
      expect(error.message).toContain(row.badParams)
    }
  },
  {
    name: 'turns a 400 JSON answer into an IntegrationError naming code and msg',
    answer: (post) =>
      post.reply(400, {
        msg: 'dataFields.plan has the wrong type',
        code: 'RequestFieldsTypesMismatched',
        params: null
      }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 400, code: 'RequestFieldsTypesMismatched' })
      expect(error.message).toContain('dataFields.plan has the wrong type')
    }
  },
  {
    name: 'handles a JSON body sent as plain text',
    answer: (post) => post.reply(400, JSON.stringify(INVALID_EMAIL), { 'Content-Type': 'text/plain' }),
    expectError: (error) => {
      expect(error).toMatchObject({ status: 400, code: 'InvalidEmailAddressError' })
      expect(error.message).toContain('Invalid email')
    }
  },
  // 401
  {
    name: 'reports a 401 BadApiKey as an InvalidAuthenticationError',
    answer: (post) => post.reply(401, { msg: 'Invalid API key', code: 'BadApiKey' }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(InvalidAuthenticationError)
      expect(error.name).toBe('InvalidAuthenticationError')
      expect(error).toMatchObject({ status: 401 })
      expect(error.message).toContain('BadApiKey')
    }
  },
  {
    name: 'reports a 401 as an InvalidAuthenticationError without the API key in the message',
    apiKey: SECRET_API_KEY,
    answer: (post) => post.reply(401, { msg: `Invalid API key: ${SECRET_API_KEY}`, code: 'BadApiKey', params: null }),
    expectError: (error) => {
      expect(error).toMatchObject({ name: 'InvalidAuthenticationError', status: 401 })
      expect(error.message).toContain('BadApiKey')
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  },
  {
    name: 'never puts the API key in the message of a 401 that echoes it',
    apiKey: SECRET_API_KEY,
    answer: (post) => post.reply(401, { msg: `Invalid API key: ${SECRET_API_KEY}`, code: 'BadApiKey', params: null }),
    expectError: (error) => {
      expect(error.name).toBe('InvalidAuthenticationError')
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  },
  {
    name: 'turns a 401 that echoes the key into an InvalidAuthenticationError without the key',
    apiKey: SECRET_API_KEY,
    answer: (post) => post.reply(401, { msg: `Invalid API key ${SECRET_API_KEY}`, code: 'BadApiKey', params: null }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(InvalidAuthenticationError)
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  },
  // 409
  {
    name: 'reports a 409 EmailAlreadyExists as an email conflict with status 409',
    answer: (post) => post.reply(409, EMAIL_EXISTS),
    expectError: (error) => {
      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 409, code: 'EmailAlreadyExists' })
      expect(error.message).toMatch(/another Iterable user already has this email address/)
      expect(error.message).toContain('Email already exists')
    }
  },
  {
    name: 'reports a 409 EmailAlreadyExists as a conflict on the new email',
    answer: (post) =>
      post.reply(409, { msg: 'jane.new@example.com already exists', code: 'EmailAlreadyExists', params: null }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ status: 409, code: 'EmailAlreadyExists' })
      expect(error.message).toMatch(/another Iterable user already has this email address/)
      expect(error.message).toContain('jane.new@example.com already exists')
    }
  },
  // 429 and 5xx: the framework's error with Iterable's status, which Segment retries
  {
    name: 'reports a 429 RateLimitExceeded with status 429, saying Segment will retry',
    answer: (post) => post.reply(429, RATE_LIMITED),
    expectError: (error) => {
      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 429, code: 'RateLimitExceeded' })
      expect(error.message).toMatch(
        /^Iterable's rate limit was reached \(429 RateLimitExceeded: Rate limit exceeded\); Segment will retry\.$/
      )
    }
  },
  {
    name: 'reports a 500 GenericError with status 500, saying Segment will retry',
    answer: (post) => post.reply(500, { msg: 'Something went wrong', code: 'GenericError', params: null }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status: 500, code: 'GenericError' })
      expect(error.message).toContain('GenericError: Something went wrong')
      expect(error.message).toContain('Segment will retry')
    }
  },
  {
    name: 'reads a 502 HTML page as text, quoting it, with the framework code for 502',
    answer: (post) => post.reply(502, HTML_502, { 'Content-Type': 'text/html' }),
    expectError: (error) => {
      expect(error).toMatchObject({ status: 502, code: 'BAD_GATEWAY' })
      expect(error.message).toContain('502 Bad Gateway')
    }
  },
  {
    name: 'reports a 503 with an empty body with its status',
    answer: (post) => post.reply(503, ''),
    expectError: (error) => {
      expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' })
      expect(error.message).toContain('Segment will retry')
    }
  },
  // No answer at all
  {
    name: 'reports a connection failure as a RetryableError',
    answer: (post) => post.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toContain('socket hang up')
    }
  },
  {
    name: 'turns a reset connection into a RetryableError',
    answer: (post) => post.replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 503 })
      expect(error.message).toMatch(/Could not reach Iterable.*ECONNRESET.*socket hang up/)
    }
  },
  {
    name: 'turns a timeout into a RetryableError saying Iterable did not answer in time',
    answer: (post) => post.replyWithError({ code: 'ETIMEDOUT', message: 'timed out' }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 408 })
      expect(error.message).toContain('Iterable did not answer in time')
    }
  },
  {
    name: 'never puts the API key in the message of a connection failure that mentions it',
    apiKey: SECRET_API_KEY,
    answer: (post) => post.replyWithError(`connect failed while sending Api-Key ${SECRET_API_KEY}`),
    expectError: (error) => {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  },
  {
    name: 'removes the API key from a network error that quotes it',
    apiKey: SECRET_API_KEY,
    answer: (post) => post.replyWithError({ code: 'ECONNREFUSED', message: `proxy refused Api-Key ${SECRET_API_KEY}` }),
    expectError: (error) => {
      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toContain('<redacted>')
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  }
]

describe.each(ACTIONS)("Iterable's error answers through $action", (row: ActionRow) => {
  const run = actionRunner(row.action)
  const attempt = (apiKey = API_KEY) => failure(run(row.event(), { settings: { apiKey } }))

  it.each(ANSWERS)('$name', async ({ answer, apiKey, expectError }: AnswerCase) => {
    const scope = answer(nock(US).post(row.path), row)

    expectError(await attempt(apiKey), row)
    expect(scope.isDone()).toBe(true)
  })

  it.each([
    [400, { msg: `Bad params for key ${SECRET_API_KEY}`, code: 'BadParams' }],
    [409, { msg: `Conflict for ${SECRET_API_KEY}`, code: 'EmailAlreadyExists' }],
    [429, { msg: `Too many requests from ${SECRET_API_KEY}`, code: 'RateLimitExceeded' }],
    [500, { msg: `Failed for key ${SECRET_API_KEY}`, code: 'GenericError' }],
    [502, `<html>Bad Gateway for ${SECRET_API_KEY}</html>`],
    [404, `Not found: ${SECRET_API_KEY}`]
  ])(
    'never puts the API key in the message of a %i answer that echoes it',
    async (status: number, body: Json | string) => {
      const scope = nock(US).post(row.path).reply(status, body)

      const error = await attempt(SECRET_API_KEY)

      expect(scope.isDone()).toBe(true)
      expect(error).toMatchObject({ status })
      expect(error.message).not.toContain(SECRET_API_KEY)
    }
  )
})
