import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { iterable } from '@local/destination-actions'
import { FIXTURE_API, fixtureDestination, serve, settle } from './fixtures'
import type { Served } from './fixtures'

const API_KEY = 'test-api-key-5f2b8c1e9a7d4e3f'
const ITERABLE = 'https://api.iterable.com'

/** An identify call as Segment sends it. */
const identify = createTestEvent({
  type: 'identify',
  userId: 'user-1234',
  anonymousId: 'anon-5678',
  traits: { email: 'jane.doe@example.com', firstName: 'Jane', plan: 'premium', phone: '+14158675309' }
})

describe('serve, with the Iterable destination', () => {
  let server: Served

  beforeAll(async () => {
    server = await serve({ load: () => iterable, directoryName: 'iterable' })
  })
  afterAll(() => server.close())

  it('listens on 127.0.0.1 on the port it was given (0: a free one)', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
  })

  it('GET /manifest answers the definition: settings, actions with their fields, presets', async () => {
    const { status, json } = await server.get('/manifest')
    expect(status).toBe(200)
    expect(json).toMatchObject({ name: 'Iterable (Actions)', slug: 'actions-iterable', mode: 'cloud' })
    expect(json.directoryName).toBe('iterable')
    expect(json.authentication.fields.apiKey).toMatchObject({ type: 'password', required: true })
    expect(Object.keys(json.actions as object)).toEqual(Object.keys(iterable.actions))
    expect(json.actions.updateUser.fields.email).toMatchObject({ type: 'string', format: 'email' })
    expect(json.presets).toHaveLength(iterable.presets?.length ?? 0)
  })

  it('POST /updateUser runs the action with its default mappings and answers the exchange, Api-Key redacted', async () => {
    const scope = nock(ITERABLE, { reqheaders: { 'api-key': API_KEY } })
      .post('/api/users/update', (body) => body.email === 'jane.doe@example.com' && body.userId === 'user-1234')
      .reply(200, { msg: '', code: 'Success', params: null })

    const { status, json } = await server.post('/updateUser', { payload: identify, settings: { apiKey: API_KEY } })

    expect(status).toBe(200)
    expect(scope.isDone()).toBe(true)
    expect(json).toHaveLength(1)
    const [{ request, response }] = json
    expect(request).toMatchObject({ url: `${ITERABLE}/api/users/update`, method: 'POST' })
    expect(request.headers['api-key']).toBe('<redacted>')
    expect(request.headers['content-type']).toBe('application/json')
    // As upstream: the body as the text that was sent.
    expect(typeof request.body).toBe('string')
    expect(JSON.parse(request.body as string)).toMatchObject({
      email: 'jane.doe@example.com',
      userId: 'user-1234',
      dataFields: expect.objectContaining({ firstName: 'Jane', plan: 'premium' })
    })
    expect(response).toMatchObject({ statusCode: 200, statusMessage: 'OK', body: { code: 'Success' } })
    expect(JSON.stringify(json)).not.toContain(API_KEY)
  })

  it('never shows the key, even when Iterable echoes it in an error, and answers the failure alone', async () => {
    nock(ITERABLE)
      .post('/api/users/update')
      .reply(401, { msg: `Invalid API key: ${API_KEY}`, code: 'BadApiKey', params: { key: API_KEY } })

    const { status, json } = await server.post('/updateUser', { payload: identify, settings: { apiKey: API_KEY } })

    expect(status).toBe(200)
    // Upstream's failure: [{statusCode, message, stack, fields, requestError}]; ours adds the exchanges made.
    expect(json).toHaveLength(1)
    expect(json[0]).toMatchObject({ statusCode: 401, requestError: true })
    expect(typeof json[0].message).toBe('string')
    expect(Array.isArray(json[0].stack)).toBe(true)
    expect(json[0].exchanges).toHaveLength(1)
    expect(json[0].exchanges[0].response).toMatchObject({ statusCode: 401, body: { code: 'BadApiKey' } })
    expect(json[0].exchanges[0].response.body.msg).toBe('Invalid API key: <redacted>')
    expect(JSON.stringify(json)).not.toContain(API_KEY)
    await settle()
    expect(server.logs.join('\n')).not.toContain(API_KEY)
  })

  it('answers a schema failure as a 400 request error naming the field', async () => {
    const { json } = await server.post('/trackEvent', {
      payload: { type: 'track', event: 'Signed Up', properties: {} },
      settings: { apiKey: API_KEY }
    })
    expect(json).toEqual([expect.objectContaining({ statusCode: 400, requestError: true })])
    expect(json[0].message).toMatch(/email|userId/)
  })

  it('answers missing settings as a request error, without calling Iterable', async () => {
    const { status, json } = await server.post('/updateUser', { payload: identify })
    expect(status).toBe(200)
    expect(json).toEqual([expect.objectContaining({ statusCode: 400, requestError: true })])
    expect(json[0].message).toMatch(/apiKey/)
  })

  it('redacts, in text made outside any request, the keys requests carried', async () => {
    nock(ITERABLE).post('/api/users/update').reply(200, { msg: '', code: 'Success' })
    await server.post('/updateUser', { payload: identify, settings: { apiKey: API_KEY } })

    expect(server.redact(`stray rejection: Api-Key ${API_KEY} refused`)).toBe(
      'stray rejection: Api-Key <redacted> refused'
    )
  })

  it('POST /authenticate answers {ok: true} when Iterable accepts the key', async () => {
    nock(ITERABLE, { reqheaders: { 'api-key': API_KEY } })
      .get('/api/webhooks')
      .reply(200, { webhooks: [] })
    const { status, json } = await server.post('/authenticate', { apiKey: API_KEY })
    expect(status).toBe(200)
    expect(json).toEqual({ ok: true })
  })

  it('POST /authenticate answers {ok: false, error, fields} when it refuses it, without the key', async () => {
    nock(ITERABLE)
      .get('/api/webhooks')
      .reply(401, { msg: `Bad key ${API_KEY}`, code: 'BadApiKey' })
    const { status, json } = await server.post('/authenticate', { apiKey: API_KEY })
    expect(status).toBe(200)
    expect(json).toEqual({ ok: false, error: expect.stringMatching(/API key/i), fields: {} })
    expect(JSON.stringify(json)).not.toContain(API_KEY)
  })

  it('sends the EU data center to api.eu.iterable.com', async () => {
    const scope = nock('https://api.eu.iterable.com').post('/api/users/update').reply(200, { code: 'Success' })
    const { json } = await server.post('/updateUser', {
      payload: identify,
      settings: { apiKey: API_KEY, dataCenterLocation: 'europe' }
    })
    expect(scope.isDone()).toBe(true)
    expect(json[0].request.url).toBe('https://api.eu.iterable.com/api/users/update')
  })

  it('logs one line per request: method, path, status, duration', async () => {
    server.logs.length = 0
    await server.get('/manifest')
    await server.post('/nope', {})
    await settle()
    expect(server.logs).toHaveLength(2)
    expect(server.logs[0]).toMatch(/^GET \/manifest 200 \d+ms$/)
    expect(server.logs[1]).toMatch(/^POST \/nope 404 \d+ms$/)
  })
})

describe('serve, bad requests', () => {
  let server: Served

  beforeAll(async () => {
    server = await serve({ load: () => iterable, directoryName: 'iterable' })
  })
  afterAll(() => server.close())

  it('answers 404 with the list of actions for an unknown action', async () => {
    const { status, json } = await server.post('/sendCarrierPigeon', { payload: identify })
    expect(status).toBe(404)
    expect(json.error).toMatch(/Unknown action "sendCarrierPigeon"/)
    expect(json.error).toContain('updateUser')
  })

  it('answers 400 for a body that is not JSON', async () => {
    const { status, json } = await server.post('/updateUser', '{"payload": {', { 'content-type': 'application/json' })
    expect(status).toBe(400)
    expect(json.error).toMatch(/not valid JSON/)
  })

  it('does not quote the body back when it is not JSON (it may hold a key)', async () => {
    const body = `{"settings": {"apiKey": ${API_KEY}}}`
    const { status, json } = await server.post('/updateUser', body)
    expect(status).toBe(400)
    expect(json.error).toBe('The body is not valid JSON (unexpected token).')
  })

  it('reads the body as JSON whatever its content type (curl -d sends form encoding)', async () => {
    nock(ITERABLE).post('/api/users/update').reply(200, { code: 'Success' })
    const { status, json } = await server.post(
      '/updateUser',
      JSON.stringify({ payload: identify, settings: { apiKey: API_KEY } }),
      { 'content-type': 'application/x-www-form-urlencoded' }
    )
    expect(status).toBe(200)
    expect(json[0].response.statusCode).toBe(200)
  })

  it('answers 413 for a body over 5 MB', async () => {
    const huge = { payload: { ...identify, traits: { blob: 'x'.repeat(6 * 1024 * 1024) } } }
    const { status, json } = await server.post('/updateUser', huge)
    expect(status).toBe(413)
    expect(json.error).toMatch(/larger than the 5mb limit/)
  })

  it.each([
    ['no payload', { settings: { apiKey: API_KEY } }, /needs "payload"/],
    ['a payload that is not an event', { payload: 'hello' }, /must be a Segment event object/],
    ['an empty batch', { payload: [] }, /empty array/],
    ['a batch with a non-object', { payload: [identify, 42] }, /payload\[1\]/],
    ['settings that are not an object', { payload: identify, settings: 'key' }, /"settings" must be a JSON object/],
    ['a mapping that is not an object', { payload: identify, mapping: [] }, /"mapping" must be a JSON object/]
  ])('answers 400 for %s', async (_case, body, message) => {
    const { status, json } = await server.post('/updateUser', body)
    expect(status).toBe(400)
    expect(json.error).toMatch(message)
  })

  it('answers 405 for GET on an action, 404 for an unknown route', async () => {
    expect((await server.get('/updateUser')).status).toBe(405)
    const { status, json } = await server.get('/nowhere/at/all')
    expect(status).toBe(404)
    expect(json.routes).toContain('GET /manifest')
  })

  it('is still up after all of them', async () => {
    expect((await server.get('/manifest')).status).toBe(200)
  })
})

describe('serve, batches', () => {
  let server: Served

  beforeAll(async () => {
    server = await serve({ load: () => fixtureDestination() })
  })
  afterAll(() => server.close())

  const events = [
    createTestEvent({ type: 'identify', traits: { email: 'ok@example.com', plan: 'pro' } }),
    createTestEvent({ type: 'identify', traits: { plan: 'no email' } }),
    createTestEvent({ type: 'identify', traits: { email: 'someone@rejected.test' } })
  ]

  it('an array payload runs performBatch and answers the exchange and each event status', async () => {
    const scope = nock(FIXTURE_API)
      .post('/api/users/bulkUpdate', {
        users: [{ email: 'ok@example.com', plan: 'pro' }, { email: 'someone@rejected.test' }]
      })
      .reply(200, { successCount: 1, failCount: 1 })

    const { status, json } = await server.post('/batched', { payload: events, settings: { apiKey: API_KEY } })

    expect(status).toBe(200)
    expect(scope.isDone()).toBe(true)
    // Upstream's answer (the exchanges); each carries the events' statuses, which a client for upstream ignores.
    expect(json).toHaveLength(1)
    expect(json[0].request.url).toBe(`${FIXTURE_API}/api/users/bulkUpdate`)
    expect(json[0].request.headers['api-key']).toBe('<redacted>')
    const { multistatus } = json[0]
    expect(multistatus).toHaveLength(3)
    expect(multistatus[0]).toMatchObject({ status: 200, sent: { email: 'ok@example.com' } })
    // Stopped by the framework's schema validation: it never reached performBatch.
    expect(multistatus[1]).toMatchObject({ status: 400, errortype: 'PAYLOAD_VALIDATION_FAILED' })
    expect(multistatus[1].errormessage).toMatch(/email/)
    expect(multistatus[2]).toMatchObject({ status: 400, errortype: 'BAD_REQUEST', errormessage: 'invalid email' })
    expect(JSON.stringify(json)).not.toContain(API_KEY)
  })

  it('answers the failure shape with each status when no event of the batch could be sent', async () => {
    const unsendable = [events[1], createTestEvent({ type: 'identify', traits: { email: 'not an email' } })]
    const { status, json } = await server.post('/batched', { payload: unsendable, settings: { apiKey: API_KEY } })
    expect(status).toBe(200)
    expect(json).toEqual([expect.objectContaining({ statusCode: 400, requestError: true })])
    expect(json[0].message).toMatch(/^No event of the batch was sent: event 0: .*email.*; event 1: /)
    expect(json[0].multistatus.map((entry: any) => entry.status)).toEqual([400, 400])
  })

  it('an array payload to an action without performBatch answers a clear 501 request error', async () => {
    const { status, json } = await server.post('/single', { payload: events, settings: { apiKey: API_KEY } })
    expect(status).toBe(200)
    expect(json).toEqual([expect.objectContaining({ statusCode: 501, requestError: true, code: 'NotImplemented' })])
    expect(json[0].message).toMatch(/single action has no batch support.*Send "payload" as one event object/)
  })
})

describe('serve, mappings', () => {
  let server: Served

  beforeAll(async () => {
    server = await serve({ load: () => fixtureDestination() })
  })
  afterAll(() => server.close())

  const event = createTestEvent({ type: 'identify', traits: { email: 'jane@example.com', plan: 'pro' } })
  const sent = async (body: Record<string, unknown>) => {
    let received: unknown
    nock(FIXTURE_API)
      .post('/api/users/update', (json) => {
        received = json
        return true
      })
      .reply(200, {})
    const { json } = await server.post('/single', { payload: event, settings: { apiKey: API_KEY }, ...body })
    expect(json[0].response.statusCode).toBe(200)
    return received
  }

  it("uses the action's default mappings when the request has none", async () => {
    expect(await sent({})).toEqual({ email: 'jane@example.com', plan: 'pro' })
  })

  it('lays the request mapping over the defaults', async () => {
    expect(await sent({ mapping: { plan: { '@literal': 'enterprise' } } })).toEqual({
      email: 'jane@example.com',
      plan: 'enterprise'
    })
  })

  it('runs the request mapping alone with useDefaultMappings: false', async () => {
    expect(await sent({ mapping: { email: { '@path': '$.traits.email' } }, useDefaultMappings: false })).toEqual({
      email: 'jane@example.com'
    })
  })
})

describe('serve, API URL redirects (--api-url)', () => {
  let server: Served
  const emulator = 'http://127.0.0.1:4010'

  beforeAll(async () => {
    server = await serve({
      load: () => iterable,
      apiUrls: { [ITERABLE]: emulator, 'https://api.eu.iterable.com': emulator }
    })
  })
  afterAll(() => server.close())

  it.each([
    ['united_states', undefined],
    ['europe', 'europe']
  ])('sends %s calls to the override, destination unchanged', async (_name, dataCenterLocation) => {
    const scope = nock(emulator).post('/api/users/update').reply(200, { code: 'Success' })
    const { json } = await server.post('/updateUser', {
      payload: identify,
      settings: { apiKey: API_KEY, ...(dataCenterLocation && { dataCenterLocation }) }
    })
    expect(scope.isDone()).toBe(true)
    expect(json[0].request.url).toBe(`${emulator}/api/users/update`)
    expect(json[0].request.headers['api-key']).toBe('<redacted>')
  })

  it('overrides the authentication test too', async () => {
    const scope = nock(emulator).get('/api/webhooks').reply(200, {})
    expect((await server.post('/authenticate', { apiKey: API_KEY })).json).toEqual({ ok: true })
    expect(scope.isDone()).toBe(true)
  })
})

describe('serve, reloading', () => {
  it('serves the reloaded definition on the same port, and keeps the last good one when loading fails', async () => {
    let version = 1
    const server = await serve({
      load: () => {
        if (version === 3) throw new SyntaxError('Unexpected token in index.ts')
        const definition = fixtureDestination()
        if (version === 2) definition.actions.extra = { ...definition.actions.single, title: 'Extra' }
        return definition
      }
    })
    try {
      const port = server.port
      expect((await server.post('/extra', { payload: {} })).status).toBe(404)

      version = 2
      expect(server.reload()).toBe(true)
      expect(server.port).toBe(port)
      nock(FIXTURE_API).post('/api/users/update').reply(200, {})
      const { status, json } = await server.post('/extra', {
        payload: createTestEvent({ type: 'identify', traits: { email: 'a@example.com' } }),
        settings: { apiKey: API_KEY }
      })
      expect(status).toBe(200)
      expect(json[0].response.statusCode).toBe(200)

      version = 3
      expect(server.reload()).toBe(false)
      expect(server.logs.some((line) => /reload failed.*Unexpected token/.test(line))).toBe(true)
      expect((await server.get('/manifest')).json.actions.extra).toBeDefined()
    } finally {
      await server.close()
    }
  })

  it('validates a reloaded action against its new fields', async () => {
    let required = false
    const server = await serve({
      load: () => {
        const definition = fixtureDestination()
        definition.actions.single.fields.plan.required = required
        return definition
      }
    })
    try {
      const body = {
        payload: createTestEvent({ type: 'identify', traits: { email: 'a@example.com' } }),
        settings: { apiKey: API_KEY }
      }
      nock(FIXTURE_API).post('/api/users/update').reply(200, {})
      expect((await server.post('/single', body)).json[0].response.statusCode).toBe(200)

      required = true
      server.reload()
      const { json } = await server.post('/single', body)
      expect(json).toEqual([expect.objectContaining({ statusCode: 400, requestError: true })])
      expect(json[0].message).toMatch(/plan/)
    } finally {
      await server.close()
    }
  })
})
