import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import {
  TRAITS_EMAIL_FIELD,
  USER_ID_FIELD,
  USER_DATA_FIELDS,
  USER_PHONE_NUMBER_FIELD,
  MERGE_NESTED_OBJECTS_FIELD,
  PREFER_USER_ID_FIELD,
  ENABLE_BATCHING_FIELD,
  BATCH_SIZE_FIELD
} from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { userUpdateBody, updateEmailBody, bulkUserRecordJson } from '../bodies'
import { sendBulk } from '../batching'
import { callIterable } from '../iterable-api'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert User',
  description: 'Creates or updates a user profile in Iterable.',
  defaultSubscription: SUBSCRIPTIONS.identify,
  fields: {
    email: TRAITS_EMAIL_FIELD,
    userId: USER_ID_FIELD,
    newEmail: {
      label: 'New Email Address',
      description:
        "The new email address to assign to the user. For single events, Segment first updates the profile, then changes its email with a separate call to Iterable's updateEmail (email-based projects only). Batch updating a profile email address is only supported for Hybrid projects.",
      type: 'string',
      format: 'email',
      required: false
    },
    dataFields: USER_DATA_FIELDS,
    phoneNumber: USER_PHONE_NUMBER_FIELD,
    mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
    preferUserId: PREFER_USER_ID_FIELD,
    enable_batching: ENABLE_BATCHING_FIELD,
    updateOnly: {
      label: 'Update Only',
      description:
        'When enabled, Segment only updates existing users in Iterable; new users are not created. Applies to batches only. Talk to your Iterable representative to enable this feature on the Iterable side.',
      type: 'boolean',
      required: false,
      disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
      depends_on: { match: 'all', conditions: [{ fieldKey: 'enable_batching', operator: 'is', value: true }] }
    },
    batch_size: BATCH_SIZE_FIELD
  },
  perform: async (request, { payload, settings }) => {
    const updated = await callIterable(request, settings, 'updateUser', { json: userUpdateBody(payload) })
    if (!payload.newEmail) return updated
    const emailChange = { currentEmail: payload.email, currentUserId: payload.userId, newEmail: payload.newEmail }
    return callIterable(request, settings, 'updateEmail', { json: updateEmailBody(emailChange) })
  },
  performBatch: (request, { payload, settings }) =>
    sendBulk(request, settings, payload, {
      endpoint: 'bulkUpdateUser',
      listKey: 'users',
      toRecordJson: bulkUserRecordJson,
      // Per event, not the first event's value: events that differ go in separate bodies.
      bodyExtras: (user) => (user.updateOnly ? { updateOnly: true } : undefined)
    })
}

export default action
