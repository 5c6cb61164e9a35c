import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from './generated-types'
import updateUser from './updateUser'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import trackPurchase from './trackPurchase'
import updateCart from './updateCart'
import updateEmail from './updateEmail'
import registerPushToken from './registerPushToken'
import registerBrowserToken from './registerBrowserToken'
import updateSubscriptions from './updateSubscriptions'
import { presets } from './presets'
import { PAGE_SETTINGS } from './page-naming'
import { API_KEY_HEADER, CONNECTION_SETTINGS, callIterable } from './iterable-api'
import { PROJECT_TYPE_CHOICES } from './identity'
import { DELETION_MODE_SETTING, deleteUser } from './deletion'

const destination: DestinationDefinition<Settings> = {
  name: 'Iterable (Actions)',
  slug: 'actions-iterable',
  mode: 'cloud',
  description:
    'Send identify, track, page, screen and ecommerce events, and Engage audiences, to Iterable user profiles, custom events, carts and purchases.',

  authentication: {
    scheme: 'custom',
    fields: {
      ...CONNECTION_SETTINGS,
      iterableProjectType: {
        label: 'Iterable Project Type',
        description:
          'How your Iterable project identifies users (Iterable: Project Settings > Project type). Email-based: email is unique; an email changes through users/updateEmail. Hybrid: email and userId are both unique. UserID-based: userId identifies users and is required. In hybrid and userID-based projects an email changes through users/update with the userId. Not set: email or userId identify users, a single event changes an email through users/updateEmail and a batched one through dataFields.email, as before this setting existed. Email-based projects are not offered in the EU data center.',
        type: 'string',
        format: 'text',
        choices: PROJECT_TYPE_CHOICES
      },
      ...PAGE_SETTINGS,
      deletionMode: DELETION_MODE_SETTING
    },
    // A rejected key becomes InvalidAuthenticationError, which says where to find a server-side key.
    testAuthentication: (request, { settings }) => callIterable(request, settings, 'getWebhooks', { method: 'get' })
  },

  extendRequest({ settings }) {
    return { headers: { [API_KEY_HEADER]: settings.apiKey } }
  },

  presets,

  onDelete: deleteUser,

  actions: {
    updateUser,
    trackEvent,
    trackPage,
    trackPurchase,
    updateCart,
    updateEmail,
    registerPushToken,
    registerBrowserToken,
    updateSubscriptions
  }
}

export default destination
