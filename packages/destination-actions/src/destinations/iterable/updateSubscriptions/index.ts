import { PayloadValidationError } from '@segment/actions-core'
import type { ActionDefinition, InputField } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { BATCH_FIELDS, EMAIL_FIELD, EVENT_FIELDS, USER_ID_FIELD } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { explainUnknownUserId, requireIdentifiers } from '../identity'
import { sendBulk } from '../bulk'
import { callIterable } from '../iterable-api'

/** The lists Iterable overwrites when they are in the request (and leaves alone when they are not). */
const LISTS = [
  'emailListIds',
  'unsubscribedChannelIds',
  'unsubscribedMessageTypeIds',
  'subscribedMessageTypeIds'
] as const

/** Only the keys the mapping set: an unmapped list is left out, never sent empty, so Iterable keeps what it has. */
function subscriptionsBody(payload: Payload, settings: Settings) {
  requireIdentifiers(payload, settings)
  if (LISTS.every((list) => payload[list] === undefined)) {
    throw new PayloadValidationError(
      `Nothing to update: map at least one of ${LISTS.join(', ')} (an empty list is allowed, and clears it).`
    )
  }
  // The body is the mapped fields, in Iterable's terms already, less the batching options.
  const { enable_batching, batch_size, batch_bytes, ...body } = payload
  return body
}

const OVERWRITES =
  'Iterable replaces the whole list with this one (an empty list clears it); left unmapped or absent from the event, the list is not sent and Iterable keeps it as it is.'

/** A list of Iterable ids (integers), read from the event property of the same name. */
const idList = (label: string, description: string, property: string): InputField => ({
  label,
  description: `${description} Whole numbers only. ${OVERWRITES}`,
  type: 'integer',
  multiple: true,
  default: { '@path': `$.properties.${property}` }
})

const action: ActionDefinition<Settings, Payload> = {
  title: 'Update Subscriptions',
  description:
    "Sets a user's subscription preferences in Iterable: the email lists they are on and the channels and message types they have unsubscribed from or opted in to. Each list sent overwrites the user's list in Iterable.",
  defaultSubscription: SUBSCRIPTIONS.subscriptionsUpdated,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    emailListIds: idList('Email List IDs', 'The ids of the Iterable lists the user is subscribed to.', 'emailListIds'),
    unsubscribedChannelIds: idList(
      'Unsubscribed Channel IDs',
      'The ids of the Iterable channels the user is unsubscribed from.',
      'unsubscribedChannelIds'
    ),
    unsubscribedMessageTypeIds: idList(
      'Unsubscribed Message Type IDs',
      'The ids of the Iterable message types the user is unsubscribed from (channel subscriptions are not affected).',
      'unsubscribedMessageTypeIds'
    ),
    subscribedMessageTypeIds: idList(
      'Subscribed Message Type IDs',
      'The ids of the opt-in Iterable message types the user is subscribed to (channel subscriptions are not affected). Iterable accepts it only once your Iterable CSM has enabled opt-in message types.',
      'subscribedMessageTypeIds'
    ),
    campaignId: { ...EVENT_FIELDS.campaignId, description: 'The Iterable campaign to attribute the unsubscribes to.' },
    templateId: { ...EVENT_FIELDS.templateId, description: 'The Iterable template to attribute the unsubscribes to.' },
    validateChannelAlignment: {
      label: 'Validate Channel Alignment',
      description:
        'Iterable checks that subscribed message types belong to channels the user is subscribed to (when not set, or on). Turn off to keep message type preferences for channels the user is unsubscribed from: they take effect once the user subscribes to the channel again.',
      type: 'boolean'
    },
    ...BATCH_FIELDS
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, '/api/users/updateSubscriptions', {
      json: subscriptionsBody(payload, settings),
      explain: explainUnknownUserId(payload, settings)
    }),
  performBatch: (request, { payload, settings }) =>
    sendBulk(request, settings, payload, {
      endpoint: '/api/users/bulkUpdateSubscriptions',
      listKey: 'updateSubscriptionsRequests',
      toRecord: (record) => subscriptionsBody(record, settings)
    })
}

export default action
