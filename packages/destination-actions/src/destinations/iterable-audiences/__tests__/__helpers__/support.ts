import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import destination from '../../index'

// What this destination's tests share: hosts and paths (spelled out, so that a wrong one in the code fails the
// tests), settings, Engage's audience events and Iterable's answers. Not a test suite itself.

export const US = 'https://api.iterable.com'
export const EU = 'https://api.eu.iterable.com'
export const LISTS_PATH = '/api/lists'
export const SUBSCRIBE_PATH = '/api/lists/subscribe'
export const UNSUBSCRIBE_PATH = '/api/lists/unsubscribe'

export const API_KEY = 'sk_test_4f9c2b7a1d8e'

export const DATA_CENTERS = [
  { dataCenterLocation: 'united_states', origin: US },
  { dataCenterLocation: 'europe', origin: EU }
] as const

/** One of DATA_CENTERS: a data center setting and the origin of its API. */
export type DataCenter = typeof DATA_CENTERS[number]

/** The audience's key (the Iterable list's name) and the list's id, as Engage sends them in context.personas. */
export const AUDIENCE_KEY = 'engaged_shoppers'
export const LIST_ID = 12345

/** A new harness per test: a harness keeps a run's responses and results for the next one. */
export const newTestDestination = () => createTestIntegration(destination)

interface AudienceMember {
  userId?: string
  email?: string
  /** true: the user entered the audience; false: they left it. */
  inAudience: boolean
  listId?: string
  audienceKey?: string
  type?: 'identify' | 'track'
  /** The audience's settings in Segment, which Engage sends with each of its events. */
  audienceSettings?: Record<string, unknown>
}

/**
 * The event Engage sends when a user enters or leaves an audience: an identify with the audience key in its traits,
 * or a track ("Audience Entered" / "Audience Exited") with it in its properties.
 */
export function audienceEvent({
  userId,
  email,
  inAudience,
  listId = String(LIST_ID),
  audienceKey = AUDIENCE_KEY,
  type = 'identify',
  audienceSettings
}: AudienceMember): SegmentEvent {
  const membership = { ...(email !== undefined && { email }), [audienceKey]: inAudience }
  // Keys set to undefined rather than left out: the test harness fills missing keys with its own defaults.
  return createTestEvent({
    type,
    userId,
    ...(type === 'identify'
      ? { traits: membership }
      : {
          event: inAudience ? 'Audience Entered' : 'Audience Exited',
          traits: undefined,
          properties: { audience_key: audienceKey, ...membership }
        }),
    context: {
      library: { name: 'unknown', version: 'unknown' },
      personas: {
        computation_class: 'audience',
        computation_id: 'aud_2YkZ9bLq7xN1sT4cPq0mWfRjH8e',
        computation_key: audienceKey,
        external_audience_id: listId,
        namespace: 'spa_9vQm3cXkT2fJ8rLwZp5N',
        space_id: 'spa_9vQm3cXkT2fJ8rLwZp5N',
        ...(audienceSettings && { audience_settings: audienceSettings })
      }
    }
  })
}

const FAILED_UPDATE_LISTS = [
  'conflictEmails',
  'conflictUserIds',
  'forgottenEmails',
  'forgottenUserIds',
  'invalidDataEmails',
  'invalidDataUserIds',
  'invalidEmails',
  'invalidUserIds',
  'notFoundEmails',
  'notFoundUserIds'
] as const

/** Iterable's 200 answer to a list subscribe or unsubscribe: counts, and the users it refused by identifier. */
export function listAnswer(
  successCount: number,
  failed: Partial<Record<typeof FAILED_UPDATE_LISTS[number], string[]>> = {}
) {
  const failedUpdates = Object.fromEntries(FAILED_UPDATE_LISTS.map((list) => [list, failed[list] ?? []]))
  const failCount = Object.values(failedUpdates).reduce((sum, list) => sum + list.length, 0)
  return { successCount, failCount, invalidEmails: [], invalidUserIds: [], failedUpdates }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { status?: number; code?: string }> {
  const outcome = await promise.then(
    () => undefined,
    (error: Error) => error
  )
  expect(outcome).toBeInstanceOf(Error)
  return outcome as Error
}
