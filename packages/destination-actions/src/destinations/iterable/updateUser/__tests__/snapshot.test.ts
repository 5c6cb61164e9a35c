import {
  actionUnderTest,
  AS_DELIVERED,
  identify,
  snapshotSuite,
  UPDATE_USER_PATH
} from '../../__tests__/__helpers__/support'

const actionSlug = 'updateUser'
const { bodySent } = actionUnderTest(actionSlug, UPDATE_USER_PATH)

describe(snapshotSuite(actionSlug), () => {
  it('builds the users/update body of a realistic identify event with the default mappings', async () => {
    const event = identify({
      ...AS_DELIVERED,
      messageId: 'ajs-next-1675629730000-4f8c1d2e',
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

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
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
