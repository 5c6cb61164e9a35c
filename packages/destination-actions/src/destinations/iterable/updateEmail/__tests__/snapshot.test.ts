import {
  actionUnderTest,
  AS_DELIVERED,
  emailUpdated,
  snapshotSuite,
  UPDATE_EMAIL_PATH
} from '../../__tests__/__helpers__/support'

const actionSlug = 'updateEmail'
const { bodySent } = actionUnderTest(actionSlug, UPDATE_EMAIL_PATH)

describe(snapshotSuite(actionSlug), () => {
  it('builds the users/updateEmail body of a realistic "Email Updated" event with the default mappings', async () => {
    const event = emailUpdated({
      ...AS_DELIVERED,
      messageId: 'ajs-next-1675629730000-9b7e0a31',
      properties: {
        previous_email: 'jane.doe@example.com',
        new_email: 'jane.smith@example.com',
        source: 'account settings'
      },
      context: { traits: { email: 'jane.doe@example.com' } }
    })

    const body = await bodySent(event)

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      currentEmail: 'jane.doe@example.com',
      currentUserId: 'user-8812',
      newEmail: 'jane.smith@example.com'
    })
  })
})
