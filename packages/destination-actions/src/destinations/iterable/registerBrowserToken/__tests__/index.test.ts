import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import destination from '../../index'
import {
  acceptPost,
  actionUnderTest,
  expectNothingSent,
  failure,
  itSendsTheRequest,
  TIMESTAMP,
  US,
  present
} from '../../__tests__/__helpers__/support'

const PATH = '/api/users/registerBrowserToken'
const { run, bodySent } = actionUnderTest('registerBrowserToken', PATH)

const BROWSER_TOKEN = 'cZ1q3x-WebPush:APA91bGexample_browser_token_9876543210'

/** A web push opt-in, with the token the site got from Firebase Cloud Messaging in properties.browserToken. */
const webPushEnabled = (overrides: Partial<SegmentEvent> = {}) =>
  createTestEvent({
    type: 'track',
    event: 'Web Push Enabled',
    messageId: 'web-push-0001',
    timestamp: TIMESTAMP,
    userId: 'user-8812',
    properties: { browserToken: BROWSER_TOKEN },
    context: { traits: { email: 'jane.doe@example.com' } },
    ...overrides
  })

describe('Iterable registerBrowserToken', () => {
  describe('definition', () => {
    it('subscribes to track events that carry properties.browserToken', () => {
      const subscription = present(destination.actions.registerBrowserToken.defaultSubscription, 'defaultSubscription')
      expect(subscription).toBe('type = "track" and properties.browserToken exists')
      expect(validate(parseFql(subscription), webPushEnabled())).toBe(true)
      expect(validate(parseFql(subscription), webPushEnabled({ properties: {} }))).toBe(false)
    })

    it('requires the browser token, read from properties.browserToken by default', () => {
      expect(destination.actions.registerBrowserToken.fields.browserToken).toMatchObject({
        required: true,
        default: { '@path': '$.properties.browserToken' }
      })
    })
  })

  describe('request with default mappings', () => {
    itSendsTheRequest(
      'POSTs browserToken, email and userId to /api/users/registerBrowserToken with the Api-Key header',
      {
        run,
        path: PATH,
        event: () => webPushEnabled(),
        body: { email: 'jane.doe@example.com', userId: 'user-8812', browserToken: BROWSER_TOKEN }
      }
    )

    it('sends a token mapped from elsewhere in the event, and only the keys Iterable documents', async () => {
      const body = await bodySent(
        webPushEnabled({ properties: { fcm: { token: BROWSER_TOKEN }, permission: 'granted' } }),
        { mapping: { browserToken: { '@path': '$.properties.fcm.token' } } }
      )

      expect(body).toEqual({ email: 'jane.doe@example.com', userId: 'user-8812', browserToken: BROWSER_TOKEN })
    })

    it('identifies the user by userId alone when the event has no email', async () => {
      const body = await bodySent(webPushEnabled({ context: {} }))

      expect(body).toEqual({ userId: 'user-8812', browserToken: BROWSER_TOKEN })
    })
  })

  describe('validation: nothing is sent', () => {
    it.each([
      ['without a token', {}],
      ['with an empty token', { browserToken: '' }]
    ])('rejects an event %s, naming browserToken', async (_name: string, properties: SegmentEvent['properties']) => {
      const scope = acceptPost(PATH)

      await expect(run(webPushEnabled({ properties }))).rejects.toThrow("missing the required field 'browserToken'")

      expectNothingSent(scope)
    })

    it('rejects an event with neither email nor userId', async () => {
      const scope = acceptPost(PATH)

      await expect(run(webPushEnabled({ userId: undefined, anonymousId: 'anon-1', context: {} }))).rejects.toThrow(
        /email.*userId/
      )

      expectNothingSent(scope)
    })
  })

  it("fails with Iterable's 503, which Segment retries", async () => {
    nock(US).post(PATH).reply(503, 'Service Unavailable')

    await expect(failure(run(webPushEnabled()))).resolves.toMatchObject({ status: 503 })
  })
})
