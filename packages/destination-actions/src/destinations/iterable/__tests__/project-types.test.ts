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
