import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'updateUser'
const destinationSlug = 'Iterable'

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('builds the users/update body of a realistic identify event with the default mappings', async () => {
    nock('https://api.iterable.com').post('/api/users/update').reply(200, { msg: '', code: 'Success', params: null })

    const event = createTestEvent({
      type: 'identify',
      messageId: 'ajs-next-1675629730000-4f8c1d2e',
      timestamp: '2023-02-05T20:42:10.000Z',
      receivedAt: '2023-02-05T20:42:11.000Z',
      sentAt: '2023-02-05T20:42:10.500Z',
      userId: 'user-8812',
      anonymousId: 'anon-5c1a',
      traits: {
        email: 'jane.doe@example.com',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '+14158675309',
        plan: 'premium',
        createdAt: '2021-07-14T09:30:00.000+02:00',
        birthday: '1990-04-12',
        address: { city: 'Lisbon', country: 'PT', postalCode: '1100-148' },
        interests: ['running', 'hiking']
      }
    })

    const responses = await testDestination.testAction(actionSlug, {
      event,
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toEqual({
      email: 'jane.doe@example.com',
      userId: 'user-8812',
      dataFields: {
        email: 'jane.doe@example.com',
        firstName: 'Jane',
        lastName: 'Doe',
        phone: '+14158675309',
        plan: 'premium',
        createdAt: '2021-07-14 07:30:00 +00:00',
        birthday: '1990-04-12',
        address: { city: 'Lisbon', country: 'PT', postalCode: '1100-148' },
        interests: ['running', 'hiking'],
        phoneNumber: '+14158675309'
      },
      mergeNestedObjects: false
    })
  })
})
