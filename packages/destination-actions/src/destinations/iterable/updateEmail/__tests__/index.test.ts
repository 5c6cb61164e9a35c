import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
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

const emailUpdated = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Email Updated',
    messageId: 'msg-email-updated-1',
    timestamp: '2023-02-05T20:42:10.000Z',
    userId: 'user-8812',
    properties: {
      previous_email: 'jane.old@example.com',
      new_email: 'jane.new@example.com',
      source: 'account settings'
    },
    ...overrides
  })

describe('Iterable updateEmail', () => {
  describe('definition', () => {
    it('subscribes by default to track events named "Email Updated"', () => {
      expect(destination.actions.updateEmail.defaultSubscription).toBe('type = "track" and event = "Email Updated"')
    })

    it('maps currentEmail from properties.previous_email, newEmail from properties.new_email and currentUserId from userId', () => {
      const { fields } = destination.actions.updateEmail
      expect(Object.keys(fields).sort()).toEqual(['currentEmail', 'currentUserId', 'newEmail'])
      expect(fields.currentEmail.default).toEqual({ '@path': '$.properties.previous_email' })
      expect(fields.newEmail.default).toEqual({ '@path': '$.properties.new_email' })
      expect(fields.currentUserId.default).toEqual({ '@path': '$.userId' })
      expect(fields.newEmail.required).toBe(true)
    })

    it('says in every field description that the call works in email-based projects only', () => {
      const { fields } = destination.actions.updateEmail
      for (const field of Object.values(fields)) {
        expect(field.description).toMatch(/email-based projects/)
      }
      expect(destination.actions.updateEmail.description).toMatch(/email-based projects/)
    })
  })

  describe('request with default mappings', () => {
    it('POSTs currentEmail, currentUserId and newEmail to /api/users/updateEmail with the Api-Key header', async () => {
      const scope = nock(US, { reqheaders: { 'api-key': 'test-api-key' } })
        .post('/api/users/updateEmail', {
          currentEmail: 'jane.old@example.com',
          currentUserId: 'user-8812',
          newEmail: 'jane.new@example.com'
        })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateEmail', {
        event: emailUpdated(),
        settings,
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses).toHaveLength(1)
      expect(responses[0].status).toBe(200)
      expect(responses[0].url).toBe(`${US}/api/users/updateEmail`)
      expect(responses[0].options.method).toBe('POST')
      expect(apiKeyHeader(responses[0])).toBe('test-api-key')
      expect(responses[0].options.json).toEqual({
        currentEmail: 'jane.old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'jane.new@example.com'
      })
    })

    it('sends the request to api.eu.iterable.com when the data center is Europe', async () => {
      const scope = nock(EU).post('/api/users/updateEmail').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateEmail', {
        event: emailUpdated(),
        settings: { ...settings, dataCenterLocation: 'europe' },
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses[0].url).toBe(`${EU}/api/users/updateEmail`)
      expect(responses[0].options.method).toBe('POST')
      expect(responses[0].options.json).toEqual({
        currentEmail: 'jane.old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'jane.new@example.com'
      })
    })

    it('sends only the keys Iterable accepts, whatever else the event carries', async () => {
      nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateEmail', {
        event: emailUpdated({
          properties: {
            previous_email: 'jane.old@example.com',
            new_email: 'jane.new@example.com',
            email: 'jane.new@example.com',
            reason: 'typo',
            changedAt: '2023-02-05T20:42:10Z'
          },
          context: { traits: { email: 'jane.old@example.com', plan: 'premium' } }
        }),
        settings,
        useDefaultMappings: true
      })

      const body = responses[0].options.json as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual(['currentEmail', 'currentUserId', 'newEmail'])
      expect(body).toEqual({
        currentEmail: 'jane.old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'jane.new@example.com'
      })
    })

    it('identifies the user by currentEmail alone when the event has no userId', async () => {
      nock(US)
        .post('/api/users/updateEmail', { currentEmail: 'jane.old@example.com', newEmail: 'jane.new@example.com' })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateEmail', {
        event: emailUpdated({ userId: undefined, anonymousId: 'anon-77' }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        currentEmail: 'jane.old@example.com',
        newEmail: 'jane.new@example.com'
      })
    })

    it('identifies the user by currentUserId alone when the event has no previous email', async () => {
      nock(US)
        .post('/api/users/updateEmail', { currentUserId: 'user-8812', newEmail: 'jane.new@example.com' })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateEmail', {
        event: emailUpdated({ properties: { new_email: 'jane.new@example.com' } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({ currentUserId: 'user-8812', newEmail: 'jane.new@example.com' })
    })
  })

  describe('validation', () => {
    it('rejects an event without a new email, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateEmail', {
          event: emailUpdated({ properties: { previous_email: 'jane.old@example.com' } }),
          settings,
          useDefaultMappings: true
        })
      ).rejects.toThrow("missing the required field 'newEmail'")

      expect(scope.isDone()).toBe(false)
    })

    it('rejects a new email that is not an email address, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateEmail', {
          event: emailUpdated({ properties: { previous_email: 'jane.old@example.com', new_email: 'jane at example' } }),
          settings,
          useDefaultMappings: true
        })
      ).rejects.toThrow('New Email Address must be a valid email address')

      expect(scope.isDone()).toBe(false)
    })

    it('rejects a current email that is not an email address, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateEmail', {
          event: emailUpdated({ properties: { previous_email: 'not-an-email', new_email: 'jane.new@example.com' } }),
          settings,
          useDefaultMappings: true
        })
      ).rejects.toThrow('Current Email Address must be a valid email address')

      expect(scope.isDone()).toBe(false)
    })

    it('rejects an event with neither currentEmail nor currentUserId, naming both, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const error = await testDestination
        .testAction('updateEmail', {
          event: emailUpdated({ userId: undefined, properties: { new_email: 'jane.new@example.com' } }),
          settings,
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toContain("'currentEmail'")
      expect((error as Error).message).toContain("'currentUserId'")
      expect(scope.isDone()).toBe(false)
    })

    it('rejects a blank currentUserId with no currentEmail as a PayloadValidationError naming both, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const error = await testDestination
        .testAction('updateEmail', {
          event: emailUpdated({ properties: { new_email: 'jane.new@example.com' } }),
          settings,
          mapping: { currentUserId: '   ' },
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toMatchObject({ name: 'PayloadValidationError', status: 400 })
      // The field keys exactly as the user sees them in this action's mapping.
      expect((error as Error).message).toContain('currentEmail')
      expect((error as Error).message).toContain('currentUserId')

      expect(scope.isDone()).toBe(false)
    })
  })

  describe('errors', () => {
    it('reports a 409 EmailAlreadyExists as a conflict on the new email', async () => {
      nock(US)
        .post('/api/users/updateEmail')
        .reply(409, { msg: 'jane.new@example.com already exists', code: 'EmailAlreadyExists', params: null })

      const error = await testDestination
        .testAction('updateEmail', { event: emailUpdated(), settings, useDefaultMappings: true })
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ status: 409, code: 'EmailAlreadyExists' })
      expect((error as Error).message).toMatch(/another Iterable user already has this email address/)
      expect((error as Error).message).toContain('jane.new@example.com already exists')
    })

    it('reports a 400 InvalidEmailAddressError with its code and message', async () => {
      nock(US)
        .post('/api/users/updateEmail')
        .reply(400, { msg: 'Invalid email', code: 'InvalidEmailAddressError', params: null })

      const error = await testDestination
        .testAction('updateEmail', { event: emailUpdated(), settings, useDefaultMappings: true })
        .catch((e: unknown) => e)

      expect(error).toMatchObject({ status: 400 })
      expect((error as Error).message).toContain('InvalidEmailAddressError')
      expect((error as Error).message).toContain('Invalid email')
    })

    it('reports a 401 as an InvalidAuthenticationError without the API key in the message', async () => {
      nock(US)
        .post('/api/users/updateEmail')
        .reply(401, { msg: 'Invalid API key sk_live_SECRET123', code: 'BadApiKey', params: null })

      const error = await testDestination
        .testAction('updateEmail', {
          event: emailUpdated(),
          settings: { apiKey: 'sk_live_SECRET123' },
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toMatchObject({ name: 'InvalidAuthenticationError', status: 401 })
      expect((error as Error).message).not.toContain('sk_live_SECRET123')
    })
  })

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const event = emailUpdated()
      const before = JSON.parse(JSON.stringify(event))

      await testDestination.testAction('updateEmail', { event, settings, useDefaultMappings: true })

      expect(event).toEqual(before)
    })
  })
})
