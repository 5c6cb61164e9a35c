import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'

// Bad events of each kind Iterable documents, for the bad-event tests here and the property-based ones in test/iterable.

export const track = (n: number, overrides: Partial<SegmentEvent> = {}): SegmentEvent =>
  createTestEvent({
    type: 'track',
    event: 'Song Played',
    messageId: `msg-${n}`,
    userId: `user-${n}`,
    timestamp: '2024-03-01T12:00:00.000Z',
    properties: { n },
    ...overrides
  })

/** Data nested `levels` deep, alternating objects and arrays. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf'
  for (let level = 0; level < levels; level++) value = level % 2 ? { next: value } : [value]
  return value
}

/** A bad event of one kind Iterable documents, and the message it must get. */
export interface BadEvent {
  kind: string
  event: (n: number) => SegmentEvent
  message: RegExp
  bySchema?: boolean
}

/** The bad events of each kind Iterable documents, and the message each must get. */
export const BAD_EVENTS: BadEvent[] = [
  {
    kind: 'an empty event name',
    event: (n) => track(n, { event: '' }),
    message: /^eventName is missing or blank: Iterable refuses an event without a name\./
  },
  {
    kind: 'a blank event name',
    event: (n) => track(n, { event: '   ' }),
    message: /^eventName is missing or blank: Iterable refuses an event without a name\./
  },
  {
    kind: 'an event id over 512 bytes',
    event: (n) => track(n, { messageId: 'é'.repeat(300) }),
    message: /^id is 600 bytes, over Iterable's limit of 512/
  },
  {
    kind: 'a userId over 52 characters',
    event: (n) => track(n, { userId: 'u'.repeat(53) }),
    message: /User ID must be 52 characters or fewer but it was 53 characters/,
    // Said in the field definition (maximum): the framework's validation refuses it, a 400 in production.
    bySchema: true
  },
  {
    kind: 'an email over 254 characters',
    event: (n) => track(n, { properties: { n, email: `${'a'.repeat(590)}@example.com` } }),
    // Said in the field definition (maximum), without repeating the address.
    message: /^Email Address must be 254 characters or fewer but it was 602 characters\.$/,
    bySchema: true
  },
  {
    kind: 'a timestamp before 1970',
    event: (n) => track(n, { timestamp: '1969-07-20T20:17:40Z' }),
    message: /^createdAt \(1969-07-20T20:17:40Z\) is not a time Iterable accepts/
  },
  {
    kind: 'data nested thousands of levels deep',
    event: (n) => track(n, { properties: { deep: nested(2500) } as never }),
    message: /^dataFields is nested more than 64 levels deep/
  }
]
