import { createTestIntegration } from '@segment/actions-core'
import type { DestinationDefinition, SegmentEvent } from '@segment/actions-core'
import ours from '@local/destination-actions/src/destinations/iterable'
import { withBaseUrlOverride } from '@local/cli'
import type { EventKind } from './events'
import { loadUpstream } from './upstream'

// The two destinations measured, the paths they share, and how events go through core's own test harness:
// createTestIntegration → testAction (one call per event) or testBatchAction (one call for the whole batch).

export type Impl = 'ours' | 'upstream'
export const IMPLS: Impl[] = ['ours', 'upstream']

/** Our destination, or the published one (installed by the bench on first use: see upstream.ts). */
export const destinationOf = (impl: Impl): DestinationDefinition<unknown> =>
  impl === 'ours' ? (ours as DestinationDefinition<unknown>) : loadUpstream()

/** Every path both destinations have, each with the events of the action's default subscription. */
export const PATHS = (
  [
    ['updateUser', false, 'identify'],
    ['updateUser', true, 'identify'],
    ['trackEvent', false, 'track'],
    ['trackEvent', true, 'track'],
    ['trackPurchase', false, 'orderCompleted'],
    ['updateCart', false, 'cartUpdated']
  ] as const
).map(([action, batch, kind]) => ({ name: `${action} ${batch ? 'batch' : 'single'}`, action, batch, kind }))

export type BenchPath = { name: string; action: string; batch: boolean; kind: EventKind }

/** The path of PATHS with that name. */
export function pathNamed(name: string): typeof PATHS[number] {
  const path = PATHS.find((candidate) => candidate.name === name)
  if (!path) throw new Error(`No bench path is named "${name}": ${PATHS.map((p) => p.name).join(', ')}`)
  return path
}

const SETTINGS = { apiKey: 'bench-api-key', dataCenterLocation: 'united_states' }
const ITERABLE_ORIGINS = ['https://api.iterable.com', 'https://api.eu.iterable.com']

export type Integration = ReturnType<typeof createTestIntegration>

/** The destination with its Iterable requests sent to `baseUrl` instead (the sink), without touching its code. */
export function integrationFor(impl: Impl, baseUrl: string): Integration {
  const definition = destinationOf(impl)
  // Core caches an action's validator by destination name and action title, which the two share: upstream is renamed
  // here, so that each destination's events are validated against its own fields, as in production.
  const named = impl === 'upstream' ? { ...definition, name: `${definition.name} (published)` } : definition
  return createTestIntegration(withBaseUrlOverride(named, { from: ITERABLE_ORIGINS, to: baseUrl }))
}

export type Outcome = { succeeded: number; failed: number; firstError?: string }

/** Pushes the events down one path: a testAction per event, or one testBatchAction with all of them. */
export async function push(integration: Integration, path: BenchPath, events: SegmentEvent[]): Promise<Outcome> {
  const outcome: Outcome = { succeeded: 0, failed: 0 }
  const fail = (message: string) => {
    outcome.failed++
    outcome.firstError ??= message
  }
  const options = { settings: SETTINGS, useDefaultMappings: true }
  if (!path.batch) {
    for (const event of events) {
      await integration.testAction(path.action, { ...options, event }).then(
        () => outcome.succeeded++,
        (error: Error) => fail(error.message)
      )
    }
    return outcome
  }
  await integration.testBatchAction(path.action, { ...options, events })
  // One entry per event: ours answers per event, and upstream's single response is given to every event.
  const [result] = integration.results as { multistatus?: { status: number; errormessage?: string }[] }[]
  for (const entry of result.multistatus ?? []) {
    if (entry.status >= 200 && entry.status < 300) outcome.succeeded++
    else fail(entry.errormessage ?? `status ${entry.status}`)
  }
  return outcome
}
