import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import {
  BULK_UPDATE,
  freshTestDestination,
  TRACK_BULK,
  TRACK_PATH,
  UPDATE_EMAIL_PATH,
  UPDATE_USER_PATH,
  US
} from './__helpers__/support'
import type { Json } from './__helpers__/support'

// The Iterable Project Type setting decides which identifier a request needs, how an email changes, and whether a
// userId alone may create a user. Unset, the destination sends what it sent before the setting existed (the other
// tests of this folder).

const testDestination = freshTestDestination()
const inProject = (iterableProjectType: Settings['iterableProjectType']): Settings => ({
  apiKey: 'test-api-key',
  iterableProjectType
})

/** Every request to Iterable's US host, with its path and JSON body, answered 200. */
function recordRequests() {
  const requests: { path: string; body: Json }[] = []
  nock(US)
    .persist()
    .post(/.*/)
    .reply((path, body) => {
      const json = body as Json
      requests.push({ path, body: json })
      const records = (json.users ?? json.events) as unknown[] | undefined
      return [200, records ? { successCount: records.length, failCount: 0 } : { msg: '', code: 'Success' }]
    })
  return requests
}

const identify = (traits: Json, userId: string | null = 'user-7') =>
  createTestEvent({ type: 'identify', userId, traits: traits as never })
const NEW_EMAIL = { newEmail: { '@path': '$.traits.newEmail' } }

describe('UserID-based projects', () => {
  const settings = inProject('userId')

  it.each([
    ['updateUser', identify({ email: 'ada@example.com' }, null)],
    ['trackEvent', createTestEvent({ type: 'track', userId: null, properties: { email: 'ada@example.com' } })]
  ])(
    'refuse %s without a userId, naming the setting, and send nothing',
    async (action: string, event: SegmentEvent) => {
      const requests = recordRequests()

      const attempt = testDestination.testAction(action, { event, settings, useDefaultMappings: true })

      await expect(attempt).rejects.toThrow(
        /^userId is required: the "Iterable Project Type" setting is UserID-based, and such projects find users by userId only/
      )
      expect(requests).toEqual([])
    }
  )

  it('give a batch event without a userId its own 400, and send the others', async () => {
    const requests = recordRequests()
    const events: SegmentEvent[] = [
      createTestEvent({ type: 'track', event: 'Played', userId: 'user-1' }),
      createTestEvent({ type: 'track', event: 'Played', userId: null, properties: { email: 'ada@example.com' } })
    ]

    await testDestination.testBatchAction('trackEvent', { events, settings, useDefaultMappings: true })
    const multistatus = testDestination.results[0].multistatus as Json[]

    expect(multistatus.map(({ status }) => status)).toEqual([200, 400])
    expect(multistatus[1].errormessage).toMatch(/"Iterable Project Type" setting is UserID-based/)
    expect(requests.map(({ path }) => path)).toEqual([TRACK_BULK])
    expect((requests[0].body.events as Json[]).map(({ userId }) => userId)).toEqual(['user-1'])
  })

  it('change an email with users/update by the userId, and no updateEmail call', async () => {
    const requests = recordRequests()

    await testDestination.testAction('updateEmail', {
      event: createTestEvent({
        type: 'track',
        event: 'Email Updated',
        userId: 'user-7',
        properties: { previous_email: 'ada@example.com', new_email: 'ada@analytical.example' }
      }),
      settings,
      useDefaultMappings: true
    })

    expect(requests).toEqual([
      { path: UPDATE_USER_PATH, body: { userId: 'user-7', dataFields: { email: 'ada@analytical.example' } } }
    ])
  })
})

describe('hybrid projects', () => {
  const settings = inProject('hybrid')

  it("set Upsert User's new email in the same users/update, found by userId alone", async () => {
    const requests = recordRequests()

    await testDestination.testAction('updateUser', {
      event: identify({ email: 'ada@example.com', newEmail: 'ada@analytical.example', plan: 'pro' }),
      settings,
      useDefaultMappings: true,
      mapping: NEW_EMAIL
    })

    expect(requests).toEqual([
      {
        path: UPDATE_USER_PATH,
        body: {
          userId: 'user-7',
          mergeNestedObjects: false,
          dataFields: { email: 'ada@analytical.example', newEmail: 'ada@analytical.example', plan: 'pro' }
        }
      }
    ])
  })

  it('refuse an email change without a userId, naming the setting, and send nothing', async () => {
    const requests = recordRequests()

    const attempt = testDestination.testAction('updateUser', {
      event: identify({ email: 'ada@example.com', newEmail: 'ada@analytical.example' }, null),
      settings,
      useDefaultMappings: true,
      mapping: NEW_EMAIL
    })

    await expect(attempt).rejects.toThrow(
      /^userId is required to change an email: the "Iterable Project Type" setting is Hybrid, and such projects change an email through users\/update/
    )
    expect(requests).toEqual([])
  })

  it('put a batched new email in dataFields.email of a record found by userId', async () => {
    const requests = recordRequests()

    await testDestination.testBatchAction('updateUser', {
      events: [identify({ email: 'ada@example.com', newEmail: 'ada@analytical.example' }), identify({}, 'user-8')],
      settings,
      useDefaultMappings: true,
      mapping: NEW_EMAIL
    })

    expect(requests.map(({ path }) => path)).toEqual([BULK_UPDATE])
    expect(requests[0].body.users).toEqual([
      {
        userId: 'user-7',
        mergeNestedObjects: false,
        dataFields: { email: 'ada@analytical.example', newEmail: 'ada@analytical.example' }
      },
      { userId: 'user-8', mergeNestedObjects: false, dataFields: {} }
    ])
  })

  it('send preferUserId only when the mapping sets it (Iterable ignores it outside email-based projects)', async () => {
    const requests = recordRequests()

    await testDestination.testAction('updateUser', { event: identify({}), settings, useDefaultMappings: true })

    expect(requests[0].body).not.toHaveProperty('preferUserId')
  })
})

describe('email-based projects', () => {
  const settings = inProject('email')

  it('create a user for a userId alone: preferUserId true, unless the mapping says otherwise', async () => {
    const requests = recordRequests()

    await testDestination.testAction('updateUser', { event: identify({}), settings, useDefaultMappings: true })
    await testDestination.testAction('updateUser', {
      event: identify({}),
      settings,
      useDefaultMappings: true,
      mapping: { preferUserId: false }
    })
    await testDestination.testAction('updateUser', {
      event: identify({ email: 'ada@example.com' }),
      settings,
      useDefaultMappings: true
    })

    expect(requests.map(({ body }) => body.preferUserId)).toEqual([true, false, undefined])
  })

  it('change a batched email alone through users/update then users/updateEmail; the rest go in bulk', async () => {
    const requests = recordRequests()
    const events = [
      identify({ email: 'ada@example.com', newEmail: 'ada@analytical.example' }),
      identify({ email: 'grace@example.com' }, 'user-8')
    ]

    await testDestination.testBatchAction('updateUser', {
      events,
      settings,
      useDefaultMappings: true,
      mapping: NEW_EMAIL
    })
    const multistatus = testDestination.results[0].multistatus as Json[]

    expect(multistatus.map(({ status }) => status)).toEqual([200, 200])
    expect(requests.map(({ path }) => path)).toEqual([UPDATE_USER_PATH, UPDATE_EMAIL_PATH, BULK_UPDATE])
    expect(requests[1].body).toEqual({
      currentEmail: 'ada@example.com',
      currentUserId: 'user-7',
      newEmail: 'ada@analytical.example'
    })
    expect((requests[2].body.users as Json[]).map(({ email }) => email)).toEqual(['grace@example.com'])
  })

  it('send events by email or userId as before', async () => {
    const requests = recordRequests()

    await testDestination.testAction('trackEvent', {
      event: createTestEvent({
        type: 'track',
        event: 'Played',
        userId: null,
        properties: { email: 'ada@example.com' }
      }),
      settings,
      useDefaultMappings: true
    })

    expect(requests).toEqual([{ path: TRACK_PATH, body: expect.objectContaining({ email: 'ada@example.com' }) }])
  })
})

describe("Iterable's refusals that mean the Iterable Project Type setting is wrong", () => {
  // As Iterable answers users/updateEmail in a hybrid or userID-based project, and a userId it does not know in an
  // email-based project.
  const UPDATE_EMAIL_REFUSED = {
    msg: 'updateEmail is for email-based projects; this project is hybrid.',
    code: 'BadParams',
    params: null
  }
  const UNKNOWN_USER_ID = {
    msg: 'Cannot update user with userId user-7. User does not exist.',
    code: 'BadParams',
    params: null
  }
  const SETTING_TO_HYBRID =
    'Iterable\'s users/updateEmail works in email-based projects only: if your project is hybrid or userID-based, set the "Iterable Project Type" setting to Hybrid or UserID-based, and the email changes through users/update with the userId.'

  it.each([
    ['not set', inProject(undefined)],
    ['Email-based', inProject('email')]
  ])(
    'name the setting when users/updateEmail is refused and the setting is %s',
    async (_setting: string, settings: Settings) => {
      nock(US).post(UPDATE_EMAIL_PATH).reply(400, UPDATE_EMAIL_REFUSED)
      const event = createTestEvent({
        type: 'track',
        event: 'Email Updated',
        userId: 'user-7',
        properties: { previous_email: 'ada@example.com', new_email: 'ada@analytical.example' }
      })

      const attempt = testDestination.testAction('updateEmail', { event, settings, useDefaultMappings: true })

      await expect(attempt).rejects.toThrow(
        `Iterable rejected the request as invalid (400 BadParams: updateEmail is for email-based projects; this project is hybrid). ${SETTING_TO_HYBRID}`
      )
    }
  )

  it('say, in a batch, that the profile was written when only the email change that followed failed', async () => {
    nock(US).post(UPDATE_USER_PATH).reply(200, { msg: '', code: 'Success', params: null })
    nock(US).post(UPDATE_EMAIL_PATH).reply(400, UPDATE_EMAIL_REFUSED)
    nock(US).post(BULK_UPDATE).reply(200, { successCount: 1, failCount: 0 })
    const events = [
      identify({ email: 'ada@example.com', newEmail: 'ada@analytical.example' }),
      identify({ email: 'grace@example.com' }, 'user-8')
    ]

    await testDestination.testBatchAction('updateUser', {
      events,
      settings: inProject('email'),
      useDefaultMappings: true,
      mapping: NEW_EMAIL
    })
    const multistatus = testDestination.results[0].multistatus as Json[]

    expect(multistatus.map(({ status }) => status)).toEqual([400, 200])
    expect(multistatus[0].errormessage).toBe(
      `The profile was updated (users/update), but the email change failed: Iterable rejected the request as invalid (400 BadParams: updateEmail is for email-based projects; this project is hybrid). ${SETTING_TO_HYBRID}`
    )
  })

  it('name the setting when Iterable does not know a userId sent alone and the setting is not Email-based', async () => {
    nock(US).post(UPDATE_USER_PATH).reply(400, UNKNOWN_USER_ID)

    const attempt = testDestination.testAction('updateUser', {
      event: identify({ plan: 'premium' }),
      settings: inProject(undefined),
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow(
      'Iterable rejected the request as invalid (400 BadParams: Cannot update user with userId user-7. User does not exist). No Iterable user has this userId, and the request had no email. If your project is email-based, set the "Iterable Project Type" setting to Email-based: Segment then sends preferUserId where Iterable takes it (Upsert User, the commerce actions, Register Push Token), so a userId alone creates the user. Otherwise map an email.'
    )
  })

  it('say nothing of the setting for the same refusal of a request that had an email', async () => {
    nock(US).post(UPDATE_USER_PATH).reply(400, UNKNOWN_USER_ID)

    const attempt = testDestination.testAction('updateUser', {
      event: identify({ email: 'ada@example.com' }),
      settings: inProject(undefined),
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow(/User does not exist\)\.$/)
  })
})
