import { createTestEvent } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { RunningServer } from '../../../cli/src/lib/server'
import type { Emulator, ProjectType, RequestLogEntry } from '..'
import { itWithSpec, loadSpec, requestDefinition, specValidators } from './helpers'
import { iterableSchemaErrors } from './iterable/zod-schemas'
import { startServedStack } from './served-stack'

// End-to-end, the user lifecycle: push tokens, subscription preferences and Segment's deletion requests, through
// `serve` (the CLI's server running the Iterable destination) to the emulator over real HTTP on 127.0.0.1, then read
// back through the emulator's GET endpoints. Every body the destination sends is checked against the request schema
// of Iterable's client (`@iterable/api`) where it has one, against Iterable's Swagger spec otherwise (where this
// checkout has the spec).

const API_KEY = 'e2e-lifecycle-key-7c3e9a1f5b2d'
const SETTINGS = { apiKey: API_KEY }

interface Stack {
  emulator: Emulator
  serve: RunningServer
  /** Every request the emulator answered: method, path and status, as the emulator logged them. */
  requests: RequestLogEntry[]
}

const FORGOTTEN_EMAIL = 'forgotten@example.com'

/** Every raw answer serve gave and every line it logged, to look for the key in. */
const rawAnswers: string[] = []
const serveLog: string[] = []
/** Every request the destination made, as serve reports it, for the spec check at the end. */
type SentRequest = { url: string; method: string; body: string }
const sentRequests: SentRequest[] = []
/** The request schemas of Iterable's client, by route; it has none for push tokens or users/forget. */
const CLIENT_SCHEMAS: Record<string, string> = {
  '/api/users/update': 'UpdateUserParamsSchema',
  '/api/users/bulkUpdate': 'BulkUpdateUsersParamsSchema',
  '/api/users/updateEmail': 'UpdateEmailParamsSchema',
  '/api/users/updateSubscriptions': 'UpdateUserSubscriptionsParamsSchema',
  '/api/events/track': 'TrackEventParamsSchema',
  '/api/events/trackBulk': 'TrackBulkEventsParamsSchema'
}

async function startStack(projectType: ProjectType): Promise<Stack> {
  const requests: RequestLogEntry[] = []
  const { emulator, serve } = await startServedStack(
    { apiKey: API_KEY, projectType, forgottenEmails: [FORGOTTEN_EMAIL], log: (entry) => requests.push(entry) },
    { log: (line) => serveLog.push(line) }
  )
  return { emulator, serve, requests }
}

const stopStack = async (stack: Stack | undefined) =>
  Promise.allSettled([stack?.serve.close(), stack?.emulator.close()])

// serve.

interface ServeAnswer {
  status: number
  json: any
}

async function post(stack: Stack, route: string, body: unknown): Promise<ServeAnswer> {
  const response = await fetch(`${stack.serve.url}/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  rawAnswers.push(text)
  const json = JSON.parse(text)
  for (const item of Array.isArray(json) ? json : []) {
    for (const exchange of [item, ...(item.exchanges ?? [])]) {
      if (exchange?.request) sentRequests.push(exchange.request as SentRequest)
    }
  }
  return { status: response.status, json }
}

/** `POST /<action>` with `{ payload, settings, mapping? }`, as Segment sends an event (an array: a batch). */
const send = (
  stack: Stack,
  action: string,
  payload: SegmentEvent | SegmentEvent[],
  extra: { settings?: Record<string, unknown>; mapping?: Record<string, unknown> } = {}
) =>
  post(stack, action, {
    payload,
    settings: extra.settings ?? SETTINGS,
    ...(extra.mapping && { mapping: extra.mapping })
  })

/**
 * `POST /delete` with a deletion request as Segment's platform sends it (a userId and an anonymousId), with the
 * requests the emulator answered meanwhile, as "METHOD path status".
 */
async function deletion(stack: Stack, userId: string | undefined, settings: Record<string, unknown> = SETTINGS) {
  const start = stack.requests.length
  const answer = await post(stack, 'delete', { payload: { userId, anonymousId: 'anon-e2e-1' }, settings })
  const requests = stack.requests.slice(start).map(({ method, path, status }) => `${method} ${path} ${status}`)
  return { answer, requests }
}

const exchangesOf = (answer: ServeAnswer): any[] => answer.json.filter((item: any) => 'request' in item)
const failureOf = (answer: ServeAnswer): any => answer.json.find((item: any) => item.requestError === true)
const multistatusOf = (answer: ServeAnswer): any[] =>
  answer.json.find((item: any) => 'multistatus' in item)?.multistatus

// The emulator's read endpoints.

async function read(stack: Stack, path: string): Promise<any> {
  const response = await fetch(stack.emulator.url + path, { headers: { 'Api-Key': API_KEY } })
  expect(response.status).toBe(200)
  return response.json()
}
/** The profile of `userId`, or undefined when there is none (Iterable answers that 400, in plain text). */
async function userByUserId(stack: Stack, userId: string): Promise<any> {
  const response = await fetch(`${stack.emulator.url}/api/users/byUserId/${encodeURIComponent(userId)}`, {
    headers: { 'Api-Key': API_KEY }
  })
  const text = await response.text()
  if (response.status === 400 && text === 'No user with that id exists!') return undefined
  expect(response.status).toBe(200)
  return JSON.parse(text).user
}
const userByEmail = async (stack: Stack, email: string) =>
  (await read(stack, `/api/users/${encodeURIComponent(email)}`)).user

// Segment events.

const APNS_TOKEN = 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449'
const FCM_TOKEN = 'dGhpcyBpcyBhbiBGQ00gdG9rZW4:APA91bH-example_registration_token_0123456789'

const IOS_CONTEXT = {
  app: { name: 'Engine Shop', version: '3.2.1', build: '321', namespace: 'com.example.engineshop' },
  device: { id: 'B5372DB0-C21E-11E4', manufacturer: 'Apple', model: 'iPhone15,2', type: 'ios', token: APNS_TOKEN },
  os: { name: 'iOS', version: '17.4' },
  library: { name: 'analytics-swift', version: '1.5.11' }
}
const ANDROID_CONTEXT = {
  app: { name: 'Engine Shop', version: '3.2.1', build: '3210', namespace: 'com.example.engineshop' },
  device: { id: '9f4e7c1a2b3d4e5f', manufacturer: 'Google', model: 'Pixel 8', type: 'android', token: FCM_TOKEN },
  os: { name: 'Android', version: '14' },
  library: { name: 'analytics-kotlin', version: '1.16.3' }
}

function identify(userId: string, email: string): SegmentEvent {
  return createTestEvent({
    type: 'identify',
    messageId: `e2e-identify-${userId}`,
    userId,
    timestamp: '2024-03-14T09:00:00.000Z',
    traits: { email, firstName: 'Ada' }
  })
}

function appOpened(userId: string, context: JSONObject, messageId = `e2e-open-${userId}`): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event: 'Application Opened',
    messageId,
    userId,
    timestamp: '2024-03-14T09:05:00.000Z',
    properties: { from_background: false },
    context
  })
}

function track(event: string, userId: string, email: string | undefined, properties: JSONObject): SegmentEvent {
  return createTestEvent({
    type: 'track',
    event,
    messageId: `e2e-${event}-${userId}-${Object.keys(properties).join('-')}`,
    userId,
    timestamp: '2024-03-14T09:10:00.000Z',
    properties,
    context: { traits: email ? { email } : {} }
  })
}

describe('the user lifecycle through serve to the emulator (email-based project)', () => {
  let stack: Stack
  const USER_ID = 'user-2001'
  const EMAIL = 'grace@example.com'

  beforeAll(async () => {
    stack = await startStack('email')
  })
  afterAll(() => stopStack(stack))

  /** Iterable lists exist before a user can be on them: the ids the emulator gives three new lists. */
  let lists: number[]

  beforeAll(async () => {
    const created = await send(stack, 'updateUser', identify(USER_ID, EMAIL))
    expect(exchangesOf(created)[0].response.statusCode).toBe(200)
    lists = []
    for (const name of ['Newsletter', 'Product updates', 'Events']) {
      const response = await fetch(`${stack.emulator.url}/api/lists`, {
        method: 'POST',
        headers: { 'Api-Key': API_KEY, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name })
      })
      lists.push(((await response.json()) as { listId: number }).listId)
    }
  })

  describe('Register Push Token', () => {
    it('puts the iOS token on the profile’s devices, on APNS, with the device’s data', async () => {
      const answer = await send(stack, 'registerPushToken', appOpened(USER_ID, IOS_CONTEXT))

      const [{ request, response }] = exchangesOf(answer)
      expect(request).toMatchObject({ url: `${stack.emulator.url}/api/users/registerDeviceToken`, method: 'POST' })
      expect(request.headers['api-key']).toBe('<redacted>')
      expect(response.statusCode).toBe(200)
      const user = await userByUserId(stack, USER_ID)
      expect(user.dataFields.devices).toEqual([
        expect.objectContaining({
          token: APNS_TOKEN,
          platform: 'APNS',
          applicationName: 'com.example.engineshop',
          deviceId: 'B5372DB0-C21E-11E4',
          model: 'iPhone15,2',
          systemName: 'iOS',
          appVersion: '3.2.1'
        })
      ])
    })

    it('adds the Android token on GCM beside it, with the app name typed in the mapping', async () => {
      const answer = await send(stack, 'registerPushToken', appOpened(USER_ID, ANDROID_CONTEXT), {
        mapping: { applicationName: 'engine-shop-android' }
      })

      expect(exchangesOf(answer)[0].response.statusCode).toBe(200)
      const devices = (await userByUserId(stack, USER_ID)).dataFields.devices
      expect(devices.map((device: any) => [device.token, device.platform, device.applicationName])).toEqual([
        [APNS_TOKEN, 'APNS', 'com.example.engineshop'],
        [FCM_TOKEN, 'GCM', 'engine-shop-android']
      ])
    })

    it.each([
      ['without a token', { ...IOS_CONTEXT, device: { ...IOS_CONTEXT.device, token: undefined } }, /'token'/],
      ['with an unknown platform', { ...IOS_CONTEXT, os: { name: 'Windows', version: '11' } }, /platform "Windows"/]
    ])('refuses an event %s, naming the field, and sends nothing', async (_name, context, message) => {
      const before = (await userByUserId(stack, USER_ID)).dataFields.devices.length as number

      const answer = await send(stack, 'registerPushToken', appOpened(USER_ID, context as JSONObject, 'e2e-bad'))

      expect(exchangesOf(answer)).toEqual([])
      expect(failureOf(answer)).toMatchObject({ statusCode: 400 })
      expect(failureOf(answer).message).toMatch(message)
      expect((await userByUserId(stack, USER_ID)).dataFields.devices).toHaveLength(before)
    })

    it('puts a browser token on the profile’s browserTokens', async () => {
      const answer = await send(
        stack,
        'registerBrowserToken',
        track('Web Push Enabled', USER_ID, EMAIL, { browserToken: 'web-push-token-e2e-1' })
      )

      expect(exchangesOf(answer)[0].request.url).toBe(`${stack.emulator.url}/api/users/registerBrowserToken`)
      expect((await userByEmail(stack, EMAIL)).dataFields.browserTokens).toEqual(['web-push-token-e2e-1'])
    })
  })

  describe('Update Subscriptions', () => {
    it('sets the lists on the profile, then overwrites only the lists a later event has', async () => {
      const first = await send(
        stack,
        'updateSubscriptions',
        track('Subscriptions Updated', USER_ID, EMAIL, {
          emailListIds: [lists[0], lists[1]],
          unsubscribedChannelIds: [31]
        })
      )
      expect(exchangesOf(first)[0].response.statusCode).toBe(200)
      expect(await userByUserId(stack, USER_ID)).toMatchObject({
        dataFields: { emailListIds: [lists[0], lists[1]], unsubscribedChannelIds: [31] }
      })

      await send(
        stack,
        'updateSubscriptions',
        track('Subscriptions Updated', USER_ID, EMAIL, { unsubscribedMessageTypeIds: [4410] })
      )
      expect((await userByUserId(stack, USER_ID)).dataFields).toMatchObject({
        emailListIds: [lists[0], lists[1]],
        unsubscribedChannelIds: [31],
        unsubscribedMessageTypeIds: [4410]
      })
    })

    it('refuses non-numeric list ids, naming the field, and sends nothing', async () => {
      const answer = await send(
        stack,
        'updateSubscriptions',
        track('Subscriptions Updated', USER_ID, EMAIL, { emailListIds: ['newsletter'] })
      )

      expect(exchangesOf(answer)).toEqual([])
      expect(failureOf(answer).message).toBe('The value at /emailListIds/0 must be an integer but it was a string.')
      expect((await userByUserId(stack, USER_ID)).dataFields.emailListIds).toEqual([lists[0], lists[1]])
    })

    it('in a batch sends one bulkUpdateSubscriptions body and gives each event its own status', async () => {
      await send(stack, 'updateUser', identify('user-2002', 'alan@example.com'))
      const events = [
        track('Subscriptions Updated', USER_ID, EMAIL, { emailListIds: [lists[2]] }),
        track('Subscriptions Updated', 'user-2002', 'alan@example.com', { emailListIds: ['weekly'] }),
        track('Subscriptions Updated', 'user-2002', 'alan@example.com', { unsubscribedChannelIds: [32] }),
        track('Subscriptions Updated', 'user-2005', 'katherine@example.com', { emailListIds: [lists[0]] }),
        track('Subscriptions Updated', 'user-2006', FORGOTTEN_EMAIL, { emailListIds: [lists[0]] })
      ]

      const answer = await send(stack, 'updateSubscriptions', events)

      const exchanges = exchangesOf(answer)
      expect(exchanges).toHaveLength(1)
      expect(exchanges[0].request.url).toBe(`${stack.emulator.url}/api/users/bulkUpdateSubscriptions`)
      expect(JSON.parse(exchanges[0].request.body as string)).toEqual({
        updateSubscriptionsRequests: [
          { email: EMAIL, userId: USER_ID, emailListIds: [lists[2]] },
          { email: 'alan@example.com', userId: 'user-2002', unsubscribedChannelIds: [32] },
          { email: 'katherine@example.com', userId: 'user-2005', emailListIds: [lists[0]] },
          { email: FORGOTTEN_EMAIL, userId: 'user-2006', emailListIds: [lists[0]] }
        ]
      })
      const multistatus = multistatusOf(answer)
      expect(multistatus.map((entry: any) => entry.status)).toEqual([200, 400, 200, 200, 500])
      expect(multistatus[1].errormessage).toBe('The value at /emailListIds/0 must be an integer but it was a string.')
      // A user Iterable would not update (here one forgotten at their request) is named in validEmailFailures.
      expect(multistatus[4].errormessage).toMatch(/^Iterable listed this event's email in validEmailFailures/)
      expect((await userByUserId(stack, USER_ID)).dataFields.emailListIds).toEqual([lists[2]])
      expect((await userByUserId(stack, 'user-2002')).dataFields.unsubscribedChannelIds).toEqual([32])
      // Like users/update, a subscription update creates the user it names.
      expect((await userByEmail(stack, 'katherine@example.com')).dataFields.emailListIds).toEqual([lists[0]])
    })
  })

  describe('deletion (POST /delete)', () => {
    it('deletes the user by userId: the profile reads back empty', async () => {
      await send(stack, 'updateUser', identify('user-2003', 'linus@example.com'))
      expect(await userByUserId(stack, 'user-2003')).toBeDefined()

      const { answer, requests } = await deletion(stack, 'user-2003')

      expect(failureOf(answer)).toBeUndefined()
      expect(requests).toEqual(['DELETE /api/users/byUserId/user-2003 200'])
      expect(await userByUserId(stack, 'user-2003')).toBeUndefined()
      expect(await userByEmail(stack, 'linus@example.com')).toBeUndefined()
    })

    it('counts a user the emulator does not know as deleted', async () => {
      const { answer, requests } = await deletion(stack, 'user-never-seen')

      expect(requests).toEqual(['DELETE /api/users/byUserId/user-never-seen 400'])
      expect(failureOf(answer)).toBeUndefined()
    })

    it('forgets a user the emulator does not know: one lookup, no forget, no failure', async () => {
      const forget = { ...SETTINGS, deletionMode: 'forget', iterableProjectType: 'email' }

      const { answer, requests } = await deletion(stack, 'user-never-seen', forget)

      expect(requests).toEqual(['GET /api/users/byUserId/user-never-seen 400'])
      expect(failureOf(answer)).toBeUndefined()
    })

    it('refuses a request without a userId, naming it, and sends nothing', async () => {
      const { answer, requests } = await deletion(stack, undefined)

      expect(requests).toEqual([])
      expect(failureOf(answer)).toMatchObject({ statusCode: 400 })
      expect(failureOf(answer).message).toMatch(/^userId is required to delete a user in Iterable/)
    })

    it('forgets by email in an email-based project: looks the email up, then the user is gone and refused', async () => {
      await send(stack, 'updateUser', identify('user-2004', 'barbara@example.com'))

      const { answer, requests } = await deletion(stack, 'user-2004', {
        ...SETTINGS,
        deletionMode: 'forget',
        iterableProjectType: 'email'
      })

      expect(failureOf(answer)).toBeUndefined()
      expect(requests).toEqual(['GET /api/users/byUserId/user-2004 200', 'POST /api/users/forget 200'])
      expect(await userByEmail(stack, 'barbara@example.com')).toBeUndefined()
      // A forgotten user's data is refused from then on.
      const again = await send(stack, 'updateUser', identify('user-2004', 'barbara@example.com'))
      expect(failureOf(again)).toMatchObject({ code: 'ForgottenUserError' })
    })
  })
})

describe('deletion in a userID-based project', () => {
  let stack: Stack
  const settings = { ...SETTINGS, iterableProjectType: 'userId' }

  beforeAll(async () => {
    stack = await startStack('userId')
  })
  afterAll(() => stopStack(stack))

  it('deletes by userId, URL-encoded', async () => {
    await send(stack, 'updateUser', identify('team/ada 1', 'ada@example.com'), { settings })
    expect(await userByUserId(stack, 'team/ada 1')).toBeDefined()

    const { answer, requests } = await deletion(stack, 'team/ada 1', settings)

    expect(failureOf(answer)).toBeUndefined()
    expect(requests).toEqual(['DELETE /api/users/byUserId/team%2Fada%201 200'])
    expect(await userByUserId(stack, 'team/ada 1')).toBeUndefined()
  })

  it('forgets by userId with one request', async () => {
    await send(stack, 'updateUser', identify('user-3001', 'edsger@example.com'), { settings })

    const { answer, requests } = await deletion(stack, 'user-3001', { ...settings, deletionMode: 'forget' })

    expect(failureOf(answer)).toBeUndefined()
    expect(requests).toEqual(['POST /api/users/forget 200'])
    expect(await userByUserId(stack, 'user-3001')).toBeUndefined()
  })
})

describe('what serve showed', () => {
  it('never showed or logged the API key', () => {
    expect(rawAnswers.length).toBeGreaterThan(10)
    for (const text of [...rawAnswers, ...serveLog]) expect(text).not.toContain(API_KEY)
  })

  const withBody = () => sentRequests.filter((request) => request.method === 'POST')
  const routeOf = (request: SentRequest) => new URL(request.url).pathname

  it("sent bodies that Iterable's client accepts, with no top-level key its schema does not list", () => {
    const checked = withBody().filter((request) => routeOf(request) in CLIENT_SCHEMAS)
    expect(checked.length).toBeGreaterThan(5)
    const errors = iterableSchemaErrors(
      checked.map((request) => ({
        schema: CLIENT_SCHEMAS[routeOf(request)],
        value: JSON.parse(request.body),
        strict: true
      }))
    )
    expect(checked.flatMap((request, index) => errors[index].map((error) => `${routeOf(request)}: ${error}`))).toEqual(
      []
    )
  })

  const spec = loadSpec("e2e-lifecycle: the bodies Iterable's client has no schema for, against the Swagger spec")
  itWithSpec(spec)(
    'sent the bodies the client has no schema for (push tokens) exactly as Iterable’s spec documents them',
    () => {
      if (!spec) throw new Error('This test runs only with the spec')
      const errorsOf = specValidators(spec, { strict: true })
      const others = withBody().filter((request) => !(routeOf(request) in CLIENT_SCHEMAS))
      expect(others.map(routeOf)).toContain('/api/users/registerDeviceToken')
      const refused = others.flatMap((request) => {
        const route = routeOf(request)
        const errors = errorsOf(requestDefinition(spec, route), JSON.parse(request.body))
        return errors.length > 0 ? [`${route}: ${errors.join('; ')}`] : []
      })
      expect(refused).toEqual([])
    }
  )
})
