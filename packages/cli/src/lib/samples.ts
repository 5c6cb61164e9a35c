import path from 'path'
import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import type { AnyDestinationDefinition } from './destinations'

// The sample events the tester page starts from: a module's (`serve --samples <file>`), or one event of each kind
// Segment sends, made by the framework's createTestEvent. Each action is offered the samples its
// defaultSubscription matches, as Segment would route them to it. A sample may be an array of events: a batch, offered
// to the actions with a batch path.

/** One sample: an event, or an array of events (a batch). */
export type SampleEvent = SegmentEvent | SegmentEvent[]

const isEvent = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Loads `sampleEvents` (or the default export) of a .ts, .js or .json file: an array of Segment events or batches. */
export function loadSamples(file: string): SampleEvent[] {
  // eslint-disable-next-line @typescript-eslint/no-var-requires -- a module chosen at run time
  const loaded = require(path.resolve(file)) as { sampleEvents?: unknown; default?: unknown }
  const events = loaded.sampleEvents ?? loaded.default ?? loaded
  const isSample = (sample: unknown) =>
    isEvent(sample) || (Array.isArray(sample) && sample.length > 0 && sample.every(isEvent))
  if (!Array.isArray(events) || !events.every(isSample)) {
    throw new Error(`${file} does not export sampleEvents: an array of Segment events (or of arrays of them, batches)`)
  }
  return events as SampleEvent[]
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
  event: SampleEvent
}

/**
 * A sample's name: its type and event or page name, such as `track "Order Completed"`; for Engage's audience events
 * who enters or leaves which audience; for a batch, how many events of which kinds.
 */
export function labelOf(sample: SampleEvent): string {
  if (Array.isArray(sample)) {
    const kinds = [...new Set(sample.map(kindOf))]
    return `batch of ${sample.length} events (${kinds.join(', ')})`
  }
  const membership = audienceChange(sample)
  return membership ? `${kindOf(sample)}: ${membership}` : kindOf(sample)
}

function kindOf(event: SegmentEvent): string {
  const name = event.type === 'track' ? event.event : event.type === 'page' || event.type === 'screen' ? event.name : ''
  return name ? `${event.type} "${name}"` : String(event.type)
}

/** For an Engage audience event, `ada@example.com enters vip_customers` (the framework's reading of membership). */
function audienceChange(event: SegmentEvent): string | undefined {
  const personas = event.context?.personas as { computation_class?: unknown; computation_key?: unknown } | undefined
  const key = personas?.computation_key
  if (personas?.computation_class !== 'audience' || typeof key !== 'string' || key === '') return undefined
  const holder = (event.type === 'identify' ? event.traits : event.properties) as Record<string, unknown> | undefined
  const inAudience = holder?.[key]
  if (typeof inAudience !== 'boolean') return undefined
  const email = event.traits?.email ?? event.properties?.email
  const who = typeof email === 'string' && email !== '' ? email : event.userId ?? 'a user without identifiers'
  return `${who} ${inAudience ? 'enters' : 'leaves'} ${key}`
}

/**
 * Each action's samples: those its defaultSubscription matches (a batch when all its events match, and only for an
 * action with a batch path); all of them when it has none or none match.
 */
export function samplesByAction(
  definition: AnyDestinationDefinition,
  events: readonly SampleEvent[]
): Record<string, Sample[]> {
  const samples = events.map((event) => ({ label: labelOf(event), event }))
  return Object.fromEntries(
    Object.entries(definition.actions).map(([slug, action]) => {
      const batches = typeof action.performBatch === 'function'
      const offered = samples.filter((sample) => batches || !Array.isArray(sample.event))
      const subscription = action.defaultSubscription ? parseFql(action.defaultSubscription) : undefined
      const matches = (event: SegmentEvent) =>
        subscription !== undefined && !('error' in subscription) && validate(subscription, event)
      const matching = offered.filter((sample) =>
        Array.isArray(sample.event) ? sample.event.every(matches) : matches(sample.event)
      )
      return [slug, matching.length > 0 ? matching : offered]
    })
  )
}
