import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { normalizeBaseUrl } from '../../../cli/src/lib/api-base-url'
import { BASE_URLS } from '../../../destination-actions/src/destinations/iterable/iterable-api'
import { loadDestination, resolveDestinationDir } from '../../../cli/src/lib/destinations'
import { startServer } from '../../../cli/src/lib/server'
import type { RunningServer } from '../../../cli/src/lib/server'
import { startEmulator } from '..'
import type { Emulator, EmulatorOptions } from '..'

// End-to-end: an Engage audience through `serve` (running the iterable-audiences destination as Segment runs it) to
// the emulator, over real HTTP on 127.0.0.1, then read back through the emulator's list endpoints. One emulator per
// data center, each behind its real origin in serve's --api-url map: a call that went to the wrong data center would
// find no list there.

const API_KEY = 'e2e-audiences-key-7c3d9e1f5a2b'

let us: Emulator
let eu: Emulator
let serve: RunningServer
/** Every raw answer serve gave and every line it logged, to look for the key in. */
const rawAnswers: string[] = []
const serveLog: string[] = []

beforeAll(async () => {
  // Every option explicit: nothing of the environment (EMULATOR_RATE_LIMITS, EMULATOR_ERROR_RATE, ...) leaks in.
  // Iterable offers email-based projects in the US data center only: the EU project is hybrid.
  const options: EmulatorOptions = {
    port: 0,
    host: '127.0.0.1',
    apiKey: API_KEY,
    rateLimits: false,
    faults: {},
    createNewFields: true,
    forgottenEmails: [],
    forgottenUserIds: []
  }
  us = await startEmulator({ ...options, projectType: 'email' })
  eu = await startEmulator({ ...options, projectType: 'hybrid' })
  // As `serve --destination iterable-audiences --api-url <origin>=<emulator>` starts it.
  const dir = resolveDestinationDir('iterable-audiences')
  serve = await startServer({
    load: () => loadDestination(dir),
    directoryName: 'iterable-audiences',
    apiUrls: {
      [BASE_URLS.united_states]: normalizeBaseUrl(us.url),
      [BASE_URLS.europe]: normalizeBaseUrl(eu.url)
    },
    log: (line) => serveLog.push(line),
    port: 0,
    host: '127.0.0.1'
  })
})

afterAll(async () => {
  await Promise.allSettled([serve?.close(), us?.close(), eu?.close()])
})

// serve.

interface ServeAnswer {
  status: number
  json: any
}

async function post(route: string, body: Record<string, unknown>): Promise<ServeAnswer> {
  const response = await fetch(`${serve.url}/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  rawAnswers.push(text)
  return { status: response.status, json: JSON.parse(text) }
}

/** The HTTP exchanges of an action's answer, request bodies parsed from their text. */
const exchangesOf = (answer: ServeAnswer): any[] =>
  answer.json
    .flatMap((item: any) => item.exchanges ?? ('request' in item ? [item] : []))
    .map((item: any) => ({
      ...item,
      request: { ...item.request, body: JSON.parse((item.request.body as string) || 'null') }
    }))
const multistatusOf = (answer: ServeAnswer): any[] =>
  answer.json.find((item: any) => 'multistatus' in item)?.multistatus

// The emulator's read endpoints.

async function read(emulator: Emulator, path: string): Promise<Response> {
  const response = await fetch(emulator.url + path, { headers: { 'Api-Key': API_KEY } })
  expect(response.status).toBe(200)
  return response
}
const listsIn = async (emulator: Emulator): Promise<{ id: number; name: string }[]> =>
  (await (await read(emulator, '/api/lists')).json()).lists
/** `GET /api/lists/getUsers`: one user per line. */
async function listUsers(emulator: Emulator, listId: string, preferUserId = false): Promise<string[]> {
  const text = await (await read(emulator, `/api/lists/getUsers?listId=${listId}&preferUserId=${preferUserId}`)).text()
  return text
    .split('\n')
    .filter((line) => line !== '')
    .sort()
}

// Engage's events.

interface Member {
  userId?: string
  email?: string
}

/** The identify Engage sends when a user enters or leaves an audience: the audience key in the traits. */
function membershipIdentify(audienceKey: string, listId: string, user: Member, inAudience: boolean): SegmentEvent {
  return createTestEvent({
    type: 'identify',
    userId: user.userId,
    traits: { ...(user.email && { email: user.email }), [audienceKey]: inAudience },
    context: personasContext(audienceKey, listId)
  })
}

/** The track Engage sends instead when the audience is connected with track events. */
function membershipTrack(audienceKey: string, listId: string, user: Member, inAudience: boolean): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event: inAudience ? 'Audience Entered' : 'Audience Exited',
    userId: user.userId,
    traits: undefined,
    properties: { audience_key: audienceKey, ...(user.email && { email: user.email }), [audienceKey]: inAudience },
    context: personasContext(audienceKey, listId)
  })
}

const personasContext = (audienceKey: string, listId: string) => ({
  library: { name: 'unknown', version: 'unknown' },
  personas: {
    computation_class: 'audience',
    computation_id: `aud_${audienceKey}`,
    computation_key: audienceKey,
    external_audience_id: listId,
    namespace: 'spa_9vQm3cXkT2fJ8rLwZp5N',
    space_id: 'spa_9vQm3cXkT2fJ8rLwZp5N'
  }
})

const DATA_CENTERS = [
  {
    dataCenterLocation: 'united_states',
    iterableProjectType: 'email',
    emulator: () => us,
    other: () => eu
  },
  {
    dataCenterLocation: 'europe',
    iterableProjectType: 'hybrid',
    emulator: () => eu,
    other: () => us
  }
] as const

describe.each(DATA_CENTERS)(
  'an Engage audience synced to an Iterable list in $dataCenterLocation ($iterableProjectType project)',
  ({ dataCenterLocation, iterableProjectType, emulator, other }) => {
    const settings = { apiKey: API_KEY, dataCenterLocation, iterableProjectType }
    const audienceKey = `vip_shoppers_${dataCenterLocation}`
    const personas = { computation_key: audienceKey, computation_id: `aud_${audienceKey}`, namespace: 'spa_e2e' }
    const ada = { userId: 'user-1815', email: 'ada@example.com' }
    const grace = { userId: 'user-1906', email: 'grace@example.com' }
    const alan = { userId: 'user-1912', email: 'alan@example.com' }
    let listId: string

    it('createAudience creates the list named after the audience key, in this data center only', async () => {
      const created = await post('createAudience', { settings, audienceName: 'VIP shoppers', personas })

      expect(created.status).toBe(200)
      expect(created.json).toEqual({ externalId: expect.stringMatching(/^\d+$/) })
      listId = created.json.externalId
      expect((await listsIn(emulator())).filter((list) => list.name === audienceKey)).toEqual([
        expect.objectContaining({ id: Number(listId), name: audienceKey })
      ])
      expect((await listsIn(other())).some((list) => list.name === audienceKey)).toBe(false)
    })

    it('createAudience again (a retry) finds the list instead of creating a second one', async () => {
      const again = await post('createAudience', { settings, audienceName: 'VIP shoppers', personas })

      expect(again.json).toEqual({ externalId: listId })
      expect((await listsIn(emulator())).filter((list) => list.name === audienceKey)).toHaveLength(1)
    })

    it('getAudience confirms the list exists', async () => {
      const found = await post('getAudience', { settings, externalId: listId })

      expect(found.status).toBe(200)
      expect(found.json).toEqual({ externalId: listId })
    })

    it('three users enter (a batch): one subscribe request, a 200 for each user', async () => {
      const answer = await post('syncAudience', {
        settings,
        payload: [ada, grace, alan].map((user) => membershipIdentify(audienceKey, listId, user, true))
      })

      expect(answer.status).toBe(200)
      const exchanges = exchangesOf(answer)
      expect(exchanges).toHaveLength(1)
      expect(exchanges[0].request.url).toBe(`${emulator().url}/api/lists/subscribe`)
      expect(exchanges[0].request.body).toEqual({ listId: Number(listId), subscribers: [ada, grace, alan] })
      expect(exchanges[0].response.statusCode).toBe(200)
      expect(multistatusOf(answer).map((entry) => [entry.status, entry.sent])).toEqual([
        [200, ada],
        [200, grace],
        [200, alan]
      ])
      expect(await listUsers(emulator(), listId)).toEqual([alan.email, ada.email, grace.email].sort())
    })

    it('one user exits (a single track event): one unsubscribe request', async () => {
      const answer = await post('syncAudience', {
        settings,
        payload: membershipTrack(audienceKey, listId, grace, false)
      })

      expect(answer.status).toBe(200)
      const exchanges = exchangesOf(answer)
      expect(exchanges).toHaveLength(1)
      expect(exchanges[0].request.url).toBe(`${emulator().url}/api/lists/unsubscribe`)
      expect(exchanges[0].request.body).toEqual({ listId: Number(listId), subscribers: [grace] })
      expect(exchanges[0].response.statusCode).toBe(200)
    })

    it("the list's users read back: the two who stayed", async () => {
      expect(await listUsers(emulator(), listId)).toEqual([ada.email, alan.email])
      expect(await listUsers(emulator(), listId, true)).toEqual([ada.userId, alan.userId])
    })

    it('a batch with bad users gives each its own status; the good ones still land', async () => {
      const nobody = {}
      const malformed = { email: 'not-an-email' }
      const edsger = { email: 'edsger@example.com' }
      const answer = await post('syncAudience', {
        settings,
        payload: [
          membershipIdentify(audienceKey, listId, edsger, true),
          membershipIdentify(audienceKey, listId, nobody, true),
          membershipIdentify(audienceKey, listId, malformed, true),
          membershipIdentify(audienceKey, 'not-a-list-id', edsger, true)
        ]
      })

      const multistatus = multistatusOf(answer)
      expect(multistatus.map((entry) => entry.status)).toEqual([200, 400, 400, 400])
      expect(multistatus[1].errormessage).toBe(
        'Either Email or User ID is required: Iterable identifies users by one of them. Map "Email" to the user\'s email address or "User ID" to their user ID.'
      )
      expect(multistatus[2].errormessage).toContain('failedUpdates.invalidEmails')
      expect(multistatus[3].errormessage).toContain('Invalid or missing Segment Audience ID')
      // Only the list's users went to Iterable, in one request.
      const exchanges = exchangesOf(answer)
      expect(exchanges.map((exchange) => exchange.request.body)).toEqual([
        { listId: Number(listId), subscribers: [edsger, malformed] }
      ])
      expect(await listUsers(emulator(), listId)).toEqual([ada.email, alan.email, edsger.email].sort())
    })

    it('getAudience says so when the list was deleted in Iterable', async () => {
      const deleted = await fetch(`${emulator().url}/api/lists/${listId}`, {
        method: 'DELETE',
        headers: { 'Api-Key': API_KEY }
      })
      expect(deleted.status).toBe(200)

      const found = await post('getAudience', { settings, externalId: listId })

      expect(found.status).toBe(404)
      expect(found.json).toEqual({
        ok: false,
        error: expect.stringContaining(`Audience with ID ${listId} not found in Iterable`),
        code: 'AUDIENCE_NOT_FOUND'
      })
    })
  }
)

describe('secrets', () => {
  it('serve never showed the API key, in an answer or a log line', () => {
    expect(rawAnswers).toHaveLength(14)
    for (const raw of rawAnswers) expect(raw).not.toContain(API_KEY)
    for (const line of serveLog) expect(line).not.toContain(API_KEY)
  })
})
