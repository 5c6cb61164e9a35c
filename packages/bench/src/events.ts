import { createTestEvent, type SegmentEvent } from '@segment/actions-core'
import { Random } from './prng'

// Realistic Segment events, generated deterministically from a seed: the same seed gives the same events, so two
// runs (and the destination and the floor) see exactly the same input.

export type EventKind = 'identify' | 'track' | 'page' | 'orderCompleted'

/** Every event's timestamp is this instant plus its index in seconds: no clock is read. */
const BASE_TIME = Date.parse('2024-03-01T08:00:00.000Z')

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger']
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen']
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.io']
const CITIES = [
  { city: 'San Francisco', state: 'CA', country: 'US', timezone: 'America/Los_Angeles' },
  { city: 'New York', state: 'NY', country: 'US', timezone: 'America/New_York' },
  { city: 'Amsterdam', state: 'NH', country: 'NL', timezone: 'Europe/Amsterdam' },
  { city: 'Berlin', state: 'BE', country: 'DE', timezone: 'Europe/Berlin' },
  { city: 'Tokyo', state: '13', country: 'JP', timezone: 'Asia/Tokyo' }
]
const INDUSTRIES = ['Software', 'Retail', 'Finance', 'Healthcare', 'Media', 'Education']
const PLANS = ['free', 'starter', 'pro', 'business', 'enterprise']
const TAGS = ['beta', 'vip', 'newsletter', 'churn-risk', 'mobile', 'desktop', 'trial', 'partner']
const LANGUAGES = ['en', 'fr', 'de', 'ja', 'nl', 'es']
const CHANNELS = ['email', 'sms', 'push', 'in-app']
const TRACK_EVENTS = [
  'Video Played',
  'Product Viewed',
  'Signed Up',
  'Article Read',
  'Button Clicked',
  'Search Performed',
  'Subscription Started',
  'Coupon Applied'
]
const PAGES = [
  { name: 'Home', category: 'Marketing', path: '/' },
  { name: 'Pricing', category: 'Marketing', path: '/pricing' },
  { name: 'Getting Started', category: 'Docs', path: '/docs/getting-started' },
  { name: 'Blog Post', category: 'Blog', path: '/blog/how-we-scaled' },
  { name: 'Checkout', category: 'Shop', path: '/checkout' },
  { name: 'Product', category: 'Shop', path: '/products/trail-shoe' }
]
const PRODUCTS = [
  { name: 'Trail Running Shoe', category: 'Footwear', brand: 'Northwind', price: 129.99 },
  { name: 'Merino Wool Socks', category: 'Apparel', brand: 'Northwind', price: 18.5 },
  { name: 'Hydration Vest', category: 'Gear', brand: 'Fabrikam', price: 89 },
  { name: 'Headlamp 400', category: 'Gear', brand: 'Contoso', price: 45.25 },
  { name: 'Rain Shell', category: 'Apparel', brand: 'Fabrikam', price: 199 },
  { name: 'Energy Gel (12)', category: 'Nutrition', brand: 'Contoso', price: 24 },
  { name: 'GPS Watch', category: 'Electronics', brand: 'Tailspin', price: 349.99 },
  { name: 'Trekking Poles', category: 'Gear', brand: 'Northwind', price: 110 }
]
const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

/** Users recur: 1 in 5 events is by a user already seen, as in real traffic. */
const USER_POOL = 50_000

interface User {
  userId: string
  email: string
  firstName: string
  lastName: string
}

function userFor(random: Random): User {
  const n = random.int(1, USER_POOL)
  const firstName = FIRST_NAMES[n % FIRST_NAMES.length]
  const lastName = LAST_NAMES[n % LAST_NAMES.length]
  return {
    userId: `user-${n.toString().padStart(6, '0')}`,
    email: `${firstName}.${lastName}.${n}@${DOMAINS[n % DOMAINS.length]}`.toLowerCase(),
    firstName,
    lastName
  }
}

/** ISO-8601 date-time at `days` (fractional) before `from`, in UTC or with an offset. */
function isoBefore(random: Random, from: number, maxDays: number, withOffset = false): string {
  const instant = new Date(from - random.int(0, maxDays * 86_400) * 1000)
  if (!withOffset) return instant.toISOString()
  const offsetHours = random.pick([-8, -5, 1, 2, 9])
  const local = new Date(instant.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 19)
  const sign = offsetHours < 0 ? '-' : '+'
  return `${local}${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`
}

function context(random: Random, user: User, withTraits: boolean, page?: { path: string; name: string }) {
  const place = random.pick(CITIES)
  const path = page?.path ?? '/app'
  return {
    ip: `203.0.113.${random.int(1, 254)}`,
    library: { name: 'analytics.js', version: '5.2.0' },
    locale: `${random.pick(LANGUAGES)}-${place.country}`,
    location: { city: place.city, country: place.country },
    page: {
      path,
      referrer: 'https://www.google.com/',
      search: '',
      title: page?.name ?? 'App',
      url: `https://shop.example.com${path}`
    },
    timezone: place.timezone,
    userAgent: USER_AGENT,
    ...(withTraits && { traits: { email: user.email, firstName: user.firstName, lastName: user.lastName } })
  }
}

/** The fields every event shares: ids and times. */
function envelope(random: Random, index: number) {
  const timestamp = new Date(BASE_TIME + index * 1000).toISOString()
  return {
    messageId: random.uuid(),
    anonymousId: random.uuid(),
    timestamp,
    sentAt: timestamp,
    receivedAt: new Date(BASE_TIME + index * 1000 + 120).toISOString()
  }
}

/** identify with 22 traits: ISO dates (UTC and offset), a date-only birthday, nested objects and an array. */
function identify(random: Random, index: number): SegmentEvent {
  const user = userFor(random)
  const now = BASE_TIME + index * 1000
  const place = random.pick(CITIES)
  return createTestEvent({
    ...envelope(random, index),
    type: 'identify',
    userId: user.userId,
    context: context(random, user, false),
    traits: {
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      name: `${user.firstName} ${user.lastName}`,
      phone: `+1415${random.int(1_000_000, 9_999_999)}`,
      age: random.int(18, 80),
      title: random.pick(['Engineer', 'Designer', 'Manager', 'Founder', 'Analyst']),
      plan: random.pick(PLANS),
      logins: random.int(0, 500),
      lifetimeValue: random.float(0, 5000),
      emailOptIn: random.bool(0.7),
      createdAt: isoBefore(random, now, 1000),
      lastLogin: isoBefore(random, now, 30, true),
      birthday: `19${random.int(50, 99)}-0${random.int(1, 9)}-1${random.int(0, 9)}`,
      website: `https://${user.lastName.toLowerCase()}.example.com`,
      avatar: `https://cdn.example.com/avatars/${random.hex(12)}.png`,
      tags: random.some(TAGS, random.int(1, 4)),
      company: {
        name: `${random.pick(LAST_NAMES)} ${random.pick(['Labs', 'Inc', 'GmbH', 'BV'])}`,
        industry: random.pick(INDUSTRIES),
        employee_count: random.int(1, 20_000),
        plan: random.pick(PLANS)
      },
      address: {
        street: `${random.int(1, 999)} Market St`,
        city: place.city,
        state: place.state,
        postalCode: String(random.int(10_000, 99_999)),
        country: place.country
      },
      preferences: {
        language: random.pick(LANGUAGES),
        newsletter: random.bool(),
        channels: random.some(CHANNELS, random.int(1, 3)),
        quietHours: { start: '22:00', end: '07:00' }
      },
      trialEndsAt: isoBefore(random, now + 30 * 86_400_000, 30),
      referrer: random.pick(['google', 'newsletter', 'partner', 'direct'])
    }
  })
}

/** A custom track event with 15 properties, two of them ISO dates and one nested object. */
function track(random: Random, index: number): SegmentEvent {
  const user = userFor(random)
  const now = BASE_TIME + index * 1000
  return createTestEvent({
    ...envelope(random, index),
    type: 'track',
    event: random.pick(TRACK_EVENTS),
    userId: user.userId,
    context: context(random, user, random.bool(0.6)),
    properties: {
      category: random.pick(['engagement', 'acquisition', 'retention']),
      label: random.pick(['hero', 'footer', 'sidebar', 'modal']),
      value: random.float(0, 100),
      currency: 'USD',
      plan: random.pick(PLANS),
      duration: random.int(1, 3600),
      position: random.int(1, 20),
      query: random.pick(['running shoes', 'rain jacket', 'gps', '']),
      url: `https://shop.example.com/${random.hex(6)}`,
      sessionId: random.uuid(),
      experiment: { id: `exp-${random.int(1, 40)}`, variant: random.pick(['control', 'a', 'b']) },
      isTrial: random.bool(0.3),
      startedAt: isoBefore(random, now, 2),
      scheduledFor: isoBefore(random, now + 7 * 86_400_000, 7, true),
      tags: random.some(TAGS, random.int(0, 3))
    }
  })
}

/** A page call with a name and a category (both at the top level and in properties, as analytics.js sends them). */
function page(random: Random, index: number): SegmentEvent {
  const user = userFor(random)
  const { name, category, path } = random.pick(PAGES)
  return createTestEvent({
    ...envelope(random, index),
    type: 'page',
    name,
    category,
    userId: user.userId,
    context: context(random, user, random.bool(0.6), { path, name }),
    properties: {
      name,
      category,
      path,
      title: `${name} | Example Shop`,
      url: `https://shop.example.com${path}`,
      referrer: 'https://www.google.com/',
      search: random.bool(0.2) ? '?utm_source=newsletter' : '',
      keywords: random.some(['outdoor', 'running', 'sale', 'new', 'guide'], random.int(0, 3)),
      loadTimeMs: random.int(80, 3000)
    }
  })
}

/** Order Completed (Segment's ecommerce spec) with 1–10 products. */
function orderCompleted(random: Random, index: number): SegmentEvent {
  const user = userFor(random)
  const products = Array.from({ length: random.int(1, 10) }, (_, position) => {
    const product = random.pick(PRODUCTS)
    return {
      product_id: `prod-${random.int(1000, 9999)}`,
      sku: `SKU-${random.hex(6).toUpperCase()}`,
      category: product.category,
      name: product.name,
      brand: product.brand,
      variant: random.pick(['black', 'blue', 'red', 'M', 'L']),
      price: product.price,
      quantity: random.int(1, 3),
      position: position + 1,
      url: `https://shop.example.com/products/${random.hex(6)}`,
      image_url: `https://cdn.example.com/products/${random.hex(10)}.jpg`
    }
  })
  const subtotal = Math.round(products.reduce((sum, p) => sum + p.price * p.quantity, 0) * 100) / 100
  const shipping = random.pick([0, 4.99, 9.99])
  const tax = Math.round(subtotal * 0.08 * 100) / 100
  return createTestEvent({
    ...envelope(random, index),
    type: 'track',
    event: 'Order Completed',
    userId: user.userId,
    context: context(random, user, true),
    properties: {
      order_id: `order-${index}-${random.hex(6)}`,
      checkout_id: random.uuid(),
      affiliation: 'Example Shop',
      total: Math.round((subtotal + shipping + tax) * 100) / 100,
      subtotal,
      revenue: subtotal,
      shipping,
      tax,
      discount: 0,
      ...(random.bool(0.2) && { coupon: 'SPRING24' }),
      currency: 'USD',
      products
    }
  })
}

const GENERATORS: Record<EventKind, (random: Random, index: number) => SegmentEvent> = {
  identify,
  track,
  page,
  orderCompleted
}

/** `count` events of one kind; the same `seed` always gives the same events. */
export function generateEvents(kind: EventKind, count: number, seed: number): SegmentEvent[] {
  const random = new Random(seed)
  const generate = GENERATORS[kind]
  const events: SegmentEvent[] = new Array(count)
  for (let index = 0; index < count; index++) events[index] = generate(random, index)
  return events
}
