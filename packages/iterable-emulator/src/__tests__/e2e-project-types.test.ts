import { createTestEvent } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import type { RunningServer } from '../../../cli/src/lib/server'
import type { Emulator } from '..'
import { startServedStack } from './served-stack'

// End-to-end, per Iterable project type: the emulator runs an email-based, a hybrid or a userID-based project, and the
// destination, served as `npm start` serves it, is set to the same type. Each project gets the requests Iterable
// documents for it, and the profile read back shows the result.

const API_KEY = 'e2e-project-types-key-7c1d'

interface Project {
  emulator: Emulator
  serve: RunningServer
  settings: Record<string, unknown>
}

async function startProject(projectType: 'email' | 'hybrid' | 'userId'): Promise<Project> {
  const { emulator, serve } = await startServedStack({ apiKey: API_KEY, projectType })
  return { emulator, serve, settings: { apiKey: API_KEY, iterableProjectType: projectType } }
}

async function send(project: Project, action: string, payload: SegmentEvent | SegmentEvent[], mapping?: JSONObject) {
  const response = await fetch(`${project.serve.url}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ payload, settings: project.settings, ...(mapping && { mapping }) })
  })
  expect(response.status).toBe(200)
  const answer = (await response.json()) as any[]
  const exchanges = answer
    .flatMap((item) => item.exchanges ?? ('request' in item ? [item] : []))
    .map((item) => ({ url: String(item.request.url), body: JSON.parse((item.request.body as string) || 'null') }))
  return {
    paths: exchanges.map(({ url }) => new URL(url).pathname),
    exchanges,
    failure: answer.find((item) => item.requestError === true || typeof item.statusCode === 'number'),
    multistatus: answer.find((item) => 'multistatus' in item)?.multistatus as any[] | undefined
  }
}

async function read(project: Project, path: string): Promise<any> {
  const response = await fetch(project.emulator.url + path, { headers: { 'Api-Key': API_KEY } })
  return response.status === 200 ? response.json() : { status: response.status }
}
const byEmail = (project: Project, email: string) => read(project, `/api/users/${encodeURIComponent(email)}`)
const byUserId = (project: Project, userId: string) =>
  read(project, `/api/users/byUserId/${encodeURIComponent(userId)}`)

const identify = (userId: string | undefined, traits: JSONObject) =>
  createTestEvent({ type: 'identify', userId, anonymousId: 'anon-1', traits })
const emailUpdated = (userId: string | undefined, previous: string, next: string) =>
  createTestEvent({
    type: 'track',
    event: 'Email Updated',
    userId,
    properties: { previous_email: previous, new_email: next }
  })
const NEW_EMAIL = { newEmail: { '@path': '$.traits.new_email' } }

describe('an email-based project', () => {
  let project: Project
  beforeAll(async () => {
    project = await startProject('email')
  })
  afterAll(() => Promise.allSettled([project.serve.close(), project.emulator.close()]))

  it('creates a user from an identify with a userId alone (preferUserId), with a placeholder email', async () => {
    const { paths, exchanges } = await send(project, 'updateUser', identify('ep-user-1', { plan: 'pro' }))

    expect(paths).toEqual(['/api/users/update'])
    expect(exchanges[0].body).toMatchObject({ userId: 'ep-user-1', preferUserId: true })
    const { user } = await byUserId(project, 'ep-user-1')
    expect(user.dataFields.plan).toBe('pro')
    expect(user.email).toMatch(/@placeholder\.email$/)
  })

  it('changes an email through users/updateEmail, single and batch: the old address no longer finds the user', async () => {
    await send(project, 'updateUser', identify('ep-user-2', { email: 'ada@example.com' }))
    await send(project, 'updateUser', identify('ep-user-3', { email: 'grace@example.com' }))

    const single = await send(
      project,
      'updateUser',
      identify('ep-user-2', { email: 'ada@example.com', new_email: 'ada@analytical.example' }),
      NEW_EMAIL
    )
    const batch = await send(
      project,
      'updateUser',
      [
        identify('ep-user-3', { email: 'grace@example.com', new_email: 'grace@navy.example' }),
        identify('ep-user-4', { email: 'kay@example.com' })
      ],
      NEW_EMAIL
    )

    expect(single.paths).toEqual(['/api/users/update', '/api/users/updateEmail'])
    expect(batch.multistatus?.map(({ status }) => status)).toEqual([200, 200])
    expect(batch.paths).toEqual(['/api/users/update', '/api/users/updateEmail', '/api/users/bulkUpdate'])
    expect((await byEmail(project, 'ada@analytical.example')).user.userId).toBe('ep-user-2')
    expect(await byEmail(project, 'ada@example.com')).toEqual({})
    expect((await byEmail(project, 'grace@navy.example')).user.userId).toBe('ep-user-3')
    expect((await byEmail(project, 'kay@example.com')).user.userId).toBe('ep-user-4')
  })
})

describe('a hybrid project', () => {
  let project: Project
  beforeAll(async () => {
    project = await startProject('hybrid')
  })
  afterAll(() => Promise.allSettled([project.serve.close(), project.emulator.close()]))

  it('changes an email with users/update by userId, single, batch and the Update Email action', async () => {
    for (const [userId, email] of [
      ['hp-user-1', 'ada@example.com'],
      ['hp-user-2', 'grace@example.com'],
      ['hp-user-3', 'kay@example.com']
    ]) {
      await send(project, 'updateUser', identify(userId, { email }))
    }

    const single = await send(
      project,
      'updateUser',
      identify('hp-user-1', { email: 'ada@example.com', new_email: 'ada@analytical.example' }),
      NEW_EMAIL
    )
    const batch = await send(
      project,
      'updateUser',
      [identify('hp-user-2', { email: 'grace@example.com', new_email: 'grace@navy.example' })],
      NEW_EMAIL
    )
    const action = await send(project, 'updateEmail', emailUpdated('hp-user-3', 'kay@example.com', 'kay@parc.example'))

    expect(single.paths).toEqual(['/api/users/update'])
    expect(single.exchanges[0].body).toMatchObject({
      userId: 'hp-user-1',
      dataFields: { email: 'ada@analytical.example' }
    })
    expect(single.exchanges[0].body).not.toHaveProperty('email')
    expect(batch.paths).toEqual(['/api/users/bulkUpdate'])
    expect(batch.multistatus?.map(({ status }) => status)).toEqual([200])
    expect(action.paths).toEqual(['/api/users/update'])
    expect((await byUserId(project, 'hp-user-1')).user.email).toBe('ada@analytical.example')
    expect((await byUserId(project, 'hp-user-2')).user.email).toBe('grace@navy.example')
    expect((await byUserId(project, 'hp-user-3')).user.email).toBe('kay@parc.example')
  })

  it('refuses an email change without a userId, naming the setting, and sends nothing', async () => {
    const { paths, failure } = await send(
      project,
      'updateEmail',
      emailUpdated(undefined, 'kay@parc.example', 'kay@xerox.example')
    )

    expect(paths).toEqual([])
    expect(failure.message).toMatch(
      /^currentUserId is required to change an email: the "Iterable Project Type" setting is Hybrid, and such projects change an email through users\/update/
    )
  })

  it('tracks events of a user known by email alone', async () => {
    await send(project, 'updateUser', identify(undefined, { email: 'linus@example.com' }))
    const { paths, failure } = await send(
      project,
      'trackEvent',
      createTestEvent({
        type: 'track',
        event: 'Kernel Released',
        userId: undefined,
        properties: { email: 'linus@example.com' }
      })
    )

    expect(failure).toBeUndefined()
    expect(paths).toEqual(['/api/events/track'])
  })
})

describe('a userID-based project', () => {
  let project: Project
  beforeAll(async () => {
    project = await startProject('userId')
  })
  afterAll(() => Promise.allSettled([project.serve.close(), project.emulator.close()]))

  it('updates users and tracks events by userId, and changes an email with users/update', async () => {
    await send(project, 'updateUser', identify('up-user-1', { email: 'ada@example.com', plan: 'pro' }))
    const event = await send(
      project,
      'trackEvent',
      createTestEvent({ type: 'track', event: 'Played', userId: 'up-user-1' })
    )
    const change = await send(
      project,
      'updateEmail',
      emailUpdated('up-user-1', 'ada@example.com', 'ada@analytical.example')
    )

    expect(event.failure).toBeUndefined()
    expect(change.paths).toEqual(['/api/users/update'])
    const { user } = await byUserId(project, 'up-user-1')
    expect(user.email).toBe('ada@analytical.example')
    expect(user.dataFields.plan).toBe('pro')
  })

  it('refuses, single and batch, an event without a userId, naming the setting; sends the others', async () => {
    const single = await send(
      project,
      'trackEvent',
      createTestEvent({ type: 'track', event: 'Played', userId: undefined, properties: { email: 'ada@example.com' } })
    )
    const batch = await send(project, 'trackEvent', [
      createTestEvent({ type: 'track', event: 'Played', userId: 'up-user-1' }),
      createTestEvent({ type: 'track', event: 'Played', userId: undefined, properties: { email: 'ada@example.com' } })
    ])

    expect(single.paths).toEqual([])
    expect(single.failure.message).toMatch(/"Iterable Project Type" setting is UserID-based/)
    expect(batch.multistatus?.map(({ status }) => status)).toEqual([200, 400])
    expect(batch.paths).toEqual(['/api/events/trackBulk'])
    expect(batch.exchanges[0].body.events).toHaveLength(1)
  })
})

describe('a project whose type the Iterable Project Type setting does not say', () => {
  let hybrid: Project
  let email: Project
  beforeAll(async () => {
    hybrid = { ...(await startProject('hybrid')), settings: { apiKey: API_KEY } }
    email = { ...(await startProject('email')), settings: { apiKey: API_KEY } }
  })
  afterAll(() => Promise.all([hybrid, email].flatMap((project) => [project?.serve.close(), project?.emulator.close()])))

  it('refuses updateEmail in a hybrid project with a message naming the setting and the value to choose', async () => {
    await send(hybrid, 'updateUser', identify('user-h1', { email: 'old@example.com' }))

    const { paths, failure } = await send(
      hybrid,
      'updateEmail',
      emailUpdated('user-h1', 'old@example.com', 'new@example.com')
    )

    expect(paths).toEqual(['/api/users/updateEmail'])
    expect(failure.statusCode).toBe(400)
    expect(failure.message).toContain(
      'set the "Iterable Project Type" setting to Hybrid or UserID-based, and the email changes through users/update with the userId.'
    )
  })

  it('refuses a userId the email-based project does not know, naming the setting that would create the user', async () => {
    const { failure } = await send(email, 'updateUser', identify('user-e1', { plan: 'premium' }))

    expect(failure.statusCode).toBe(400)
    expect(failure.message).toContain(
      'No Iterable user has this userId, and the request had no email. If your project is email-based, set the "Iterable Project Type" setting to Email-based'
    )
  })
})
