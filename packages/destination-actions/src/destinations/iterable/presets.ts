import { defaultValues } from '@segment/actions-core'
import type { Preset } from '@segment/actions-core'
import updateUser from './updateUser'
import trackEvent from './trackEvent'
import trackPage from './trackPage'
import trackPurchase from './trackPurchase'
import updateCart from './updateCart'
import updateEmail from './updateEmail'
import registerPushToken from './registerPushToken'
import { SUBSCRIPTIONS } from './subscriptions'

type EventSlug = Extract<Preset, { type: 'specificEvent' }>['eventSlug']

const automatic = (name: string, subscribe: string, partnerAction: string, fields: object): Preset => ({
  name,
  subscribe,
  partnerAction,
  mapping: defaultValues(fields as Parameters<typeof defaultValues>[0]),
  type: 'automatic'
})

// Events emitted by Segment's warehouse entities and Journeys, as the live destination maps them.
const specificEvent = (name: string, eventSlug: EventSlug, partnerAction: string, mapping: object): Preset => ({
  name,
  partnerAction,
  mapping: mapping as Preset['mapping'],
  type: 'specificEvent',
  eventSlug
})
const eventDefaults = defaultValues(trackEvent.fields)
const eventWithProperties = { ...eventDefaults, dataFields: { '@path': '$.properties' } }
const userWithTraits = { ...defaultValues(updateUser.fields), dataFields: { '@path': '$.traits' } }

export const presets: Preset[] = [
  automatic('Identify Calls', SUBSCRIPTIONS.identify, 'updateUser', updateUser.fields),
  automatic('Track Calls', SUBSCRIPTIONS.customTrack, 'trackEvent', trackEvent.fields),
  automatic('Order Completed Calls', SUBSCRIPTIONS.purchase, 'trackPurchase', trackPurchase.fields),
  automatic('Update Cart Calls', SUBSCRIPTIONS.cart, 'updateCart', updateCart.fields),
  automatic('Page Calls', SUBSCRIPTIONS.page, 'trackPage', trackPage.fields),
  automatic('Screen Calls', SUBSCRIPTIONS.screen, 'trackPage', trackPage.fields),
  automatic('Email Updated Calls', SUBSCRIPTIONS.emailUpdated, 'updateEmail', updateEmail.fields),
  automatic('Register Push Token', SUBSCRIPTIONS.pushToken, 'registerPushToken', registerPushToken.fields),
  specificEvent('Associated Entity Added', 'warehouse_entity_added_track', 'trackEvent', eventDefaults),
  specificEvent('Associated Entity Removed', 'warehouse_entity_removed_track', 'trackEvent', eventWithProperties),
  specificEvent('Entities Audience Entered', 'warehouse_audience_entered_track', 'trackEvent', eventWithProperties),
  specificEvent('Entities Audience Exited', 'warehouse_audience_exited_track', 'trackEvent', eventWithProperties),
  specificEvent(
    'Entities Audience Membership Changed',
    'warehouse_audience_membership_changed_identify',
    'updateUser',
    userWithTraits
  ),
  specificEvent('Journeys Step Transition Track', 'journeys_step_entered_track', 'trackEvent', eventWithProperties)
]
