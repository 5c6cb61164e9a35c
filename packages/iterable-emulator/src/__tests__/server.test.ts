import http from 'node:http'
import { faultsFromEnv, optionsFromEnv } from '../config'
import { MAX_BODY_BYTES, startEmulator } from '../server'
import type { Emulator } from '../server'
import type { RequestLogEntry } from '../store'
import { fakeDateOnly, request, useEmulator } from './helpers'

// The HTTP layer: authentication, routes, body size, rate limits, admin routes, fault injection.

describe('authentication and routes', () => {
  const client = useEmulator()

  it('listens on 127.0.0.1 by default', () => {
    expect(client.emulator.host).toBe('127.0.0.1')
    expect(client.emulator.url).toBe(`http://127.0.0.1:${client.emulator.port}`)
  })

  it.each([
    ['no key', {}],
    ['a wrong key', { 'Api-Key': 'wrong' }],
    ['a key of another length', { 'Api-Key': 'test-key-but-longer' }]
  ])('answers 401 BadApiKey to %s, on every endpoint', async (_case, headers) => {
    for (const [method, path] of [
      ['GET', '/api/webhooks'],
      ['POST', '/api/users/update'],
      ['GET', '/api/users/ada@example.com']
    ]) {
      const reply = await request(client.emulator.url + path, {
        method,
        headers,
        ...(method === 'POST' && { body: '{"email":"ada@example.com"}' })
      })
      expect(reply).toMatchObject({ status: 401, body: { msg: 'Invalid API key', code: 'BadApiKey', params: null } })
    }
    expect(client.emulator.store.users.size).toBe(0)
  })

  it('accepts the key in the Api-Key header (any case) and in the api_key query parameter', async () => {
    expect(await client.get('/api/webhooks')).toMatchObject({ status: 200, body: { webhooks: [] } })
    const lower = await request(`${client.emulator.url}/api/webhooks`, {
      method: 'GET',
      headers: { 'api-key': 'test-key' }
    })
    expect(lower.status).toBe(200)
    const query = await request(`${client.emulator.url}/api/webhooks?api_key=test-key`, { method: 'GET' })
    expect(query.status).toBe(200)
  })

  it("answers a route it does not serve with a 404 page, as Iterable's web framework does", async () => {
    const missing = await client.get('/api/templates')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/)
    expect(missing.body).toContain('<title>Action not found</title>')
    // GET /api/users/update is the read of the user whose email is "update": a malformed address.
    expect(await client.get('/api/users/update')).toMatchObject({
      status: 400,
      body: { code: 'InvalidEmailAddressError' }
    })
    expect(await client.post('/api/webhooks', {})).toMatchObject({ status: 404 })
  })

  it(`refuses bodies over ${MAX_BODY_BYTES} bytes with 413 BatchTooLarge, and takes one just under`, async () => {
    const record = { email: 'ada@example.com', dataFields: { note: 'x'.repeat(1000) } }
    const users = Array.from({ length: 3700 }, (_, index) => ({ ...record, email: `user${index}@example.com` }))
    const under = JSON.stringify({ users })
    expect(Buffer.byteLength(under)).toBeLessThan(MAX_BODY_BYTES)
    const accepted = await client.raw('POST', '/api/users/bulkUpdate', under)
    expect(accepted).toMatchObject({ status: 200, body: { successCount: 3700, failCount: 0 } })

    const over = under.slice(0, -2) + ' '.repeat(MAX_BODY_BYTES - Buffer.byteLength(under) + 1) + ']}'
    expect(Buffer.byteLength(over)).toBe(MAX_BODY_BYTES + 1)
    client.emulator.reset()
    const refused = await client.raw('POST', '/api/users/bulkUpdate', over)
    expect(refused).toMatchObject({
      status: 413,
      body: { code: 'BatchTooLarge', msg: expect.stringContaining(`${MAX_BODY_BYTES}`), params: null }
    })
    expect(client.emulator.store.users.size).toBe(0)
    // The connection stays usable.
    expect((await client.get('/api/webhooks')).status).toBe(200)
  })

  it('refuses a chunked body (no Content-Length) once it goes over the limit', async () => {
    const { hostname, port } = new URL(client.emulator.url)
    const reply = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(
        { hostname, port, method: 'POST', path: '/api/events/trackBulk', headers: { 'Api-Key': 'test-key' } },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
        }
      )
      req.on('error', reject)
      req.write('{"events":[')
      const event = JSON.stringify({
        email: 'ada@example.com',
        eventName: 'A',
        dataFields: { pad: 'x'.repeat(10_000) }
      })
      for (let i = 0; i < 401; i++) req.write((i > 0 ? ',' : '') + event)
      req.end(']}')
    })
    expect(reply).toMatchObject({ status: 413, body: { code: 'BatchTooLarge' } })
    expect(client.emulator.store.events.size).toBe(0)
  })

  it('never records the API key: request logs and the state hold paths without query strings', async () => {
    await request(`${client.emulator.url}/api/webhooks?api_key=test-key`, { method: 'GET' })
    const state = await client.get('/_emulator/state')
    expect(state.body.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/webhooks', status: 200 })
    ])
    expect(JSON.stringify(state.body)).not.toContain('test-key')
  })
})

describe('admin routes', () => {
  const client = useEmulator()

  it('GET /_emulator/state dumps users, events, field types and settings; POST /_emulator/reset empties them', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { age: 36 } })
    await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'Viewed' })
    const state = await client.get('/_emulator/state')
    expect(state.status).toBe(200)
    expect(state.body).toMatchObject({
      users: [expect.objectContaining({ email: 'ada@example.com' })],
      events: [expect.objectContaining({ eventName: 'Viewed' })],
      fieldTypes: { user: expect.objectContaining({ age: 'long', email: 'string' }) },
      faults: {},
      rateLimits: {},
      project: { projectId: 12345, createNewFields: true }
    })
    // Admin routes need no key.
    const reset = await request(`${client.emulator.url}/_emulator/reset`, { method: 'POST' })
    expect(reset).toMatchObject({ status: 200, body: { code: 'Success' } })
    const after = await client.get('/_emulator/state')
    expect(after.body).toMatchObject({ users: [], events: [], requests: [] })
    expect(after.body.fieldTypes.user).not.toHaveProperty('age')
  })

  it('GET and POST /_emulator/faults read and replace the faults; bad ones are refused', async () => {
    const set = await client.post('/_emulator/faults', { latencyMs: 5, errorRate: 0.5, seed: 7 })
    expect(set).toMatchObject({ status: 200, body: { latencyMs: 5, errorRate: 0.5, seed: 7 } })
    expect((await client.get('/_emulator/faults')).body).toEqual({ latencyMs: 5, errorRate: 0.5, seed: 7 })
    expect(client.emulator.faults()).toEqual({ latencyMs: 5, errorRate: 0.5, seed: 7 })
    const bad = await client.post('/_emulator/faults', { errorRate: 2, sometimes: true })
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 'BadParams', params: { 'obj.errorRate': expect.any(String) } }
    })
    expect((await client.post('/_emulator/faults', {})).body).toEqual({})
    expect(await client.get('/_emulator/nothing')).toMatchObject({ status: 404 })
  })
})

describe('rate limits', () => {
  let emulator: Emulator
  const START = new Date('2024-05-01T12:00:00Z')
  beforeEach(() => {
    fakeDateOnly(START)
  })
  afterEach(async () => {
    jest.useRealTimers()
    await emulator?.close()
  })

  const bulkUpdate = () =>
    request(`${emulator.url}/api/users/bulkUpdate`, {
      method: 'POST',
      headers: { 'Api-Key': emulator.apiKey },
      body: JSON.stringify({ users: [{ email: 'ada@example.com' }] })
    })

  it('are on by default: a 6th bulkUpdate in the same second is answered 429 RateLimitExceeded', async () => {
    emulator = await startEmulator({ faults: {} })
    const replies = await Promise.all(Array.from({ length: 6 }, bulkUpdate))
    const statuses = replies.map((reply) => reply.status).sort()
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    expect(replies.find((reply) => reply.status === 429)).toMatchObject({
      body: { code: 'RateLimitExceeded', params: null, msg: expect.stringContaining('5 requests per second') }
    })
    // The bucket refills: one more request is accepted a fifth of a second later, not before.
    expect((await bulkUpdate()).status).toBe(429)
    jest.setSystemTime(START.getTime() + 200)
    expect((await bulkUpdate()).status).toBe(200)
  })

  it('follow the spec per endpoint: trackBulk takes 10 per second', async () => {
    emulator = await startEmulator({ faults: {} })
    const trackBulk = () =>
      request(`${emulator.url}/api/events/trackBulk`, {
        method: 'POST',
        headers: { 'Api-Key': emulator.apiKey },
        body: JSON.stringify({ events: [{ email: 'ada@example.com', eventName: 'A' }] })
      })
    const statuses = (await Promise.all(Array.from({ length: 11 }, trackBulk))).map((reply) => reply.status)
    expect(statuses.filter((status) => status === 429)).toHaveLength(1)
  })

  it('can be replaced per route, or switched off', async () => {
    emulator = await startEmulator({ rateLimits: { 'POST /api/users/bulkUpdate': 1 }, faults: {} })
    expect((await Promise.all([bulkUpdate(), bulkUpdate()])).map((reply) => reply.status).sort()).toEqual([200, 429])
    await emulator.close()

    emulator = await startEmulator({ rateLimits: false, faults: {} })
    const statuses = (await Promise.all(Array.from({ length: 20 }, bulkUpdate))).map((reply) => reply.status)
    expect(new Set(statuses)).toEqual(new Set([200]))
  })
  it("limits GDPR forget to Iterable's 3 requests per second", async () => {
    emulator = await startEmulator({ faults: {} })
    const forget = () =>
      request(`${emulator.url}/api/users/forget`, {
        method: 'POST',
        headers: { 'Api-Key': emulator.apiKey },
        body: JSON.stringify({ email: 'ada@example.com' })
      })
    const statuses = (await Promise.all(Array.from({ length: 4 }, forget))).map((reply) => reply.status)
    expect(statuses.filter((status) => status === 429)).toHaveLength(1)
  })
})

describe('fault injection', () => {
  let emulator: Emulator
  const log: RequestLogEntry[] = []
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: 'k', rateLimits: false, log: (entry) => log.push(entry) })
  })
  afterAll(async () => {
    await emulator.close()
  })
  beforeEach(() => {
    emulator.setFaults({})
    log.length = 0
  })
  const webhooks = () => request(`${emulator.url}/api/webhooks`, { method: 'GET', headers: { 'Api-Key': 'k' } })

  it('adds latency', async () => {
    emulator.setFaults({ latencyMs: 120 })
    const started = Date.now()
    expect((await webhooks()).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
  })

  it('answers a share of requests 500 or 503, the same ones for the same seed', async () => {
    emulator.setFaults({ errorRate: 0.5, seed: 42 })
    const first = []
    for (let i = 0; i < 40; i++) first.push((await webhooks()).status)
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(5)
    expect(first.filter((status) => status !== 200).length).toBeLessThan(35)
    expect(new Set(first)).toEqual(new Set([200, 500, 503]))

    emulator.setFaults({ errorRate: 0.5, seed: 42 })
    const second = []
    for (let i = 0; i < 40; i++) second.push((await webhooks()).status)
    expect(second).toEqual(first)
  })

  it('answers every request with an error at errorRate 1, with the statuses asked for', async () => {
    emulator.setFaults({ errorRate: 1, errorStatuses: [503] })
    expect(await webhooks()).toMatchObject({ status: 503, body: { code: 'GenericError', params: null } })
    emulator.setFaults({ errorRate: 1, errorStatuses: [500] })
    expect(await webhooks()).toMatchObject({ status: 500, body: { code: 'GenericError' } })
  })

  it('drops connections without an answer', async () => {
    emulator.setFaults({ dropRate: 1 })
    await expect(webhooks()).rejects.toThrow()
    expect(log).toEqual([expect.objectContaining({ path: '/api/webhooks', status: 0 })])
    emulator.setFaults({})
    expect((await webhooks()).status).toBe(200)
  })

  it('forces 429 RateLimitExceeded', async () => {
    emulator.setFaults({ force429: true })
    expect(await webhooks()).toMatchObject({ status: 429, body: { code: 'RateLimitExceeded', params: null } })
  })

  it('limits faults to some paths, and never touches the admin routes', async () => {
    emulator.setFaults({ errorRate: 1, paths: ['/api/users/'] })
    expect((await webhooks()).status).toBe(200)
    const update = await request(`${emulator.url}/api/users/update`, {
      method: 'POST',
      headers: { 'Api-Key': 'k' },
      body: '{"email":"ada@example.com"}'
    })
    expect(update.status).toBeGreaterThanOrEqual(500)
    emulator.setFaults({ errorRate: 1, dropRate: 1 })
    expect((await request(`${emulator.url}/_emulator/state`, { method: 'GET' })).status).toBe(200)
  })

  it('are taken from the environment for options left unset', async () => {
    const previous = process.env.EMULATOR_FORCE_429
    process.env.EMULATOR_FORCE_429 = '1'
    const fromEnv = await startEmulator({ apiKey: 'k' })
    try {
      expect(fromEnv.faults()).toEqual({ force429: true })
      const reply = await request(`${fromEnv.url}/api/webhooks`, { method: 'GET', headers: { 'Api-Key': 'k' } })
      expect(reply.status).toBe(429)
    } finally {
      if (previous === undefined) delete process.env.EMULATOR_FORCE_429
      else process.env.EMULATOR_FORCE_429 = previous
      await fromEnv.close()
    }
  })
})

describe('configuration from the environment', () => {
  it('reads every setting', () => {
    expect(
      optionsFromEnv({
        EMULATOR_PORT: '4011',
        PORT: '3000',
        EMULATOR_HOST: '0.0.0.0',
        EMULATOR_API_KEY: 'key',
        EMULATOR_RATE_LIMITS: 'off',
        EMULATOR_LATENCY_MS: '50',
        EMULATOR_ERROR_RATE: '0.1',
        EMULATOR_ERROR_STATUSES: '500, 502',
        EMULATOR_DROP_RATE: '0.05',
        EMULATOR_FORCE_429: 'false',
        EMULATOR_FAULT_SEED: '9',
        EMULATOR_FAULT_PATHS: '/api/users/,/api/events/',
        EMULATOR_PROJECT_ID: '777',
        EMULATOR_CREATE_NEW_FIELDS: 'true',
        EMULATOR_DISALLOWED_EVENTS: 'Spam, Test Event',
        EMULATOR_FORGOTTEN_EMAILS: 'gone@example.com',
        EMULATOR_FORGOTTEN_USER_IDS: 'gone-1,gone-2'
      })
    ).toEqual({
      port: 4011,
      host: '0.0.0.0',
      apiKey: 'key',
      rateLimits: false,
      faults: {
        latencyMs: 50,
        errorRate: 0.1,
        errorStatuses: [500, 502],
        dropRate: 0.05,
        force429: false,
        seed: 9,
        paths: ['/api/users/', '/api/events/']
      },
      projectId: 777,
      createNewFields: true,
      disallowedEventNames: ['Spam', 'Test Event'],
      forgottenEmails: ['gone@example.com'],
      forgottenUserIds: ['gone-1', 'gone-2']
    })
    expect(optionsFromEnv({ PORT: '3001' }).port).toBe(3001)
    expect(faultsFromEnv({})).toBeUndefined()
  })

  it.each([
    ['EMULATOR_ERROR_RATE', '1.5'],
    ['EMULATOR_DROP_RATE', 'some'],
    ['EMULATOR_ERROR_STATUSES', '404'],
    ['EMULATOR_RATE_LIMITS', 'maybe'],
    ['EMULATOR_PORT', '70000']
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => optionsFromEnv({ [name]: value })).toThrow(name)
  })
})
