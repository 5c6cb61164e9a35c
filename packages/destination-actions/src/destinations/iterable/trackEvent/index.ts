import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import {
  EMAIL_FIELD,
  USER_ID_FIELD,
  EVENT_DATA_FIELDS,
  EVENT_ID_FIELD,
  CREATED_AT_FIELD,
  CAMPAIGN_ID_FIELD,
  TEMPLATE_ID_FIELD,
  ENABLE_BATCHING_FIELD,
  BATCH_SIZE_FIELD
} from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { trackEventBody, trackEventRecordJson } from '../bodies'
import { callIterable } from '../iterable-api'
import { sendBulk } from '../batching'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Custom Event',
  description: 'Track a custom event to a user profile.',
  defaultSubscription: SUBSCRIPTIONS.customTrack,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    eventName: {
      label: 'Event name',
      description: 'Name of the event',
      type: 'string',
      required: true,
      default: { '@path': '$.event' }
    },
    dataFields: EVENT_DATA_FIELDS,
    id: EVENT_ID_FIELD,
    createdAt: CREATED_AT_FIELD,
    campaignId: CAMPAIGN_ID_FIELD,
    templateId: TEMPLATE_ID_FIELD,
    enable_batching: ENABLE_BATCHING_FIELD,
    batch_size: BATCH_SIZE_FIELD
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, 'trackEvent', { json: trackEventBody(payload) }),
  performBatch: (request, { payload, settings }) =>
    sendBulk(request, settings, payload, {
      endpoint: 'bulkTrackEvent',
      listKey: 'events',
      toRecordJson: trackEventRecordJson
    })
}

export default action
