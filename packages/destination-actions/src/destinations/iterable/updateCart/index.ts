import type { ActionDefinition } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import type { Payload } from './generated-types'
import { COMMERCE_USER_FIELD, ITEMS_FIELD } from '../fields'
import { SUBSCRIPTIONS } from '../subscriptions'
import { commerceUserBody } from '../bodies'
import { requireWholeCart, toCommerceItems } from '../commerce-items'
import { explainUnknownUserId } from '../identity'
import { callIterable } from '../iterable-api'

const action: ActionDefinition<Settings, Payload> = {
  title: 'Cart Updates',
  description:
    'Replaces the shoppingCartItems of the user profile with the whole cart. Product Added, Product Removed and Cart Updated events must carry every product in the cart in properties.products.',
  defaultSubscription: SUBSCRIPTIONS.cart,
  fields: {
    user: COMMERCE_USER_FIELD,
    // Not required by the schema, so that a missing cart gets its own explanation (commerce-items.ts).
    items: ITEMS_FIELD
  },
  perform: (request, { payload, settings }) => {
    const user = commerceUserBody(payload.user, settings)
    const items = toCommerceItems(requireWholeCart(payload.items))
    const explain = explainUnknownUserId(payload.user, settings)
    return callIterable(request, settings, '/api/commerce/updateCart', { json: { user, items }, explain })
  }
}

export default action
