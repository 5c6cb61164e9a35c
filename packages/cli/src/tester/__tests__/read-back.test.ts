import path from 'path'
import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { AUDIENCE_KEY, LIST_ID } from '../../../../../scripts/audience-sample-events'
import { loadDestination, resolveDestinationDir } from '../../lib/destinations'
import { labelOf, loadSamples, samplesByAction } from '../../lib/samples'
import { followEmailChanges, readBackUrls, subjectsOfBody } from '../../lib/tester'
import { FIXTURE_API, fixtureDestination, serve } from '../../lib/__tests__/fixtures'
import type { Served } from '../../lib/__tests__/fixtures'

// What the tester page reads back after a send (the users and lists the requests were about, as they are after
// them), and the samples of the audience destination (scripts/audience-sample-events.ts).

const API = 'https://api.example.com'
const TEMPLATES = [`${API}/lists/{listId}/users`, `${API}/users/{email}`, `${API}/users/byUserId/{userId}`]
const urlsOf = (sent: { body: unknown; accepted: boolean }[]) =>
  readBackUrls(TEMPLATES, followEmailChanges(sent.flatMap(({ body, accepted }) => subjectsOfBody(body, accepted))))

describe('the read-back of a send', () => {
  it('follows an email change the API accepted to the new address; a refused one leaves the current one', () => {
    const change = { currentEmail: 'ada@example.com', currentUserId: 'user-1815', newEmail: 'ada.l@example.com' }
    expect(urlsOf([{ body: JSON.stringify(change), accepted: true }])).toEqual([`${API}/users/ada.l%40example.com`])
    expect(urlsOf([{ body: change, accepted: false }])).toEqual([`${API}/users/ada%40example.com`])
    // Hybrid and userID-based projects: users/update with the userId and the new email in dataFields.
    const byUserId = { userId: 'user-1815', dataFields: { email: 'ada.l@example.com' } }
    expect(urlsOf([{ body: byUserId, accepted: true }])).toEqual([`${API}/users/ada.l%40example.com`])
    expect(urlsOf([{ body: byUserId, accepted: false }])).toEqual([`${API}/users/byUserId/user-1815`])
  })

  it('reads a user whose profile was written, then whose email changed, once, at the new address', () => {
    const profile = { email: 'ada@example.com', userId: 'user-1815', dataFields: { email: 'ada@example.com' } }
    const change = { currentEmail: 'ada@example.com', newEmail: 'ada.l@example.com' }
    const sent = [
      { body: profile, accepted: true },
      { body: change, accepted: true }
    ]
    expect(urlsOf(sent)).toEqual([`${API}/users/ada.l%40example.com`])
  })

  it("reads by userId where there is no email; an event's dataFields are not its user's", () => {
    const events = {
      events: [
        { userId: 'user-7', eventName: 'Signed Up', dataFields: { email: 'someone.else@example.com' } },
        { email: 'grace@example.com', eventName: 'Signed Up', dataFields: { email: 'x@example.com' } }
      ]
    }
    expect(urlsOf([{ body: events, accepted: true }])).toEqual([
      `${API}/users/byUserId/user-7`,
      `${API}/users/grace%40example.com`
    ])
  })

  it("reads a list's users once, and each subscriber", () => {
    const subscribe = { listId: 100001, subscribers: [{ email: 'ada@example.com' }, { userId: 'user-1912' }] }
    expect(urlsOf([{ body: subscribe, accepted: true }])).toEqual([
      `${API}/lists/100001/users`,
      `${API}/users/ada%40example.com`,
      `${API}/users/byUserId/user-1912`
    ])
  })

  it('reads nothing for a body that names no one, or is not JSON', () => {
    expect(urlsOf([{ body: 'not json', accepted: true }])).toEqual([])
    expect(urlsOf([{ body: { campaignId: 3 }, accepted: true }])).toEqual([])
  })

  describe('POST /_tester/profiles', () => {
    const LOCAL_API = 'http://127.0.0.1:4998'
    const identify = createTestEvent({ type: 'identify', userId: 'user-7', traits: { email: 'grace@example.com' } })
    let server: Served
    beforeAll(async () => {
      server = await serve({
        load: () => fixtureDestination(),
        apiUrls: { [FIXTURE_API]: LOCAL_API },
        tester: {
          samples: [identify],
          profileUrls: [`${FIXTURE_API}/api/users/{email}`],
          apiUrls: { [FIXTURE_API]: LOCAL_API }
        }
      })
    })
    afterAll(() => server.close())

    it('reads nothing when nothing was sent', async () => {
      const { status, json } = await server.post('/_tester/profiles', { payload: identify, settings: {}, sent: [] })
      expect(status).toBe(200)
      expect(json).toEqual({ profiles: [] })
    })

    it('reads the user the request was about, not the one the event names', async () => {
      const scope = nock(LOCAL_API)
        .get('/api/users/grace.h%40example.com')
        .reply(200, { user: { found: true } })
      const sent = [{ body: JSON.stringify({ currentEmail: 'grace@example.com', newEmail: 'grace.h@example.com' }) }]
      const { json } = await server.post('/_tester/profiles', {
        payload: identify,
        settings: {},
        sent: sent.map((item) => ({ ...item, accepted: true }))
      })
      expect(scope.isDone()).toBe(true)
      expect(json.profiles).toEqual([
        { url: `${LOCAL_API}/api/users/grace.h%40example.com`, statusCode: 200, body: { user: { found: true } } }
      ])
    })

    it('says the destination is no audience destination', async () => {
      expect((await server.get('/_tester/config')).json.audience).toBeNull()
    })
  })
})

describe('the audience samples (scripts/audience-sample-events.ts)', () => {
  const samples = loadSamples(path.join(__dirname, '../../../../../scripts/audience-sample-events.ts'))

  it("are Engage's events: an audience's key and list id in context.personas, the membership under the key", () => {
    const events = samples.flat()
    expect(events.length).toBeGreaterThanOrEqual(8)
    for (const event of events) {
      expect(event.context?.personas).toMatchObject({
        computation_class: 'audience',
        computation_key: AUDIENCE_KEY,
        external_audience_id: LIST_ID
      })
      const holder = event.type === 'identify' ? event.traits : event.properties
      expect(typeof holder?.[AUDIENCE_KEY]).toBe('boolean')
    }
  })

  it('are named by who enters or leaves the audience; a batch by its size and kinds', () => {
    expect(samples.map(labelOf)).toEqual([
      'identify: ada@example.com enters vip_customers',
      'identify: ada@example.com leaves vip_customers',
      'track "Audience Entered": grace@example.com enters vip_customers',
      'track "Audience Exited": grace@example.com leaves vip_customers',
      'batch of 4 events (identify, track "Audience Entered")'
    ])
  })

  it('are all offered to syncAudience, the batch only to an action with a batch path', () => {
    const audiences = loadDestination(resolveDestinationDir('iterable-audiences'))
    expect(samplesByAction(audiences, samples).syncAudience).toHaveLength(5)
    const fixture = fixtureDestination()
    fixture.actions.single.defaultSubscription = 'type = "identify" or type = "track"'
    fixture.actions.batched.defaultSubscription = 'type = "identify" or type = "track"'
    const byAction = samplesByAction(fixture, samples)
    expect(byAction.single.map((sample) => Array.isArray(sample.event))).not.toContain(true)
    expect(byAction.batched.filter((sample) => Array.isArray(sample.event))).toHaveLength(1)
  })

  it('make serve offer the audience panel: the destination creates and finds lists', async () => {
    const server = await serve({
      load: () => loadDestination(resolveDestinationDir('iterable-audiences')),
      tester: { samples }
    })
    try {
      expect((await server.get('/_tester/config')).json.audience).toEqual({ create: true, get: true })
    } finally {
      await server.close()
    }
  })
})
