import nock from 'nock'
import {
  API_KEY,
  AUDIENCE_KEY,
  DATA_CENTERS,
  LISTS_PATH,
  newTestDestination,
  rejectionOf,
  US
} from './__helpers__/support'
import type { DataCenter } from './__helpers__/support'

// Segment calls createAudience when an audience is connected to this destination and getAudience to check the list
// it stored; both read Iterable's lists, as Iterable has no lookup of one list by name or id.

const personas = {
  computation_class: 'audience',
  computation_id: 'aud_2YkZ9bLq7xN1sT4cPq0mWfRjH8e',
  computation_key: AUDIENCE_KEY,
  namespace: 'spa_9vQm3cXkT2fJ8rLwZp5N'
}

const list = (id: number, name: string, listType = 'Standard') => ({
  id,
  name,
  listType,
  createdAt: 1700000000000 + id
})

describe.each(DATA_CENTERS)('Iterable Lists in $dataCenterLocation', ({ dataCenterLocation, origin }: DataCenter) => {
  const settings = { apiKey: API_KEY, dataCenterLocation }
  const api = () => nock(origin, { reqheaders: { 'api-key': API_KEY } })
  const createAudience = () =>
    newTestDestination().createAudience({ settings, audienceName: 'Engaged shoppers', personas })
  const getAudience = (externalId: string) => newTestDestination().getAudience({ settings, externalId })

  describe('createAudience', () => {
    it("returns the id of the static list named after the audience's key, creating nothing", async () => {
      // Iterable allows lists of the same name: the oldest static one is the audience's; dynamic lists take no users.
      api()
        .get(LISTS_PATH)
        .reply(200, {
          lists: [
            list(40, 'newsletter'),
            list(31, AUDIENCE_KEY, 'Dynamic'),
            list(58, AUDIENCE_KEY),
            list(44, AUDIENCE_KEY)
          ]
        })

      await expect(createAudience()).resolves.toEqual({ externalId: '44' })
    })

    it('creates the list when the project has none of that name', async () => {
      api()
        .get(LISTS_PATH)
        .reply(200, { lists: [list(40, 'newsletter')] })
      const create = api().post(LISTS_PATH, { name: AUDIENCE_KEY }).reply(200, { listId: 1234567 })

      await expect(createAudience()).resolves.toEqual({ externalId: '1234567' })
      expect(create.isDone()).toBe(true)
    })

    it('is idempotent under retries: a retry after a create whose answer was lost finds the list', async () => {
      api().get(LISTS_PATH).reply(200, { lists: [] })
      // Iterable created the list, but the answer never arrived.
      api().post(LISTS_PATH, { name: AUDIENCE_KEY }).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      await expect(createAudience()).rejects.toMatchObject({ status: 503 })

      api()
        .get(LISTS_PATH)
        .reply(200, { lists: [list(1234567, AUDIENCE_KEY)] })
      const secondCreate = api().post(LISTS_PATH).reply(200, { listId: 7654321 })

      await expect(createAudience()).resolves.toEqual({ externalId: '1234567' })
      expect(secondCreate.isDone()).toBe(false)
    })

    it('refuses an audience without a key, sending nothing', async () => {
      const trap = nock(origin).get(/.*/).reply(200, { lists: [] })

      await expect(
        newTestDestination().createAudience({
          settings,
          audienceName: 'Engaged shoppers',
          personas: { ...personas, computation_key: '' }
        })
      ).rejects.toMatchObject({
        status: 422,
        code: 'MISSING_REQUIRED_FIELD',
        message:
          "Missing computation parameters: Key. Segment names the Iterable list after the audience's key (personas.computation_key), and this request had none."
      })
      expect(trap.isDone()).toBe(false)
    })

    it('retries when Iterable creates a list but answers without its id', async () => {
      api().get(LISTS_PATH).reply(200, { lists: [] })
      api().post(LISTS_PATH).reply(200, { msg: '', code: 'Success', params: null })

      await expect(createAudience()).rejects.toMatchObject({
        status: 502,
        message: `Iterable answered POST /api/lists for "${AUDIENCE_KEY}" without a listId; Segment will retry, and find the list by name if Iterable created it.`
      })
    })

    it('says how to fix a rejected key, without the key', async () => {
      api()
        .get(LISTS_PATH)
        .reply(401, { msg: `Invalid API key ${API_KEY}`, code: 'BadApiKey', params: null })

      const error = await rejectionOf(createAudience())

      expect(error).toMatchObject({ status: 401, code: 'INVALID_AUTHENTICATION' })
      expect(error.message).toContain('Iterable rejected the API key (401 BadApiKey: Invalid API key <redacted>)')
      expect(error.message).not.toContain(API_KEY)
    })
  })

  describe('getAudience', () => {
    it('confirms the list still exists', async () => {
      api()
        .get(LISTS_PATH)
        .reply(200, { lists: [list(40, 'newsletter'), list(1234567, AUDIENCE_KEY)] })

      await expect(getAudience('1234567')).resolves.toEqual({ externalId: '1234567' })
    })

    it('says what to do when the list was deleted in Iterable', async () => {
      api()
        .get(LISTS_PATH)
        .reply(200, { lists: [list(40, 'newsletter')] })

      await expect(getAudience('1234567')).rejects.toMatchObject({
        status: 404,
        code: 'AUDIENCE_NOT_FOUND',
        message:
          'Audience with ID 1234567 not found in Iterable: the project of this API key has no list with this ID. If the list was deleted in Iterable, remove this destination from the audience in Engage and add it again, so that Segment creates a new list.'
      })
    })

    it("fails with Iterable's 503, which Segment retries", async () => {
      api().get(LISTS_PATH).reply(503, 'Service Unavailable')

      await expect(getAudience('1234567')).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' })
    })
  })

  describe('testAuthentication', () => {
    it('accepts a key Iterable accepts', async () => {
      const scope = api().get(LISTS_PATH).reply(200, { lists: [] })

      await expect(newTestDestination().testAuthentication(settings)).resolves.toBeUndefined()
      expect(scope.isDone()).toBe(true)
    })

    it('rejects a key Iterable rejects, and says where to get one', async () => {
      api().get(LISTS_PATH).reply(401, { msg: 'Invalid API key', code: 'BadApiKey', params: null })

      await expect(newTestDestination().testAuthentication(settings)).rejects.toThrow(
        "Iterable rejected the API key (401 BadApiKey: Invalid API key). Use a server-side API key (in Iterable: Integrations > API Keys, a key of type 'Server-side'), and check that the Data Center Location setting matches your project (US or EU)."
      )
    })
  })
})

it('reads lists from the US data center when none is set', async () => {
  const scope = nock(US)
    .get(LISTS_PATH)
    .reply(200, { lists: [list(7, AUDIENCE_KEY)] })

  await expect(
    newTestDestination().createAudience({ settings: { apiKey: API_KEY }, audienceName: 'x', personas })
  ).resolves.toEqual({
    externalId: '7'
  })
  expect(scope.isDone()).toBe(true)
})
