import nock from 'nock'
import {
  API_KEY,
  audienceEvent,
  LIST_ID,
  listAnswer,
  newTestDestination,
  SUBSCRIBE_PATH,
  UNSUBSCRIBE_PATH,
  US
} from './__helpers__/support'

// Snapshots of every body the destination sends for realistic Engage events, each also pinned exactly.

/** The path and body of each request `run` sends to the US data center. */
async function requestsOf(run: () => Promise<unknown>) {
  const sent: { path: string; body: unknown }[] = []
  nock(US)
    .persist()
    .post(/.*/)
    .reply(200, function (path, body) {
      sent.push({ path, body })
      return listAnswer(1)
    })
  await run()
  return sent
}

describe('Testing snapshot for actions-iterable-audiences destination:', () => {
  it('syncAudience: an identify entering the audience, with email and userId, in a userID-based project', async () => {
    const event = audienceEvent({ userId: 'user-1815', email: 'ada@example.com', inAudience: true })

    const sent = await requestsOf(() =>
      newTestDestination().testAction('syncAudience', {
        event,
        useDefaultMappings: true,
        settings: { apiKey: API_KEY, iterableProjectType: 'userId' }
      })
    )

    expect(sent).toMatchSnapshot()
    expect(sent).toEqual([
      {
        path: SUBSCRIBE_PATH,
        body: { listId: LIST_ID, subscribers: [{ email: 'ada@example.com', userId: 'user-1815' }] }
      }
    ])
  })

  it('syncAudience: an Audience Exited track event identified by email, with the audience settings', async () => {
    const event = audienceEvent({
      userId: undefined,
      email: 'ada@example.com',
      inAudience: false,
      type: 'track',
      audienceSettings: { globalUnsubscribe: true, campaignId: 4242 }
    })

    const sent = await requestsOf(() =>
      // The audience settings travel in the event's context.personas.audience_settings, as Engage sends them.
      newTestDestination().testAction('syncAudience', {
        event,
        useDefaultMappings: true,
        settings: { apiKey: API_KEY }
      })
    )

    expect(sent).toMatchSnapshot()
    expect(sent).toEqual([
      {
        path: UNSUBSCRIBE_PATH,
        body: {
          listId: LIST_ID,
          subscribers: [{ email: 'ada@example.com' }],
          campaignId: 4242,
          channelUnsubscribe: true
        }
      }
    ])
  })
})
