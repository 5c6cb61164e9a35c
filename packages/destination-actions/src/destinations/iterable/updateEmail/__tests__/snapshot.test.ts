import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'updateEmail'
const destinationSlug = 'Iterable'

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('builds the users/updateEmail body of a realistic "Email Updated" event with the default mappings', async () => {
    nock('https://api.iterable.com')
      .post('/api/users/updateEmail')
      .reply(200, { msg: '', code: 'Success', params: null })

    const event = createTestEvent({
      type: 'track',
      event: 'Email Updated',
      messageId: 'ajs-next-1675629730000-9b7e0a31',
      timestamp: '2023-02-05T20:42:10.000Z',
      receivedAt: '2023-02-05T20:42:11.000Z',
      sentAt: '2023-02-05T20:42:10.500Z',
      userId: 'user-8812',
      anonymousId: 'anon-5c1a',
      properties: {
        previous_email: 'jane.doe@example.com',
        new_email: 'jane.smith@example.com',
        source: 'account settings'
      },
      context: { traits: { email: 'jane.doe@example.com' } }
    })

    const responses = await testDestination.testAction(actionSlug, {
      event,
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toEqual({
      currentEmail: 'jane.doe@example.com',
      currentUserId: 'user-8812',
      newEmail: 'jane.smith@example.com'
    })
  })
})
