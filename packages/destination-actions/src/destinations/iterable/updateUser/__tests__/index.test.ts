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

const identify = (overrides: Record<string, unknown> = {}) =>
  createTestEvent({
    type: 'identify',
    messageId: 'msg-identify-1',
    timestamp: '2023-02-05T20:42:10.000Z',
    userId: 'user-8812',
    traits: {
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      plan: 'premium'
    },
    ...overrides
  })

describe('Iterable updateUser', () => {
  describe('request with default mappings', () => {
    it('POSTs the traits to /api/users/update with the Api-Key header', async () => {
      const scope = nock(US, { reqheaders: { 'api-key': 'test-api-key' } })
        .post('/api/users/update', {
          email: 'jane.doe@example.com',
          userId: 'user-8812',
          dataFields: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'premium' },
          mergeNestedObjects: false
        })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings,
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses).toHaveLength(1)
      expect(responses[0].status).toBe(200)
      expect(responses[0].url).toBe(`${US}/api/users/update`)
      expect(responses[0].options.method).toBe('POST')
      expect(apiKeyHeader(responses[0])).toBe('test-api-key')
      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'premium' },
        mergeNestedObjects: false
      })
    })

    it('sends the request to api.eu.iterable.com when the data center is Europe', async () => {
      const scope = nock(EU).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings: { ...settings, dataCenterLocation: 'europe' },
        useDefaultMappings: true
      })

      expect(scope.isDone()).toBe(true)
      expect(responses[0].url).toBe(`${EU}/api/users/update`)
      expect(responses[0].options.method).toBe('POST')
      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'premium' },
        mergeNestedObjects: false
      })
    })

    it('sends the request to api.iterable.com when the data center is United States', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings: { ...settings, dataCenterLocation: 'united_states' },
        useDefaultMappings: true
      })

      expect(responses[0].url).toBe(`${US}/api/users/update`)
    })

    it('sends only the keys Iterable documents for users/update (no batching settings)', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings,
        mapping: { enable_batching: true, batch_size: 50, updateOnly: true },
        useDefaultMappings: true
      })

      const allowed = ['email', 'userId', 'dataFields', 'preferUserId', 'mergeNestedObjects']
      const sentKeys = Object.keys(responses[0].options.json as object)
      expect(sentKeys.filter((key) => !allowed.includes(key))).toEqual([])
      expect(responses[0].options.json).not.toHaveProperty('enable_batching')
      expect(responses[0].options.json).not.toHaveProperty('batch_size')
      expect(responses[0].options.json).not.toHaveProperty('updateOnly')
    })
  })

  describe('phone number', () => {
    it('copies traits.phone into dataFields.phoneNumber', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { email: 'jane.doe@example.com', phone: '+14158675309' } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', phone: '+14158675309', phoneNumber: '+14158675309' },
        mergeNestedObjects: false
      })
    })

    it('sends no phoneNumber key when the user has no phone trait', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings,
        useDefaultMappings: true
      })

      const body = responses[0].options.json as { dataFields: Record<string, unknown> }
      expect(body).not.toHaveProperty('phoneNumber')
      expect(body.dataFields).not.toHaveProperty('phoneNumber')
    })

    it('sends no phoneNumber key when the phone trait is null', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { email: 'jane.doe@example.com', phone: null } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', phone: null },
        mergeNestedObjects: false
      })
    })
  })

  describe('identifiers', () => {
    it('reads the email identifier from traits.email only, not from a trait named Email or e-mail', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { Email: 'capital@example.com', 'e-mail': 'dashed@example.com' } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        userId: 'user-8812',
        dataFields: { Email: 'capital@example.com', 'e-mail': 'dashed@example.com' },
        mergeNestedObjects: false
      })
    })

    it('does not take the email from context.traits for an identify event', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({
          traits: { plan: 'free' },
          context: { traits: { email: 'context@example.com' } }
        }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        userId: 'user-8812',
        dataFields: { plan: 'free' },
        mergeNestedObjects: false
      })
    })

    it('updates a user identified by email only', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ userId: undefined, anonymousId: 'anon-1', traits: { email: 'anon.buyer@example.com' } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'anon.buyer@example.com',
        dataFields: { email: 'anon.buyer@example.com' },
        mergeNestedObjects: false
      })
    })

    it('updates a user identified by userId only', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { plan: 'free' } }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        userId: 'user-8812',
        dataFields: { plan: 'free' },
        mergeNestedObjects: false
      })
    })

    it('rejects an event with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/update').reply(200, SUCCESS)

      const error = await testDestination
        .testAction('updateUser', {
          event: identify({ userId: undefined, traits: { firstName: 'Nobody' } }),
          settings,
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toContain("'email'")
      expect((error as Error).message).toContain("'userId'")
      expect(scope.isDone()).toBe(false)
      expect(nock.pendingMocks()).toEqual([`POST ${US}:443/api/users/update`])
    })

    it('rejects an event whose only email is under a misspelled key (Email), and sends nothing', async () => {
      const scope = nock(US).post('/api/users/update').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateUser', {
          event: identify({ userId: undefined, traits: { Email: 'capital@example.com' } }),
          settings,
          useDefaultMappings: true
        })
      ).rejects.toThrow(/'email'[\s\S]*'userId'/)

      expect(scope.isDone()).toBe(false)
    })

    it('rejects blank identifiers (empty email, whitespace userId) as a PayloadValidationError naming both, and sends nothing', async () => {
      const scope = nock(US).post('/api/users/update').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateUser', {
          event: identify(),
          settings,
          mapping: { email: '', userId: '   ' },
          useDefaultMappings: true
        })
      ).rejects.toMatchObject({
        name: 'PayloadValidationError',
        status: 400,
        message: expect.stringMatching(/Either email or userId is required/)
      })

      expect(scope.isDone()).toBe(false)
    })
  })

  describe('mergeNestedObjects', () => {
    it('sends mergeNestedObjects: false by default', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toMatchObject({ mergeNestedObjects: false })
    })

    it('sends mergeNestedObjects: true when mapped to true', async () => {
      nock(US)
        .post('/api/users/update', {
          email: 'jane.doe@example.com',
          userId: 'user-8812',
          dataFields: { email: 'jane.doe@example.com', address: { city: 'Lisbon' } },
          mergeNestedObjects: true
        })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { email: 'jane.doe@example.com', address: { city: 'Lisbon' } } }),
        settings,
        mapping: { mergeNestedObjects: true },
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', address: { city: 'Lisbon' } },
        mergeNestedObjects: true
      })
    })
  })

  describe('dates in traits', () => {
    it("converts ISO date-times at any depth to Iterable's UTC format and leaves other strings alone", async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({
          traits: {
            email: 'jane.doe@example.com',
            signedUpAt: '2023-02-05T20:42:10Z',
            subscription: {
              startedAt: '2023-02-05T20:42:10.123-05:00',
              renewsOn: '2023-02-05',
              code: '12345',
              history: [{ at: '2022-12-31T23:59:59.999+01:00' }, '2023-01-01T00:00:00Z']
            },
            age: 42
          }
        }),
        settings,
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: {
          email: 'jane.doe@example.com',
          signedUpAt: '2023-02-05 20:42:10 +00:00',
          subscription: {
            startedAt: '2023-02-06 01:42:10 +00:00',
            renewsOn: '2023-02-05',
            code: '12345',
            history: [{ at: '2022-12-31 22:59:59 +00:00' }, '2023-01-01 00:00:00 +00:00']
          },
          age: 42
        },
        mergeNestedObjects: false
      })
    })
  })

  describe('newEmail', () => {
    it('first updates the user, then changes the email with users/updateEmail', async () => {
      const update = nock(US, { reqheaders: { 'api-key': 'test-api-key' } })
        .post('/api/users/update', {
          email: 'old@example.com',
          userId: 'user-8812',
          dataFields: { email: 'old@example.com', new_email: 'new@example.com', plan: 'premium' },
          mergeNestedObjects: false
        })
        .reply(200, SUCCESS)
      const updateEmail = nock(US, { reqheaders: { 'api-key': 'test-api-key' } })
        .post('/api/users/updateEmail', {
          currentEmail: 'old@example.com',
          currentUserId: 'user-8812',
          newEmail: 'new@example.com'
        })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { email: 'old@example.com', new_email: 'new@example.com', plan: 'premium' } }),
        settings,
        mapping: { newEmail: { '@path': '$.traits.new_email' } },
        useDefaultMappings: true
      })

      expect(update.isDone()).toBe(true)
      expect(updateEmail.isDone()).toBe(true)
      expect(responses.map((response) => response.url)).toEqual([
        `${US}/api/users/update`,
        `${US}/api/users/updateEmail`
      ])
      expect(responses.map((response) => response.options.method)).toEqual(['POST', 'POST'])
      expect(responses[0].options.json).toEqual({
        email: 'old@example.com',
        userId: 'user-8812',
        dataFields: { email: 'old@example.com', new_email: 'new@example.com', plan: 'premium' },
        mergeNestedObjects: false
      })
      expect(responses[1].options.json).toEqual({
        currentEmail: 'old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'new@example.com'
      })
    })

    it('changes the email by currentUserId alone when the user has no current email', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)
      const updateEmail = nock(US)
        .post('/api/users/updateEmail', { currentUserId: 'user-8812', newEmail: 'new@example.com' })
        .reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { plan: 'premium' } }),
        settings,
        mapping: { newEmail: 'new@example.com' },
        useDefaultMappings: true
      })

      expect(updateEmail.isDone()).toBe(true)
      expect(responses).toHaveLength(2)
      expect(responses[1].url).toBe(`${US}/api/users/updateEmail`)
      expect(responses[1].options.json).toEqual({ currentUserId: 'user-8812', newEmail: 'new@example.com' })
    })

    it('sends the email change to the EU data center too', async () => {
      nock(EU).post('/api/users/update').reply(200, SUCCESS)
      nock(EU).post('/api/users/updateEmail').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify({ traits: { email: 'old@example.com' } }),
        settings: { ...settings, dataCenterLocation: 'europe' },
        mapping: { newEmail: 'new@example.com' },
        useDefaultMappings: true
      })

      expect(responses.map((response) => response.url)).toEqual([
        `${EU}/api/users/update`,
        `${EU}/api/users/updateEmail`
      ])
    })

    it('does not call users/updateEmail when newEmail is not mapped', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)
      const updateEmail = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const responses = await testDestination.testAction('updateUser', {
        event: identify(),
        settings,
        useDefaultMappings: true
      })

      expect(responses).toHaveLength(1)
      expect(updateEmail.isDone()).toBe(false)
    })

    it('does not change the email when the profile update fails', async () => {
      nock(US)
        .post('/api/users/update')
        .reply(400, { msg: 'Invalid email', code: 'InvalidEmailAddressError', params: null })
      const updateEmail = nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateUser', {
          event: identify({ traits: { email: 'old@example.com' } }),
          settings,
          mapping: { newEmail: 'new@example.com' },
          useDefaultMappings: true
        })
      ).rejects.toMatchObject({ status: 400 })

      expect(updateEmail.isDone()).toBe(false)
    })

    it('reports a 409 EmailAlreadyExists from users/updateEmail as an email conflict', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)
      nock(US)
        .post('/api/users/updateEmail')
        .reply(409, { msg: 'Email new@example.com already exists', code: 'EmailAlreadyExists', params: null })

      const error = await testDestination
        .testAction('updateUser', {
          event: identify({ traits: { email: 'old@example.com' } }),
          settings,
          mapping: { newEmail: 'new@example.com' },
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ status: 409 })
      expect((error as Error).message).toMatch(/already has this email address/)
      expect((error as Error).message).toContain('EmailAlreadyExists')
    })

    it('rejects a newEmail that is not an email address, and sends nothing', async () => {
      const scope = nock(US).post(/.*/).times(2).reply(200, SUCCESS)

      await expect(
        testDestination.testAction('updateUser', {
          event: identify(),
          settings,
          mapping: { newEmail: 'not-an-email' },
          useDefaultMappings: true
        })
      ).rejects.toThrow('New Email Address must be a valid email address')

      expect(scope.isDone()).toBe(false)
    })
  })

  describe('errors', () => {
    it('reports a 401 as an InvalidAuthenticationError without the API key in the message', async () => {
      nock(US)
        .post('/api/users/update')
        .reply(401, { msg: 'Invalid API key: sk_live_SECRET123', code: 'BadApiKey', params: null })

      const error = await testDestination
        .testAction('updateUser', {
          event: identify(),
          settings: { apiKey: 'sk_live_SECRET123' },
          useDefaultMappings: true
        })
        .catch((e: unknown) => e)

      expect(error).toMatchObject({ name: 'InvalidAuthenticationError', status: 401 })
      expect((error as Error).message).toContain('BadApiKey')
      expect((error as Error).message).not.toContain('sk_live_SECRET123')
    })
  })

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      nock(US).post('/api/users/update').reply(200, SUCCESS)
      nock(US).post('/api/users/updateEmail').reply(200, SUCCESS)

      const event = identify({
        traits: {
          email: 'old@example.com',
          phone: '+14158675309',
          startedAt: '2023-02-05T20:42:10.123-05:00',
          nested: { when: '2023-02-05T20:42:10Z', list: ['2023-02-05T20:42:10Z'] }
        }
      })
      const before = JSON.parse(JSON.stringify(event))

      await testDestination.testAction('updateUser', {
        event,
        settings,
        mapping: { newEmail: 'new@example.com' },
        useDefaultMappings: true
      })

      expect(event).toEqual(before)
    })

    it('builds its requests without modifying the payload handed to perform', async () => {
      const payload = {
        email: 'old@example.com',
        userId: 'user-8812',
        newEmail: 'new@example.com',
        phoneNumber: '+14158675309',
        mergeNestedObjects: true,
        dataFields: {
          startedAt: '2023-02-05T20:42:10.123-05:00',
          nested: { when: '2023-02-05T20:42:10Z', list: ['2023-02-05T20:42:10Z', { at: '2023-02-05T20:42:10Z' }] }
        }
      }
      const before = JSON.parse(JSON.stringify(payload))
      const sent: unknown[] = []
      const request = jest.fn(async (_url: string, options: { json?: unknown }) => {
        sent.push(options.json)
        return { status: 200, data: SUCCESS, content: JSON.stringify(SUCCESS) }
      })

      await destination.actions.updateUser.perform(request as any, { payload, settings } as any)

      expect(payload).toEqual(before)
      expect(request).toHaveBeenCalledTimes(2)
      expect(sent[0]).toEqual({
        email: 'old@example.com',
        userId: 'user-8812',
        dataFields: {
          startedAt: '2023-02-06 01:42:10 +00:00',
          nested: {
            when: '2023-02-05 20:42:10 +00:00',
            list: ['2023-02-05 20:42:10 +00:00', { at: '2023-02-05 20:42:10 +00:00' }]
          },
          phoneNumber: '+14158675309'
        },
        mergeNestedObjects: true
      })
      expect(sent[1]).toEqual({
        currentEmail: 'old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'new@example.com'
      })
    })
  })
})
