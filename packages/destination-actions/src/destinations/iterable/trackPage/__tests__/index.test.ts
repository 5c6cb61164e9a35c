import { createTestIntegration, createTestEvent, PayloadValidationError } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'
import type { Settings } from '../../generated-types'

const testDestination = createTestIntegration(destination)

const US_BASE = 'https://api.iterable.com'
const EU_BASE = 'https://api.eu.iterable.com'
const TRACK_PATH = '/api/events/track'
const SUCCESS = { msg: '', code: 'Success', params: null }

const MESSAGE_ID = 'page-msg-0001'
const TIMESTAMP = '2023-02-05T20:42:10.123Z'
const TIMESTAMP_UNIX_SECONDS = 1675629730

type Kind = 'page' | 'screen'
type PageSettings = Pick<Settings, 'trackAllPages' | 'trackCategorizedPages' | 'trackNamedPages' | 'mapToSingleEvent'>

const settingsWith = (pageSettings: PageSettings = {}): Settings => ({ apiKey: 'test-api-key', ...pageSettings })

/** Page properties as analytics.js sends them; screens carry app-flavoured properties instead. */
const basePropertiesFor = (kind: Kind): Record<string, unknown> =>
  kind === 'page'
    ? {
        path: '/cart',
        referrer: 'https://www.example.com/products/monopoly',
        search: '',
        title: 'Your Cart',
        url: 'https://www.example.com/cart'
      }
    : { appVersion: '4.2.0', orientation: 'portrait' }

interface Identity {
  name?: string
  /** Top-level `event.category`, as analytics.page(category, name) sends it. */
  category?: string
  /** `properties.category`, as some libraries and screen calls send it. */
  propertiesCategory?: string
}

function pageEvent(kind: Kind, identity: Identity, overrides: Partial<SegmentEvent> = {}): SegmentEvent {
  const properties = basePropertiesFor(kind)
  if (identity.propertiesCategory !== undefined) properties.category = identity.propertiesCategory
  const event: Partial<SegmentEvent> = {
    type: kind,
    messageId: MESSAGE_ID,
    timestamp: TIMESTAMP,
    userId: 'user1234',
    properties: properties as SegmentEvent['properties'],
    ...overrides
  }
  if (identity.name !== undefined) event.name = identity.name
  if (identity.category !== undefined) event.category = identity.category
  return createTestEvent(event)
}

const generic = (kind: Kind) => (kind === 'page' ? 'Loaded a Page' : 'Loaded a Screen')

const NAME = { name: 'shoppingCart' }
const CATEGORY = { category: 'Docs' }
const PROPERTIES_CATEGORY = { propertiesCategory: 'Docs' }
const NAME_AND_CATEGORY = { name: 'shoppingCart', category: 'Docs' }
const NEITHER = {}

const ALL_LABELS = ['Track All Pages', 'Track Categorized Pages', 'Track Named Pages']

interface Row {
  description: string
  pageSettings: PageSettings
  identity: Identity
  /** The event name sent, or the setting labels the rejection must name. */
  expected: { eventName: (kind: Kind) => string } | { rejectedNaming: string[] }
}

const ROWS: Row[] = [
  // Settings left unset mean their defaults: named and categorized calls are sent, the rest are not.
  {
    description: 'default settings, a name',
    pageSettings: {},
    identity: NAME,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  {
    description: 'default settings, a top-level category',
    pageSettings: {},
    identity: CATEGORY,
    expected: { eventName: (kind) => `Docs ${kind}` }
  },
  {
    description: 'default settings, a category in properties',
    pageSettings: {},
    identity: PROPERTIES_CATEGORY,
    expected: { eventName: (kind) => `Docs ${kind}` }
  },
  {
    description: 'default settings, a name and a category (the name wins)',
    pageSettings: {},
    identity: NAME_AND_CATEGORY,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  {
    description: 'default settings, an empty name and a category (the category names it)',
    pageSettings: {},
    identity: { name: '', category: 'Docs' },
    expected: { eventName: (kind) => `Docs ${kind}` }
  },
  {
    description: 'default settings, a whitespace-only name and no category',
    pageSettings: {},
    identity: { name: '   ' },
    expected: { rejectedNaming: ['Track All Pages'] }
  },
  {
    description: 'Track All Pages on, a whitespace-only name and no category',
    pageSettings: { trackAllPages: true },
    identity: { name: '   ' },
    expected: { eventName: generic }
  },
  {
    description: 'default settings, neither name nor category',
    pageSettings: {},
    identity: NEITHER,
    expected: { rejectedNaming: ['Track All Pages'] }
  },
  {
    description: 'the defaults set explicitly, a name',
    pageSettings: { trackAllPages: false, trackCategorizedPages: true, trackNamedPages: true, mapToSingleEvent: false },
    identity: NAME,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  {
    description: 'the defaults set explicitly, neither name nor category',
    pageSettings: { trackAllPages: false, trackCategorizedPages: true, trackNamedPages: true, mapToSingleEvent: false },
    identity: NEITHER,
    expected: { rejectedNaming: ['Track All Pages'] }
  },
  // Track All Pages lets everything through.
  {
    description: 'Track All Pages on, neither name nor category',
    pageSettings: { trackAllPages: true },
    identity: NEITHER,
    expected: { eventName: generic }
  },
  {
    description: 'Track All Pages on, a category only',
    pageSettings: { trackAllPages: true },
    identity: CATEGORY,
    expected: { eventName: (kind) => `Docs ${kind}` }
  },
  {
    description: 'Track All Pages on with the other filters off, a name',
    pageSettings: { trackAllPages: true, trackCategorizedPages: false, trackNamedPages: false },
    identity: NAME,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  // Map All Pages to Single Event Name only renames.
  {
    description: 'Map to Single Event on, a name',
    pageSettings: { mapToSingleEvent: true },
    identity: NAME,
    expected: { eventName: generic }
  },
  {
    description: 'Map to Single Event on, a category in properties',
    pageSettings: { mapToSingleEvent: true },
    identity: PROPERTIES_CATEGORY,
    expected: { eventName: generic }
  },
  {
    description: 'Map to Single Event and Track All Pages on, neither name nor category',
    pageSettings: { mapToSingleEvent: true, trackAllPages: true },
    identity: NEITHER,
    expected: { eventName: generic }
  },
  {
    description: 'Map to Single Event on, neither name nor category (still filtered)',
    pageSettings: { mapToSingleEvent: true },
    identity: NEITHER,
    expected: { rejectedNaming: ['Track All Pages'] }
  },
  // Track Named Pages off.
  {
    description: 'Track Named Pages off, a name only',
    pageSettings: { trackNamedPages: false },
    identity: NAME,
    expected: { rejectedNaming: ['Track Named Pages', 'Track All Pages'] }
  },
  {
    description: 'Track Named Pages off, a name and a category (sent for its category, named by its name)',
    pageSettings: { trackNamedPages: false },
    identity: NAME_AND_CATEGORY,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  {
    description: 'Track Named Pages off, a category only',
    pageSettings: { trackNamedPages: false },
    identity: CATEGORY,
    expected: { eventName: (kind) => `Docs ${kind}` }
  },
  // Track Categorized Pages off.
  {
    description: 'Track Categorized Pages off, a top-level category only',
    pageSettings: { trackCategorizedPages: false },
    identity: CATEGORY,
    expected: { rejectedNaming: ['Track Categorized Pages', 'Track All Pages'] }
  },
  {
    description: 'Track Categorized Pages off, a category in properties only',
    pageSettings: { trackCategorizedPages: false },
    identity: PROPERTIES_CATEGORY,
    expected: { rejectedNaming: ['Track Categorized Pages', 'Track All Pages'] }
  },
  {
    description: 'Track Categorized Pages off, a name only',
    pageSettings: { trackCategorizedPages: false },
    identity: NAME,
    expected: { eventName: (kind) => `shoppingCart ${kind}` }
  },
  // Both filters off.
  {
    description: 'Track Named and Categorized Pages off, a name and a category',
    pageSettings: { trackNamedPages: false, trackCategorizedPages: false },
    identity: NAME_AND_CATEGORY,
    expected: { rejectedNaming: ALL_LABELS }
  },
  {
    description: 'every setting off, neither name nor category',
    pageSettings: { trackAllPages: false, trackNamedPages: false, trackCategorizedPages: false },
    identity: NEITHER,
    expected: { rejectedNaming: ['Track All Pages'] }
  }
]

const TABLE = (['page', 'screen'] as const).flatMap((kind) => ROWS.map((row) => ({ kind, ...row })))

describe('Iterable.trackPage', () => {
  describe('which page and screen calls are sent, and under which event name', () => {
    it.each(TABLE.filter((row) => 'eventName' in row.expected))(
      '$kind call, $description → sent',
      async ({ kind, pageSettings, identity, expected }) => {
        nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
        const event = pageEvent(kind, identity)

        const responses = await testDestination.testAction('trackPage', {
          event,
          settings: settingsWith(pageSettings),
          useDefaultMappings: true
        })

        const eventName = (expected as { eventName: (kind: Kind) => string }).eventName(kind)
        expect(responses).toHaveLength(1)
        expect(responses[0].status).toBe(200)
        expect(responses[0].url).toBe(`${US_BASE}${TRACK_PATH}`)
        expect(responses[0].options.method).toBe('POST')
        expect(responses[0].options.json).toEqual({
          userId: 'user1234',
          eventName,
          id: MESSAGE_ID,
          createdAt: TIMESTAMP_UNIX_SECONDS,
          dataFields: event.properties
        })
        expect(eventName).not.toMatch(/undefined/)
      }
    )

    it.each(TABLE.filter((row) => 'rejectedNaming' in row.expected))(
      '$kind call, $description → rejected, nothing sent',
      async ({ kind, pageSettings, identity, expected }) => {
        const scope = nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
        const event = pageEvent(kind, identity)

        const attempt = testDestination.testAction('trackPage', {
          event,
          settings: settingsWith(pageSettings),
          useDefaultMappings: true
        })

        await expect(attempt).rejects.toThrow(PayloadValidationError)
        const error = (await attempt.catch((e: Error) => e)) as Error
        const labels = (expected as { rejectedNaming: string[] }).rejectedNaming
        for (const label of labels) expect(error.message).toContain(`"${label}"`)
        for (const label of ALL_LABELS.filter((l) => !labels.includes(l))) expect(error.message).not.toContain(label)
        expect(error.message).toContain(kind)
        expect(error.message).not.toMatch(/undefined/)
        expect(scope.isDone()).toBe(false)
      }
    )
  })

  it('sends a named page with its properties, the messageId as id and the timestamp in unix seconds', async () => {
    nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
    const event = createTestEvent({
      type: 'page',
      name: 'shoppingCart',
      category: 'Checkout',
      messageId: 'ajs-next-1675630930123-5b1c',
      timestamp: TIMESTAMP,
      userId: 'user1234',
      context: { traits: { email: 'jane.kim@example.com' } },
      properties: {
        path: '/cart',
        referrer: 'https://www.example.com/products/monopoly',
        search: '?utm_source=newsletter',
        title: 'Your Cart',
        url: 'https://www.example.com/cart?utm_source=newsletter',
        campaignId: 2345,
        templateId: 6789
      }
    })

    const responses = await testDestination.testAction('trackPage', {
      event,
      settings: settingsWith(),
      useDefaultMappings: true
    })

    expect(responses).toHaveLength(1)
    expect(responses[0].options.headers).toBeDefined()
    expect((responses[0].options.headers as unknown as Headers).get('api-key')).toBe('test-api-key')
    expect(responses[0].options.json).toEqual({
      email: 'jane.kim@example.com',
      userId: 'user1234',
      eventName: 'shoppingCart page',
      id: 'ajs-next-1675630930123-5b1c',
      createdAt: TIMESTAMP_UNIX_SECONDS,
      dataFields: {
        path: '/cart',
        referrer: 'https://www.example.com/products/monopoly',
        search: '?utm_source=newsletter',
        title: 'Your Cart',
        url: 'https://www.example.com/cart?utm_source=newsletter',
        campaignId: 2345,
        templateId: 6789
      },
      campaignId: 2345,
      templateId: 6789
    })
  })

  it('converts ISO date-times in the page properties, at any depth, to Iterable dates and leaves date-only strings', async () => {
    nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
    const event = pageEvent('page', NAME, {
      properties: {
        title: 'Launch countdown',
        launchAt: '2023-02-05T20:42:10.123-05:00',
        launchDay: '2023-02-06',
        schedule: { doorsOpen: '2023-02-05T23:00:00Z', sessions: ['2023-02-06T09:30:00+01:00'] }
      }
    })

    const responses = await testDestination.testAction('trackPage', {
      event,
      settings: settingsWith(),
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toEqual({
      userId: 'user1234',
      eventName: 'shoppingCart page',
      id: MESSAGE_ID,
      createdAt: TIMESTAMP_UNIX_SECONDS,
      dataFields: {
        title: 'Launch countdown',
        launchAt: '2023-02-06 01:42:10 +00:00',
        launchDay: '2023-02-06',
        schedule: { doorsOpen: '2023-02-05 23:00:00 +00:00', sessions: ['2023-02-06 08:30:00 +00:00'] }
      }
    })
  })

  it('sends a screen call as "<name> screen" from the top-level screen name', async () => {
    nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
    const event = pageEvent('screen', { name: 'Checkout' })

    const responses = await testDestination.testAction('trackPage', {
      event,
      settings: settingsWith(),
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toEqual({
      userId: 'user1234',
      eventName: 'Checkout screen',
      id: MESSAGE_ID,
      createdAt: TIMESTAMP_UNIX_SECONDS,
      dataFields: { appVersion: '4.2.0', orientation: 'portrait' }
    })
  })

  describe('identifiers', () => {
    it('takes the email from properties.email before context.traits.email', async () => {
      nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
      const event = pageEvent('page', NAME, {
        properties: { title: 'Your Cart', email: 'cart.owner@example.com' },
        context: { traits: { email: 'jane.kim@example.com' } }
      })

      const responses = await testDestination.testAction('trackPage', {
        event,
        settings: settingsWith(),
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'cart.owner@example.com',
        userId: 'user1234',
        eventName: 'shoppingCart page',
        id: MESSAGE_ID,
        createdAt: TIMESTAMP_UNIX_SECONDS,
        dataFields: { title: 'Your Cart', email: 'cart.owner@example.com' }
      })
    })

    it('takes the email from context.traits.email when the properties have none, and sends it without a userId', async () => {
      nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
      const event = pageEvent('page', NAME, {
        userId: null,
        context: { traits: { email: 'jane.kim@example.com' } }
      })

      const responses = await testDestination.testAction('trackPage', {
        event,
        settings: settingsWith(),
        useDefaultMappings: true
      })

      expect(responses[0].options.json).toEqual({
        email: 'jane.kim@example.com',
        eventName: 'shoppingCart page',
        id: MESSAGE_ID,
        createdAt: TIMESTAMP_UNIX_SECONDS,
        dataFields: basePropertiesFor('page')
      })
    })

    it('rejects an anonymous call with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
      const event = pageEvent('page', NAME, { userId: null, context: { traits: {} } })

      const attempt = testDestination.testAction('trackPage', {
        event,
        settings: settingsWith(),
        useDefaultMappings: true
      })

      await expect(attempt).rejects.toThrow(/'email'/)
      await expect(attempt).rejects.toThrow(/'userId'/)
      expect(scope.isDone()).toBe(false)
    })

    it('rejects a call whose only identifier is a blank userId, naming email and userId, and sends nothing', async () => {
      const scope = nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
      const event = pageEvent('screen', NAME, { userId: '   ', context: { traits: {} } })

      const attempt = testDestination.testAction('trackPage', {
        event,
        settings: settingsWith(),
        useDefaultMappings: true
      })

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/email.*userId/)
      expect(scope.isDone()).toBe(false)
    })
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = nock(EU_BASE).post(TRACK_PATH).reply(200, SUCCESS)
    const event = pageEvent('page', NAME)

    const responses = await testDestination.testAction('trackPage', {
      event,
      settings: { ...settingsWith(), dataCenterLocation: 'europe' },
      useDefaultMappings: true
    })

    expect(responses[0].url).toBe(`${EU_BASE}${TRACK_PATH}`)
    expect(responses[0].options.json).toMatchObject({ eventName: 'shoppingCart page', userId: 'user1234' })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    nock(US_BASE).post(TRACK_PATH).reply(200, SUCCESS)
    const event = pageEvent('page', NAME_AND_CATEGORY, {
      properties: { title: 'Your Cart', openedAt: '2023-02-05T20:42:10.123-05:00', filters: { sort: 'price' } },
      context: { traits: { email: 'jane.kim@example.com', signedUpAt: '2021-03-04T05:06:07Z' } }
    })
    const before = structuredClone(event)

    await testDestination.testAction('trackPage', { event, settings: settingsWith(), useDefaultMappings: true })

    expect(event).toEqual(before)
  })

  it("rejects with Iterable's code and message when Iterable answers 400", async () => {
    nock(US_BASE)
      .post(TRACK_PATH)
      .reply(400, { msg: 'Invalid eventName: must not be empty', code: 'BadParams', params: null })
    const event = pageEvent('page', NAME)

    const attempt = testDestination.testAction('trackPage', {
      event,
      settings: settingsWith(),
      useDefaultMappings: true
    })

    await expect(attempt).rejects.toThrow(/BadParams/)
    await expect(attempt).rejects.toThrow(/Invalid eventName: must not be empty/)
  })
})
