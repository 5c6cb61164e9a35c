import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { JSONObject } from '@segment/actions-core'
import {
  API_KEY,
  AUDIENCE_KEY,
  audienceEvent,
  DATA_CENTERS,
  LIST_ID,
  listAnswer,
  newTestDestination,
  rejectionOf,
  SUBSCRIBE_PATH,
  UNSUBSCRIBE_PATH,
  US
} from '../../__tests__/__helpers__/support'
import type { DataCenter } from '../../__tests__/__helpers__/support'
import { CONSTANTS } from '../../constants'
import type { Settings } from '../../generated-types'

// A single event sends one request and throws what Iterable refused; a batch sends one subscribe and one unsubscribe
// request per list and gives each event its own status. Every case runs in both data centers.

const hybrid: Settings = { apiKey: API_KEY, iterableProjectType: 'hybrid' as const }
const userIdProject: Settings = { apiKey: API_KEY, iterableProjectType: 'userId' as const }
const emailProject: Settings = { apiKey: API_KEY, iterableProjectType: 'email' as const }

describe.each(DATA_CENTERS)('syncAudience in $dataCenterLocation', ({ dataCenterLocation, origin }: DataCenter) => {
  const api = () => nock(origin, { reqheaders: { 'api-key': API_KEY } })
  const inDataCenter = (settings: Settings): Settings => ({ ...settings, dataCenterLocation })

  describe('one event', () => {
    async function sync(event: ReturnType<typeof audienceEvent>, settings: Settings = hybrid, extra: object = {}) {
      return newTestDestination().testAction('syncAudience', {
        event,
        settings: inDataCenter(settings),
        useDefaultMappings: true,
        ...extra
      })
    }

    it('adds a user entering the audience to the list by email and userId (hybrid project)', async () => {
      const scope = api()
        .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'ada@example.com', userId: 'user-1815' }] })
        .reply(200, listAnswer(1))

      const responses = await sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true }))

      expect(scope.isDone()).toBe(true)
      expect(responses).toHaveLength(1)
      expect(responses[0].url).toBe(`${origin}${SUBSCRIBE_PATH}`)
      expect(responses[0].status).toBe(200)
    })

    it('removes a user leaving the audience from the list', async () => {
      const scope = api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'ada@example.com', userId: 'user-1815' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: false }))

      expect(scope.isDone()).toBe(true)
    })

    it('reads membership and email from the properties of a track event', async () => {
      const scope = api()
        .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'ada@example.com', userId: 'user-1815' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true, type: 'track' }))

      expect(scope.isDone()).toBe(true)
    })

    it('sends userId without preferUserId in a userID-based project, where Iterable does not read it', async () => {
      const scope = api()
        .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', inAudience: true }), userIdProject)

      expect(scope.isDone()).toBe(true)
    })

    it('adds by email alone in an email-based project, without preferUserId', async () => {
      const scope = api()
        .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'ada@example.com' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ email: 'ada@example.com', inAudience: true }), emailProject)

      expect(scope.isDone()).toBe(true)
    })

    it('adds by userId with preferUserId in an email-based project when there is no email', async () => {
      // preferUserId lets Iterable create the user by userId in an email-based project.
      const scope = api()
        .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1815', preferUserId: true }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', inAudience: true }), emailProject)

      expect(scope.isDone()).toBe(true)
    })

    it('removes by userId alone in an email-based project, without preferUserId (unsubscribe has no such key)', async () => {
      const scope = api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', inAudience: false }), emailProject)

      expect(scope.isDone()).toBe(true)
    })

    it('sends dataFields with a user added, never with a user removed', async () => {
      const mapping = {
        email: { '@path': '$.traits.email' },
        userId: { '@path': '$.userId' },
        segmentAudienceKey: { '@path': '$.context.personas.computation_key' },
        segmentAudienceId: { '@path': '$.context.personas.external_audience_id' },
        traitsOrProperties: { '@path': '$.traits' },
        dataFields: { plan: 'premium', source: 'segment' }
      }
      const added = api()
        .post(SUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [
            { email: 'ada@example.com', userId: 'user-1815', dataFields: { plan: 'premium', source: 'segment' } }
          ]
        })
        .reply(200, listAnswer(1))
      const removed = api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'grace@example.com', userId: 'user-1906' }] })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true }), hybrid, {
        mapping,
        useDefaultMappings: false
      })
      await sync(audienceEvent({ userId: 'user-1906', email: 'grace@example.com', inAudience: false }), hybrid, {
        mapping,
        useDefaultMappings: false
      })

      expect(added.isDone()).toBe(true)
      expect(removed.isDone()).toBe(true)
    })

    it('applies each audience setting to the request Iterable reads it on', async () => {
      const audienceSettings = { updateExistingUsersOnly: true, globalUnsubscribe: true, campaignId: 778899 }
      const added = api()
        .post(SUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [{ email: 'ada@example.com', userId: 'user-1815' }],
          updateExistingUsersOnly: true
        })
        .reply(200, listAnswer(1))
      const removed = api()
        .post(UNSUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [{ email: 'grace@example.com', userId: 'user-1906' }],
          campaignId: 778899,
          channelUnsubscribe: true
        })
        .reply(200, listAnswer(1))

      await sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true, audienceSettings }))
      await sync(
        audienceEvent({ userId: 'user-1906', email: 'grace@example.com', inAudience: false, audienceSettings })
      )

      expect(added.isDone()).toBe(true)
      expect(removed.isDone()).toBe(true)
    })

    it('throws the reason Iterable gives in a 200 answer for a user it refused', async () => {
      api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'nobody@example.com' }] })
        .reply(200, listAnswer(0, { notFoundEmails: ['nobody@example.com'] }))

      await expect(sync(audienceEvent({ email: 'nobody@example.com', inAudience: false }))).rejects.toMatchObject({
        status: 404,
        code: 'IterableUnsubscribeError',
        // The shared module words the reason; this destination passes it on.
        message: expect.stringMatching(
          /^Iterable listed this event's email in failedUpdates\.notFoundEmails: no Iterable user/
        )
      })
    })

    it.each([
      [
        401,
        { msg: 'Invalid API key', code: 'BadApiKey', params: null },
        'INVALID_AUTHENTICATION',
        /rejected the API key/
      ],
      [429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded', params: null }, 'RateLimitExceeded', /rate limit/],
      [500, { msg: 'An unexpected error occurred', code: 'GenericError', params: null }, 'GenericError', /retry/],
      [400, { msg: 'Invalid list id', code: 'BadParams', params: null }, 'BadParams', /invalid \(400 BadParams/]
    ])(
      'turns a %i answer into the framework error that says what to do',
      async (status: number, answer: JSONObject, code: string, message: RegExp) => {
        api().post(SUBSCRIBE_PATH).reply(status, answer)

        const failure = sync(audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true }))

        await expect(failure).rejects.toMatchObject({ status, code })
        await expect(failure).rejects.toThrow(message)
      }
    )

    it('never shows the API key in an error, even when Iterable echoes it', async () => {
      api().post(SUBSCRIBE_PATH).reply(401, `Unknown key ${API_KEY}`)

      const error = await rejectionOf(sync(audienceEvent({ userId: 'user-1815', inAudience: true })))

      expect(error.message).toContain('Unknown key <redacted>')
      expect(error.message).not.toContain(API_KEY)
    })

    describe('sends nothing for an event it cannot send', () => {
      // Any request would reach this interceptor; none may.
      let trap: nock.Scope
      beforeEach(() => {
        trap = nock(origin).post(/.*/).reply(200, listAnswer(1))
      })
      afterEach(() => expect(trap.isDone()).toBe(false))

      const withoutIdentifiers = {
        email: undefined,
        userId: undefined,
        segmentAudienceKey: { '@path': '$.context.personas.computation_key' },
        segmentAudienceId: { '@path': '$.context.personas.external_audience_id' },
        traitsOrProperties: { '@path': '$.traits' }
      }

      it('rejects a user with neither email nor userId (hybrid project)', async () => {
        await expect(
          sync(audienceEvent({ inAudience: true }), hybrid, { mapping: withoutIdentifiers, useDefaultMappings: false })
        ).rejects.toThrow(
          'Either Email or User ID is required: Iterable identifies users by one of them. Map "Email" to the user\'s email address or "User ID" to their user ID.'
        )
      })

      it('rejects a user with neither email nor userId (email-based project)', async () => {
        await expect(sync(audienceEvent({ email: '  ', inAudience: true }), emailProject)).rejects.toThrow(
          'Either Email or User ID is required: Iterable identifies users by one of them.'
        )
      })

      it('rejects a user without userId in a userID-based project, even with an email', async () => {
        await expect(
          sync(audienceEvent({ email: 'ada@example.com', inAudience: true }), userIdProject)
        ).rejects.toThrow(
          'User ID is required: the "Iterable Project Type" setting is UserID-based, and such projects find users by userId only. Map "User ID" to the user\'s ID, or change the setting if the project is email-based or hybrid.'
        )
      })

      it.each(['invalid-id', '12.5', '0', '-3', '  '])('rejects the list id %j', async (listId: string) => {
        await expect(
          sync(audienceEvent({ userId: 'user-1815', inAudience: true, listId }), hybrid)
        ).rejects.toMatchObject({
          status: 400,
          message: expect.stringContaining(
            `Invalid or missing Segment Audience ID: segmentAudienceId must be the numeric ID of the Iterable list, which Segment sends as context.personas.external_audience_id (got ${JSON.stringify(
              listId
            )}).`
          )
        })
      })
    })
  })

  describe('a batch', () => {
    async function syncBatch(
      events: ReturnType<typeof audienceEvent>[],
      settings: Settings = hybrid,
      extra: object = {}
    ) {
      const testDestination = newTestDestination()
      await testDestination.testBatchAction('syncAudience', {
        events,
        settings: inDataCenter(settings),
        useDefaultMappings: true,
        ...extra
      })
      return testDestination.results[0].multistatus ?? []
    }

    it('sends one subscribe and one unsubscribe request per list, with a status per user', async () => {
      const subscribeAnswer = listAnswer(2)
      const unsubscribeAnswer = listAnswer(1)
      const subscribe = api()
        .post(SUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [
            { email: 'ada@example.com', userId: 'user-1815' },
            { email: 'alan@example.com', userId: 'user-1912' }
          ]
        })
        .reply(200, subscribeAnswer)
      const unsubscribe = api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'grace@example.com', userId: 'user-1906' }] })
        .reply(200, unsubscribeAnswer)

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true }),
        audienceEvent({ userId: 'user-1906', email: 'grace@example.com', inAudience: false }),
        audienceEvent({ userId: 'user-1912', email: 'alan@example.com', inAudience: true })
      ])

      expect(subscribe.isDone() && unsubscribe.isDone()).toBe(true)
      expect(multistatus).toEqual([
        { status: 200, sent: { email: 'ada@example.com', userId: 'user-1815' }, body: subscribeAnswer },
        { status: 200, sent: { email: 'grace@example.com', userId: 'user-1906' }, body: unsubscribeAnswer },
        { status: 200, sent: { email: 'alan@example.com', userId: 'user-1912' }, body: subscribeAnswer }
      ])
    })

    it('narrows a body Iterable refuses whole to the user its params name; the others are sent again and land', async () => {
      const refusal = {
        msg: 'Invalid subscriber',
        code: 'BadJsonBody',
        params: { 'obj.subscribers[1].dataFields.plan': 'error.expected.jsstring' }
      }
      const retried = listAnswer(2)
      const bodies: unknown[] = []
      api()
        .post(SUBSCRIBE_PATH, (body: object) => bodies.push(body) > 0)
        .reply(400, refusal)
        .post(SUBSCRIBE_PATH, (body: object) => bodies.push(body) > 0)
        .reply(200, retried)

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'user-1815', inAudience: true }),
        audienceEvent({ userId: 'user-1906', inAudience: true }),
        audienceEvent({ userId: 'user-1912', inAudience: true })
      ])

      expect(bodies).toEqual([
        { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }, { userId: 'user-1906' }, { userId: 'user-1912' }] },
        { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }, { userId: 'user-1912' }] }
      ])
      expect(multistatus).toEqual([
        { status: 200, sent: { userId: 'user-1815' }, body: retried },
        {
          status: 400,
          errortype: 'BAD_REQUEST',
          errormessage:
            'Iterable refused this event (BadJsonBody: Invalid subscriber; obj.subscribers[1].dataFields.plan: error.expected.jsstring).',
          errorreporter: 'DESTINATION',
          sent: { userId: 'user-1906' },
          body: refusal
        },
        { status: 200, sent: { userId: 'user-1912' }, body: retried }
      ])
    })

    it('gives each bad user its own status and sends only the others', async () => {
      const subscribeAnswer = listAnswer(2, { invalidEmails: ['not-an-email'] })
      const unsubscribeAnswer = listAnswer(0, { notFoundUserIds: ['user-0000'] })
      api()
        .post(SUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [{ email: 'ada@example.com' }, { email: 'not-an-email' }, { email: 'alan@example.com' }]
        })
        .reply(200, subscribeAnswer)
      api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-0000' }] })
        .reply(200, unsubscribeAnswer)

      const multistatus = await syncBatch(
        [
          audienceEvent({ email: 'ada@example.com', inAudience: true }),
          audienceEvent({ inAudience: true }),
          audienceEvent({ email: 'not-an-email', inAudience: true }),
          audienceEvent({ userId: 'user-0000', inAudience: false }),
          audienceEvent({ email: 'alan@example.com', inAudience: true, listId: 'not-a-list' }),
          audienceEvent({ email: 'alan@example.com', inAudience: true })
        ],
        emailProject
      )

      expect(multistatus).toEqual([
        { status: 200, sent: { email: 'ada@example.com' }, body: subscribeAnswer },
        {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errorreporter: 'INTEGRATIONS',
          errormessage: expect.stringContaining(
            'Either Email or User ID is required: Iterable identifies users by one of them.'
          )
        },
        {
          status: 400,
          errortype: 'BAD_REQUEST',
          errorreporter: 'DESTINATION',
          errormessage: expect.stringContaining("this event's email in failedUpdates.invalidEmails"),
          sent: { email: 'not-an-email' },
          body: subscribeAnswer
        },
        {
          status: 404,
          errortype: 'NOT_FOUND',
          errorreporter: 'DESTINATION',
          errormessage: expect.stringContaining("this event's userId in failedUpdates.notFoundUserIds"),
          sent: { userId: 'user-0000' },
          body: unsubscribeAnswer
        },
        {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errorreporter: 'INTEGRATIONS',
          errormessage: expect.stringContaining('Invalid or missing Segment Audience ID')
        },
        { status: 200, sent: { email: 'alan@example.com' }, body: subscribeAnswer }
      ])
    })

    it('rejects the users without userId in a userID-based project and sends the rest', async () => {
      const answer = listAnswer(2)
      const subscribe = api()
        .post(SUBSCRIBE_PATH, {
          listId: LIST_ID,
          subscribers: [{ userId: 'user-1815' }, { userId: 'user-1912' }]
        })
        .reply(200, answer)

      const multistatus = await syncBatch(
        [
          audienceEvent({ userId: 'user-1815', inAudience: true }),
          audienceEvent({ email: 'grace@example.com', inAudience: true }),
          audienceEvent({ userId: 'user-1912', inAudience: true })
        ],
        userIdProject
      )

      expect(subscribe.isDone()).toBe(true)
      expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 200])
      expect(multistatus[1]).toMatchObject({
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: expect.stringContaining(
          'User ID is required: the "Iterable Project Type" setting is UserID-based'
        )
      })
    })

    it('tells the accepted users when Iterable counted more failures than it named', async () => {
      const answer = { ...listAnswer(1, { invalidEmails: ['not-an-email'] }), failCount: 2 }
      api().post(SUBSCRIBE_PATH).reply(200, answer)

      const multistatus = await syncBatch(
        [
          audienceEvent({ email: 'ada@example.com', inAudience: true }),
          audienceEvent({ email: 'not-an-email', inAudience: true })
        ],
        emailProject
      )

      expect(multistatus[0]).toEqual({
        status: 200,
        sent: { email: 'ada@example.com' },
        body: {
          ...answer,
          note: 'Iterable reported 2 failed records and named fewer; this record was not named, and may be one of them.'
        }
      })
      expect(multistatus[1]).toMatchObject({ status: 400, sent: { email: 'not-an-email' } })
    })

    it('groups users by list: one subscribe and one unsubscribe request for each list', async () => {
      const scopes = [
        api()
          .post(SUBSCRIBE_PATH, {
            listId: 111,
            subscribers: [{ userId: 'u1' }, { userId: 'u3' }]
          })
          .reply(200, listAnswer(2)),
        api()
          .post(UNSUBSCRIBE_PATH, { listId: 111, subscribers: [{ userId: 'u4' }] })
          .reply(200, listAnswer(1)),
        api()
          .post(SUBSCRIBE_PATH, { listId: 222, subscribers: [{ userId: 'u2' }] })
          .reply(200, listAnswer(1)),
        api()
          .post(UNSUBSCRIBE_PATH, { listId: 222, subscribers: [{ userId: 'u5' }, { userId: 'u6' }] })
          .reply(200, listAnswer(2))
      ]

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'u1', inAudience: true, listId: '111', audienceKey: 'vip' }),
        audienceEvent({ userId: 'u2', inAudience: true, listId: '222', audienceKey: 'churn_risk' }),
        audienceEvent({ userId: 'u3', inAudience: true, listId: '111', audienceKey: 'vip' }),
        audienceEvent({ userId: 'u4', inAudience: false, listId: '111', audienceKey: 'vip' }),
        audienceEvent({ userId: 'u5', inAudience: false, listId: '222', audienceKey: 'churn_risk' }),
        audienceEvent({ userId: 'u6', inAudience: false, listId: '222', audienceKey: 'churn_risk' })
      ])

      expect(scopes.every((scope) => scope.isDone())).toBe(true)
      expect(multistatus.map((entry) => [entry.status, entry.sent])).toEqual([
        [200, { userId: 'u1' }],
        [200, { userId: 'u2' }],
        [200, { userId: 'u3' }],
        [200, { userId: 'u4' }],
        [200, { userId: 'u5' }],
        [200, { userId: 'u6' }]
      ])
    })

    it("sends a user's last change when a batch holds several, and gives their earlier events its status", async () => {
      // Entered, then left: one subscribe and one unsubscribe request could not keep that order, so only the exit goes.
      const answer = listAnswer(1)
      const unsubscribe = api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'Ada@Example.com', userId: 'user-1815' }] })
        .reply(200, answer)

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true }),
        audienceEvent({ userId: 'user-1815', email: 'Ada@Example.com', inAudience: false })
      ])

      expect(unsubscribe.isDone()).toBe(true)
      const sent = { email: 'Ada@Example.com', userId: 'user-1815' }
      expect(multistatus).toEqual([
        { status: 200, sent, body: answer },
        { status: 200, sent, body: answer }
      ])
    })

    it('fails only the request Iterable refused: a 500 on subscribe is retryable, the unsubscribe still lands', async () => {
      const serverError = { msg: 'An unexpected error occurred', code: 'GenericError', params: null }
      api().post(SUBSCRIBE_PATH).reply(500, serverError)
      api()
        .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1906' }] })
        .reply(200, listAnswer(1))

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'user-1815', inAudience: true }),
        audienceEvent({ userId: 'user-1906', inAudience: false })
      ])

      expect(multistatus[0]).toEqual({
        status: 500,
        errortype: 'INTERNAL_SERVER_ERROR',
        errorreporter: 'DESTINATION',
        errormessage:
          'Iterable could not process the request (500 GenericError: An unexpected error occurred); Segment will retry.',
        sent: { userId: 'user-1815' },
        body: serverError
      })
      expect(multistatus[1]).toMatchObject({ status: 200, sent: { userId: 'user-1906' } })
    })

    it('reports a rejected key on every event, without the key', async () => {
      api().post(SUBSCRIBE_PATH).reply(401, `Unknown key ${API_KEY}`)

      const multistatus = await syncBatch([
        audienceEvent({ userId: 'user-1815', inAudience: true }),
        audienceEvent({ userId: 'user-1912', inAudience: true })
      ])

      expect(multistatus.map((entry) => entry.status)).toEqual([401, 401])
      for (const entry of multistatus) {
        expect(entry).toMatchObject({ errormessage: expect.stringContaining('Iterable rejected the API key') })
        expect(JSON.stringify(entry)).not.toContain(API_KEY)
      }
    })

    it('reports a network failure as retryable on each event of the request', async () => {
      api().post(SUBSCRIBE_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })

      const multistatus = await syncBatch([audienceEvent({ userId: 'user-1815', inAudience: true })])

      expect(multistatus).toEqual([
        {
          status: 503,
          errortype: 'SERVICE_UNAVAILABLE',
          errorreporter: 'DESTINATION',
          errormessage: expect.stringMatching(
            /^Could not reach Iterable \(ECONNRESET: .*socket hang up.*\); Segment will retry\.$/
          ),
          sent: { userId: 'user-1815' }
        }
      ])
    })

    it("splits a list's users into bodies of at most 4 MB, and refuses a user larger than that alone", async () => {
      // Three users of 1.5 MB of dataFields each: two fit in one body, the third goes in a second one.
      const traits = (size: number) => ({ notes: 'x'.repeat(size) })
      const mapping = {
        userId: { '@path': '$.userId' },
        segmentAudienceKey: { '@path': '$.context.personas.computation_key' },
        segmentAudienceId: { '@path': '$.context.personas.external_audience_id' },
        traitsOrProperties: { '@path': '$.traits' },
        dataFields: { '@path': '$.traits.profile' }
      }
      const events = [1.5, 1.5, 4.5, 1.5].map((megabytes, i) => {
        const event = audienceEvent({ userId: `u${i}`, inAudience: true })
        return { ...event, traits: { ...event.traits, profile: traits(megabytes * 1024 * 1024) } }
      })
      const bodies: { subscribers: { userId: string }[] }[] = []
      api()
        .post(SUBSCRIBE_PATH, (body: { subscribers: { userId: string }[] }) => bodies.push(body) > 0)
        .times(2)
        .reply(200, (_uri, body) => listAnswer((body as { subscribers: unknown[] }).subscribers.length))

      const multistatus = await syncBatch(events, userIdProject, { mapping, useDefaultMappings: false })

      expect(bodies.map((body) => body.subscribers.map((subscriber) => subscriber.userId))).toEqual([
        ['u0', 'u1'],
        ['u3']
      ])
      expect(multistatus.map((entry) => entry.status)).toEqual([200, 200, 400, 200])
      expect(multistatus[2]).toMatchObject({
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: expect.stringMatching(
          /^This event is \d+ bytes of JSON, over the 4000000 bytes Iterable takes in one request: send less in its dataFields\.$/
        )
      })
    })
  })
})

describe('syncAudience settings', () => {
  it('calls the US data center when no data center is set', async () => {
    const scope = nock(US).post(SUBSCRIBE_PATH).reply(200, listAnswer(1))

    await newTestDestination().testAction('syncAudience', {
      event: audienceEvent({ userId: 'user-1815', inAudience: true }),
      settings: { apiKey: API_KEY },
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
  })

  it("keeps upstream's US API root under CONSTANTS.API_BASE_URL, for upstream's tests", () => {
    expect(CONSTANTS.API_BASE_URL).toBe(`${US}/api`)
  })

  it('treats an unset project type as hybrid: either identifier, no preferUserId', async () => {
    const scope = nock(US)
      .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }] })
      .reply(200, listAnswer(1))

    await newTestDestination().testAction('syncAudience', {
      event: audienceEvent({ userId: 'user-1815', inAudience: true }),
      settings: { apiKey: API_KEY },
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
  })

  it('reads membership from the key the mapping names, so an audience other than the event default works', async () => {
    const scope = nock(US)
      .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ userId: 'user-1815' }] })
      .reply(200, listAnswer(1))
    const event = createTestEvent({
      type: 'identify',
      userId: 'user-1815',
      traits: { [AUDIENCE_KEY]: true, lapsed_buyers: false },
      context: { personas: { computation_key: 'lapsed_buyers', external_audience_id: String(LIST_ID) } }
    })

    await newTestDestination().testAction('syncAudience', {
      event,
      settings: { apiKey: API_KEY },
      useDefaultMappings: true
    })

    expect(scope.isDone()).toBe(true)
  })
})

describe('syncAudience for the rows of a Reverse ETL model', () => {
  // A model's rows arrive as track events named new, updated or deleted, the row's columns in properties; the mapping
  // names the static list by id. They carry no audience key (context.personas): the sync mode and the row say it all.
  const modelRow = (event: 'new' | 'updated' | 'deleted', userId: string) =>
    createTestEvent({ type: 'track', event, userId, properties: { email: `${userId}@example.com` } })
  const mapping = (syncMode: string) => ({
    __segment_internal_sync_mode: syncMode,
    segmentAudienceId: String(LIST_ID)
  })

  async function syncRows(events: ReturnType<typeof modelRow>[], syncMode: string) {
    const testDestination = newTestDestination()
    await testDestination.testBatchAction('syncAudience', {
      events,
      settings: { apiKey: API_KEY, iterableProjectType: 'hybrid' },
      mapping: mapping(syncMode),
      useDefaultMappings: true
    })
    return testDestination.results[0].multistatus ?? []
  }

  it('mirrors a model in a list: new and updated rows subscribe their users, deleted rows unsubscribe them', async () => {
    const subscribe = nock(US)
      .post(SUBSCRIBE_PATH, {
        listId: LIST_ID,
        subscribers: [
          { email: 'ada@example.com', userId: 'ada' },
          { email: 'alan@example.com', userId: 'alan' }
        ]
      })
      .reply(200, listAnswer(2))
    const unsubscribe = nock(US)
      .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'grace@example.com', userId: 'grace' }] })
      .reply(200, listAnswer(1))

    const multistatus = await syncRows(
      [modelRow('new', 'ada'), modelRow('deleted', 'grace'), modelRow('updated', 'alan')],
      'mirror'
    )

    expect(subscribe.isDone() && unsubscribe.isDone()).toBe(true)
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 200, 200])
  })

  it('refuses a row that does not fit the sync mode (a deleted row with Add), alone, and sends the others', async () => {
    const subscribe = nock(US)
      .post(SUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'ada@example.com', userId: 'ada' }] })
      .reply(200, listAnswer(1))

    const multistatus = await syncRows([modelRow('new', 'ada'), modelRow('deleted', 'grace')], 'add')

    expect(subscribe.isDone()).toBe(true)
    expect(multistatus.map((entry) => entry.status)).toEqual([200, 400])
    expect(multistatus[1]).toMatchObject({
      errormessage: expect.stringMatching(/^Nothing says whether this user enters or leaves the list/)
    })
  })

  it('unsubscribes the deleted rows with the delete sync mode', async () => {
    const unsubscribe = nock(US)
      .post(UNSUBSCRIBE_PATH, { listId: LIST_ID, subscribers: [{ email: 'grace@example.com', userId: 'grace' }] })
      .reply(200, listAnswer(1))

    const multistatus = await syncRows([modelRow('deleted', 'grace')], 'delete')

    expect(unsubscribe.isDone()).toBe(true)
    expect(multistatus.map((entry) => entry.status)).toEqual([200])
  })
})
