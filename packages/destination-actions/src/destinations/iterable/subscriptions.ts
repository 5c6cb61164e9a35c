// Which Segment events each action takes by default. The presets use the same strings, so the two cannot disagree.

/** Track events that have an action of their own; every other track event is a custom event. */
export const CART_EVENTS = ['Cart Updated', 'Product Added', 'Product Removed'] as const
export const PURCHASE_EVENT = 'Order Completed'
export const EMAIL_UPDATED_EVENT = 'Email Updated'
/** Segment's mobile lifecycle events: the SDKs send them with the device's push token in context.device.token. */
export const APP_OPEN_EVENTS = ['Application Installed', 'Application Opened'] as const
export const SUBSCRIPTIONS_UPDATED_EVENT = 'Subscriptions Updated'

const eventIs = (name: string) => `event = "${name}"`
const eventIsNot = (name: string) => `event != "${name}"`

export const SUBSCRIPTIONS = {
  identify: 'type = "identify"',
  customTrack: ['type = "track"', ...[PURCHASE_EVENT, ...CART_EVENTS, EMAIL_UPDATED_EVENT].map(eventIsNot)].join(
    ' and '
  ),
  purchase: `type = "track" and ${eventIs(PURCHASE_EVENT)}`,
  cart: `type = "track" and (${CART_EVENTS.map(eventIs).join(' or ')})`,
  page: 'type = "page"',
  screen: 'type = "screen"',
  pageOrScreen: 'type = "page" or type = "screen"',
  emailUpdated: `type = "track" and ${eventIs(EMAIL_UPDATED_EVENT)}`,
  // The parentheses matter: FQL reads `a or b and c` as one group of and.
  pushToken: `type = "track" and (${APP_OPEN_EVENTS.map(eventIs).join(' or ')}) and context.device.token exists`,
  browserToken: 'type = "track" and properties.browserToken exists',
  subscriptionsUpdated: `type = "track" and ${eventIs(SUBSCRIPTIONS_UPDATED_EVENT)}`
} as const
