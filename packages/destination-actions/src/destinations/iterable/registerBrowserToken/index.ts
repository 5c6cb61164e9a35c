import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { EMAIL_FIELD, USER_ID_FIELD } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { explainUnknownUserId, requireIdentifiers } from '../identity'
import { callIterable } from '../iterable-api'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Register Browser Push Token',
  description:
    "Registers a web browser's push token on the Iterable user, for Iterable's web push. Segment's web SDK sends no push token of its own: send the token your site gets from Firebase Cloud Messaging in an event (by default, a track event's properties.browserToken).",
  defaultSubscription: SUBSCRIPTIONS.browserToken,
  fields: {
    email: EMAIL_FIELD,
    userId: USER_ID_FIELD,
    browserToken: {
      label: 'Browser Push Token',
      description: "The browser's web push token, as the Firebase Cloud Messaging JavaScript SDK gives it (getToken).",
      type: 'string',
      required: true,
      default: { '@path': '$.properties.browserToken' }
    }
  },
  perform: (request, { payload, settings }) => {
    requireIdentifiers(payload, settings)
    const json = { email: payload.email, userId: payload.userId, browserToken: payload.browserToken }
    const explain = explainUnknownUserId(payload, settings)
    return callIterable(request, settings, '/api/users/registerBrowserToken', { json, explain })
  }
}

export default action
