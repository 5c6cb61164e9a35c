import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'

// Engage's events for an audience synced to Iterable Lists, the samples of the audience destination's tester page
// (`serve --destination iterable-audiences --samples scripts/audience-sample-events.ts`): users entering and leaving
// the audience `vip_customers`, as an identify (the membership in traits) and as a track ("Audience Entered" /
// "Audience Exited", the membership in properties), and a batch. Engage names the list after the audience's key and
// sends the list's id in context.personas.external_audience_id; LIST_ID here stands in for it until the page's
// audience panel creates the list (POST /createAudience) or looks one up (POST /getAudience) and puts its id there.

export const AUDIENCE_KEY = 'vip_customers'
/** A list id for the samples until the tester page fills in the id of a list it created or found. */
export const LIST_ID = '12345'

const at = '2024-03-14T09:26:53.589Z'

interface Member {
  userId?: string
  email?: string
  /** true: the user entered the audience; false: they left it. */
  inAudience: boolean
  type: 'identify' | 'track'
  messageId: string
}

/** The event Engage sends when a user enters or leaves the audience. */
export function audienceEvent({ userId, email, inAudience, type, messageId }: Member): SegmentEvent {
  const membership = { ...(email !== undefined && { email }), [AUDIENCE_KEY]: inAudience }
  // Keys set to undefined rather than left out: createTestEvent fills missing ones with its defaults (a userId too).
  return createTestEvent({
    type,
    userId,
    anonymousId: undefined,
    messageId,
    timestamp: at,
    ...(type === 'identify'
      ? { event: undefined, traits: membership, properties: undefined }
      : {
          event: inAudience ? 'Audience Entered' : 'Audience Exited',
          traits: undefined,
          properties: { audience_key: AUDIENCE_KEY, ...membership }
        }),
    context: {
      library: { name: 'unknown', version: 'unknown' },
      personas: {
        computation_class: 'audience',
        computation_id: 'aud_2YkZ9bLq7xN1sT4cPq0mWfRjH8e',
        computation_key: AUDIENCE_KEY,
        external_audience_id: LIST_ID,
        namespace: 'spa_9vQm3cXkT2fJ8rLwZp5N',
        space_id: 'spa_9vQm3cXkT2fJ8rLwZp5N'
      }
    }
  })
}

const ada = { userId: 'user-1815', email: 'ada@example.com' }
const grace = { userId: 'user-1906', email: 'grace@example.com' }
const alan = { userId: 'user-1912', email: 'alan@example.com' }

/** Each sample: an event, or an array of events (a batch, as Engage sends them when batching is on). */
export const sampleEvents: (SegmentEvent | SegmentEvent[])[] = [
  audienceEvent({ ...ada, inAudience: true, type: 'identify', messageId: 'msg-audience-entered-1' }),
  audienceEvent({ ...ada, inAudience: false, type: 'identify', messageId: 'msg-audience-exited-1' }),
  audienceEvent({ ...grace, inAudience: true, type: 'track', messageId: 'msg-audience-entered-2' }),
  audienceEvent({ ...grace, inAudience: false, type: 'track', messageId: 'msg-audience-exited-2' }),
  // A batch: three users enter, and one event names no user, which is refused alone.
  [
    audienceEvent({ ...ada, inAudience: true, type: 'identify', messageId: 'msg-audience-batch-1' }),
    audienceEvent({ ...grace, inAudience: true, type: 'track', messageId: 'msg-audience-batch-2' }),
    audienceEvent({ ...alan, inAudience: true, type: 'identify', messageId: 'msg-audience-batch-3' }),
    audienceEvent({ inAudience: true, type: 'identify', messageId: 'msg-audience-batch-4' })
  ]
]
