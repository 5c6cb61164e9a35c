import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import destination from '../../index'
import {
  acceptPost,
  actionUnderTest,
  API_KEY,
  EU,
  EUROPE,
  expectNothingSent,
  failure,
  itSendsTheRequest,
  identify,
  INVALID_EMAIL,
  settings,
  SUCCESS,
  UNITED_STATES,
  UPDATE_EMAIL_PATH,
  UPDATE_USER_PATH,
  US,
  sentBody,
  BULK_UPDATE
} from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('updateUser', UPDATE_USER_PATH)

/** What users/update receives for `identify()` with the default mappings. */
const EXPECTED_BODY = {
  email: 'jane.doe@example.com',
  userId: 'user-8812',
  dataFields: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'premium' },
  mergeNestedObjects: false
}

describe('Iterable updateUser', () => {
  describe('request with default mappings', () => {
    itSendsTheRequest('POSTs the traits to /api/users/update with the Api-Key header', {
      run,
      path: UPDATE_USER_PATH,
      event: () => identify(),
      body: EXPECTED_BODY
    })

    it('sends the request to api.iterable.com when the data center is United States', async () => {
      acceptPost(UPDATE_USER_PATH)

      const responses = await run(identify(), { settings: UNITED_STATES })

      expect(responses[0].url).toBe(`${US}${UPDATE_USER_PATH}`)
    })

    it('sends only the keys Iterable documents for users/update (no batching settings)', async () => {
      const body = await bodySent(identify(), { mapping: { enable_batching: true, batch_size: 50, updateOnly: true } })

      const allowed = ['email', 'userId', 'dataFields', 'preferUserId', 'mergeNestedObjects']
      const sentKeys = Object.keys(body as object)
      expect(sentKeys.filter((key) => !allowed.includes(key))).toEqual([])
      expect(body).not.toHaveProperty('enable_batching')
      expect(body).not.toHaveProperty('batch_size')
      expect(body).not.toHaveProperty('updateOnly')
    })
  })

  describe('phone number', () => {
    it('copies traits.phone into dataFields.phoneNumber', async () => {
      const body = await bodySent(identify({ traits: { email: 'jane.doe@example.com', phone: '+14158675309' } }))

      expect(body).toEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', phone: '+14158675309', phoneNumber: '+14158675309' },
        mergeNestedObjects: false
      })
    })

    it('sends no phoneNumber key when the user has no phone trait', async () => {
      const body = (await bodySent(identify())) as { dataFields: Record<string, unknown> }

      expect(body).not.toHaveProperty('phoneNumber')
      expect(body.dataFields).not.toHaveProperty('phoneNumber')
    })

    it('sends phoneNumber: null when the phone trait is null, so that Iterable clears the number', async () => {
      const body = await bodySent(identify({ traits: { email: 'jane.doe@example.com', phone: null, plan: null } }))

      expect(body).toStrictEqual({
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', phone: null, plan: null, phoneNumber: null },
        mergeNestedObjects: false
      })
    })

    it('sends no phoneNumber key when the event has no phone trait', async () => {
      const body = (await bodySent(identify({ traits: { email: 'jane.doe@example.com' } }))) as {
        dataFields: object
      }

      expect(body.dataFields).not.toHaveProperty('phoneNumber')
    })
  })

  describe('identifiers', () => {
    it('reads the email identifier from traits.email only, not from a trait named Email or e-mail', async () => {
      const body = await bodySent(
        identify({ traits: { Email: 'capital@example.com', 'e-mail': 'dashed@example.com' } })
      )

      expect(body).toEqual({
        userId: 'user-8812',
        dataFields: { Email: 'capital@example.com', 'e-mail': 'dashed@example.com' },
        mergeNestedObjects: false
      })
    })

    it('does not take the email from context.traits for an identify event', async () => {
      const body = await bodySent(
        identify({ traits: { plan: 'free' }, context: { traits: { email: 'context@example.com' } } })
      )

      expect(body).toEqual({ userId: 'user-8812', dataFields: { plan: 'free' }, mergeNestedObjects: false })
    })

    it('updates a user identified by email only', async () => {
      const body = await bodySent(
        identify({ userId: undefined, anonymousId: 'anon-1', traits: { email: 'anon.buyer@example.com' } })
      )

      expect(body).toEqual({
        email: 'anon.buyer@example.com',
        dataFields: { email: 'anon.buyer@example.com' },
        mergeNestedObjects: false
      })
    })

    it('updates a user identified by userId only', async () => {
      const body = await bodySent(identify({ traits: { plan: 'free' } }))

      expect(body).toEqual({ userId: 'user-8812', dataFields: { plan: 'free' }, mergeNestedObjects: false })
    })

    it('rejects an event with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = acceptPost(UPDATE_USER_PATH)

      const error = await failure(run(identify({ userId: undefined, traits: { firstName: 'Nobody' } })))

      expect(error).toBeInstanceOf(Error)
      expect(error.message).toContain("'email'")
      expect(error.message).toContain("'userId'")
      expectNothingSent(scope)
      expect(nock.pendingMocks()).toEqual([`POST ${US}:443${UPDATE_USER_PATH}`])
    })

    it('rejects an event whose only email is under a misspelled key (Email), and sends nothing', async () => {
      const scope = acceptPost(UPDATE_USER_PATH)

      await expect(run(identify({ userId: undefined, traits: { Email: 'capital@example.com' } }))).rejects.toThrow(
        /'email'[\s\S]*'userId'/
      )

      expectNothingSent(scope)
    })

    it('rejects a whitespace userId as blank (Iterable refuses it), naming the field, and sends nothing', async () => {
      const scope = acceptPost(UPDATE_USER_PATH)

      await expect(run(identify(), { mapping: { email: '', userId: '   ' } })).rejects.toMatchObject({
        name: 'PayloadValidationError',
        status: 400,
        message: expect.stringMatching(/^userId is blank: Iterable refuses a blank userId/)
      })

      expectNothingSent(scope)
    })
  })

  describe('mergeNestedObjects', () => {
    it('sends mergeNestedObjects: false by default', async () => {
      expect(await bodySent(identify())).toMatchObject({ mergeNestedObjects: false })
    })

    it('sends mergeNestedObjects: true when mapped to true', async () => {
      const expected = {
        email: 'jane.doe@example.com',
        userId: 'user-8812',
        dataFields: { email: 'jane.doe@example.com', address: { city: 'Lisbon' } },
        mergeNestedObjects: true
      }
      acceptPost(UPDATE_USER_PATH, { body: expected })

      const responses = await run(
        identify({ traits: { email: 'jane.doe@example.com', address: { city: 'Lisbon' } } }),
        { mapping: { mergeNestedObjects: true } }
      )

      expect(sentBody(responses[0])).toEqual(expected)
    })
  })

  describe('dates in traits', () => {
    it("converts ISO date-times at any depth to Iterable's UTC format and leaves other strings alone", async () => {
      const body = await bodySent(
        identify({
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
        })
      )

      expect(body).toEqual({
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
      const updateBody = {
        email: 'old@example.com',
        userId: 'user-8812',
        dataFields: { email: 'old@example.com', new_email: 'new@example.com', plan: 'premium' },
        mergeNestedObjects: false
      }
      const updateEmailBody = {
        currentEmail: 'old@example.com',
        currentUserId: 'user-8812',
        newEmail: 'new@example.com'
      }
      const update = acceptPost(UPDATE_USER_PATH, { apiKey: API_KEY, body: updateBody })
      const updateEmail = acceptPost(UPDATE_EMAIL_PATH, { apiKey: API_KEY, body: updateEmailBody })

      const responses = await run(
        identify({ traits: { email: 'old@example.com', new_email: 'new@example.com', plan: 'premium' } }),
        { mapping: { newEmail: { '@path': '$.traits.new_email' } } }
      )

      expect(update.isDone()).toBe(true)
      expect(updateEmail.isDone()).toBe(true)
      expect(responses.map((response) => response.url)).toEqual([
        `${US}${UPDATE_USER_PATH}`,
        `${US}${UPDATE_EMAIL_PATH}`
      ])
      expect(responses.map((response) => response.options.method)).toEqual(['POST', 'POST'])
      expect(sentBody(responses[0])).toEqual(updateBody)
      expect(sentBody(responses[1])).toEqual(updateEmailBody)
    })

    it('changes the email by currentUserId alone when the user has no current email', async () => {
      acceptPost(UPDATE_USER_PATH)
      const updateEmail = acceptPost(UPDATE_EMAIL_PATH, {
        body: { currentUserId: 'user-8812', newEmail: 'new@example.com' }
      })

      const responses = await run(identify({ traits: { plan: 'premium' } }), {
        mapping: { newEmail: 'new@example.com' }
      })

      expect(updateEmail.isDone()).toBe(true)
      expect(responses).toHaveLength(2)
      expect(responses[1].url).toBe(`${US}${UPDATE_EMAIL_PATH}`)
      expect(sentBody(responses[1])).toEqual({ currentUserId: 'user-8812', newEmail: 'new@example.com' })
    })

    it('sends the email change to the EU data center too', async () => {
      acceptPost(UPDATE_USER_PATH, { base: EU })
      acceptPost(UPDATE_EMAIL_PATH, { base: EU })

      const responses = await run(identify({ traits: { email: 'old@example.com' } }), {
        settings: EUROPE,
        mapping: { newEmail: 'new@example.com' }
      })

      expect(responses.map((response) => response.url)).toEqual([
        `${EU}${UPDATE_USER_PATH}`,
        `${EU}${UPDATE_EMAIL_PATH}`
      ])
    })

    it('does not call users/updateEmail when newEmail is not mapped', async () => {
      acceptPost(UPDATE_USER_PATH)
      const updateEmail = acceptPost(UPDATE_EMAIL_PATH)

      const responses = await run(identify())

      expect(responses).toHaveLength(1)
      expectNothingSent(updateEmail)
    })

    it('does not change the email when the profile update fails', async () => {
      nock(US).post(UPDATE_USER_PATH).reply(400, INVALID_EMAIL)
      const updateEmail = acceptPost(UPDATE_EMAIL_PATH)

      await expect(
        run(identify({ traits: { email: 'old@example.com' } }), { mapping: { newEmail: 'new@example.com' } })
      ).rejects.toMatchObject({ status: 400 })

      expectNothingSent(updateEmail)
    })

    it('reports a 409 EmailAlreadyExists from users/updateEmail as an email conflict', async () => {
      acceptPost(UPDATE_USER_PATH)
      nock(US)
        .post(UPDATE_EMAIL_PATH)
        .reply(409, { msg: 'Email new@example.com already exists', code: 'EmailAlreadyExists', params: null })

      const error = await failure(
        run(identify({ traits: { email: 'old@example.com' } }), { mapping: { newEmail: 'new@example.com' } })
      )

      expect(error).toBeInstanceOf(Error)
      expect(error).toMatchObject({ status: 409 })
      expect(error.message).toMatch(/already has this email address/)
      expect(error.message).toContain('EmailAlreadyExists')
    })

    it('rejects a newEmail that is not an email address, and sends nothing', async () => {
      const scope = nock(US).post(/.*/).times(2).reply(200, SUCCESS)

      await expect(run(identify(), { mapping: { newEmail: 'not-an-email' } })).rejects.toThrow(
        'New Email Address must be a valid email address'
      )

      expectNothingSent(scope)
    })
  })

  // Iterable's error answers (401 among them) are tested for every action in ../../__tests__/errors.test.ts.

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      acceptPost(UPDATE_USER_PATH)
      acceptPost(UPDATE_EMAIL_PATH)

      const event = identify({
        traits: {
          email: 'old@example.com',
          phone: '+14158675309',
          startedAt: '2023-02-05T20:42:10.123-05:00',
          nested: { when: '2023-02-05T20:42:10Z', list: ['2023-02-05T20:42:10Z'] }
        }
      })
      const before = JSON.parse(JSON.stringify(event))

      await run(event, { mapping: { newEmail: 'new@example.com' } })

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
      const request = jest.fn(async (_url: string, options: { body?: unknown }) => {
        sent.push(JSON.parse(String(options.body)))
        return { status: 200, data: SUCCESS, content: JSON.stringify(SUCCESS) }
      })

      await destination.actions.updateUser.perform(request as never, { payload, settings } as never)

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

describe('Iterable updateUser for the rows of a Reverse ETL model', () => {
  const modelRow = (event: 'new' | 'updated', userId: string, email: string) =>
    createTestEvent({ type: 'track', event, userId, properties: { email, plan: 'pro' } })
  // A model's columns are in properties: the mapping reads them there.
  const mapping = (syncMode: string) => ({
    __segment_internal_sync_mode: syncMode,
    email: { '@path': '$.properties.email' },
    dataFields: { '@path': '$.properties' }
  })

  it('updates only the users Iterable has with the update sync mode: updateOnly on the bulk body', async () => {
    const bodies: unknown[] = []
    nock(US)
      .post(BULK_UPDATE, (body: object) => bodies.push(body) > 0)
      .reply(200, { successCount: 1, failCount: 1, failedUpdates: { notFoundEmails: ['grace@example.com'] } })
    const testDestination = createTestIntegration(destination)

    await testDestination.testBatchAction('updateUser', {
      events: [modelRow('updated', 'u-1', 'ada@example.com'), modelRow('updated', 'u-2', 'grace@example.com')],
      settings,
      mapping: mapping('update'),
      useDefaultMappings: true
    })

    expect(bodies).toEqual([
      {
        updateOnly: true,
        users: [
          {
            email: 'ada@example.com',
            userId: 'u-1',
            mergeNestedObjects: false,
            dataFields: { email: 'ada@example.com', plan: 'pro' }
          },
          {
            email: 'grace@example.com',
            userId: 'u-2',
            mergeNestedObjects: false,
            dataFields: { email: 'grace@example.com', plan: 'pro' }
          }
        ]
      }
    ])
    expect(testDestination.results[0].multistatus?.map((entry) => entry.status)).toEqual([200, 404])
  })

  it('upserts with the upsert sync mode, as for events', async () => {
    const scope = acceptPost(UPDATE_USER_PATH)

    await run(modelRow('new', 'u-1', 'ada@example.com'), { mapping: mapping('upsert') })

    expect(scope.isDone()).toBe(true)
  })

  it('refuses a single row with the update sync mode, which only the bulk endpoint honours, and sends nothing', async () => {
    const scope = acceptPost(UPDATE_USER_PATH)

    await expect(run(modelRow('updated', 'u-1', 'ada@example.com'), { mapping: mapping('update') })).rejects.toThrow(
      "The Update sync mode needs Enable Batching on: Iterable skips unknown users (updateOnly) only on its bulk endpoint, and users/update would create this row's user."
    )
    expectNothingSent(scope)
  })
})
