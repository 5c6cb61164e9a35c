import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { generateTestData } from '../../../lib/test-data'
import destination from '../index'
import { listAnswer, newTestDestination, US } from './support'

// Upstream's destination-wide snapshot of every action, on upstream's seeds.
const destinationSlug = 'actions-iterable-lists'

describe(`Testing snapshot for ${destinationSlug} destination:`, () => {
  for (const actionSlug in destination.actions) {
    for (const requiredOnly of [true, false]) {
      it(`${actionSlug} action - ${requiredOnly ? 'required' : 'all'} fields`, async () => {
        const seedName = `${destinationSlug}#${actionSlug}`
        const [eventData, settingsData] = generateTestData(
          seedName,
          destination,
          destination.actions[actionSlug],
          requiredOnly
        )
        // A list id is numeric; Iterable needs an email or a userId.
        const properties = { email: 'test@example.com', ...eventData, segmentAudienceId: '12345' }
        const bodies: unknown[] = []
        nock(US)
          .persist()
          .post(/.*/, (body) => bodies.push(body) > 0)
          .reply(200, listAnswer(1))
        const event = createTestEvent({ properties })

        const responses = await newTestDestination().testAction(actionSlug, {
          event,
          mapping: event.properties,
          settings: settingsData
        })

        expect(responses).toHaveLength(1)
        expect(bodies).toHaveLength(1)
        expect(bodies[0]).toMatchSnapshot()
        expect(bodies[0]).toEqual({
          listId: 12345,
          subscribers: [{ email: properties.email, ...(properties.userId && { userId: properties.userId }) }]
        })
      })
    }
  }
})
