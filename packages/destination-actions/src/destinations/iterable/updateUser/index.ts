import { IntegrationError, PayloadValidationError, RetryableError } from '@segment/actions-core'
import type { ActionDefinition, JSONLikeObject, RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import {
  TRAITS_EMAIL_FIELD,
  USER_ID_FIELD,
  USER_DATA_FIELDS,
  USER_PHONE_NUMBER_FIELD,
  MERGE_NESTED_OBJECTS_FIELD,
  PREFER_USER_ID_FIELD,
  BATCH_FIELDS
} from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { userBody } from '../bodies'
import {
  changesEmailByUserId,
  explainUnknownUserId,
  explainUpdateEmailRefusal,
  requireUserIdForEmailChange
} from '../identity'
import { sendBulk } from '../bulk'
import { callIterable } from '../iterable-api'
import { MAX_EMAIL_LENGTH } from '../limits'

/**
 * The user's body. In hybrid and userID-based projects a new email is set in `dataFields.email` with the userId; so it
 * is in a batch when no project type is set, as the live destination does.
 */
function updateBody(payload: Payload, settings: Settings, { batch = false } = {}) {
  if (payload.newEmail && changesEmailByUserId(settings)) {
    requireUserIdForEmailChange(payload.userId, settings, 'userId')
    // Found by its userId alone: the current email would name the user the new email replaces.
    return userBody({ ...payload, email: undefined }, settings, { email: payload.newEmail })
  }
  const legacyBatchChange = batch && payload.newEmail && settings.iterableProjectType === undefined
  return userBody(payload, settings, legacyBatchChange ? { email: payload.newEmail } : undefined)
}

/** The error of an email change that failed after the profile was written, saying so. */
function afterProfileUpdate(error: unknown): unknown {
  const said = 'The profile was updated (users/update), but the email change failed: '
  if (error instanceof RetryableError) return new RetryableError(said + error.message, error.status)
  if (error instanceof IntegrationError) {
    return new IntegrationError(said + error.message, error.code ?? 'BAD_REQUEST', error.status ?? 400)
  }
  return error
}

/** One event: the profile, then (email-based projects, or none chosen) the email change through users/updateEmail. */
async function sendOne(request: RequestClient, payload: Payload, settings: Settings) {
  const profile = updateBody(payload, settings)
  const explain = explainUnknownUserId(payload, settings)
  const updated = await callIterable(request, settings, '/api/users/update', { json: profile, explain })
  if (!payload.newEmail || changesEmailByUserId(settings)) return { sent: profile as JSONLikeObject, answer: updated }
  const emailChange = { currentEmail: payload.email, currentUserId: payload.userId, newEmail: payload.newEmail }
  try {
    const answer = await callIterable(request, settings, '/api/users/updateEmail', {
      json: emailChange,
      explain: explainUpdateEmailRefusal
    })
    return { sent: { ...profile, emailChange } as JSONLikeObject, answer }
  } catch (error) {
    throw afterProfileUpdate(error)
  }
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Upsert User',
  description: 'Creates or updates a user profile in Iterable.',
  defaultSubscription: SUBSCRIPTIONS.identify,
  syncMode: {
    label: 'How to sync rows',
    description:
      'For the rows of a Reverse ETL model. Upsert: each row creates or updates its user. Update: each row updates a user Iterable already has, and Iterable skips rows of unknown users (its updateOnly, which only its bulk endpoint takes: keep Enable Batching on; your Iterable representative enables updateOnly for the project).',
    default: 'upsert',
    choices: [
      { label: 'Upsert users', value: 'upsert' },
      { label: 'Update existing users only', value: 'update' }
    ]
  },
  fields: {
    email: TRAITS_EMAIL_FIELD,
    userId: USER_ID_FIELD,
    newEmail: {
      label: 'New Email Address',
      description:
        'The new email address to assign to the user. In email-based projects (or when the Iterable Project Type setting is not set, for single events) Segment first updates the profile, then changes its email with a call to users/updateEmail; in hybrid and userID-based projects it sets the email with the userId in the same users/update call. When no project type is set, a batch sets it in dataFields.email, which only hybrid projects accept.',
      type: 'string',
      format: 'email',
      maximum: MAX_EMAIL_LENGTH
    },
    dataFields: USER_DATA_FIELDS,
    phoneNumber: USER_PHONE_NUMBER_FIELD,
    mergeNestedObjects: MERGE_NESTED_OBJECTS_FIELD,
    preferUserId: PREFER_USER_ID_FIELD,
    enable_batching: BATCH_FIELDS.enable_batching,
    updateOnly: {
      label: 'Update Only',
      description:
        'When enabled, Segment only updates existing users in Iterable; new users are not created. Applies to batches only (so does the Update sync mode of Reverse ETL, which sets it). Talk to your Iterable representative to enable this feature on the Iterable side.',
      type: 'boolean',
      disabledInputMethods: ['variable', 'function', 'freeform', 'enrichment'],
      depends_on: { match: 'all', conditions: [{ fieldKey: 'enable_batching', operator: 'is', value: true }] }
    },
    batch_size: BATCH_FIELDS.batch_size,
    batch_bytes: BATCH_FIELDS.batch_bytes
  },
  perform: async (request, { payload, settings, syncMode }) => {
    if (syncMode === 'update') {
      throw new PayloadValidationError(
        "The Update sync mode needs Enable Batching on: Iterable skips unknown users (updateOnly) only on its bulk endpoint, and users/update would create this row's user."
      )
    }
    return (await sendOne(request, payload, settings)).answer
  },
  performBatch: (request, { payload, settings, syncMode }) => {
    const emailBased = settings.iterableProjectType === 'email'
    return sendBulk(request, settings, payload, {
      endpoint: '/api/users/bulkUpdate',
      listKey: 'users',
      toRecord: (user) => updateBody(user, settings, { batch: true }),
      // Per event, not the first event's value: events that differ go in separate bodies.
      bodyExtras: (user) => (user.updateOnly || syncMode === 'update' ? { updateOnly: true } : undefined),
      changesEmail: (user) => Boolean(user.newEmail) && !emailBased,
      // Email-based projects change an email only through users/updateEmail, which has no bulk form.
      sendAlone: (user) => (user.newEmail && emailBased ? () => sendOne(request, user, settings) : undefined)
    })
  }
}

export default action
