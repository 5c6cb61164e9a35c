import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { defaultSamples, labelOf, samplesByAction } from '../samples'
import { profileUrl } from '../tester'
import { FIXTURE_API, fixtureDestination, serve } from './fixtures'
import type { Served } from './fixtures'

// The routes behind the local tester page (the page itself is tested in Chromium: src/tester/__tests__).

const API_KEY = 'tester-test-key-3c7a9e1f5b2d'
const LOCAL_API = 'http://127.0.0.1:4999'

const identify = createTestEvent({ type: 'identify', userId: 'user-7', traits: { email: 'grace@example.com' } })
const track = createTestEvent({ type: 'track', event: 'Order Completed', userId: 'user-7', properties: {} })

describe('samples', () => {
  it('offers each action the samples its defaultSubscription matches, or all when none match', () => {
    const definition = fixtureDestination()
    definition.actions.batched.defaultSubscription = 'type = "track" and event = "Order Completed"'
    definition.actions.single.defaultSubscription = 'type = "alias"'
    const byAction = samplesByAction(definition, [identify, track])
    expect(byAction.batched.map((sample) => sample.label)).toEqual(['track "Order Completed"'])
    expect(byAction.single.map((sample) => sample.label)).toEqual(['identify', 'track "Order Completed"'])
  })

  it('names a sample by its type, and the event or page name', () => {
    expect(defaultSamples().map(labelOf)).toEqual([
      'identify',
      'track "Signed Up"',
      'page "Pricing"',
      'screen "Home"',
      'group'
    ])
  })
})

describe('profileUrl', () => {
  const templates = ['https://api.example.com/users/{email}', 'https://api.example.com/users/byUserId/{userId}']

  it('fills the first template the event has values for, URL-encoded', () => {
    expect(profileUrl(templates, identify)).toBe('https://api.example.com/users/grace%40example.com')
    expect(profileUrl(templates, track)).toBe('https://api.example.com/users/byUserId/user-7')
    expect(profileUrl(templates, createTestEvent({ type: 'track', userId: null, anonymousId: 'a' }))).toBeUndefined()
  })
})

describe('the tester routes', () => {
  let server: Served
  beforeAll(async () => {
    server = await serve({
      load: () => fixtureDestination(),
      apiUrls: { [FIXTURE_API]: LOCAL_API },
      tester: {
        samples: [identify, track],
        settings: { apiKey: 'demo-key' },
        profileUrls: [`${FIXTURE_API}/api/users/{email}`],
        apiUrls: { [FIXTURE_API]: LOCAL_API }
      }
    })
  })
  afterAll(() => server.close())

  it('GET /_tester/config gives each action its default mapping, batch support and samples', async () => {
    const { status, json } = await server.get('/_tester/config')
    expect(status).toBe(200)
    expect(json).toMatchObject({ name: 'Fixture', settings: { apiKey: 'demo-key' }, canReadProfiles: true })
    expect(json.actions.single).toEqual({
      batch: false,
      defaultMapping: { email: { '@path': '$.traits.email' }, plan: { '@path': '$.traits.plan' } }
    })
    expect(json.actions.batched.batch).toBe(true)
    expect(json.samples.single).toEqual([{ label: 'identify', event: identify }])
  })

  it('POST /_tester/map answers the mapped payload of each event', async () => {
    const mapping = { email: { '@path': '$.traits.email' }, plan: { '@literal': 'pro' } }
    const one = await server.post('/_tester/map', { payload: identify, mapping })
    expect(one.json).toEqual({ payloads: [{ email: 'grace@example.com', plan: 'pro' }] })
    const batch = await server.post('/_tester/map', { payload: [identify, track], mapping })
    expect(batch.json.payloads).toEqual([{ email: 'grace@example.com', plan: 'pro' }, { plan: 'pro' }])
  })

  it('POST /_tester/profiles reads each user back with the destination headers, redirected, key redacted', async () => {
    const scope = nock(LOCAL_API, { reqheaders: { 'api-key': API_KEY } })
      .get('/api/users/grace%40example.com')
      .reply(200, { user: { email: 'grace@example.com', echoedKey: API_KEY } })
    const { status, json } = await server.post('/_tester/profiles', {
      payload: [identify, { ...identify, messageId: 'again' }, track],
      settings: { apiKey: API_KEY }
    })
    expect(status).toBe(200)
    expect(scope.isDone()).toBe(true)
    // One read per user; the track event has no email, and the only template needs one.
    expect(json.profiles).toEqual([
      {
        url: `${LOCAL_API}/api/users/grace%40example.com`,
        statusCode: 200,
        body: { user: { email: 'grace@example.com', echoedKey: '<redacted>' } }
      }
    ])
  })
})
