import { Faker, base, en } from '@faker-js/faker'
import { createTestEvent, type SegmentEvent } from '@segment/actions-core'

// Realistic Segment events, the same for a given seed: both destinations get exactly the same input, run after run.

export type EventKind = 'identify' | 'track' | 'orderCompleted' | 'cartUpdated'

/** Event times count from here, one second apart: no clock is read. */
const BASE_TIME = Date.parse('2024-03-01T08:00:00.000Z')

const day = 86_400_000

/** A date-time with a zone offset, as clients send local times (`2024-02-29T23:15:00+09:00`). */
function withOffset(faker: Faker, date: Date): string {
  const hours = faker.helpers.arrayElement([-8, -5, 1, 9])
  const local = new Date(date.getTime() + hours * 3_600_000).toISOString().slice(0, 19)
  return `${local}${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`
}

function person(faker: Faker) {
  const firstName = faker.person.firstName()
  const lastName = faker.person.lastName()
  return {
    userId: `user-${faker.string.numeric(6)}`,
    firstName,
    lastName,
    email: faker.internet.email({ firstName, lastName }).toLowerCase()
  }
}

function envelope(faker: Faker, index: number, user: ReturnType<typeof person>) {
  const timestamp = new Date(BASE_TIME + index * 1000).toISOString()
  return {
    messageId: faker.string.uuid(),
    anonymousId: faker.string.uuid(),
    userId: user.userId,
    timestamp,
    sentAt: timestamp,
    receivedAt: timestamp,
    context: {
      ip: faker.internet.ipv4(),
      locale: 'en-US',
      library: { name: 'analytics.js', version: '5.2.0' },
      page: { path: '/app', title: 'App', url: 'https://shop.example.com/app', referrer: 'https://www.google.com/' },
      timezone: faker.location.timeZone(),
      userAgent: faker.internet.userAgent(),
      traits: { email: user.email }
    }
  }
}

function products(faker: Faker) {
  return Array.from({ length: faker.number.int({ min: 1, max: 8 }) }, (_, position) => ({
    product_id: `prod-${faker.string.numeric(5)}`,
    sku: faker.string.alphanumeric(8).toUpperCase(),
    name: faker.commerce.productName(),
    category: faker.commerce.department(),
    brand: faker.company.name(),
    variant: faker.color.human(),
    price: Number(faker.commerce.price({ min: 5, max: 400 })),
    quantity: faker.number.int({ min: 1, max: 3 }),
    position: position + 1,
    url: faker.internet.url(),
    image_url: faker.image.url()
  }))
}

type Generator = (faker: Faker, index: number) => Record<string, unknown>

const GENERATORS: Record<EventKind, Generator> = {
  // 20 traits: ISO date-times in UTC and with offsets, a date-only birthday, nested objects and an array.
  identify: (faker, index) => {
    const user = person(faker)
    const now = new Date(BASE_TIME + index * 1000)
    return {
      ...envelope(faker, index, user),
      type: 'identify',
      traits: {
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        phone: faker.phone.number({ style: 'international' }),
        title: faker.person.jobTitle(),
        plan: faker.helpers.arrayElement(['free', 'pro', 'business', 'enterprise']),
        logins: faker.number.int(500),
        lifetimeValue: faker.number.float({ max: 5000, fractionDigits: 2 }),
        emailOptIn: faker.datatype.boolean(),
        createdAt: faker.date.past({ years: 3, refDate: now }).toISOString(),
        lastLogin: withOffset(faker, faker.date.recent({ days: 30, refDate: now })),
        birthday: faker.date.birthdate({ refDate: now }).toISOString().slice(0, 10),
        trialEndsAt: new Date(now.getTime() + faker.number.int(30) * day).toISOString(),
        website: faker.internet.url(),
        avatar: faker.image.avatar(),
        tags: faker.helpers.arrayElements(['beta', 'vip', 'newsletter', 'mobile', 'trial'], { min: 1, max: 3 }),
        company: {
          name: faker.company.name(),
          industry: faker.commerce.department(),
          employees: faker.number.int(20_000)
        },
        address: {
          street: faker.location.streetAddress(),
          city: faker.location.city(),
          postalCode: faker.location.zipCode(),
          country: faker.location.countryCode()
        },
        preferences: { language: faker.location.language().alpha2, channels: ['email', 'push'] },
        referrer: faker.helpers.arrayElement(['google', 'newsletter', 'partner', 'direct'])
      }
    }
  },
  // A custom event with 12 properties: two date-times (one with an offset) and a nested object.
  track: (faker, index) => {
    const user = person(faker)
    const now = new Date(BASE_TIME + index * 1000)
    return {
      ...envelope(faker, index, user),
      type: 'track',
      event: faker.helpers.arrayElement(['Video Played', 'Signed Up', 'Article Read', 'Button Clicked']),
      properties: {
        category: faker.helpers.arrayElement(['engagement', 'acquisition', 'retention']),
        label: faker.word.noun(),
        value: faker.number.float({ max: 100, fractionDigits: 2 }),
        currency: 'USD',
        duration: faker.number.int({ min: 1, max: 3600 }),
        query: faker.commerce.productName(),
        url: faker.internet.url(),
        sessionId: faker.string.uuid(),
        experiment: { id: `exp-${faker.number.int(40)}`, variant: faker.helpers.arrayElement(['control', 'a', 'b']) },
        isTrial: faker.datatype.boolean(),
        startedAt: faker.date.recent({ days: 2, refDate: now }).toISOString(),
        scheduledFor: withOffset(faker, faker.date.soon({ days: 7, refDate: now }))
      }
    }
  },
  // Segment's ecommerce spec: Order Completed with 1–8 products.
  orderCompleted: (faker, index) => {
    const user = person(faker)
    const items = products(faker)
    const revenue = Math.round(items.reduce((sum, item) => sum + item.price * item.quantity, 0) * 100) / 100
    return {
      ...envelope(faker, index, user),
      type: 'track',
      event: 'Order Completed',
      properties: {
        order_id: `order-${faker.string.alphanumeric(10)}`,
        checkout_id: faker.string.uuid(),
        affiliation: 'Example Shop',
        total: revenue + 4.99,
        revenue,
        shipping: 4.99,
        currency: 'USD',
        products: items
      }
    }
  },
  cartUpdated: (faker, index) => {
    const user = person(faker)
    return {
      ...envelope(faker, index, user),
      type: 'track',
      event: 'Cart Updated',
      properties: { cart_id: faker.string.uuid(), products: products(faker) }
    }
  }
}

/** `count` events of one kind; the same `seed` always gives the same events. */
export function generateEvents(kind: EventKind, count: number, seed: number): SegmentEvent[] {
  const faker = new Faker({ locale: [en, base], seed })
  return Array.from({ length: count }, (_, index) => createTestEvent(GENERATORS[kind](faker, index)))
}
