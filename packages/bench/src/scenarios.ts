import type { EventKind } from './events'

// What is measured, and Iterable's documented limits for it. This module loads no destination code, so the
// orchestrating process stays small.

export const BENCH_ACTIONS = ['updateUser', 'trackEvent', 'trackPage', 'trackPurchase'] as const
export type BenchAction = (typeof BENCH_ACTIONS)[number]

export type BenchPath = 'single' | 'batch'

/**
 * `ours`: the Iterable destination. `floor`: the same fields, sending the mapped payload unchanged. `upstream`:
 * Segment's published Iterable destination (src/upstream.ts), on the actions and paths it has.
 */
export type Impl = 'ours' | 'floor' | 'upstream'

export interface ActionInfo {
  /** The events the action's default subscription takes. */
  kind: EventKind
  /** The Iterable endpoint of each path; no `batch` when the action has no performBatch. */
  endpoints: { single: string; batch?: string }
}

export const ACTIONS: Record<BenchAction, ActionInfo> = {
  updateUser: { kind: 'identify', endpoints: { single: '/api/users/update', batch: '/api/users/bulkUpdate' } },
  trackEvent: { kind: 'track', endpoints: { single: '/api/events/track', batch: '/api/events/trackBulk' } },
  trackPage: { kind: 'page', endpoints: { single: '/api/events/track', batch: '/api/events/trackBulk' } },
  trackPurchase: { kind: 'orderCompleted', endpoints: { single: '/api/commerce/trackPurchase' } }
}

export const pathsOf = (action: BenchAction): BenchPath[] =>
  ACTIONS[action].endpoints.batch ? ['single', 'batch'] : ['single']

/**
 * Iterable's documented rate limits per project, in requests per second (Iterable's API spec and its rate-limit page;
 * see the field guide, section 3). The commerce endpoints have no documented limit: `undefined`.
 */
export const RATE_LIMITS: Record<string, number | undefined> = {
  '/api/users/update': 500,
  '/api/users/bulkUpdate': 5,
  '/api/events/track': 2000,
  '/api/events/trackBulk': 10,
  '/api/commerce/trackPurchase': undefined
}

export interface Ceiling {
  endpoint: string
  /** Documented requests per second; null when Iterable documents none. */
  requestsPerSecond: number | null
  /** Events per request as measured (1 on single paths; about the batch size on bulk paths). */
  eventsPerRequest: number
  /** requestsPerSecond × eventsPerRequest: the most events per second Iterable accepts on this path; null if unknown. */
  eventsPerSecond: number | null
}

/** The most events per second Iterable lets this path deliver, given how many events each request carried. */
export function ceilingFor(action: BenchAction, path: BenchPath, events: number, requests: number): Ceiling {
  const endpoint = path === 'batch' ? (ACTIONS[action].endpoints.batch ?? '') : ACTIONS[action].endpoints.single
  const limit = RATE_LIMITS[endpoint]
  const eventsPerRequest = requests > 0 ? events / requests : 0
  return {
    endpoint,
    requestsPerSecond: limit ?? null,
    eventsPerRequest,
    eventsPerSecond: limit === undefined ? null : limit * eventsPerRequest
  }
}

/** One measured run: an implementation of an action's path over `events` events. */
export interface ScenarioSpec {
  action: BenchAction
  path: BenchPath
  impl: Impl
  events: number
  seed: number
  /** Events pushed through the same definition before measuring (JIT, schema compilation, sockets). */
  warmupEvents: number
  /** The mapping's batch_size; the action's default (1001) when absent. */
  batchSize?: number
  /** `upstream` runs: the extraction to load it from (ensureUpstream), passed so that children need no download. */
  upstreamDir?: string
}

/** A paired turn's minimum events on the batch path: 1,000-event turns alone vary ±30–50% with where GC pauses land. */
export const PAIRED_EVENTS_PER_TURN = 5_000

/** Events one implementation gets in one round. */
export const eventsPerTurn = (spec: Pick<PairedSpec, 'events' | 'batchesPerTurn'>) => spec.events * spec.batchesPerTurn

/**
 * One paired measurement: ours, the floor and (with `upstreamDir`) upstream, each in a process of its own, taking
 * turns over `rounds` rounds, each implementation getting the same events in each round.
 */
export interface PairedSpec {
  action: BenchAction
  path: BenchPath
  /** Events per batch (batch path: one testBatchAction call) or per turn (single path: one testAction each). */
  events: number
  /**
   * Batch path: batches of `events` each implementation gets per round, so that a turn covers enough events
   * (PAIRED_EVENTS_PER_TURN) to average over garbage-collection pauses. 1 on the single path.
   */
  batchesPerTurn: number
  rounds: number
  /** Round r's events come from seed + r. */
  seed: number
  /** Events each implementation gets before the rounds (batch: in batches of 1,000). */
  warmupEvents: number
  /** The mapping's batch_size; the action's default (1001) when absent. */
  batchSize?: number
  /** Also measure upstream, loaded from this extraction; only on an action × path pair it has. */
  upstreamDir?: string
}

export const pairedImplsOf = (spec: Pick<PairedSpec, 'upstreamDir'>): Impl[] =>
  spec.upstreamDir ? ['ours', 'floor', 'upstream'] : ['ours', 'floor']
