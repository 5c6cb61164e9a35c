import { actionUnderTest, pageEvent, settings, snapshotSuite, TRACK_PATH } from '../../__tests__/__helpers__/support'

const actionSlug = 'trackPage'
const { bodySent } = actionUnderTest(actionSlug, TRACK_PATH)

const namedPage = pageEvent(
  'page',
  { name: 'shoppingCart', category: 'Checkout' },
  {
    messageId: 'ajs-next-1675630930123-5b1c0f2d',
    anonymousId: 'anon-5f2d7c1e',
    context: { traits: { email: 'jane.kim@example.com' } },
    properties: {
      path: '/cart',
      referrer: 'https://www.example.com/products/monopoly',
      search: '?utm_source=newsletter',
      title: 'Your Cart',
      url: 'https://www.example.com/cart?utm_source=newsletter',
      saleEndsAt: '2023-02-05T20:42:10.123-05:00',
      campaignId: 2345,
      templateId: 6789
    }
  }
)

/** A screen call with the default screen properties, identified by its email alone. */
const screenEvent = pageEvent(
  'screen',
  { name: 'Checkout' },
  {
    messageId: 'ios-3e1f9a2b-5c4d-4e6f-8a7b-9c0d1e2f3a4b',
    userId: null,
    context: { traits: { email: 'jane.kim@example.com' } }
  }
)

describe(snapshotSuite(actionSlug), () => {
  it('page call with all fields', async () => {
    const body = await bodySent(namedPage)

    expect(body).toMatchSnapshot()
    expect(body).toMatchObject({
      email: 'jane.kim@example.com',
      userId: 'user1234',
      eventName: 'shoppingCart page',
      id: 'ajs-next-1675630930123-5b1c0f2d',
      createdAt: 1675629730,
      campaignId: 2345,
      templateId: 6789
    })
  })

  it('screen call identified by email only, mapped to a single event name', async () => {
    const body = await bodySent(screenEvent, { settings: { ...settings, mapToSingleEvent: true } })

    expect(body).toMatchSnapshot()
    expect(body).toEqual({
      email: 'jane.kim@example.com',
      eventName: 'Loaded a Screen',
      id: 'ios-3e1f9a2b-5c4d-4e6f-8a7b-9c0d1e2f3a4b',
      createdAt: 1675629730,
      dataFields: { appVersion: '4.2.0', orientation: 'portrait' }
    })
  })
})
