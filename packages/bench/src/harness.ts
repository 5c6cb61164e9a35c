import { createTestIntegration, type DestinationDefinition, type SegmentEvent } from '@segment/actions-core'
import destination from '@local/destination-actions/src/destinations/iterable'
import type { Settings } from '@local/destination-actions/src/destinations/iterable/generated-types'
import { withBaseUrlOverride, type BaseUrlOverride } from '@local/cli/src/lib/api-base-url'
import { floorDefinition } from './floor'
import type { ScenarioSpec } from './scenarios'
import { loadUpstreamDefinition, upstreamPathsOf } from './upstream'

// The implementations, and how events go through the framework's test harness (createTestIntegration → testAction /
// testBatchAction). Shared by the per-process runs and the paired ones, so that both do exactly the same work.

/** Warm-up batches are of this many events, about Segment's batch size for Iterable (1001). */
export const WARMUP_BATCH = 1_000

export const BENCH_SETTINGS: Settings = { apiKey: 'bench-api-key', dataCenterLocation: 'united_states' }

export type TestDestination = ReturnType<typeof createTestIntegration<Settings>>

/** What pushing events needs to know about a scenario. */
export type PushTarget = Pick<ScenarioSpec, 'action' | 'path' | 'batchSize'>

export interface PushOutcome {
  /** Events with a 2xx outcome (testAction resolved; batch multistatus entry 2xx). */
  succeeded: number
  failed: number
  /** The first failure's message, to tell a broken scenario from a slow one. */
  firstError?: string
}

/** The implementation's definition; throws when upstream is asked for a path it does not have. */
export function definitionFor(
  spec: Pick<ScenarioSpec, 'impl' | 'action' | 'path' | 'upstreamDir'>
): DestinationDefinition<Settings> {
  switch (spec.impl) {
    case 'ours':
      return destination
    case 'floor':
      return floorDefinition(destination)
    case 'upstream': {
      if (!spec.upstreamDir) throw new Error('An upstream run needs spec.upstreamDir (see ensureUpstream)')
      const upstream = loadUpstreamDefinition(spec.upstreamDir)
      if (!upstreamPathsOf(upstream)[spec.action]?.includes(spec.path)) {
        throw new Error(`Upstream has no ${spec.action} ${spec.path} path`)
      }
      return upstream
    }
  }
}

/** The definition with its Iterable requests sent to `override.to`, read at each request: callers switch tags. */
export const redirected = (
  definition: DestinationDefinition<Settings>,
  override: BaseUrlOverride
): DestinationDefinition<Settings> => withBaseUrlOverride(definition, override) as DestinationDefinition<Settings>

/** One testAction per event on the single path; ONE testBatchAction with every event on the batch path. */
export async function push(
  integration: TestDestination,
  target: PushTarget,
  events: SegmentEvent[]
): Promise<PushOutcome> {
  const outcome: PushOutcome = { succeeded: 0, failed: 0 }
  const fail = (count: number, message: string) => {
    outcome.failed += count
    outcome.firstError ??= message
  }
  if (target.path === 'single') {
    for (const event of events) {
      try {
        await integration.testAction(target.action, { event, settings: BENCH_SETTINGS, useDefaultMappings: true })
        outcome.succeeded++
      } catch (error) {
        fail(1, (error as Error).message)
      }
    }
    return outcome
  }
  try {
    await integration.testBatchAction(target.action, {
      events,
      settings: BENCH_SETTINGS,
      useDefaultMappings: true,
      ...(target.batchSize !== undefined && { mapping: { batch_size: target.batchSize } })
    })
  } catch (error) {
    fail(events.length, (error as Error).message)
    return outcome
  }
  // Ours answers per event (MultiStatusResponse); for a plain response (floor, upstream) the framework gives every
  // event of the batch that response's status. Either way: one entry per event.
  const statuses = (integration.results[0] as { multistatus?: { status: number; errormessage?: string }[] }).multistatus
  for (let index = 0; index < events.length; index++) {
    const entry = statuses?.[index]
    if (entry && entry.status >= 200 && entry.status < 300) outcome.succeeded++
    else fail(1, entry?.errormessage ?? `No status for event ${index}`)
  }
  return outcome
}

/** Pushes each of `batches` in turn (a harness call per batch, or per event on the single path), clearing between. */
export async function pushEach(
  integration: TestDestination,
  target: PushTarget,
  batches: SegmentEvent[][]
): Promise<PushOutcome> {
  const outcome: PushOutcome = { succeeded: 0, failed: 0 }
  for (const events of batches) {
    clearHarness(integration)
    const { succeeded, failed, firstError } = await push(integration, target, events)
    outcome.succeeded += succeeded
    outcome.failed += failed
    outcome.firstError ??= firstError
  }
  return outcome
}

/** Warms up as production runs: batches of up to WARMUP_BATCH events (single path: one event at a time). */
export async function warmUp(integration: TestDestination, target: PushTarget, events: SegmentEvent[]) {
  for (let start = 0; start < events.length; start += WARMUP_BATCH) {
    await push(integration, target, events.slice(start, start + WARMUP_BATCH))
  }
}

/**
 * Forgets what the harness kept from earlier calls: testAction keeps its responses when the action throws, so they
 * would pile up over many rounds.
 */
export function clearHarness(integration: TestDestination) {
  integration.responses = []
  integration.results = []
}
