import { createTestEvent } from '@segment/actions-core'
import { actionUnderTest, AS_DELIVERED, snapshotSuite, TIMESTAMP } from '../../__tests__/__helpers__/support'

const actionSlug = 'updateSubscriptions'
const { bodySent } = actionUnderTest(actionSlug, '/api/users/updateSubscriptions')

describe(snapshotSuite(actionSlug), () => {
  it('builds the users/updateSubscriptions body of a realistic preference-center save', async () => {
    const event = createTestEvent({
      ...AS_DELIVERED,
      type: 'track',
      event: 'Subscriptions Updated',
      messageId: 'ajs-next-1675629730000-7f3a9c20',
      timestamp: TIMESTAMP,
      userId: 'user-8812',
      properties: {
        emailListIds: [1201, 1202],
        unsubscribedChannelIds: [31],
        unsubscribedMessageTypeIds: [4410],
        campaignId: 660123,
        source: 'preference center'
      },
      context: { traits: { email: 'jane.doe@example.com' }, page: { url: 'https://www.example.com/preferences' } }
    })

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      email: 'jane.doe@example.com',
      userId: 'user-8812',
      emailListIds: [1201, 1202],
      unsubscribedChannelIds: [31],
      unsubscribedMessageTypeIds: [4410],
      campaignId: 660123
    })
  })
})
