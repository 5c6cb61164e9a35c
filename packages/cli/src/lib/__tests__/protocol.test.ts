import nock from 'nock'
import WebSocket from 'ws'
import { IntegrationError, createTestEvent } from '@segment/actions-core'
import type { AudienceDestinationDefinition, DestinationDefinition } from '@segment/actions-core'
import { ALLOWED_ORIGINS } from '../server'
import { FIXTURE_API, authenticationFields, fixtureDestination, serve, settle } from './fixtures'
import type { Served } from './fixtures'

// serve driven as Segment's web Actions Tester drives upstream actions-cli's server (packages/cli/src/lib/server.ts
// and commands/serve.ts in segmentio/action-destinations): CORS from Segment's origins, the live-reload WebSocket,
// the routes upstream always mounts, and its answer shapes.

const API_KEY = 'protocol-test-key-8d1e4a7c2b9f'
const settings = { apiKey: API_KEY }
const identify = createTestEvent({ type: 'identify', userId: 'user-1', traits: { email: 'jane@example.com' } })

describe('CORS, as upstream: exactly the Actions Tester origins', () => {
  let server: Served
  beforeAll(async () => {
    server = await serve({ load: () => fixtureDestination() })
  })
  afterAll(() => server.close())

  const preflight = (origin: string) =>
    fetch(`${server.url}/single`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type'
      }
    })

  it('lists the five origins upstream allows', () => {
    expect(ALLOWED_ORIGINS).toEqual([
      'https://app.segment.com',
      'https://eu1.app.segment.com',
      'https://app.segment.build',
      'https://eu1.app.segment.build',
      'http://localhost:8000'
    ])
  })

  it.each(ALLOWED_ORIGINS)('answers the preflight from %s, and its POST', async (origin) => {
    const response = await preflight(origin)
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(origin)
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type')

    nock(FIXTURE_API).post('/api/users/update').reply(200, { ok: true })
    const post = await fetch(`${server.url}/single`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ payload: identify, settings })
    })
    expect(post.headers.get('access-control-allow-origin')).toBe(origin)
    expect((await post.json())[0].response.statusCode).toBe(200)
  })

  it.each(['https://evil.example', 'https://app.segment.com.evil.example', 'http://localhost:3000', 'null'])(
    'refuses %s: no Access-Control-Allow-Origin, so the browser withholds the answer',
    async (origin) => {
      const response = await preflight(origin)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
      const manifest = await fetch(`${server.url}/manifest`, { headers: { Origin: origin } })
      expect(manifest.headers.get('access-control-allow-origin')).toBeNull()
    }
  )
})

describe('the live-reload WebSocket', () => {
  it('sends "change" to every client when the destination reloads, and nothing for a failed reload', async () => {
    let broken = false
    const server = await serve({
      load: () => {
        if (broken) throw new SyntaxError('Unexpected token')
        return fixtureDestination()
      },
      liveReloadPort: 0
    })
    const { liveReload } = server
    if (!liveReload) throw new Error('serve started no live-reload WebSocket server')
    const clients = [0, 1].map(() => new WebSocket(`ws://127.0.0.1:${liveReload.port}`))
    try {
      await Promise.all(clients.map((client) => new Promise((resolve) => client.once('open', resolve))))
      const messages: string[][] = clients.map(() => [])
      clients.forEach((client, index) => client.on('message', (data) => messages[index].push(String(data))))
      const received = Promise.all(
        clients.map((client) => new Promise((resolve) => client.once('message', (data) => resolve(String(data)))))
      )

      broken = true
      expect(server.reload()).toBe(false)
      broken = false
      expect(server.reload()).toBe(true)

      expect(await received).toEqual(['change', 'change'])
      // The failed reload came first and sent nothing: the first message each client got is the good reload's.
      expect(messages).toEqual([['change'], ['change']])
    } finally {
      for (const client of clients) client.close()
      await server.close()
    }
  })
})

describe('routes upstream always mounts', () => {
  let server: Served
  beforeAll(async () => {
    server = await serve({ load: () => fixtureDestination(), directoryName: 'fixture', tester: { samples: [] } })
  })
  afterAll(() => server.close())

  it('POST /refreshAccessToken answers 400 {ok: false, error} for a destination without OAuth', async () => {
    const { status, json } = await server.post('/refreshAccessToken', { settings })
    expect(status).toBe(400)
    expect(json).toEqual({ ok: false, error: 'refreshAccessToken is only valid with oauth2 authentication scheme' })
  })

  it('GET /manifest answers the definition with its directoryName', async () => {
    const { json } = await server.get('/manifest')
    expect(json).toMatchObject({ name: 'Fixture', slug: 'fixture', directoryName: 'fixture' })
    expect(Object.keys(json.actions as object)).toEqual(['single', 'batched'])
  })

  it('mounts /delete only for a destination with onDelete', async () => {
    const { status } = await server.post('/delete', { payload: { userId: 'user-1' }, settings })
    expect(status).toBe(404)
  })

  it('answers a failure as upstream: status 200, [{statusCode, message, stack, fields, requestError}]', async () => {
    const { status, json } = await server.post('/single', {
      payload: createTestEvent({ type: 'identify', traits: { email: 'not an email' } }),
      settings
    })
    expect(status).toBe(200)
    expect(json).toHaveLength(1)
    expect(json[0]).toMatchObject({ statusCode: 400, requestError: true, fields: { email: expect.any(String) } })
    expect(typeof json[0].message).toBe('string')
    expect(json[0].stack[0]).toContain(json[0].message)
  })

  it('gives a browser the tester page at /, and a script the routes', async () => {
    const page = await fetch(`${server.url}/`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    expect(await page.text()).toContain('<script type="module" src="/_tester/tester.js"></script>')
    const { json } = await server.get('/')
    expect(json.routes).toEqual([
      'GET /manifest',
      'POST /authenticate',
      'POST /refreshAccessToken',
      'POST /single',
      'POST /batched'
    ])
  })
})

describe('a Destination per load, each request with its own exchanges', () => {
  it('keeps one Destination across requests, and answers two requests at once each with its own', async () => {
    const server = await serve({ load: () => fixtureDestination() })
    try {
      const destination = server.served.destination
      // Iterable answers the first request after the second has come in: their exchanges overlap in time.
      let releaseFirst: () => void = () => undefined
      const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve))
      nock(FIXTURE_API)
        .post('/api/users/update', (body) => body.email === 'first@example.com')
        .reply(200, async () => {
          await firstHeld
          return { user: 'first' }
        })
        .post('/api/users/update', (body) => body.email === 'second@example.com')
        .reply(200, () => {
          releaseFirst()
          return { user: 'second' }
        })
      const send = (email: string) =>
        server.post('/single', { payload: createTestEvent({ type: 'identify', traits: { email } }), settings })
      const [first, second] = await Promise.all([send('first@example.com'), send('second@example.com')])

      expect(first.json.map((exchange: any) => exchange.response.body)).toEqual([{ user: 'first' }])
      expect(second.json.map((exchange: any) => exchange.response.body)).toEqual([{ user: 'second' }])
      expect(server.served.destination).toBe(destination)
      expect(destination.responses).toEqual([])

      server.reload()
      expect(server.served.destination).not.toBe(destination)
    } finally {
      await server.close()
    }
  })
})

describe('destinations with more routes', () => {
  function richDestination(): DestinationDefinition<{ apiKey: string }> {
    const base = fixtureDestination('Rich')
    return {
      ...base,
      authentication: {
        scheme: 'oauth2',
        fields: authenticationFields(base),
        refreshAccessToken: async (request) => {
          const response = await request<{ access_token: string }>(`${FIXTURE_API}/oauth/token`, { method: 'post' })
          return { accessToken: response.data.access_token }
        }
      },
      onDelete: (request, { payload }) =>
        request(`${FIXTURE_API}/api/users/${String(payload.userId)}`, { method: 'delete' }),
      actions: {
        ...base.actions,
        single: {
          ...base.actions.single,
          // The fixture's Payload type has no dynamic fields in its generated types; the framework takes any.
          dynamicFields: {
            plan: async () => ({ choices: [{ label: 'Pro', value: 'pro' }] })
          } as never,
          hooks: {
            onMappingSave: {
              label: 'Create a list',
              description: 'Creates the list the action adds users to.',
              inputFields: {
                list: {
                  label: 'List',
                  description: 'Its name.',
                  type: 'string',
                  dynamic: async () => ({ choices: [{ label: 'Newsletter', value: 'newsletter' }] })
                }
              },
              outputTypes: { id: { label: 'ID', description: 'The list ID.', type: 'string', required: true } },
              performHook: async (_request: unknown, { hookInputs }: { hookInputs?: { list?: string } }) => ({
                successMessage: 'Created',
                savedData: { id: `list-${String(hookInputs?.list)}` }
              })
            }
          } as never
        }
      }
    }
  }

  let server: Served
  beforeAll(async () => {
    server = await serve({ load: richDestination })
  })
  afterAll(() => server.close())

  it('POST /refreshAccessToken answers {ok: true, data} for an OAuth destination', async () => {
    nock(FIXTURE_API).post('/oauth/token').reply(200, { access_token: 'fresh-token' })
    const { status, json } = await server.post('/refreshAccessToken', { settings, refreshToken: 'old-refresh' })
    expect(status).toBe(200)
    expect(json).toEqual({ ok: true, data: { accessToken: 'fresh-token' } })
  })

  it('POST /delete runs onDelete, and answers its requests as an action does', async () => {
    const deleted = nock(FIXTURE_API).delete('/api/users/user-1').reply(200, { deleted: true })
    const { status, json } = await server.post('/delete', { payload: { userId: 'user-1' }, settings })
    expect(status).toBe(200)
    expect(deleted.isDone()).toBe(true)
    // Upstream answers [] (the framework records no exchange of onDelete); serve shows the request and its answer.
    expect(json).toEqual([
      {
        request: expect.objectContaining({
          url: `${FIXTURE_API}/api/users/user-1`,
          method: 'DELETE',
          headers: expect.objectContaining({ 'api-key': '<redacted>' })
        }),
        response: expect.objectContaining({ statusCode: 200, body: { deleted: true } })
      }
    ])
  })

  it("POST /delete answers a refused deletion as an action's failure, with its request, and logs why", async () => {
    nock(FIXTURE_API).delete('/api/users/user-2').reply(404, { error: 'no such user' })
    const failed = await server.post('/delete', { payload: { userId: 'user-2' }, settings })
    expect(failed.status).toBe(200)
    expect(failed.json).toEqual([
      expect.objectContaining({
        statusCode: 404,
        message: { error: 'no such user' },
        requestError: true,
        exchanges: [
          expect.objectContaining({
            request: expect.objectContaining({ url: `${FIXTURE_API}/api/users/user-2`, method: 'DELETE' }),
            response: expect.objectContaining({ statusCode: 404, body: { error: 'no such user' } })
          })
        ]
      })
    ])
    await settle()
    expect(server.logs).toContainEqual(
      expect.stringMatching(/^POST \/delete 200 \d+ms - 404 \{"error":"no such user"\}$/)
    )
    expect(JSON.stringify(failed.json)).not.toContain(API_KEY)
    for (const line of server.logs) expect(line).not.toContain(API_KEY)
  })

  it('POST /<action>/<field> answers a dynamic field', async () => {
    const { status, json } = await server.post('/single/plan', { settings, payload: {} })
    expect(status).toBe(200)
    expect(json.choices).toEqual([{ label: 'Pro', value: 'pro' }])
  })

  it('POST /<action>/hooks/<hook> runs an action hook, and /dynamic/<field> its dynamic input', async () => {
    const hook = await server.post('/single/hooks/onMappingSave', { settings, hookInputs: { list: 'newsletter' } })
    expect(hook.status).toBe(200)
    expect(hook.json).toEqual({ successMessage: 'Created', savedData: { id: 'list-newsletter' } })
    const dynamic = await server.post('/single/hooks/onMappingSave/dynamic/list', { settings })
    expect(dynamic.status).toBe(200)
    expect(dynamic.json.choices).toEqual([{ label: 'Newsletter', value: 'newsletter' }])
    expect((await server.post('/single/hooks/constructor', { settings })).status).toBe(404)
  })

  it('lists those routes', async () => {
    const { json } = await server.get('/')
    expect(json.routes).toEqual(
      expect.arrayContaining([
        'POST /delete',
        'POST /single/plan',
        'POST /single/hooks/onMappingSave',
        'POST /single/hooks/onMappingSave/dynamic/list'
      ])
    )
  })
})

describe('an audience destination: POST /createAudience and /getAudience', () => {
  function audienceDestination(): AudienceDestinationDefinition<{ apiKey: string }, Record<string, never>> {
    const base = fixtureDestination('Audiences')
    return {
      ...base,
      audienceFields: {},
      audienceConfig: {
        mode: { type: 'synced', full_audience_sync: false },
        createAudience: async (request, { personas }) => {
          const key = personas?.computation_key
          if (!key) throw new IntegrationError('Missing computation parameters: Key', 'MISSING_REQUIRED_FIELD', 422)
          const response = await request<{ id: number }>(`${FIXTURE_API}/api/lists`, {
            method: 'post',
            json: { name: key }
          })
          return { externalId: String(response.data.id) }
        },
        getAudience: async (_request, { externalId }) => {
          if (externalId === 'broken') throw new Error(`Could not read the list ${settings.apiKey}`)
          if (externalId !== '7') throw new IntegrationError(`No list ${externalId}`, 'AUDIENCE_NOT_FOUND', 404)
          return { externalId }
        }
      }
    }
  }

  let server: Served
  beforeAll(async () => {
    server = await serve({ load: audienceDestination })
  })
  afterAll(() => server.close())

  const personas = { computation_key: 'vip', computation_id: 'aud_1', namespace: 'spa_1' }

  it('answers {externalId}', async () => {
    nock(FIXTURE_API).post('/api/lists', { name: 'vip' }).reply(200, { id: 7 })
    expect(await server.post('/createAudience', { settings, audienceName: 'VIP', personas })).toEqual({
      status: 200,
      json: { externalId: '7' }
    })
    expect(await server.post('/getAudience', { settings, externalId: '7' })).toEqual({
      status: 200,
      json: { externalId: '7' }
    })
  })

  it("answers a failure with upstream's body {ok: false, error}, the error's code, and the error's own status", async () => {
    const missingKey = await server.post('/createAudience', {
      settings,
      audienceName: 'VIP',
      personas: { ...personas, computation_key: '' }
    })
    expect(missingKey).toEqual({
      status: 422,
      json: { ok: false, error: 'Missing computation parameters: Key', code: 'MISSING_REQUIRED_FIELD' }
    })
    const unknown = await server.post('/getAudience', { settings, externalId: '8' })
    expect(unknown).toEqual({ status: 404, json: { ok: false, error: 'No list 8', code: 'AUDIENCE_NOT_FOUND' } })
    await settle()
    expect(server.logs).toContainEqual(expect.stringMatching(/^POST \/getAudience 404 \d+ms - No list 8$/))
  })

  it('answers 400, as upstream, for an error without a status; never with the key', async () => {
    const broken = await server.post('/getAudience', { settings, externalId: 'broken' })
    expect(broken).toEqual({ status: 400, json: { ok: false, error: 'Could not read the list <redacted>' } })
    await settle()
    for (const line of server.logs) expect(line).not.toContain(API_KEY)
  })
})
