import path from 'path'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import type { AnyDestinationDefinition } from './destinations'

// The sample events the tester page starts from: a module's (`serve --samples <file>`), or one event of each kind
// Segment sends, made by the framework's createTestEvent. Each action is offered the samples its
// defaultSubscription matches, as Segment would route them to it.

/** Loads `sampleEvents` (or the default export) of a .ts, .js or .json file: an array of Segment events. */
export function loadSamples(file: string): SegmentEvent[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires -- a module chosen at run time
  const loaded = require(path.resolve(file)) as { sampleEvents?: unknown; default?: unknown }
  const events = loaded.sampleEvents ?? loaded.default ?? loaded
  if (!Array.isArray(events) || events.some((event) => typeof event !== 'object' || event === null)) {
    throw new Error(`${file} does not export sampleEvents: an array of Segment events`)
  }
  return events as SegmentEvent[]
}

export function defaultSamples(): SegmentEvent[] {
  const traits = { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', plan: 'premium' }
  const common = { userId: 'user-1234', timestamp: '2024-05-02T14:03:11.123Z', context: { traits } }
  return [
    createTestEvent({ ...common, type: 'identify', traits }),
    createTestEvent({ ...common, type: 'track', event: 'Signed Up', properties: { plan: 'premium' } }),
    createTestEvent({ ...common, type: 'page', name: 'Pricing', properties: { path: '/pricing' } }),
    createTestEvent({ ...common, type: 'screen', name: 'Home', properties: { variation: 'blue' } }),
    createTestEvent({ ...common, type: 'group', groupId: 'group-1', traits: { name: 'Initech' } })
  ]
}

export interface Sample {
  /** What the page lists: the event's type, and the event or page name, such as `track "Order Completed"`. */
  label: string
  event: SegmentEvent
}

export function labelOf(event: SegmentEvent): string {
  const name = event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : ''
  return name ? `${event.type} "${name}"` : String(event.type)
}

/** Each action's samples: those its defaultSubscription matches; all of them when it has none or none match. */
export function samplesByAction(
  definition: AnyDestinationDefinition,
  events: readonly SegmentEvent[]
): Record<string, Sample[]> {
  const samples = events.map((event) => ({ label: labelOf(event), event }))
  return Object.fromEntries(
    Object.entries(definition.actions).map(([slug, action]) => {
      const subscription = action.defaultSubscription ? parseFql(action.defaultSubscription) : undefined
      const matching =
        subscription && !('error' in subscription)
          ? samples.filter((sample) => validate(subscription, sample.event))
          : []
      return [slug, matching.length > 0 ? matching : samples]
    })
  )
}
