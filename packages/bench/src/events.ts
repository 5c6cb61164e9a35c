import { Faker, base, en } from '@faker-js/faker'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'

// Realistic Segment events, the same for a given seed: both destinations get exactly the same input, run after run.

export type EventKind = 'identify' | 'track' | 'orderCompleted' | 'cartUpdated'

/** Event times count from here, one second apart: no clock is read. */
const BASE_TIME = Date.parse('2024-03-01T08:00:00.000Z')

/** A date-time with a zone offset, as clients send local times (`2024-02-29T23:15:00+09:00`). */
function withOffset(faker: Faker, date: Date): string {
  const hours = faker.helpers.arrayElement([-8, -5, 1, 9])
  const local = new Date(date.getTime() + hours * 3_600_000).toISOString().slice(0, 19)
  return `${local}${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`
}

/** The fields every event has: ids, times and analytics.js's context. */
function envelope(faker: Faker, index: number, email: string) {
  const timestamp = new Date(BASE_TIME + index * 1000).toISOString()
  const ids = { messageId: faker.string.uuid(), anonymousId: faker.string.uuid(), userId: faker.string.nanoid(12) }
  const page = { path: '/app', title: 'App', url: 'https://shop.example.com/app', referrer: 'https://www.google.com/' }
  const library = { name: 'analytics.js', version: '5.2.0' }
  const context = { ip: faker.internet.ipv4(), locale: 'en-US', library, page, userAgent: faker.internet.userAgent() }
  return { ...ids, timestamp, sentAt: timestamp, receivedAt: timestamp, context: { ...context, traits: { email } } }
}

const products = (faker: Faker) =>
  Array.from({ length: faker.number.int({ min: 1, max: 8 }) }, () => ({
    product_id: faker.string.numeric(6),
    sku: faker.string.alphanumeric(8).toUpperCase(),
    name: faker.commerce.productName(),
    category: faker.commerce.department(),
    brand: faker.company.name(),
    price: Number(faker.commerce.price({ min: 5, max: 400 })),
    quantity: faker.number.int({ min: 1, max: 3 }),
    url: faker.internet.url(),
    image_url: faker.image.url()
  }))

const GENERATORS: Record<EventKind, (faker: Faker, index: number, now: Date) => object> = {
  // 15 traits: date-times in UTC and with an offset, a date-only birthday, nested objects and an array.
  identify: (faker, index, now) => {
    const [firstName, lastName] = [faker.person.firstName(), faker.person.lastName()]
    const email = faker.internet.email({ firstName, lastName }).toLowerCase()
    return {
      ...envelope(faker, index, email),
      type: 'identify',
      traits: {
        email,
        firstName,
        lastName,
        phone: faker.phone.number({ style: 'international' }),
        plan: faker.helpers.arrayElement(['free', 'pro', 'enterprise']),
        logins: faker.number.int(500),
        lifetimeValue: faker.number.float({ max: 5000, fractionDigits: 2 }),
        emailOptIn: faker.datatype.boolean(),
        avatar: faker.image.avatar(),
        createdAt: faker.date.past({ years: 3, refDate: now }).toISOString(),
        lastLogin: withOffset(faker, faker.date.recent({ days: 30, refDate: now })),
        birthday: faker.date.birthdate({ refDate: now }).toISOString().slice(0, 10),
        tags: faker.helpers.arrayElements(['beta', 'vip', 'newsletter', 'mobile', 'trial'], { min: 1, max: 3 }),
        company: { name: faker.company.name(), industry: faker.commerce.department(), size: faker.number.int(9000) },
        address: { street: faker.location.streetAddress(), city: faker.location.city(), zip: faker.location.zipCode() }
      }
    }
  },
  // A custom event with 9 properties: two date-times (one with an offset) and a nested object.
  track: (faker, index, now) => ({
    ...envelope(faker, index, faker.internet.email().toLowerCase()),
    type: 'track',
    event: faker.helpers.arrayElement(['Video Played', 'Signed Up', 'Article Read', 'Button Clicked']),
    properties: {
      category: faker.helpers.arrayElement(['engagement', 'retention']),
      value: faker.number.float({ max: 100, fractionDigits: 2 }),
      currency: 'USD',
      url: faker.internet.url(),
      sessionId: faker.string.uuid(),
      isTrial: faker.datatype.boolean(),
      experiment: { id: `exp-${faker.number.int(40)}`, variant: faker.helpers.arrayElement(['control', 'a', 'b']) },
      startedAt: faker.date.recent({ days: 2, refDate: now }).toISOString(),
      scheduledFor: withOffset(faker, faker.date.soon({ days: 7, refDate: now }))
    }
  }),
  // Segment's ecommerce spec: Order Completed and Cart Updated with 1–8 products.
  orderCompleted: (faker, index) => {
    const items = products(faker)
    const revenue = Math.round(items.reduce((sum, item) => sum + item.price * item.quantity, 0) * 100) / 100
    return {
      ...envelope(faker, index, faker.internet.email().toLowerCase()),
      type: 'track',
      event: 'Order Completed',
      properties: { order_id: faker.string.nanoid(10), total: revenue + 5, revenue, shipping: 5, products: items }
    }
  },
  cartUpdated: (faker, index) => ({
    ...envelope(faker, index, faker.internet.email().toLowerCase()),
    type: 'track',
    event: 'Cart Updated',
    properties: { cart_id: faker.string.uuid(), products: products(faker) }
  })
}

/** `count` events of one kind; the same `seed` always gives the same events. */
export function generateEvents(kind: EventKind, count: number, seed: number): SegmentEvent[] {
  const faker = new Faker({ locale: [en, base], seed })
  const generate = GENERATORS[kind]
  return Array.from({ length: count }, (_, index) =>
    createTestEvent(generate(faker, index, new Date(BASE_TIME + index * 1000)) as Partial<SegmentEvent>)
  )
}
