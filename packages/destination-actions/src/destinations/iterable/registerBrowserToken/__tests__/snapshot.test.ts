import { createTestEvent } from '@segment/actions-core'
import { actionUnderTest, AS_DELIVERED, snapshotSuite, TIMESTAMP } from '../../__tests__/__helpers__/support'

const actionSlug = 'registerBrowserToken'
const { bodySent } = actionUnderTest(actionSlug, '/api/users/registerBrowserToken')

describe(snapshotSuite(actionSlug), () => {
  it('builds the users/registerBrowserToken body of a realistic web push opt-in event', async () => {
    const event = createTestEvent({
      ...AS_DELIVERED,
      type: 'track',
      event: 'Web Push Enabled',
      messageId: 'ajs-next-1675629730000-3c9d2e11',
      timestamp: TIMESTAMP,
      userId: 'user-8812',
      properties: {
        browserToken: 'cZ1q3x-WebPush:APA91bGexample_browser_token_9876543210',
        permission: 'granted'
      },
      context: { traits: { email: 'jane.doe@example.com' }, page: { url: 'https://www.example.com/account' } }
    })

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      email: 'jane.doe@example.com',
      userId: 'user-8812',
      browserToken: 'cZ1q3x-WebPush:APA91bGexample_browser_token_9876543210'
    })
  })
})
