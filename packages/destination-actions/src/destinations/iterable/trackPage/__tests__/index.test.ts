import { PayloadValidationError } from '@segment/actions-core'
import type { Settings } from '../../generated-types'
import {
  acceptPost,
  actionUnderTest,
  apiKeyHeader,
  basePropertiesFor,
  EU,
  EUROPE,
  expectNothingSent,
  expectOnePost,
  PAGE_MESSAGE_ID as MESSAGE_ID,
  pageEvent,
  settings,
  TIMESTAMP_UNIX_SECONDS,
  TRACK_PATH,
  US,
  deepCopy,
  sentBody
} from '../../__tests__/__helpers__/support'
import type { PageIdentity as Identity, PageKind as Kind } from '../../__tests__/__helpers__/support'

const { run, bodySent } = actionUnderTest('trackPage', TRACK_PATH)

type PageSettings = Pick<Settings, 'trackAllPages' | 'trackCategorizedPages' | 'trackNamedPages' | 'mapToSingleEvent'>

const settingsWith = (pageSettings: PageSettings = {}): Settings => ({ ...settings, ...pageSettings })

const generic = (kind: Kind) => (kind === 'page' ? 'Loaded a Page' : 'Loaded a Screen')

/** The events/track body of a call of user1234 from pageEvent, with the default mappings. */
const pageBody = (eventName: string, dataFields: unknown, extra: Record<string, unknown> = {}) => ({
  userId: 'user1234',
  eventName,
  id: MESSAGE_ID,
  createdAt: TIMESTAMP_UNIX_SECONDS,
  dataFields,
  ...extra
})

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

/** A row of ROWS for a page call or for a screen call. */
type TableRow = Row & { kind: Kind }

const TABLE: TableRow[] = (['page', 'screen'] as const).flatMap((kind) => ROWS.map((row) => ({ kind, ...row })))

describe('Iterable.trackPage', () => {
  describe('which page and screen calls are sent, and under which event name', () => {
    it.each(TABLE.filter((row) => 'eventName' in row.expected))(
      '$kind call, $description → sent',
      async ({ kind, pageSettings, identity, expected }: TableRow) => {
        acceptPost(TRACK_PATH)
        const event = pageEvent(kind, identity)

        const responses = await run(event, { settings: settingsWith(pageSettings) })

        const eventName = (expected as { eventName: (kind: Kind) => string }).eventName(kind)
        expectOnePost(responses, `${US}${TRACK_PATH}`)
        expect(sentBody(responses[0])).toEqual(pageBody(eventName, event.properties))
        expect(eventName).not.toMatch(/undefined/)
      }
    )

    it.each(TABLE.filter((row) => 'rejectedNaming' in row.expected))(
      '$kind call, $description → rejected, nothing sent',
      async ({ kind, pageSettings, identity, expected }: TableRow) => {
        const scope = acceptPost(TRACK_PATH)
        const event = pageEvent(kind, identity)

        const attempt = run(event, { settings: settingsWith(pageSettings) })

        await expect(attempt).rejects.toThrow(PayloadValidationError)
        const error = (await attempt.catch((e: Error) => e)) as Error
        const labels = (expected as { rejectedNaming: string[] }).rejectedNaming
        for (const label of labels) expect(error.message).toContain(`"${label}"`)
        for (const label of ALL_LABELS.filter((l) => !labels.includes(l))) expect(error.message).not.toContain(label)
        expect(error.message).toContain(kind)
        expect(error.message).not.toMatch(/undefined/)
        expectNothingSent(scope)
      }
    )
  })

  it('sends a named page with its properties, the messageId as id and the timestamp in unix seconds', async () => {
    acceptPost(TRACK_PATH)
    const properties = {
      path: '/cart',
      referrer: 'https://www.example.com/products/monopoly',
      search: '?utm_source=newsletter',
      title: 'Your Cart',
      url: 'https://www.example.com/cart?utm_source=newsletter',
      campaignId: 2345,
      templateId: 6789
    }
    const event = pageEvent(
      'page',
      { name: 'shoppingCart', category: 'Checkout' },
      {
        messageId: 'ajs-next-1675630930123-5b1c',
        context: { traits: { email: 'jane.kim@example.com' } },
        properties
      }
    )

    const responses = await run(event)

    expect(responses).toHaveLength(1)
    expect(responses[0].options.headers).toBeDefined()
    expect(apiKeyHeader(responses[0])).toBe('test-api-key')
    expect(sentBody(responses[0])).toEqual({
      email: 'jane.kim@example.com',
      ...pageBody('shoppingCart page', properties, {
        id: 'ajs-next-1675630930123-5b1c',
        campaignId: 2345,
        templateId: 6789
      })
    })
  })

  it('converts ISO date-times in the page properties, at any depth, to Iterable dates and leaves date-only strings', async () => {
    const event = pageEvent('page', NAME, {
      properties: {
        title: 'Launch countdown',
        launchAt: '2023-02-05T20:42:10.123-05:00',
        launchDay: '2023-02-06',
        schedule: { doorsOpen: '2023-02-05T23:00:00Z', sessions: ['2023-02-06T09:30:00+01:00'] }
      }
    })

    expect(await bodySent(event)).toEqual(
      pageBody('shoppingCart page', {
        title: 'Launch countdown',
        launchAt: '2023-02-06 01:42:10 +00:00',
        launchDay: '2023-02-06',
        schedule: { doorsOpen: '2023-02-05 23:00:00 +00:00', sessions: ['2023-02-06 08:30:00 +00:00'] }
      })
    )
  })

  it('sends a screen call as "<name> screen" from the top-level screen name', async () => {
    const event = pageEvent('screen', { name: 'Checkout' })

    expect(await bodySent(event)).toEqual(pageBody('Checkout screen', { appVersion: '4.2.0', orientation: 'portrait' }))
  })

  describe('identifiers', () => {
    it('takes the email from properties.email before context.traits.email', async () => {
      const event = pageEvent('page', NAME, {
        properties: { title: 'Your Cart', email: 'cart.owner@example.com' },
        context: { traits: { email: 'jane.kim@example.com' } }
      })

      expect(await bodySent(event)).toEqual({
        email: 'cart.owner@example.com',
        ...pageBody('shoppingCart page', { title: 'Your Cart', email: 'cart.owner@example.com' })
      })
    })

    it('takes the email from context.traits.email when the properties have none, and sends it without a userId', async () => {
      const event = pageEvent('page', NAME, { userId: null, context: { traits: { email: 'jane.kim@example.com' } } })

      const body = await bodySent(event)

      const { userId: _userId, ...withoutUserId } = pageBody('shoppingCart page', basePropertiesFor('page'))
      expect(body).toEqual({ email: 'jane.kim@example.com', ...withoutUserId })
    })

    it('rejects an anonymous call with neither email nor userId, naming both, and sends nothing', async () => {
      const scope = acceptPost(TRACK_PATH)
      const event = pageEvent('page', NAME, { userId: null, context: { traits: {} } })

      const attempt = run(event)

      await expect(attempt).rejects.toThrow(/'email'/)
      await expect(attempt).rejects.toThrow(/'userId'/)
      expectNothingSent(scope)
    })

    it('rejects a call whose only identifier is a blank userId, naming userId, and sends nothing', async () => {
      const scope = acceptPost(TRACK_PATH)
      const event = pageEvent('screen', NAME, { userId: '   ', context: { traits: {} } })

      const attempt = run(event)

      await expect(attempt).rejects.toThrow(PayloadValidationError)
      await expect(attempt).rejects.toThrow(/^userId is blank/)
      expectNothingSent(scope)
    })
  })

  it('sends to the EU data center when dataCenterLocation is europe', async () => {
    const euScope = acceptPost(TRACK_PATH, { base: EU })
    const event = pageEvent('page', NAME)

    const responses = await run(event, { settings: EUROPE })

    expect(responses[0].url).toBe(`${EU}${TRACK_PATH}`)
    expect(sentBody(responses[0])).toMatchObject({ eventName: 'shoppingCart page', userId: 'user1234' })
    expect(euScope.isDone()).toBe(true)
  })

  it('does not change the event it is given', async () => {
    acceptPost(TRACK_PATH)
    const event = pageEvent('page', NAME_AND_CATEGORY, {
      properties: { title: 'Your Cart', openedAt: '2023-02-05T20:42:10.123-05:00', filters: { sort: 'price' } },
      context: { traits: { email: 'jane.kim@example.com', signedUpAt: '2021-03-04T05:06:07Z' } }
    })
    const before = deepCopy(event)

    await run(event)

    expect(event).toEqual(before)
  })

  // Iterable's error answers (a 400 with its code and message among them) are tested for every action in
  // ../../__tests__/errors.test.ts.
})
