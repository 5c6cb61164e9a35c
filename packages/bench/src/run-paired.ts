import { performance } from 'node:perf_hooks'
import { createTestIntegration } from '@segment/actions-core'
import { KNOWN_APIS, type BaseUrlOverride } from '@local/cli/src/lib/api-base-url'
import { generateEvents } from './events'
import { definitionFor, pushEach, redirected, warmUp, type PushOutcome, type TestDestination } from './harness'
import { ACTIONS, type Impl, type PairedSpec } from './scenarios'

// One paired measurement in this process: the implementations take turns over many short rounds on the same events,
// so they share this process's CPU speed, JIT and heap. The ratio of two implementations within a round is then far
// steadier than the ratio of two processes' medians on a shared machine.

/** Keeps warm-up events away from the rounds' seeds (seed + round × batchesPerTurn + batch). */
const WARMUP_SEED_OFFSET = 1_000_000

/** What one implementation did in one round; the caller adds the sink's counts for `sinkTag`. */
export interface PairedRoundMeasurement extends PushOutcome {
  round: number
  /** Its place in the round's order: 0 ran first. */
  position: number
  /** process.cpuUsage() (user + system, all threads) over the implementation's push. */
  cpuMicros: number
  wallMs: number
  /** Where its requests went: `${tag}-${impl}-${round}` on the sink. */
  sinkTag: string
}

/** Per implementation, one entry per round, in round order. */
export type PairedMeasurement = { [impl in Impl]?: PairedRoundMeasurement[] }

export const pairedImplsOf = (spec: Pick<PairedSpec, 'upstreamDir'>): Impl[] =>
  spec.upstreamDir ? ['ours', 'floor', 'upstream'] : ['ours', 'floor']

/**
 * Runs `spec` in this process: warm-up requests go to `${baseUrl}/${tag}-warmup`, round r of implementation i to
 * `${baseUrl}/${tag}-${i}-${r}`. Throws when the action, or upstream, has no such path.
 */
export async function measurePaired(spec: PairedSpec, baseUrl: string, tag: string): Promise<PairedMeasurement> {
  if (spec.path === 'batch' && !ACTIONS[spec.action].endpoints.batch) {
    throw new Error(`${spec.action} has no batch path`)
  }
  const kind = ACTIONS[spec.action].kind
  const impls = pairedImplsOf(spec)
  const override: BaseUrlOverride = { from: KNOWN_APIS.iterable.origins, to: `${baseUrl}/${tag}-warmup` }
  const integrations = new Map<Impl, TestDestination>(
    impls.map((impl) => [impl, createTestIntegration(redirected(definitionFor({ ...spec, impl }), override))])
  )

  const warmup = generateEvents(kind, spec.warmupEvents, spec.seed + WARMUP_SEED_OFFSET)
  for (const [, integration] of integrations) await warmUp(integration, spec, warmup)

  const measured: PairedMeasurement = Object.fromEntries(impls.map((impl) => [impl, []]))
  for (let round = 0; round < spec.rounds; round++) {
    // Shared by the implementations: the framework maps each event into new payloads and leaves the events as they
    // were (checked in the tests), so every implementation gets the same input.
    const batches = Array.from({ length: spec.batchesPerTurn }, (_, batch) =>
      generateEvents(kind, spec.events, spec.seed + round * spec.batchesPerTurn + batch)
    )
    // Rotated each round, so that no implementation always runs first, right after the events were generated.
    const order = impls.map((_, index) => impls[(index + round) % impls.length])
    for (const [position, impl] of order.entries()) {
      const integration = integrations.get(impl) as TestDestination
      const sinkTag = `${tag}-${impl}-${round}`
      override.to = `${baseUrl}/${sinkTag}`
      // No forced GC between turns (see runScenario): each turn inherits the previous one's garbage, and the
      // rotation spreads that evenly over the implementations.
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      const outcome = await pushEach(integration, spec, batches)
      const wallMs = performance.now() - started
      const cpu = process.cpuUsage(cpuBefore)
      measured[impl]?.push({ round, position, cpuMicros: cpu.user + cpu.system, wallMs, ...outcome, sinkTag })
    }
  }
  return measured
}
