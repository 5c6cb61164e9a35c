import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { EMAIL_FIELD, USER_ID_FIELD, EVENT_DATA_FIELDS, EVENT_FIELDS, BATCH_FIELDS } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { eventBody } from '../bodies'
import { explainUnknownUserId } from '../identity'
import { callIterable } from '../iterable-api'
import { sendBulk } from '../bulk'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Custom Event',
  description: 'Track a custom event to a user profile.',
  defaultSubscription: SUBSCRIPTIONS.customTrack,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    eventName: {
      label: 'Event name',
      description:
        'Name of the event. An event without a name (or a blank one) is refused before anything is sent, as Iterable refuses it.',
      type: 'string',
      default: { '@path': '$.event' }
    },
    dataFields: EVENT_DATA_FIELDS,
    ...EVENT_FIELDS,
    ...BATCH_FIELDS
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, '/api/events/track', {
      json: eventBody(payload, payload.eventName, settings),
      explain: explainUnknownUserId(payload, settings)
    }),
  performBatch: (request, { payload, settings }) =>
    sendBulk(request, settings, payload, {
      endpoint: '/api/events/trackBulk',
      listKey: 'events',
      toRecord: (event) => eventBody(event, event.eventName, settings)
    })
}

export default action
