import nock from 'nock'
import { createTestEvent, IntegrationError, RetryableError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import destination from '../../index'
import type { Settings } from '../../generated-types'
import {
  acceptPost,
  actionUnderTest,
  deepFreeze,
  EU,
  EUROPE,
  expectNothingSent,
  failure,
  freshTestDestination,
  newTestDestination,
  itSendsTheRequest,
  settings,
  TIMESTAMP,
  US
} from '../../__tests__/__helpers__/support'
import type { Json } from '../../__tests__/__helpers__/support'

const PATH = '/api/users/updateSubscriptions'
const BULK_PATH = '/api/users/bulkUpdateSubscriptions'
const { run, bodySent } = actionUnderTest('updateSubscriptions', PATH)
const freshBatch = newTestDestination

const LISTS = [
  'emailListIds',
  'unsubscribedChannelIds',
  'unsubscribedMessageTypeIds',
  'subscribedMessageTypeIds'
] as const

/** A preference-center save: the lists as the site sends them in the event's properties. */
const subscriptionsUpdated = (properties: Record<string, unknown>, overrides: Partial<SegmentEvent> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Subscriptions Updated',
    messageId: 'subs-0001',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    properties: properties as SegmentEvent['properties'],
    context: { traits: { email: 'jane.doe@example.com' } },
    ...overrides
  })

const EVERY_KEY = {
  emailListIds: [1201, 1202],
  unsubscribedChannelIds: [31],
  unsubscribedMessageTypeIds: [4410, 4411],
  subscribedMessageTypeIds: [4420],
  campaignId: 660123,
  templateId: 881234
}

const JANE = { email: 'jane.doe@example.com', userId: 'user-8812' }

describe('Iterable updateSubscriptions', () => {
  describe('definition', () => {
    const { fields } = destination.actions.updateSubscriptions

    it.each(LISTS)(
      'declares %s as a list of integers that says Iterable overwrites it',
      (list: typeof LISTS[number]) => {
        expect(fields[list]).toMatchObject({ type: 'integer', multiple: true })
        expect(fields[list].required).toBeFalsy()
        expect(fields[list].description).toMatch(/Iterable replaces the whole list with this one/)
        expect(fields[list].description).toMatch(/left unmapped or absent from the event, the list is not sent/)
      }
    )

    it('subscribes to "Subscriptions Updated" track events by default', () => {
      expect(destination.actions.updateSubscriptions.defaultSubscription).toBe(
        'type = "track" and event = "Subscriptions Updated"'
      )
    })
  })

  describe('request with default mappings', () => {
    itSendsTheRequest('POSTs every mapped key to /api/users/updateSubscriptions with the Api-Key header', {
      run,
      path: PATH,
      event: () => subscriptionsUpdated({ ...EVERY_KEY, source: 'preference center' }),
      body: { ...JANE, ...EVERY_KEY }
    })

    it('sends only the lists the event has: an unmapped list is never sent, so Iterable keeps it', async () => {
      const body = await bodySent(subscriptionsUpdated({ unsubscribedChannelIds: [31] }))

      expect(body).toEqual({ ...JANE, unsubscribedChannelIds: [31] })
    })

    it('sends an empty list the event holds, which clears that list in Iterable', async () => {
      const body = await bodySent(subscriptionsUpdated({ emailListIds: [] }))

      expect(body).toEqual({ ...JANE, emailListIds: [] })
    })

    it('treats a null list as absent, as Iterable does', async () => {
      const body = await bodySent(subscriptionsUpdated({ emailListIds: null, unsubscribedChannelIds: [31] }))

      expect(body).toEqual({ ...JANE, unsubscribedChannelIds: [31] })
    })

    it('reads ids sent as numeric strings, and a single id, as lists of integers', async () => {
      const body = await bodySent(subscriptionsUpdated({ emailListIds: ['1201', 1202], unsubscribedChannelIds: 31 }))

      expect(body).toEqual({ ...JANE, emailListIds: [1201, 1202], unsubscribedChannelIds: [31] })
    })

    it('sends validateChannelAlignment when mapped', async () => {
      const body = await bodySent(subscriptionsUpdated({ subscribedMessageTypeIds: [4420] }), {
        mapping: { validateChannelAlignment: false }
      })

      expect(body).toEqual({ ...JANE, subscribedMessageTypeIds: [4420], validateChannelAlignment: false })
    })

    it('never sends enable_batching or batch_size, and does not change the event', async () => {
      const event = deepFreeze(subscriptionsUpdated({ emailListIds: [1201] }))

      const body = await bodySent(event, { mapping: { enable_batching: true, batch_size: 50 } })

      expect(body).toEqual({ ...JANE, emailListIds: [1201] })
    })
  })

  describe('validation: nothing is sent', () => {
    it.each([
      [
        'a word',
        { emailListIds: ['newsletter'] },
        'The value at /emailListIds/0 must be an integer but it was a string.'
      ],
      ['a fraction', { unsubscribedChannelIds: [31.5] }, 'The value at /unsubscribedChannelIds/0 must be an integer'],
      ['an object', { subscribedMessageTypeIds: [{ id: 4420 }] }, '/subscribedMessageTypeIds/0 must be an integer'],
      [
        'a word as campaignId',
        { emailListIds: [1], campaignId: 'spring' },
        'Campaign ID must be an integer but it was a string.'
      ]
    ])(
      'rejects %s where an id belongs, naming the field',
      async (_name: string, properties: Record<string, unknown>, message: string) => {
        const scope = acceptPost(PATH)

        await expect(run(subscriptionsUpdated(properties))).rejects.toThrow(message)

        expectNothingSent(scope)
      }
    )

    it('rejects an event with none of the four lists, naming them', async () => {
      const scope = acceptPost(PATH)

      const error = await failure(run(subscriptionsUpdated({ campaignId: 660123 })))

      expect(error.name).toBe('PayloadValidationError')
      expect(error.message).toBe(
        'Nothing to update: map at least one of emailListIds, unsubscribedChannelIds, unsubscribedMessageTypeIds, subscribedMessageTypeIds (an empty list is allowed, and clears it).'
      )
      expectNothingSent(scope)
    })

    it('rejects an event with neither email nor userId', async () => {
      const scope = acceptPost(PATH)

      await expect(
        run(subscriptionsUpdated({ emailListIds: [1] }, { userId: undefined, anonymousId: 'a-1', context: {} }))
      ).rejects.toThrow(/email.*userId/)

      expectNothingSent(scope)
    })
  })

  describe('Iterable Project Type', () => {
    it('refuses an event without a userId in a userID-based project, naming the setting, on both paths', async () => {
      const event = subscriptionsUpdated({ emailListIds: [1201] }, { userId: undefined, anonymousId: 'a-1' })
      const userIdProject = { ...settings, iterableProjectType: 'userId' } as Settings
      const scope = acceptPost(PATH)

      const error = await failure(run(event, { settings: userIdProject }))

      expect(error.message).toMatch(/^userId is required: the "Iterable Project Type" setting is UserID-based/)
      expectNothingSent(scope)

      const batch = freshBatch()
      await batch.testBatchAction('updateSubscriptions', {
        events: [event],
        settings: userIdProject,
        useDefaultMappings: true
      })
      expect(batch.results[0].multistatus).toEqual([
        expect.objectContaining({ status: 400, errormessage: error.message, errortype: 'PAYLOAD_VALIDATION_FAILED' })
      ])
    })
  })

  describe("Iterable's answers (single)", () => {
    it('reports a 400 (opt-in message types not enabled) as a non-retryable IntegrationError', async () => {
      nock(US)
        .post(PATH)
        .reply(400, { msg: 'Opt-in message types are not enabled for this project', code: 'BadParams' })

      const error = await failure(run(subscriptionsUpdated({ subscribedMessageTypeIds: [4420] })))

      expect(error).toBeInstanceOf(IntegrationError)
      expect(error).not.toBeInstanceOf(RetryableError)
      expect(error.message).toContain('Opt-in message types are not enabled for this project')
    })

    it("fails with Iterable's 500, which Segment retries", async () => {
      nock(US).post(PATH).reply(500, { msg: 'An unexpected error occurred', code: 'GenericError' })

      await expect(failure(run(subscriptionsUpdated({ emailListIds: [1] })))).resolves.toMatchObject({
        status: 500,
        code: 'GenericError'
      })
    })
  })

  describe('batch: users/bulkUpdateSubscriptions, one status per event', () => {
    const testDestination = freshTestDestination()

    const runBatch = async (events: SegmentEvent[], batchSettings: Settings = settings, mapping: Json = {}) => {
      await testDestination.testBatchAction('updateSubscriptions', {
        events,
        settings: batchSettings,
        useDefaultMappings: true,
        mapping
      })
      return testDestination.results[0].multistatus as Json[]
    }

    const person = (n: number, properties: Record<string, unknown>) =>
      subscriptionsUpdated(properties, {
        messageId: `subs-batch-${n}`,
        userId: `user-${n}`,
        context: { traits: { email: `person${n}@example.com` } }
      })

    const record = (n: number, lists: Record<string, unknown>) => ({
      email: `person${n}@example.com`,
      userId: `user-${n}`,
      ...lists
    })

    const BULK_SUCCESS = {
      successCount: 2,
      failCount: 0,
      invalidEmails: [],
      invalidUserIds: [],
      validEmailFailures: [],
      validUserIdFailures: []
    }

    it.each([
      ['the US', US, settings],
      ['Europe', EU, EUROPE]
    ])(
      'sends the valid events in one body to %s and reports each event',
      async (_name: string, base: string, batchSettings: Settings) => {
        const scope = nock(base)
          .post(BULK_PATH, {
            updateSubscriptionsRequests: [
              record(1, { emailListIds: [1201] }),
              record(3, { unsubscribedChannelIds: [31], campaignId: 660123 })
            ]
          })
          .reply(200, BULK_SUCCESS)

        const multistatus = await runBatch(
          [
            person(1, { emailListIds: [1201] }),
            person(2, { emailListIds: ['weekly'] }),
            person(3, { unsubscribedChannelIds: [31], campaignId: 660123 }),
            person(4, { source: 'no lists' })
          ],
          batchSettings
        )

        expect(scope.isDone()).toBe(true)
        expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 200, 400])
        expect(multistatus[0].sent).toEqual(record(1, { emailListIds: [1201] }))
        expect(multistatus[1].errormessage).toBe('The value at /emailListIds/0 must be an integer but it was a string.')
        expect(multistatus[3]).toMatchObject({ errortype: 'PAYLOAD_VALIDATION_FAILED' })
        expect(multistatus[3].errormessage).toMatch(/^Nothing to update: map at least one of emailListIds/)
      }
    )

    it('fails exactly the records Iterable names: invalid ones for good, internal failures for a retry', async () => {
      nock(US)
        .post(BULK_PATH)
        .reply(200, {
          successCount: 1,
          failCount: 3,
          invalidEmails: ['person2@example.com'],
          invalidUserIds: [],
          validEmailFailures: ['person3@example.com'],
          validUserIdFailures: ['user-4']
        })

      const multistatus = await runBatch([1, 2, 3, 4].map((n) => person(n, { emailListIds: [1201] })))

      expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 500, 500])
      expect(multistatus[1].errormessage).toBe(
        "Iterable listed this event's email in invalidEmails: the record was not accepted."
      )
      expect(multistatus[2].errormessage).toBe(
        "Iterable listed this event's email in validEmailFailures: Iterable did not update this valid record (an internal error, or a user it cannot update yet); Segment will retry."
      )
      expect(multistatus[3].errormessage).toMatch(/listed this event's userId in validUserIdFailures/)
    })

    it('gives every event a retryable 429 when Iterable rate-limits the bulk call (5 a second)', async () => {
      nock(US).post(BULK_PATH).reply(429, { msg: 'Rate limit exceeded', code: 'RateLimitExceeded' })

      const multistatus = await runBatch([1, 2].map((n) => person(n, { emailListIds: [1201] })))

      expect(multistatus.map((entry) => entry.status)).toEqual([429, 429])
    })

    it('sends a batch with no valid event nowhere', async () => {
      const scope = nock(US).post(BULK_PATH).reply(200, BULK_SUCCESS)

      const multistatus = await runBatch([person(1, { emailListIds: ['x'] }), person(2, {})])

      expect(multistatus.map((entry) => entry.status)).toEqual([400, 400])
      expectNothingSent(scope)
    })

    it('builds each bulk record exactly as the single path builds its body', async () => {
      const event = person(5, { ...EVERY_KEY })
      const single = await bodySent(event)
      nock(US).post(BULK_PATH).reply(200, BULK_SUCCESS)

      const multistatus = await runBatch([event])

      expect(multistatus[0].sent).toEqual(single)
      expect(single).toEqual(record(5, EVERY_KEY))
    })
  })
})
