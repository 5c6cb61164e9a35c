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
import syncCatalogItems from './syncCatalogItems'
import { presets } from './presets'
import { PAGE_SETTINGS } from './page-naming'
import { API_KEY_HEADER, CONNECTION_SETTINGS, callIterable } from './iterable-api'
import { PROJECT_TYPE_SETTING } from './identity'
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
      iterableProjectType: PROJECT_TYPE_SETTING,
      ...PAGE_SETTINGS,
      deletionMode: DELETION_MODE_SETTING
    },
    // A rejected key becomes InvalidAuthenticationError, which says where to find a server-side key.
    testAuthentication: (request, { settings }) => callIterable(request, settings, '/api/webhooks', { method: 'get' })
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
    updateSubscriptions,
    syncCatalogItems
  }
}

export default destination
