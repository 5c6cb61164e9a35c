import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'

// Realistic Segment events, one per kind the destination handles; used by the dry run and the demo.

const context = { traits: { email: 'ada@example.com' }, ip: '203.0.113.7', locale: 'en-GB' }
const at = '2024-03-14T09:26:53.589Z'

export const sampleEvents: SegmentEvent[] = [
  createTestEvent({
    type: 'identify',
    userId: 'user-1815',
    messageId: 'msg-identify-1',
    timestamp: at,
    traits: {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+441632960961',
      plan: 'premium',
      createdAt: '2023-12-10T08:15:00+01:00',
      birthday: '1815-12-10',
      address: { city: 'London', country: 'UK' }
    }
  }),
  createTestEvent({
    type: 'track',
    event: 'Article Bookmarked',
    userId: 'user-1815',
    messageId: 'msg-track-1',
    timestamp: at,
    context,
    properties: { title: 'Notes on the Analytical Engine', author: 'L. F. Menabrea', published: '1842-10-01T00:00:00Z' }
  }),
  createTestEvent({
    type: 'page',
    name: 'shoppingCart',
    userId: 'user-1815',
    messageId: 'msg-page-1',
    timestamp: at,
    context,
    properties: { category: 'Shop', path: '/cart', url: 'https://shop.example.com/cart', title: 'Your cart' }
  }),
  createTestEvent({
    type: 'screen',
    name: 'Home',
    userId: 'user-1815',
    messageId: 'msg-screen-1',
    timestamp: at,
    context,
    properties: { variation: 'blue signup button' }
  }),
  createTestEvent({
    type: 'track',
    event: 'Product Added',
    userId: 'user-1815',
    messageId: 'msg-cart-1',
    timestamp: at,
    context,
    properties: {
      cart_id: 'cart-42',
      products: [
        {
          product_id: 'sku-1',
          sku: 'G-32',
          name: 'Monopoly: 3rd Edition',
          price: 18.99,
          quantity: 1,
          category: 'Games'
        },
        { product_id: 'sku-2', sku: 'F-15', name: 'Uno Card Game', price: 3.5, quantity: 2, category: 'Games' }
      ]
    }
  }),
  createTestEvent({
    type: 'track',
    event: 'Order Completed',
    userId: 'user-1815',
    messageId: 'msg-order-1',
    timestamp: at,
    context,
    properties: {
      order_id: 'order-50314',
      total: 25.99,
      revenue: 22.49,
      currency: 'USD',
      coupon: 'hasbros',
      products: [
        {
          product_id: 'sku-1',
          sku: 'G-32',
          name: 'Monopoly: 3rd Edition',
          price: 18.99,
          quantity: 1,
          category: 'Games',
          url: 'https://shop.example.com/monopoly',
          image_url: 'https://shop.example.com/monopoly.jpg',
          variant: 'classic'
        },
        { product_id: 'sku-2', sku: 'F-15', name: 'Uno Card Game', price: 3.5, quantity: 2, category: 'Games' }
      ]
    }
  }),
  createTestEvent({
    type: 'track',
    event: 'Email Updated',
    userId: 'user-1815',
    messageId: 'msg-email-1',
    timestamp: at,
    context,
    properties: { previous_email: 'ada@example.com', new_email: 'ada.lovelace@example.com' }
  }),
  createTestEvent({
    type: 'track',
    event: 'Application Opened',
    userId: 'user-1815',
    messageId: 'msg-app-opened-1',
    timestamp: at,
    context: {
      ...context,
      app: { name: 'Engine Shop', namespace: 'com.example.engineshop', version: '3.2.1', build: '321' },
      device: { token: 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f', model: 'iPhone15,2' },
      os: { name: 'iOS', version: '17.4' }
    },
    properties: { from_background: false }
  }),
  createTestEvent({
    type: 'track',
    event: 'Web Push Subscribed',
    userId: 'user-1815',
    messageId: 'msg-web-push-1',
    timestamp: at,
    context,
    properties: { browserToken: 'https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bF-example-token' }
  }),
  createTestEvent({
    type: 'track',
    event: 'Subscriptions Updated',
    userId: 'user-1815',
    messageId: 'msg-subscriptions-1',
    timestamp: at,
    context,
    properties: { emailListIds: [1001, 1002], unsubscribedMessageTypeIds: [31] }
  }),
  // Rows of a warehouse model, as Segment's Reverse ETL sends them: track events named new, updated or deleted, the
  // row's columns in properties (Sync Catalog Items, or the Lists destination's sync).
  ...(
    [
      ['new', { id: 'desk-walnut', name: 'Walnut Desk', price: 499, stock: 12, launchedAt: '2024-03-01T09:00:00Z' }],
      ['updated', { id: 'lamp-brass', name: 'Brass Lamp', price: 89.5, stock: 3, launchedAt: '2023-11-20T09:00:00Z' }],
      ['deleted', { id: 'chair-oak' }]
    ] as const
  ).map(([event, properties], n) =>
    createTestEvent({ type: 'track', event, messageId: `msg-retl-${n + 1}`, timestamp: at, properties })
  )
]
