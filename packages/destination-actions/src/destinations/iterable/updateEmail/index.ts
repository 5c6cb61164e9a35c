import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { whenMissing } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import {
  changesEmailByUserId,
  explainUpdateEmailRefusal,
  requireIdentifiers,
  requireUserIdForEmailChange
} from '../identity'
import { callIterable } from '../iterable-api'
import { MAX_EMAIL_LENGTH, MAX_USER_ID_LENGTH } from '../limits'

const PROJECT_TYPES_NOTE =
  'In email-based projects (and when the Iterable Project Type setting is not set) it calls users/updateEmail; in hybrid and userID-based projects, users/update with the current userId and the new email.'

/** Iterable's way to change an email depends on the project type. */
function changeEmail(request: RequestClient, payload: Payload, settings: Settings) {
  const current = { email: payload.currentEmail, userId: payload.currentUserId }
  const fields = { email: 'currentEmail', userId: 'currentUserId' }
  requireIdentifiers(current, settings, { fields })
  if (changesEmailByUserId(settings)) {
    requireUserIdForEmailChange(payload.currentUserId, settings, 'currentUserId')
    const json = { userId: payload.currentUserId, dataFields: { email: payload.newEmail } }
    return callIterable(request, settings, '/api/users/update', { json })
  }
  const json = { currentEmail: payload.currentEmail, currentUserId: payload.currentUserId, newEmail: payload.newEmail }
  return callIterable(request, settings, '/api/users/updateEmail', { json, explain: explainUpdateEmailRefusal })
}

const action: ActionDefinition<Settings, Payload> = {
  title: 'Update Email',
  description: `Changes the email address of an Iterable user, keeping the profile and its history. ${PROJECT_TYPES_NOTE}`,
  defaultSubscription: SUBSCRIPTIONS.emailUpdated,
  fields: {
    currentEmail: {
      label: 'Current Email Address',
      description: `The email address the user has now. Either this or Current User ID is required. ${PROJECT_TYPES_NOTE}`,
      type: 'string',
      format: 'email',
      maximum: MAX_EMAIL_LENGTH,
      required: whenMissing('currentUserId'),
      default: { '@path': '$.properties.previous_email' }
    },
    currentUserId: {
      label: 'Current User ID',
      description: `The userId of the user whose email changes (at most ${MAX_USER_ID_LENGTH} characters). Either this or Current Email Address is required. ${PROJECT_TYPES_NOTE}`,
      type: 'string',
      maximum: MAX_USER_ID_LENGTH,
      required: whenMissing('currentEmail'),
      default: { '@path': '$.userId' }
    },
    newEmail: {
      label: 'New Email Address',
      description: `The email address the user gets. ${PROJECT_TYPES_NOTE}`,
      type: 'string',
      format: 'email',
      maximum: MAX_EMAIL_LENGTH,
      required: true,
      default: { '@path': '$.properties.new_email' }
    }
  },
  perform: (request, { payload, settings }) => changeEmail(request, payload, settings)
}

export default action
