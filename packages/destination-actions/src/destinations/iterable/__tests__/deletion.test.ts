import nock from 'nock'
import {
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import destination from '../index'
import type { Settings } from '../generated-types'
import {
  API_KEY,
  EU,
  failure,
  freshTestDestination,
  SECRET_API_KEY,
  settings,
  SUCCESS,
  US,
  present
} from './__helpers__/support'
import type { Json } from './__helpers__/support'

// Segment's deletion requests (onDelete), as the platform sends them: a userId and an anonymousId, no email.

const testDestination = freshTestDestination()

const USER_ID = 'user-8812'
const EMAIL = 'jane.doe@example.com'
const DELETE_PATH = `/api/users/byUserId/${USER_ID}`
const FORGET_PATH = '/api/users/forget'

const deletionRequest = (userId: string | null | undefined = USER_ID) => ({
  type: 'delete' as const,
  userId,
  anonymousId: 'anon-5c1a'
})

const runDeletion = (
  request: { userId?: string | null; anonymousId?: string } = deletionRequest(),
  deletionSettings: Settings = settings
) => present(testDestination.onDelete, 'onDelete')(request as never, deletionSettings as unknown as JSONObject)

/** Iterable's answer to GET /api/users/byUserId/{userId} for a user it has. */
const profile = (user: Record<string, unknown>) => ({
  user: { userId: USER_ID, dataFields: { firstName: 'Jane' }, ...user }
})

afterEach(() => nock.cleanAll())

describe('Iterable onDelete', () => {
  describe('the User Deletion setting', () => {
    const setting = present(destination.authentication, 'authentication').fields.deletionMode

    it('offers delete and forget, defaulting to delete', () => {
      expect(setting.default).toBe('delete')
      expect(setting.choices).toEqual([
        { label: 'Delete', value: 'delete' },
        { label: 'Forget (GDPR)', value: 'forget' }
      ])
    })

    it('says what each choice does: forget also refuses future data, delete lets the user come back', () => {
      expect(setting.description).toMatch(/later events about the user create a new profile/)
      expect(setting.description).toMatch(/refuses any data about the user from then on/)
      expect(setting.description).toMatch(/email-based projects Iterable forgets users by email/)
    })
  })

  describe.each([
    ['the US', US, settings],
    ['Europe', EU, { ...settings, dataCenterLocation: 'europe' } as Settings]
  ])('delete (the default), data center %s', (_name: string, base: string, deletionSettings: Settings) => {
    it('sends DELETE /api/users/byUserId/{userId} with the Api-Key header, and nothing else', async () => {
      const scope = nock(base, { reqheaders: { 'api-key': API_KEY } })
        .delete(DELETE_PATH)
        .reply(200, SUCCESS)

      await runDeletion(deletionRequest(), deletionSettings)

      expect(scope.isDone()).toBe(true)
      expect(nock.pendingMocks()).toEqual([])
    })

    it('deletes in every project type the same way', async () => {
      for (const iterableProjectType of ['email', 'hybrid', 'userId'] as const) {
        const scope = nock(base).delete(DELETE_PATH).reply(200, SUCCESS)
        await runDeletion(deletionRequest(), { ...deletionSettings, iterableProjectType })
        expect(scope.isDone()).toBe(true)
      }
    })
  })

  describe('delete', () => {
    it('URL-encodes the userId, so that "/", "?", "#" and spaces stay part of it', async () => {
      const scope = nock(US).delete('/api/users/byUserId/team%2Fa%20b%3F%231').reply(200, SUCCESS)

      await runDeletion(deletionRequest('team/a b?#1'))

      expect(scope.isDone()).toBe(true)
    })

    it('sends the userId as it is, never trimmed: " user-8812" is not the user "user-8812"', async () => {
      const scope = nock(US).delete('/api/users/byUserId/%20user-8812').reply(200, SUCCESS)

      await runDeletion(deletionRequest(' user-8812'))

      expect(scope.isDone()).toBe(true)
    })

    it.each([
      ['answers 404', 404, { msg: 'User not found', code: 'NotFound', params: null }],
      ['answers UnknownUserIdError', 400, { msg: 'No user with userId user-8812', code: 'UnknownUserIdError' }],
      [
        'answers BadParams "No users with userId … exist"',
        400,
        { msg: 'No users with userId user-8812 exist', code: 'BadParams', params: null }
      ]
    ])(
      'counts a user Iterable does not know as deleted (Iterable %s)',
      async (_name: string, status: number, answer: Json) => {
        const scope = nock(US).delete(DELETE_PATH).reply(status, answer)

        await expect(runDeletion()).resolves.toMatchObject({ status })

        expect(scope.isDone()).toBe(true)
      }
    )

    it.each([
      [429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' }],
      [500, { msg: 'An unexpected error occurred', code: 'GenericError' }],
      [503, 'Service Unavailable']
    ])("fails with Iterable's %s, which Segment retries, saying so", async (status: number, answer: Json | string) => {
      nock(US).delete(DELETE_PATH).reply(status, answer)

      const error = await failure(runDeletion())

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).toMatchObject({ status })
      expect(error.message).toContain('Segment will retry')
    })

    it('throws InvalidAuthenticationError for a rejected key, without the key even when Iterable echoes it', async () => {
      nock(US)
        .delete(DELETE_PATH)
        .reply(401, { msg: `Invalid API key: ${SECRET_API_KEY}`, code: 'BadApiKey', params: null })

      const error = await failure(runDeletion(deletionRequest(), { apiKey: SECRET_API_KEY }))

      expect(error).toBeInstanceOf(InvalidAuthenticationError)
      expect(error.message).toMatch(/server-side API key/)
      expect(error.message).not.toContain(SECRET_API_KEY)
      expect(error.message).toContain('<redacted>')
    })

    it('throws a RetryableError without the key when Iterable cannot be reached', async () => {
      nock(US)
        .delete(DELETE_PATH)
        .replyWithError({ code: 'ECONNRESET', message: `socket hang up (key ${SECRET_API_KEY})` })

      const error = await failure(runDeletion(deletionRequest(), { apiKey: SECRET_API_KEY }))

      expect(error).toBeInstanceOf(RetryableError)
      expect(error.message).toMatch(/Could not reach Iterable.*Segment will retry/)
      expect(error.message).not.toContain(SECRET_API_KEY)
    })

    it('does not retry or ignore another refusal: a 400 is an IntegrationError with Iterable’s reason', async () => {
      nock(US).delete(DELETE_PATH).reply(400, { msg: 'Invalid userId', code: 'InvalidUserIdError', params: null })

      const error = await failure(runDeletion())

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).not.toBeInstanceOf(RetryableError)
      expect(error.message).toContain('400 InvalidUserIdError: Invalid userId')
    })
  })

  describe('a request without a userId', () => {
    it.each([
      ['no userId', undefined],
      ['a null userId', null],
      ['a blank userId', '   ']
    ])(
      'is rejected for %s with an error naming userId, and nothing is sent',
      async (_name: string, userId: string | null | undefined) => {
        const scope = nock(US).delete(/.*/).reply(200, SUCCESS).post(/.*/).reply(200, SUCCESS)

        const error = await failure(runDeletion({ userId, anonymousId: 'anon-5c1a' }))

        expect(error).toBeInstanceOf(PayloadValidationError)
        expect(error.message).toMatch(/^userId is required to delete a user in Iterable/)
        expect(error.message).toMatch(/anonymousId/)
        expect(scope.isDone()).toBe(false)
      }
    )
  })

  describe('forget', () => {
    const forgetSettings = (iterableProjectType?: Settings['iterableProjectType'], base: Partial<Settings> = {}) =>
      ({ ...settings, ...base, deletionMode: 'forget', iterableProjectType } as Settings)

    it.each(['userId', 'hybrid'] as const)(
      'forgets by userId in a %s project: POST /api/users/forget with exactly { userId }',
      async (projectType: 'userId' | 'hybrid') => {
        const scope = nock(US, { reqheaders: { 'api-key': API_KEY } })
          .post(FORGET_PATH, { userId: USER_ID })
          .reply(200, SUCCESS)

        await runDeletion(deletionRequest(), forgetSettings(projectType))

        expect(scope.isDone()).toBe(true)
        expect(nock.pendingMocks()).toEqual([])
      }
    )

    it('forgets by userId on the EU data center', async () => {
      const scope = nock(EU).post(FORGET_PATH, { userId: USER_ID }).reply(200, SUCCESS)

      await runDeletion(deletionRequest(), forgetSettings('userId', { dataCenterLocation: 'europe' }))

      expect(scope.isDone()).toBe(true)
    })

    it('in an email-based project reads the email from the profile, then forgets by exactly { email }', async () => {
      const scope = nock(US, { reqheaders: { 'api-key': API_KEY } })
        .get(DELETE_PATH)
        .reply(200, profile({ email: EMAIL }))
        .post(FORGET_PATH, { email: EMAIL })
        .reply(200, SUCCESS)

      await runDeletion(deletionRequest(), forgetSettings('email'))

      expect(scope.isDone()).toBe(true)
    })

    it.each([
      ['400 in plain text, "No user with that id exists!"', 400, 'No user with that id exists!'],
      ['200 with an empty object', 200, {}]
    ])(
      'in an email-based project counts a user Iterable does not know (lookup answered %s) as forgotten, and sends no forget',
      async (_name: string, status: number, answer: Json | string) => {
        const lookup = nock(US).get(DELETE_PATH).reply(status, answer)
        const forgetCall = nock(US).post(FORGET_PATH).reply(200, SUCCESS)

        await runDeletion(deletionRequest(), forgetSettings('email'))

        expect(lookup.isDone()).toBe(true)
        expect(forgetCall.isDone()).toBe(false)
      }
    )

    it('does not take another 400 of the lookup for an unknown user', async () => {
      nock(US).get(DELETE_PATH).reply(400, { msg: 'Invalid userId', code: 'InvalidUserIdError', params: null })
      const forgetCall = nock(US).post(FORGET_PATH).reply(200, SUCCESS)

      const error = await failure(runDeletion(deletionRequest(), forgetSettings('email')))

      expect(error.message).toContain('400 InvalidUserIdError: Invalid userId')
      expect(forgetCall.isDone()).toBe(false)
    })

    it('in an email-based project refuses a profile without an email, naming the project type setting', async () => {
      nock(US).get(DELETE_PATH).reply(200, profile({}))
      const forgetCall = nock(US).post(FORGET_PATH).reply(200, SUCCESS)

      const error = await failure(runDeletion(deletionRequest(), forgetSettings('email')))

      expect(error).toBeInstanceOf(PayloadValidationError)
      expect(error.message).toMatch(/email-based projects forget users by email only/)
      expect(error.message).toMatch(/Iterable Project Type/)
      expect(forgetCall.isDone()).toBe(false)
    })

    it('with no project type set forgets by the profile’s email when it has one, else by userId', async () => {
      const byEmail = nock(US)
        .get(DELETE_PATH)
        .reply(200, profile({ email: EMAIL }))
        .post(FORGET_PATH, { email: EMAIL })
        .reply(200, SUCCESS)
      await runDeletion(deletionRequest(), forgetSettings(undefined))
      expect(byEmail.isDone()).toBe(true)

      const byUserId = nock(US)
        .get(DELETE_PATH)
        .reply(200, profile({}))
        .post(FORGET_PATH, { userId: USER_ID })
        .reply(200, SUCCESS)
      await runDeletion(deletionRequest(), forgetSettings(undefined))
      expect(byUserId.isDone()).toBe(true)
    })

    it('URL-encodes the userId of the lookup', async () => {
      const scope = nock(US)
        .get('/api/users/byUserId/a%2Fb')
        .reply(200, profile({ userId: 'a/b', email: EMAIL }))
        .post(FORGET_PATH, { email: EMAIL })
        .reply(200, SUCCESS)

      await runDeletion(deletionRequest('a/b'), forgetSettings('email'))

      expect(scope.isDone()).toBe(true)
    })

    it("fails with Iterable's 429 when the forget call is rate limited (Iterable allows 3 a second)", async () => {
      nock(US).post(FORGET_PATH).reply(429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' })

      const error = await failure(runDeletion(deletionRequest(), forgetSettings('userId')))

      expect(error).toMatchObject({ status: 429, code: 'RateLimitExceeded' })
    })

    it("fails with Iterable's 5xx when the lookup fails, and sends no forget", async () => {
      nock(US).get(DELETE_PATH).reply(502, '<html>502 Bad Gateway</html>')
      const forgetCall = nock(US).post(FORGET_PATH).reply(200, SUCCESS)

      const error = await failure(runDeletion(deletionRequest(), forgetSettings('email')))

      expect(error).toMatchObject({ status: 502, code: 'BAD_GATEWAY' })
      expect(forgetCall.isDone()).toBe(false)
    })

    it("rejects a userId longer than Iterable's 52 characters before sending anything, without repeating it", async () => {
      const scope = nock(US).intercept(/.*/, 'DELETE').reply(200, SUCCESS)
      const userId = 'u'.repeat(600)

      const error = await failure(runDeletion(deletionRequest(userId)))

      expect(error).toBeInstanceOf(PayloadValidationError)
      expect(error.message).toBe(
        "This deletion request's userId is 600 characters long, and Iterable's userIds have at most 52: no Iterable user can have it."
      )
      expect(scope.isDone()).toBe(false)
    })

    it('rejects a request without a userId before looking anything up', async () => {
      const scope = nock(US).get(/.*/).reply(200, {}).post(/.*/).reply(200, SUCCESS)

      const error = await failure(runDeletion({ anonymousId: 'anon-5c1a' }, forgetSettings('email')))

      expect(error).toBeInstanceOf(PayloadValidationError)
      expect(scope.isDone()).toBe(false)
    })
  })
})
