import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'trackEvent'
const destinationSlug = 'Iterable'

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('builds the events/track body of a realistic track event with the default mappings', async () => {
    nock('https://api.iterable.com').post('/api/events/track').reply(200, { msg: '', code: 'Success', params: null })

    const event = createTestEvent({
      type: 'track',
      event: 'Trip Booked',
      messageId: 'ajs-next-1675629730000-2d6f9c44',
      timestamp: '2023-02-05T20:42:10.000Z',
      receivedAt: '2023-02-05T20:42:11.000Z',
      sentAt: '2023-02-05T20:42:10.500Z',
      userId: 'user-8812',
      anonymousId: 'anon-5c1a',
      properties: {
        email: 'jane.doe@example.com',
        destination: 'Lisbon',
        departsAt: '2023-03-01T06:00:00.000+02:00',
        returnsOn: '2023-03-08',
        travellers: 2,
        price: 412.5,
        campaignId: 123456,
        templateId: 789012,
        options: { insurance: true, seats: ['12A', '12B'] }
      },
      context: { traits: { email: 'jane.doe@example.com', plan: 'premium' } }
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
      eventName: 'Trip Booked',
      id: 'ajs-next-1675629730000-2d6f9c44',
      createdAt: 1675629730,
      campaignId: 123456,
      templateId: 789012,
      dataFields: {
        email: 'jane.doe@example.com',
        destination: 'Lisbon',
        departsAt: '2023-03-01 04:00:00 +00:00',
        returnsOn: '2023-03-08',
        travellers: 2,
        price: 412.5,
        campaignId: 123456,
        templateId: 789012,
        options: { insurance: true, seats: ['12A', '12B'] }
      }
    })
  })
})
