import nock from 'nock'
import { createRequestClient, InvalidAuthenticationError } from '@segment/actions-core'
import type { ActionDefinition } from '@segment/actions-core'
import destination from '../index'
import type { Settings } from '../generated-types'
import {
  BAD_API_KEY,
  EU,
  failure,
  freshTestDestination,
  SECRET_API_KEY,
  SUCCESS,
  US,
  WEBHOOKS_PATH,
  present
} from './__helpers__/support'

/** Iterable's side of the authentication test: GET /api/webhooks, carrying the Api-Key header. */
const webhooks = (base: string) => nock(base).get(WEBHOOKS_PATH).matchHeader('api-key', SECRET_API_KEY)

describe('Iterable (Actions) destination definition', () => {
  it('keeps the live name, slug and mode', () => {
    expect(destination.name).toBe('Iterable (Actions)')
    expect(destination.slug).toBe('actions-iterable')
    expect(destination.mode).toBe('cloud')
  })

  describe('settings', () => {
    const fields = present(destination.authentication, 'authentication').fields

    it('has the live settings in the live order, the project type after the data center, the deletion mode last', () => {
      expect(Object.keys(fields)).toEqual([
        'apiKey',
        'dataCenterLocation',
        'iterableProjectType',
        'trackAllPages',
        'trackCategorizedPages',
        'trackNamedPages',
        'mapToSingleEvent',
        'deletionMode'
      ])
    })

    it('declares the API key as a required secret', () => {
      expect(fields.apiKey).toMatchObject({ type: 'password', required: true })
    })

    it('offers the US and EU data centers, defaulting to the US', () => {
      expect(fields.dataCenterLocation.default).toBe('united_states')
      expect(fields.dataCenterLocation.choices?.map((choice) => (choice as { value: string }).value)).toEqual([
        'united_states',
        'europe'
      ])
    })

    it.each([
      ['trackAllPages', 'Track All Pages', false],
      ['trackCategorizedPages', 'Track Categorized Pages', true],
      ['trackNamedPages', 'Track Named Pages', true],
      ['mapToSingleEvent', 'Map All Pages to Single Event Name', false]
    ] as const)(
      'declares the page setting %s labelled "%s" with default %s',
      (key: string, label: string, defaultValue: boolean) => {
        expect(fields[key]).toMatchObject({ type: 'boolean', label, default: defaultValue })
      }
    )
  })

  describe('actions', () => {
    it('has the live actions, the lifecycle actions and the catalog sync', () => {
      expect(Object.keys(destination.actions).sort()).toEqual(
        [
          'trackEvent',
          'trackPage',
          'trackPurchase',
          'updateCart',
          'updateEmail',
          'updateUser',
          'registerPushToken',
          'registerBrowserToken',
          'updateSubscriptions',
          'syncCatalogItems'
        ].sort()
      )
    })

    it.each([
      [
        'updateUser',
        [
          'email',
          'userId',
          'newEmail',
          'dataFields',
          'phoneNumber',
          'mergeNestedObjects',
          'enable_batching',
          'updateOnly',
          'batch_size'
        ]
      ],
      [
        'trackEvent',
        [
          'email',
          'userId',
          'eventName',
          'dataFields',
          'id',
          'createdAt',
          'campaignId',
          'templateId',
          'enable_batching',
          'batch_size'
        ]
      ],
      ['trackPurchase', ['id', 'user', 'dataFields', 'items', 'total', 'createdAt', 'campaignId', 'templateId']],
      ['updateCart', ['user', 'items']]
    ])('keeps every upstream field key of %s', (action: string, upstreamKeys: string[]) => {
      const keys = Object.keys(destination.actions[action].fields)
      expect(keys).toEqual(expect.arrayContaining(upstreamKeys))
    })

    it.each(Object.entries(destination.actions))(
      'action %s has a title and a description',
      (_slug: string, action: ActionDefinition<Settings>) => {
        expect(action.title).toEqual(expect.any(String))
        expect(action.description.length).toBeGreaterThan(0)
      }
    )
  })

  describe('testAuthentication', () => {
    const testDestination = freshTestDestination()

    it.each<[string, string, Settings]>([
      [
        'calls GET /api/webhooks on the US data center with the Api-Key header',
        US,
        { apiKey: SECRET_API_KEY, dataCenterLocation: 'united_states' }
      ],
      ['uses the US data center when no location is set', US, { apiKey: SECRET_API_KEY }],
      [
        'calls GET /api/webhooks on the EU data center when Europe is chosen',
        EU,
        { apiKey: SECRET_API_KEY, dataCenterLocation: 'europe' }
      ]
    ])('%s', async (_name: string, base: string, settings: Settings) => {
      const scope = webhooks(base).reply(200, SUCCESS)

      await expect(testDestination.testAuthentication(settings)).resolves.toBeUndefined()
      expect(scope.isDone()).toBe(true)
    })

    describe('with a key Iterable rejects', () => {
      const settings: Settings = { apiKey: SECRET_API_KEY, dataCenterLocation: 'united_states' }

      function rejection(): Promise<Error> {
        webhooks(US).reply(401, BAD_API_KEY)
        return failure(testDestination.testAuthentication(settings))
      }

      it('rejects, reporting invalid credentials', async () => {
        const error = await rejection()
        expect(error.message).toMatch(/^Credentials are invalid:/)
      })

      it('tells the user to create a server-side key under API Keys', async () => {
        const error = await rejection()
        expect(error.message).toContain('Server-side')
        expect(error.message).toContain('API Keys')
        expect(error.message).toContain('Data Center Location')
      })

      it('never repeats the API key in the message', async () => {
        const error = await rejection()
        expect(error.message).not.toContain(SECRET_API_KEY)
      })
    })

    it('throws InvalidAuthenticationError from the definition itself, before the harness wraps it', async () => {
      nock(US).get(WEBHOOKS_PATH).reply(401, BAD_API_KEY)
      const settings: Settings = { apiKey: SECRET_API_KEY }
      const extendRequest = present(destination.extendRequest, 'extendRequest')
      const request = createRequestClient(extendRequest({ settings, payload: undefined }))

      const testAuthentication = present(destination.authentication?.testAuthentication, 'testAuthentication')
      const attempt = testAuthentication(request, {
        settings,
        auth: { accessToken: '', refreshToken: '' }
      })
      await expect(attempt).rejects.toBeInstanceOf(InvalidAuthenticationError)
      await expect(attempt).rejects.toMatchObject({ status: 401 })
    })

    it('rejects when Iterable answers 401 on the EU data center', async () => {
      webhooks(EU).reply(401, { msg: 'Invalid API key', code: 'BadApiKey' })

      await expect(
        testDestination.testAuthentication({ apiKey: SECRET_API_KEY, dataCenterLocation: 'europe' })
      ).rejects.toThrow(/Server-side/)
    })

    it('rejects without the key when Iterable is down', async () => {
      nock(US).get(WEBHOOKS_PATH).reply(503, 'Service Unavailable')

      const attempt = testDestination.testAuthentication({ apiKey: SECRET_API_KEY })
      await expect(attempt).rejects.toThrow(/503/)
      await expect(attempt).rejects.not.toThrow(SECRET_API_KEY)
    })
  })
})
