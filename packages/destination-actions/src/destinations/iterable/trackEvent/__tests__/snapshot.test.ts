import {
  actionUnderTest,
  AS_DELIVERED,
  productViewed,
  snapshotSuite,
  TRACK_PATH
} from '../../__tests__/__helpers__/support'

const actionSlug = 'trackEvent'
const { bodySent } = actionUnderTest(actionSlug, TRACK_PATH)

describe(snapshotSuite(actionSlug), () => {
  it('builds the events/track body of a realistic track event with the default mappings', async () => {
    const event = productViewed({
      ...AS_DELIVERED,
      event: 'Trip Booked',
      messageId: 'ajs-next-1675629730000-2d6f9c44',
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

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
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
