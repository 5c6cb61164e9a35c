import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { generateTestData } from '../../../../lib/test-data'
import destination from '../../index'
import {
  API_KEY,
  audienceEvent,
  LIST_ID,
  listAnswer,
  newTestDestination,
  SUBSCRIBE_PATH,
  UNSUBSCRIBE_PATH,
  US
} from '../../__tests__/support'

const actionSlug = 'syncAudience'
// Upstream's seed, so that the generated data is the data upstream's snapshots were taken with.
const seedName = `actions-iterable-lists#${actionSlug}`

/**
 * The body of the one request the action sends, and its path. It goes to the US data center: the generated settings
 * name a data center Iterable does not have, and a project type it does not have (read as hybrid).
 */
async function requestOf(run: () => Promise<unknown>) {
  const sent: { path: string; body: any }[] = []
  nock(US)
    .persist()
    .post(/.*/, (body) => sent.push({ path: '', body }) > 0)
    .reply(200, function () {
      sent[sent.length - 1].path = this.req.path
      return listAnswer(1)
    })
  await run()
  expect(sent).toHaveLength(1)
  return sent[0]
}

describe(`Testing snapshot for actions-iterable-lists's ${actionSlug} destination action:`, () => {
  it('required fields', async () => {
    const [eventData, settingsData] = generateTestData(seedName, destination, destination.actions[actionSlug], true)
    // A list id is numeric; Iterable needs an email or a userId.
    const event = createTestEvent({
      properties: { ...eventData, segmentAudienceId: '12345', email: 'test@example.com' }
    })

    const { path, body } = await requestOf(() =>
      newTestDestination().testAction(actionSlug, { event, mapping: event.properties, settings: settingsData })
    )

    expect(body).toMatchSnapshot()
    // The generated traits hold no value under the generated audience key: the user left the audience.
    expect(path).toBe(UNSUBSCRIBE_PATH)
    expect(body).toEqual({ listId: 12345, subscribers: [{ email: 'test@example.com' }] })
  })

  it('all fields', async () => {
    const [eventData, settingsData] = generateTestData(seedName, destination, destination.actions[actionSlug], false)
    const event = createTestEvent({ properties: { ...eventData, segmentAudienceId: '12345' } })

    const { path, body } = await requestOf(() =>
      newTestDestination().testAction(actionSlug, { event, mapping: event.properties, settings: settingsData })
    )

    expect(body).toMatchSnapshot()
    expect(path).toBe(UNSUBSCRIBE_PATH)
    // Removing a user sends only their identifiers, never dataFields.
    expect(body).toEqual({ listId: 12345, subscribers: [{ email: eventData.email, userId: eventData.userId }] })
  })

  it('an Engage identify of a user entering the audience, with dataFields', async () => {
    const entered = audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true })
    const event = { ...entered, traits: { ...entered.traits, firstName: 'Ada', plan: 'premium' } }
    const mapping = {
      ...Object.fromEntries(
        Object.entries(destination.actions[actionSlug].fields).map(([key, field]) => [key, field.default])
      ),
      dataFields: { firstName: { '@path': '$.traits.firstName' }, plan: { '@path': '$.traits.plan' } }
    }

    const { path, body } = await requestOf(() =>
      newTestDestination().testAction(actionSlug, { event, mapping, settings: { apiKey: API_KEY } })
    )

    expect(body).toMatchSnapshot()
    expect(path).toBe(SUBSCRIBE_PATH)
    expect(body).toEqual({
      listId: LIST_ID,
      subscribers: [
        { email: 'ada@example.com', userId: 'user-1815', dataFields: { firstName: 'Ada', plan: 'premium' } }
      ]
    })
  })
})
