import { performance } from 'node:perf_hooks'
import { createTestIntegration } from '@segment/actions-core'
import type { BaseUrlOverride } from '@local/cli/src/lib/api-base-url'
import { BASE_URLS } from '@local/destination-actions/src/destinations/iterable/iterable-api'
import { generateEvents } from './events'
import { definitionFor, pushEach, redirected, warmUp, type PushOutcome } from './harness'
import { ACTIONS, type Impl, type PairedSpec } from './scenarios'

// One implementation's side of a paired measurement: warmed up once, then pushing each round's events when its turn
// comes and measuring its own CPU. paired.ts runs one of these per implementation, each in its own process, and calls
// them in turn: the turns of a round are close in time (same CPU speed and machine load), and no implementation
// shares a heap or a JIT with another (which cost the measured one: see the bench README).

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
  /** The process that ran it. */
  pid: number
}

/** Per implementation, one entry per round, in round order. */
export type PairedMeasurement = { [impl in Impl]?: PairedRoundMeasurement[] }

export interface Turn {
  round: number
  position: number
}

/** One warmed-up implementation, ready to take its turns. */
export interface TurnTaker {
  takeTurn(turn: Turn): Promise<PairedRoundMeasurement>
  close(): void
}

/** The events of round `round`: the same for every implementation, in whichever process it runs. */
export function roundEvents(spec: PairedSpec, round: number) {
  const kind = ACTIONS[spec.action].kind
  return Array.from({ length: spec.batchesPerTurn }, (_, batch) =>
    generateEvents(kind, spec.events, spec.seed + round * spec.batchesPerTurn + batch)
  )
}

/**
 * Warms `impl` up in this process and returns it ready for its turns: warm-up requests go to `${baseUrl}/${tag}-warmup`,
 * round r's to `${baseUrl}/${tag}-${impl}-${r}`. Throws when the action, or upstream, has no such path.
 */
export async function warmedUpTurnTaker(
  spec: PairedSpec,
  impl: Impl,
  baseUrl: string,
  tag: string
): Promise<TurnTaker> {
  if (spec.path === 'batch' && !ACTIONS[spec.action].endpoints.batch) {
    throw new Error(`${spec.action} has no batch path`)
  }
  const override: BaseUrlOverride = { from: Object.values(BASE_URLS), to: `${baseUrl}/${tag}-warmup` }
  const integration = createTestIntegration(redirected(definitionFor({ ...spec, impl }), override))
  const kind = ACTIONS[spec.action].kind
  await warmUp(integration, spec, generateEvents(kind, spec.warmupEvents, spec.seed + WARMUP_SEED_OFFSET))

  return {
    async takeTurn({ round, position }) {
      // Generated before the measurement starts: making events is not the implementation's cost.
      const batches = roundEvents(spec, round)
      const sinkTag = `${tag}-${impl}-${round}`
      override.to = `${baseUrl}/${sinkTag}`
      // No forced GC between turns (see runScenario): each turn inherits its own previous turn's garbage.
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      const outcome = await pushEach(integration, spec, batches)
      const wallMs = performance.now() - started
      const cpu = process.cpuUsage(cpuBefore)
      return { round, position, cpuMicros: cpu.user + cpu.system, wallMs, ...outcome, sinkTag, pid: process.pid }
    },
    close() {
      // Nothing to free: the integration goes with its process, or with the garbage.
    }
  }
}
