import { writeFileSync } from 'node:fs'
import { performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks'
import { createTestIntegration, type DestinationDefinition } from '@segment/actions-core'
import type { Settings } from '@local/destination-actions/src/destinations/iterable/generated-types'
import type { BaseUrlOverride } from '@local/cli/src/lib/api-base-url'
import { BASE_URLS } from '@local/destination-actions/src/destinations/iterable/iterable-api'
import { generateEvents } from './events'
import { definitionFor, push, redirected, warmUp, type TestDestination } from './harness'
import { ACTIONS, type ScenarioSpec } from './scenarios'

// One measured run in this process: warm up, then push the events through the framework's test harness
// (createTestIntegration → testAction / testBatchAction) with every request going to the loopback sink.

/** What the process measured; the sink's counts are added by the caller, which owns the sink. */
export interface RunMeasurement {
  wallMs: number
  /** CPU of this whole process during the run (process.cpuUsage: user + system, all threads). */
  cpuUserMicros: number
  cpuSystemMicros: number
  /**
   * Batch path: the part of that CPU spent inside performBatch (the action's own code, its requests included). Null on
   * the single path, where reading the CPU clock around every perform would cost as much as what it measures.
   */
  performCpuMicros: number | null
  /** Batch path: wall time inside performBatch, the sink's answers included; null on the single path. */
  performWallMs: number | null
  /** Garbage-collection pauses of the main thread during the run (perf_hooks 'gc' entries). */
  gcPauseMs: number
  /** Events with a 2xx outcome (testAction resolved; batch multistatus entry 2xx). */
  succeeded: number
  failed: number
  /** The first failure's message, to tell a broken scenario from a slow one. */
  firstError?: string
  /** RSS after event generation and warm-up, just before the measured run. */
  rssBeforeBytes: number
  /** Peak RSS (process.resourceUsage().maxRSS) read after the run: the run's own peak when `peakScope` is `run`. */
  maxRssBytes: number
  /**
   * `run`: the kernel's peak counter was reset just before the measured run (Linux, /proc/self/clear_refs), so the
   * peak excludes start-up, the TypeScript compiler, event generation and warm-up. `process`: the process's lifetime peak.
   */
  peakScope: 'run' | 'process'
  heapUsedAfterBytes: number
}

/** CPU and wall time spent inside the action's perform / performBatch (the destination's code and its requests). */
interface PerformMeter {
  cpuMicros: number
  wallMs: number
}

type AnyFunction = (...args: never[]) => unknown

/**
 * The definition with every performBatch timed into `meter`. What is left of the run's CPU is the framework's:
 * mapping, validation and the handling of results, identical code for the destination and the floor.
 */
function metered(definition: DestinationDefinition<Settings>, meter: PerformMeter): DestinationDefinition<Settings> {
  const time = <F extends AnyFunction | undefined>(fn: F): F =>
    (fn &&
      (async (...args: unknown[]) => {
        const cpu = process.cpuUsage()
        const started = performance.now()
        try {
          return await (fn as unknown as (...a: unknown[]) => Promise<unknown>)(...args)
        } finally {
          const used = process.cpuUsage(cpu)
          meter.cpuMicros += used.user + used.system
          meter.wallMs += performance.now() - started
        }
      })) as unknown as F
  const actions = Object.fromEntries(
    Object.entries(definition.actions).map(([key, action]) => [
      key,
      { ...action, performBatch: time(action.performBatch) }
    ])
  )
  return { ...definition, actions }
}

/** Each run's integration talks to `override.to`, which is switched from the warm-up tag to the measured one. */
function integrationFor(spec: ScenarioSpec, override: BaseUrlOverride, meter: PerformMeter): TestDestination {
  return createTestIntegration(metered(redirected(definitionFor(spec), override), meter))
}

/** Resets the peak-RSS counter to the current RSS (Linux ≥ 4.0); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/**
 * Runs `spec` in this process: the warm-up goes to `${baseUrl}/${warmupTag}`, the measured events to
 * `${baseUrl}/${tag}`. Throws when the action has no such path.
 */
export async function runScenario(
  spec: ScenarioSpec,
  baseUrl: string,
  tag: string,
  warmupTag = `${tag}-warmup`
): Promise<RunMeasurement> {
  if (spec.path === 'batch' && !ACTIONS[spec.action].endpoints.batch) {
    throw new Error(`${spec.action} has no batch path`)
  }
  const kind = ACTIONS[spec.action].kind
  const override: BaseUrlOverride = { from: Object.values(BASE_URLS), to: `${baseUrl}/${warmupTag}` }
  const meter: PerformMeter = { cpuMicros: 0, wallMs: 0 }
  const integration = integrationFor(spec, override, meter)

  await warmUp(integration, spec, generateEvents(kind, spec.warmupEvents, spec.seed + 1))
  const events = generateEvents(kind, spec.events, spec.seed)
  override.to = `${baseUrl}/${tag}`

  // No forced GC here: a full GC right before a short run makes V8 start it with a small heap and much incremental
  // marking (measured: 2–3× the CPU per event on 1,000-event batches), which a long-running process never sees.
  meter.cpuMicros = 0
  meter.wallMs = 0
  const rssBeforeBytes = process.memoryUsage().rss
  const peakScope = resetPeakRss() ? 'run' : 'process'
  let gcPauseMs = 0
  const addPauses = (entries: PerformanceEntry[]) => {
    for (const entry of entries) gcPauseMs += entry.duration
  }
  const gcObserver = new PerformanceObserver((list) => addPauses(list.getEntries()))
  gcObserver.observe({ entryTypes: ['gc'] })
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const outcome = await push(integration, spec, events)
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  addPauses(gcObserver.takeRecords())
  gcObserver.disconnect()

  return {
    wallMs,
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    performCpuMicros: spec.path === 'batch' ? meter.cpuMicros : null,
    performWallMs: spec.path === 'batch' ? meter.wallMs : null,
    gcPauseMs,
    ...outcome,
    rssBeforeBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    peakScope,
    heapUsedAfterBytes: process.memoryUsage().heapUsed
  }
}
