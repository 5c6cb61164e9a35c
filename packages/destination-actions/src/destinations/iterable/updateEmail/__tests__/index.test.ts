import destination from '../../index'
import {
  acceptPost,
  actionUnderTest,
  emailUpdated,
  expectNothingSent,
  failure,
  itSendsTheRequest,
  UPDATE_EMAIL_PATH,
  sentBody
} from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('updateEmail', UPDATE_EMAIL_PATH)

/** What users/updateEmail receives for `emailUpdated()` with the default mappings. */
const EXPECTED_BODY = {
  currentEmail: 'jane.old@example.com',
  currentUserId: 'user-8812',
  newEmail: 'jane.new@example.com'
}

describe('Iterable updateEmail', () => {
  describe('definition', () => {
    it('subscribes by default to track events named "Email Updated"', () => {
      expect(destination.actions.updateEmail.defaultSubscription).toBe('type = "track" and event = "Email Updated"')
    })

    it('maps currentEmail from properties.previous_email, newEmail from properties.new_email and currentUserId from userId', () => {
      const { fields } = destination.actions.updateEmail
      expect(Object.keys(fields).sort()).toEqual(['currentEmail', 'currentUserId', 'newEmail'])
      expect(fields.currentEmail.default).toEqual({ '@path': '$.properties.previous_email' })
      expect(fields.newEmail.default).toEqual({ '@path': '$.properties.new_email' })
      expect(fields.currentUserId.default).toEqual({ '@path': '$.userId' })
      expect(fields.newEmail.required).toBe(true)
    })

    it('says in every field description that the call works in email-based projects only', () => {
      const { fields } = destination.actions.updateEmail
      for (const field of Object.values(fields)) {
        expect(field.description).toMatch(/email-based projects/)
      }
      expect(destination.actions.updateEmail.description).toMatch(/email-based projects/)
    })
  })

  describe('request with default mappings', () => {
    itSendsTheRequest(
      'POSTs currentEmail, currentUserId and newEmail to /api/users/updateEmail with the Api-Key header',
      {
        run,
        path: UPDATE_EMAIL_PATH,
        event: () => emailUpdated(),
        body: EXPECTED_BODY
      }
    )

    it('sends only the keys Iterable accepts, whatever else the event carries', async () => {
      const body = (await bodySent(
        emailUpdated({
          properties: {
            previous_email: 'jane.old@example.com',
            new_email: 'jane.new@example.com',
            email: 'jane.new@example.com',
            reason: 'typo',
            changedAt: '2023-02-05T20:42:10Z'
          },
          context: { traits: { email: 'jane.old@example.com', plan: 'premium' } }
        })
      )) as Record<string, unknown>

      expect(Object.keys(body).sort()).toEqual(['currentEmail', 'currentUserId', 'newEmail'])
      expect(body).toEqual(EXPECTED_BODY)
    })

    it('identifies the user by currentEmail alone when the event has no userId', async () => {
      const expected = { currentEmail: 'jane.old@example.com', newEmail: 'jane.new@example.com' }
      acceptPost(UPDATE_EMAIL_PATH, { body: expected })

      const responses = await run(emailUpdated({ userId: undefined, anonymousId: 'anon-77' }))

      expect(sentBody(responses[0])).toEqual(expected)
    })

    it('identifies the user by currentUserId alone when the event has no previous email', async () => {
      const expected = { currentUserId: 'user-8812', newEmail: 'jane.new@example.com' }
      acceptPost(UPDATE_EMAIL_PATH, { body: expected })

      const responses = await run(emailUpdated({ properties: { new_email: 'jane.new@example.com' } }))

      expect(sentBody(responses[0])).toEqual(expected)
    })
  })

  describe('validation', () => {
    it.each([
      [
        'rejects an event without a new email, and sends nothing',
        { previous_email: 'jane.old@example.com' },
        "missing the required field 'newEmail'"
      ],
      [
        'rejects a new email that is not an email address, and sends nothing',
        { previous_email: 'jane.old@example.com', new_email: 'jane at example' },
        'New Email Address must be a valid email address'
      ],
      [
        'rejects a current email that is not an email address, and sends nothing',
        { previous_email: 'not-an-email', new_email: 'jane.new@example.com' },
        'Current Email Address must be a valid email address'
      ]
    ])('%s', async (_name: string, properties: Record<string, unknown>, message: string) => {
      const scope = acceptPost(UPDATE_EMAIL_PATH)

      await expect(run(emailUpdated({ properties }))).rejects.toThrow(message)

      expectNothingSent(scope)
    })

    it('rejects an event with neither currentEmail nor currentUserId, naming both, and sends nothing', async () => {
      const scope = acceptPost(UPDATE_EMAIL_PATH)

      const error = await failure(
        run(emailUpdated({ userId: undefined, properties: { new_email: 'jane.new@example.com' } }))
      )

      expect(error).toBeInstanceOf(Error)
      expect(error.message).toContain("'currentEmail'")
      expect(error.message).toContain("'currentUserId'")
      expectNothingSent(scope)
    })

    it('rejects a blank currentUserId as a PayloadValidationError naming it, and sends nothing', async () => {
      const scope = acceptPost(UPDATE_EMAIL_PATH)

      const error = await failure(
        run(emailUpdated({ properties: { new_email: 'jane.new@example.com' } }), {
          mapping: { currentUserId: '   ' }
        })
      )

      expect(error).toMatchObject({ name: 'PayloadValidationError', status: 400 })
      // The field key exactly as the user sees it in this action's mapping.
      expect(error.message).toMatch(/^currentUserId is blank/)

      expectNothingSent(scope)
    })
  })

  // Iterable's error answers (409 EmailAlreadyExists, 400 InvalidEmailAddressError, 401 among them) are tested for
  // every action in ../../__tests__/errors.test.ts.

  describe('payload immutability', () => {
    it('leaves the event it was given unchanged', async () => {
      acceptPost(UPDATE_EMAIL_PATH)

      const event = emailUpdated()
      const before = JSON.parse(JSON.stringify(event))

      await run(event)

      expect(event).toEqual(before)
    })
  })
})
