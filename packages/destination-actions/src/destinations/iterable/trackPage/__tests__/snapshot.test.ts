import { createTestIntegration, createTestEvent } from '@segment/actions-core'
import nock from 'nock'
import destination from '../../index'

const testDestination = createTestIntegration(destination)
const actionSlug = 'trackPage'
const destinationSlug = 'Iterable'
const SUCCESS = { msg: '', code: 'Success', params: null }

const pageEvent = createTestEvent({
  type: 'page',
  name: 'shoppingCart',
  category: 'Checkout',
  messageId: 'ajs-next-1675630930123-5b1c0f2d',
  timestamp: '2023-02-05T20:42:10.123Z',
  userId: 'user1234',
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
})

const screenEvent = createTestEvent({
  type: 'screen',
  name: 'Checkout',
  messageId: 'ios-3e1f9a2b-5c4d-4e6f-8a7b-9c0d1e2f3a4b',
  timestamp: '2023-02-05T20:42:10.123Z',
  userId: null,
  context: { traits: { email: 'jane.kim@example.com' } },
  properties: { appVersion: '4.2.0', orientation: 'portrait' }
})

describe(`Testing snapshot for ${destinationSlug}'s ${actionSlug} destination action:`, () => {
  it('page call with all fields', async () => {
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: pageEvent,
      settings: { apiKey: 'test-api-key' },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toMatchObject({
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
    nock(/.*/).persist().post(/.*/).reply(200, SUCCESS)

    const responses = await testDestination.testAction(actionSlug, {
      event: screenEvent,
      settings: { apiKey: 'test-api-key', mapToSingleEvent: true },
      useDefaultMappings: true
    })

    expect(responses[0].options.json).toMatchSnapshot()
    expect(responses[0].options.json).toEqual({
      email: 'jane.kim@example.com',
      eventName: 'Loaded a Screen',
      id: 'ios-3e1f9a2b-5c4d-4e6f-8a7b-9c0d1e2f3a4b',
      createdAt: 1675629730,
      dataFields: { appVersion: '4.2.0', orientation: 'portrait' }
    })
  })
})
