import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { SUBSCRIPTIONS } from '../subscriptions'
import { updateEmailBody } from '../bodies'
import { callIterable } from '../iterable-api'

const EMAIL_BASED_ONLY =
  'Iterable allows this call in email-based projects only; in userID-based and hybrid projects, change the email with Upsert User and the userId instead.'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Update Email',
  description: `Changes the email address of an Iterable user, keeping the profile and its history. ${EMAIL_BASED_ONLY}`,
  defaultSubscription: SUBSCRIPTIONS.emailUpdated,
  fields: {
    currentEmail: {
      label: 'Current Email Address',
      description: `The email address the user has now. Either this or Current User ID is required. ${EMAIL_BASED_ONLY}`,
      type: 'string',
      format: 'email',
      required: { match: 'all', conditions: [{ fieldKey: 'currentUserId', operator: 'is', value: undefined }] },
      default: { '@path': '$.properties.previous_email' }
    },
    currentUserId: {
      label: 'Current User ID',
      description: `The userId of the user whose email changes. Either this or Current Email Address is required. ${EMAIL_BASED_ONLY}`,
      type: 'string',
      required: { match: 'all', conditions: [{ fieldKey: 'currentEmail', operator: 'is', value: undefined }] },
      default: { '@path': '$.userId' }
    },
    newEmail: {
      label: 'New Email Address',
      description: `The email address the user gets. ${EMAIL_BASED_ONLY}`,
      type: 'string',
      format: 'email',
      required: true,
      default: { '@path': '$.properties.new_email' }
    }
  },
  perform: (request, { payload, settings }) =>
    callIterable(request, settings, 'updateEmail', { json: updateEmailBody(payload) })
}

export default action
