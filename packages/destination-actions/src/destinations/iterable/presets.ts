import { defaultValues, type Preset } from '@segment/actions-core'
import updateUser from './updateUser'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import trackPurchase from './trackPurchase'
import updateCart from './updateCart'
import updateEmail from './updateEmail'
import registerPushToken from './registerPushToken'
import { SUBSCRIPTIONS } from './subscriptions'

const withProperties = { ...defaultValues(trackEvent.fields), dataFields: { '@path': '$.properties' } }

export const presets: Preset[] = [
  {
    name: 'Identify Calls',
    subscribe: SUBSCRIPTIONS.identify,
    partnerAction: 'updateUser',
    mapping: defaultValues(updateUser.fields),
    type: 'automatic'
  },
  {
    name: 'Track Calls',
    subscribe: SUBSCRIPTIONS.customTrack,
    partnerAction: 'trackEvent',
    mapping: defaultValues(trackEvent.fields),
    type: 'automatic'
  },
  {
    name: 'Order Completed Calls',
    subscribe: SUBSCRIPTIONS.purchase,
    partnerAction: 'trackPurchase',
    mapping: defaultValues(trackPurchase.fields),
    type: 'automatic'
  },
  {
    name: 'Update Cart Calls',
    subscribe: SUBSCRIPTIONS.cart,
    partnerAction: 'updateCart',
    mapping: defaultValues(updateCart.fields),
    type: 'automatic'
  },
  {
    name: 'Page Calls',
    subscribe: SUBSCRIPTIONS.page,
    partnerAction: 'trackPage',
    mapping: defaultValues(trackPage.fields),
    type: 'automatic'
  },
  {
    name: 'Screen Calls',
    subscribe: SUBSCRIPTIONS.screen,
    partnerAction: 'trackPage',
    mapping: defaultValues(trackPage.fields),
    type: 'automatic'
  },
  {
    name: 'Email Updated Calls',
    subscribe: SUBSCRIPTIONS.emailUpdated,
    partnerAction: 'updateEmail',
    mapping: defaultValues(updateEmail.fields),
    type: 'automatic'
  },
  {
    name: 'Register Push Token',
    subscribe: SUBSCRIPTIONS.pushToken,
    partnerAction: 'registerPushToken',
    mapping: defaultValues(registerPushToken.fields),
    type: 'automatic'
  },
  // Events emitted by Segment's warehouse entities and Journeys, as the live destination maps them.
  {
    name: 'Associated Entity Added',
    partnerAction: 'trackEvent',
    mapping: defaultValues(trackEvent.fields),
    type: 'specificEvent',
    eventSlug: 'warehouse_entity_added_track'
  },
  {
    name: 'Associated Entity Removed',
    partnerAction: 'trackEvent',
    mapping: withProperties,
    type: 'specificEvent',
    eventSlug: 'warehouse_entity_removed_track'
  },
  {
    name: 'Entities Audience Entered',
    partnerAction: 'trackEvent',
    mapping: withProperties,
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_entered_track'
  },
  {
    name: 'Entities Audience Exited',
    partnerAction: 'trackEvent',
    mapping: withProperties,
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_exited_track'
  },
  {
    name: 'Entities Audience Membership Changed',
    partnerAction: 'updateUser',
    mapping: { ...defaultValues(updateUser.fields), dataFields: { '@path': '$.traits' } },
    type: 'specificEvent',
    eventSlug: 'warehouse_audience_membership_changed_identify'
  },
  {
    name: 'Journeys Step Transition Track',
    partnerAction: 'trackEvent',
    mapping: withProperties,
    type: 'specificEvent',
    eventSlug: 'journeys_step_entered_track'
  }
]
