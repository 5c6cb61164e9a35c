import os from 'node:os'
import type { PairedRatio, PairedResult, Spread } from './paired'
import type { RunMeasurement } from './run-scenario'
import type { Tally } from './sink'
import {
  ceilingFor,
  RATE_LIMITS,
  type BenchAction,
  type BenchPath,
  type Ceiling,
  type Impl,
  type ScenarioSpec
} from './scenarios'
import { upstreamNotMeasured, type UpstreamStatus } from './upstream'

// Runs → medians → the report: the paired CPU ratios (the verdicts); rows per action, path, size and implementation;
// our cost as a ratio to the floor and against Segment's published destination (upstream); Iterable's ceiling beside
// the measured rate; how memory grows with batch size.

const MB = 1024 * 1024

/** The destination's own CPU on the batch path should stay within this much of the floor's. */
export const BATCH_OVERHEAD_TARGET_PERCENT = 15

/** Peak-RSS growth is called linear when it grows no faster than size^1.3 between the two largest sizes. */
export const LINEAR_EXPONENT_LIMIT = 1.3

/** Ours is also called linear when its exponent is within this of the floor's (same harness, same events). */
export const FLOOR_EXPONENT_SLACK = 0.15

/** One run, with the sink's counts for it. */
export interface Sample {
  action: BenchAction
  path: BenchPath
  impl: Impl
  events: number
  wallMs: number
  cpuMicros: number
  succeeded: number
  failed: number
  firstError?: string
  requests: number
  bytes: number
  records: number
  endpoints: Record<string, number>
  rssBeforeBytes: number
  maxRssBytes: number
  /** `run`: the peak is the measured run's own; `process`: the process's lifetime peak (no Linux peak reset). */
  peakScope: 'run' | 'process'
  eventsPerSecond: number
  cpuMicrosPerEvent: number
  /** Batch path: CPU inside performBatch per event (the rest is the framework's); null on the single path. */
  performCpuMicrosPerEvent: number | null
  /** Main-thread garbage-collection pauses per event (part of the CPU above). */
  gcMicrosPerEvent: number
  requestsPer10k: number
  bytesPerEvent: number
  peakRssMB: number
  rssGrowthMB: number
}

export interface Accounting {
  /** Events per run. */
  events: number
  /** Over all runs. */
  succeeded: number
  failed: number
  /** Records the sink received over all runs (1 per single request; the list length of a bulk body). */
  recordsAtSink: number
  /** Every event of every run has an outcome, and every succeeded event reached the sink exactly once. */
  ok: boolean
  firstError?: string
}

/** What became of the events of one run or turn. */
export interface RunOutcome {
  succeeded: number
  failed: number
  /** Records the sink received. */
  records: number
  firstError?: string
}

/**
 * The accounting of several runs or turns of `events` events each; `complete` is false when some were missing. `ok`
 * when it is complete, every event has an outcome and every succeeded event reached the sink exactly once.
 */
export function accountingOf(outcomes: RunOutcome[], events: number, complete = true): Accounting {
  const sum = (pick: (outcome: RunOutcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0)
  const succeeded = sum((o) => o.succeeded)
  const recordsAtSink = sum((o) => o.records)
  const firstError = outcomes.find((outcome) => outcome.firstError !== undefined)?.firstError
  return {
    events,
    succeeded,
    failed: sum((o) => o.failed),
    recordsAtSink,
    ok: complete && outcomes.every((o) => o.succeeded + o.failed === events) && recordsAtSink === succeeded,
    ...(firstError !== undefined && { firstError })
  }
}

export interface Row {
  action: BenchAction
  path: BenchPath
  impl: Impl
  events: number
  runs: number
  /** Medians over the runs. */
  eventsPerSecond: number
  cpuMicrosPerEvent: number
  /** Batch path: CPU inside performBatch (the action's own code and its requests) per event; null on single paths. */
  performCpuMicrosPerEvent: number | null
  /** cpuMicrosPerEvent − performCpuMicrosPerEvent: mapping, validation, results (the framework's part). */
  frameworkCpuMicrosPerEvent: number | null
  /** Main-thread garbage-collection pauses per event (part of the CPU above, wherever the garbage came from). */
  gcMicrosPerEvent: number
  requestsPer10k: number
  bytesPerEvent: number
  /** Median peak RSS of the measured run (see peakScope). */
  peakRssMB: number
  /** Median of (peak RSS − RSS just before the run, after a GC): the memory the run itself needed. */
  rssGrowthMB: number
  peakScope: 'run' | 'process'
  /** Slowest and fastest run. */
  eventsPerSecondRange: [number, number]
  cpuMicrosPerEventRange: [number, number]
  accounted: Accounting
  /** Iterable's documented ceiling for this path (ours only: the floor's requests are not Iterable's). */
  ceiling?: Ceiling
}

export interface Ratio {
  action: BenchAction
  path: BenchPath
  events: number
  /** ours ÷ floor CPU µs per event: 1.10 means we spend 10% more CPU per event than the framework's floor. */
  cpuRatio: number
  /** ours ÷ floor events/s: 0.90 means we deliver 10% fewer events per second. */
  eventsPerSecondRatio: number
  /** (cpuRatio − 1) × 100. */
  overheadPercent: number
  /** Batch path: ours − floor CPU µs per event inside performBatch: what the action's own code adds. */
  performDeltaMicrosPerEvent: number | null
  /** Batch path: ours − floor CPU µs per event outside it (near 0: the same framework code runs for both). */
  frameworkDeltaMicrosPerEvent: number | null
  /** The target on the batch path (15); null on the single path, which has none. */
  targetPercent: number | null
  /** Null when there is no target or when events failed (a failed run is not a cheap one). */
  withinTarget: boolean | null
  /** Events that failed on either side, over all runs: when not 0 the ratio compares unlike work. */
  failedEvents: number
}

/** Ours against upstream at the same action, path and size (medians). Ratios are ours ÷ upstream. */
export interface UpstreamComparison {
  action: BenchAction
  path: BenchPath
  events: number
  oursCpuMicrosPerEvent: number
  upstreamCpuMicrosPerEvent: number
  /** 0.80 means we spend 20% less CPU per event than upstream. */
  cpuRatio: number
  /** 1.25 means we deliver 25% more events per second. */
  eventsPerSecondRatio: number
  oursRequestsPer10k: number
  upstreamRequestsPer10k: number
  oursBytesPerEvent: number
  upstreamBytesPerEvent: number
  /** Our CPU µs/event ≤ upstream's. Null when either side failed events or lost one: unlike work is not compared. */
  atLeastAsFast: boolean | null
  /**
   * Slower by the medians, but the runs' CPU ranges overlap: ours was at least as fast in some run. Only meaningful
   * with several runs; it marks a difference the run-to-run noise can hide, not a pass.
   */
  withinNoise: boolean
  /** Failed events over all runs, per side. */
  oursFailed: number
  upstreamFailed: number
  /** Both sides accounted for every event (see Accounting.ok). */
  accounted: boolean
  /** The first failure on either side, to tell a broken scenario from a slow one. */
  firstError?: string
}

export interface MemoryTrend {
  action: BenchAction
  path: BenchPath
  impl: Impl
  points: { events: number; peakRssMB: number; rssGrowthMB: number; growthKBPerEvent: number }[]
  /** log(growth ratio) / log(size ratio) between the two largest sizes: 1 is linear, 2 quadratic; null if too small. */
  exponent: number | null
  /**
   * Ours and upstream: the floor's exponent, and this growth ÷ the floor's at the largest size (1.00 = the same
   * memory).
   */
  floorExponent?: number | null
  growthVsFloor?: number | null
  /**
   * Linear enough: exponent ≤ LINEAR_EXPONENT_LIMIT, or (ours) no steeper than the floor's + FLOOR_EXPONENT_SLACK:
   * V8 grows its heap in steps, so RSS growth of the framework alone is somewhat super-linear. Null if too small.
   */
  linear: boolean | null
}

export interface Machine {
  cpuModel: string
  cores: number
  memoryBytes: number
  platform: string
  release: string
  arch: string
}

export interface BenchOptions {
  actions: BenchAction[]
  paths: BenchPath[]
  batchSizes: number[]
  singleSizes: number[]
  runs: number
  /** Events pushed through before each measured run, per path (batch: in batches of up to 1,000). */
  warmupEvents: Record<BenchPath, number>
  seed: number
  batchSize?: number
  isolation: 'child-process' | 'in-process'
  /** The paired measurement (see PairedOptions); absent: not run. */
  paired?: PairedOptions
}

/** Ours, the floor and upstream interleaved in one process per action × path × size, over `rounds` rounds. */
export interface PairedOptions {
  /** Events per round. */
  batchSizes: number[]
  singleSizes: number[]
  rounds: number
  /** Events each implementation gets before the rounds, per path (batch: in batches of up to 1,000). */
  warmupEvents: Record<BenchPath, number>
}

export interface Report {
  title: string
  /** quick, full or custom; a reference file says which run it is. */
  mode: string
  notes: string[]
  date: string
  machine: Machine
  node: string
  options: BenchOptions
  rateLimits: Record<string, number | null>
  rows: Row[]
  ratios: Ratio[]
  /** Segment's published destination: which version was measured, or why it was not. */
  upstream: UpstreamStatus
  /** Ours against upstream, on the action × path × size it shares with ours (empty when not measured). */
  vsUpstream: UpstreamComparison[]
  memory: MemoryTrend[]
  /** The paired measurements, every round's numbers included (empty when not run). */
  paired: PairedResult[]
  summary: Summary
  /** Every run, for the spread behind the medians. */
  samples: Sample[]
}

export interface Summary {
  /** Per batch action, at the largest batch size: our CPU overhead over the floor in percent. */
  batchOverheadPercent: Partial<Record<BenchAction, number>>
  /** Every batch action within BATCH_OVERHEAD_TARGET_PERCENT at its largest size (null without batch rows). */
  batchWithinTarget: boolean | null
  /** Our peak-RSS growth is roughly linear in batch size for every batch action (null when too small to tell). */
  memoryLinear: boolean | null
  /**
   * Every event of every run (and of every paired round) had an outcome and every succeeded event reached the sink
   * once.
   */
  allAccounted: boolean
  /** Events that failed, over all runs and paired rounds (0 expected: the generated events are all valid). */
  failedEvents: number
  /** Ours against upstream; null when upstream was not measured or shares no path with this run. */
  vsUpstream: UpstreamVerdict | null
  /** The same verdicts from the paired medians, which take precedence; null when the paired measurement did not run. */
  paired: PairedSummary | null
}

export interface PairedSummary {
  /** Per batch action, at its largest paired size: (median of the per-round ours ÷ floor − 1) × 100. */
  batchOverheadPercent: Partial<Record<BenchAction, number>>
  /** Those sizes (one entry when every action has the same). */
  batchEvents: number[]
  /** Every one of those within BATCH_OVERHEAD_TARGET_PERCENT; null without batch rows or when events failed. */
  batchWithinTarget: boolean | null
  /** Ours at least as fast as upstream (median ratio ≤ 1) on every shared action, path and size. */
  vsUpstream: UpstreamVerdict | null
}

export interface UpstreamVerdict {
  package: string
  version: string
  /** Ours at least as fast per event (CPU) on every shared action, path and size. */
  atLeastAsFastEverywhere: boolean
  /** Where ours used more CPU per event, e.g. `updateUser batch 10,000 (1.08×)`. */
  slower: string[]
  /** Where events failed on either side, so no verdict. */
  notComparable: string[]
}

export function toSample(spec: ScenarioSpec, run: RunMeasurement, tally: Tally): Sample {
  const cpuMicros = run.cpuUserMicros + run.cpuSystemMicros
  return {
    action: spec.action,
    path: spec.path,
    impl: spec.impl,
    events: spec.events,
    wallMs: run.wallMs,
    cpuMicros,
    succeeded: run.succeeded,
    failed: run.failed,
    ...(run.firstError !== undefined && { firstError: run.firstError }),
    requests: tally.requests,
    bytes: tally.bytes,
    records: tally.records,
    endpoints: tally.endpoints,
    rssBeforeBytes: run.rssBeforeBytes,
    maxRssBytes: run.maxRssBytes,
    peakScope: run.peakScope,
    eventsPerSecond: spec.events / (run.wallMs / 1000),
    cpuMicrosPerEvent: cpuMicros / spec.events,
    performCpuMicrosPerEvent: run.performCpuMicros === null ? null : run.performCpuMicros / spec.events,
    gcMicrosPerEvent: (run.gcPauseMs * 1000) / spec.events,
    requestsPer10k: (tally.requests / spec.events) * 10_000,
    bytesPerEvent: tally.bytes / spec.events,
    peakRssMB: run.maxRssBytes / MB,
    rssGrowthMB: Math.max(0, run.maxRssBytes - run.rssBeforeBytes) / MB
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The p-quantile (0 ≤ p ≤ 1), interpolated linearly between the nearest ranks (numpy's and R's default). */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * p
  const below = Math.floor(position)
  return sorted[below] + (sorted[Math.ceil(position)] - sorted[below]) * (position - below)
}

const keyOf = (s: { action: string; path: string; impl: string; events: number }) =>
  `${s.action}|${s.path}|${s.impl}|${s.events}`

function rowOf(samples: Sample[]): Row {
  const [first] = samples
  const of = (pick: (sample: Sample) => number) => median(samples.map(pick))
  const rates = samples.map((sample) => sample.eventsPerSecond)
  const cpus = samples.map((sample) => sample.cpuMicrosPerEvent)
  const cpuMicrosPerEvent = median(cpus)
  const performCpuMicrosPerEvent =
    first.performCpuMicrosPerEvent === null ? null : of((s) => s.performCpuMicrosPerEvent ?? NaN)
  const row: Row = {
    action: first.action,
    path: first.path,
    impl: first.impl,
    events: first.events,
    runs: samples.length,
    eventsPerSecond: of((s) => s.eventsPerSecond),
    cpuMicrosPerEvent,
    performCpuMicrosPerEvent,
    frameworkCpuMicrosPerEvent: performCpuMicrosPerEvent === null ? null : cpuMicrosPerEvent - performCpuMicrosPerEvent,
    gcMicrosPerEvent: of((s) => s.gcMicrosPerEvent),
    requestsPer10k: of((s) => s.requestsPer10k),
    bytesPerEvent: of((s) => s.bytesPerEvent),
    peakRssMB: of((s) => s.peakRssMB),
    rssGrowthMB: of((s) => s.rssGrowthMB),
    peakScope: samples.every((s) => s.peakScope === 'run') ? 'run' : 'process',
    eventsPerSecondRange: [Math.min(...rates), Math.max(...rates)],
    cpuMicrosPerEventRange: [Math.min(...cpus), Math.max(...cpus)],
    accounted: accountingOf(samples, first.events)
  }
  if (first.impl === 'ours') {
    const requests = median(samples.map((s) => s.requests))
    row.ceiling = ceilingFor(first.action, first.path, first.events, requests)
  }
  return row
}

const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b)

/** Each `ours` row beside the row of `impl` at the same action, path and size, where there is one. */
function oursBeside(rows: Row[], impl: Impl): [Row, Row][] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]))
  return rows.flatMap((ours) => {
    const other = ours.impl === 'ours' ? byKey.get(keyOf({ ...ours, impl })) : undefined
    return other ? [[ours, other] as [Row, Row]] : []
  })
}

function ratiosOf(rows: Row[]): Ratio[] {
  const ratios: Ratio[] = []
  for (const [ours, floor] of oursBeside(rows, 'floor')) {
    const cpuRatio = ours.cpuMicrosPerEvent / floor.cpuMicrosPerEvent
    const overheadPercent = (cpuRatio - 1) * 100
    const targetPercent = ours.path === 'batch' ? BATCH_OVERHEAD_TARGET_PERCENT : null
    const failedEvents = ours.accounted.failed + floor.accounted.failed
    ratios.push({
      action: ours.action,
      path: ours.path,
      events: ours.events,
      cpuRatio,
      eventsPerSecondRatio: ours.eventsPerSecond / floor.eventsPerSecond,
      overheadPercent,
      performDeltaMicrosPerEvent: difference(ours.performCpuMicrosPerEvent, floor.performCpuMicrosPerEvent),
      frameworkDeltaMicrosPerEvent: difference(ours.frameworkCpuMicrosPerEvent, floor.frameworkCpuMicrosPerEvent),
      targetPercent,
      withinTarget: targetPercent === null || failedEvents > 0 ? null : overheadPercent <= targetPercent,
      failedEvents
    })
  }
  return ratios
}

function vsUpstreamOf(rows: Row[]): UpstreamComparison[] {
  const comparisons: UpstreamComparison[] = []
  for (const [ours, upstream] of oursBeside(rows, 'upstream')) {
    const accounted = ours.accounted.ok && upstream.accounted.ok
    const comparable = accounted && ours.accounted.failed === 0 && upstream.accounted.failed === 0
    const firstError = upstream.accounted.firstError ?? ours.accounted.firstError
    comparisons.push({
      action: ours.action,
      path: ours.path,
      events: ours.events,
      oursCpuMicrosPerEvent: ours.cpuMicrosPerEvent,
      upstreamCpuMicrosPerEvent: upstream.cpuMicrosPerEvent,
      cpuRatio: ours.cpuMicrosPerEvent / upstream.cpuMicrosPerEvent,
      eventsPerSecondRatio: ours.eventsPerSecond / upstream.eventsPerSecond,
      oursRequestsPer10k: ours.requestsPer10k,
      upstreamRequestsPer10k: upstream.requestsPer10k,
      oursBytesPerEvent: ours.bytesPerEvent,
      upstreamBytesPerEvent: upstream.bytesPerEvent,
      atLeastAsFast: comparable ? ours.cpuMicrosPerEvent <= upstream.cpuMicrosPerEvent : null,
      withinNoise: ours.cpuMicrosPerEventRange[0] <= upstream.cpuMicrosPerEventRange[1],
      oursFailed: ours.accounted.failed,
      upstreamFailed: upstream.accounted.failed,
      accounted,
      ...(firstError !== undefined && { firstError })
    })
  }
  return comparisons
}

function memoryOf(rows: Row[]): MemoryTrend[] {
  const groups = new Map<string, Row[]>()
  // Batch paths only: "batch size" is the number of events handed to one performBatch.
  for (const row of rows.filter((r) => r.path === 'batch')) {
    const key = `${row.action}|${row.path}|${row.impl}`
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  const trends: MemoryTrend[] = []
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.events - b.events)
    const points = sorted.map((row) => ({
      events: row.events,
      peakRssMB: row.peakRssMB,
      rssGrowthMB: row.rssGrowthMB,
      growthKBPerEvent: (row.rssGrowthMB * 1024) / row.events
    }))
    let exponent: number | null = null
    if (points.length >= 2) {
      const [small, large] = points.slice(-2)
      // Under a few MB, RSS growth is the allocator's noise, not the scenario's.
      if (small.rssGrowthMB >= 4 && large.events > small.events) {
        exponent = Math.log(large.rssGrowthMB / small.rssGrowthMB) / Math.log(large.events / small.events)
      }
    }
    trends.push({
      action: sorted[0].action,
      path: sorted[0].path,
      impl: sorted[0].impl,
      points,
      exponent,
      linear: exponent === null ? null : exponent <= LINEAR_EXPONENT_LIMIT
    })
  }
  for (const ours of trends.filter((trend) => trend.impl !== 'floor')) {
    const floor = trends.find((t) => t.impl === 'floor' && t.action === ours.action && t.path === ours.path)
    if (!floor) continue
    const [oursLast, floorLast] = [ours.points.at(-1), floor.points.at(-1)]
    ours.floorExponent = floor.exponent
    ours.growthVsFloor =
      oursLast && floorLast && floorLast.events === oursLast.events && floorLast.rssGrowthMB >= 4
        ? oursLast.rssGrowthMB / floorLast.rssGrowthMB
        : null
    if (ours.exponent !== null && floor.exponent !== null && ours.exponent <= floor.exponent + FLOOR_EXPONENT_SLACK) {
      ours.linear = true
    }
  }
  return trends
}

export function machine(): Machine {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch()
  }
}

export const NOTES = [
  'Each run is a fresh Node process that warms up on other events of the same kind (batch: in batches of 1,000), then is measured; figures are medians over the runs.',
  'peak RSS: the measured run’s peak (the kernel’s peak counter is reset just before the run, Linux only; elsewhere the process’s lifetime peak). +RSS: that peak minus the RSS just before the run, i.e. the memory the run needed beyond its input events.',
  'The sink is a loopback HTTP server in the parent process answering like Iterable; its CPU is not in the CPU column, its latency is in events/s.',
  'events/s: events ÷ wall time of the measured run on one core. CPU µs/event: process.cpuUsage (user + system, all threads of the run’s process) ÷ events.',
  'req/10k: requests the sink received per 10,000 events. bytes/event: request-body bytes received ÷ events (headers not counted).',
  'Single paths: one testAction call, so one HTTP round trip, per event, hence smaller sizes than the batch paths.',
  'Batch paths: all events go to ONE testBatchAction call (the framework does not split by batch_size); our performBatch chunks by batch_size (1001) and 4 MB, the floor sends the whole batch as one request (it does not chunk).',
  'Floor: the same fields (mapping, schema validation, request client, multistatus) with a perform/performBatch that sends the mapped payload unchanged. Ratio = ours ÷ floor.',
  'Ceiling: Iterable’s documented per-project rate limit × events per request; the commerce endpoints have no documented limit.'
]

/** Added when the paired measurement ran. */
export const PAIRED_NOTE =
  'Paired CPU ratios (the verdicts): per action × path × size, ours, the floor and upstream (where it has the path), each warmed up in a process of its own (unless --in-process), take turns over many short rounds; each round they get the same generated events, in an order that rotates from round to round, and each turn’s process.cpuUsage ÷ events is recorded. Ratio per round = ours ÷ floor, ours ÷ upstream; reported: median [first–third quartile] over the rounds. Machine noise hits every implementation of a round alike, so it cancels in the ratio.'

/** Added when upstream was measured. */
export const UPSTREAM_NOTE =
  'Upstream: Segment’s published Iterable destination (npm), on the actions and paths it has, in the same harness against the same sink. Its performBatch sends whatever it is given as ONE request (the framework does not split by batch_size here), so its req/10k on batch paths is 1 per batch, not ceil(n / 1001) as in production. Ratio = ours ÷ upstream.'

const describeComparison = (c: UpstreamComparison) => `${c.action} ${c.path} ${int(c.events)}`

const verdictFrom = (upstream: UpstreamStatus, slower: string[], notComparable: string[]): UpstreamVerdict => ({
  package: upstream.package,
  version: upstream.version,
  atLeastAsFastEverywhere: slower.length === 0 && notComparable.length === 0,
  slower,
  notComparable
})

function verdictOf(upstream: UpstreamStatus, comparisons: UpstreamComparison[]): UpstreamVerdict | null {
  if (!upstream.measured || comparisons.length === 0) return null
  const slower = comparisons
    .filter((c) => c.atLeastAsFast === false)
    .map(
      (c) => `${describeComparison(c)} (${fixed(c.cpuRatio, 2)}×${c.withinNoise ? ', within run-to-run noise' : ''})`
    )
  const notComparable = comparisons
    .filter((c) => c.atLeastAsFast === null)
    .map(
      (c) =>
        `${describeComparison(c)} (ours ${int(c.oursFailed)} / upstream ${int(c.upstreamFailed)} failed${c.accounted ? '' : ', events unaccounted'})`
    )
  return verdictFrom(upstream, slower, notComparable)
}

const describePairedRow = (row: PairedResult) => `${row.action} ${row.path} ${int(row.events)}`

const spreadText = (spread: Spread) => `${fixed(spread.median, 2)} [${fixed(spread.q1, 2)}–${fixed(spread.q3, 2)}]`

const failedBoth = (row: PairedResult) =>
  `ours ${int(row.impls.ours.accounted.failed)} / upstream ${int(row.impls.upstream?.accounted.failed ?? 0)} failed`

function pairedVerdictOf(upstream: UpstreamStatus, paired: PairedResult[]): UpstreamVerdict | null {
  const shared = paired.filter((row) => row.vsUpstream !== null)
  if (!upstream.measured || shared.length === 0) return null
  const slower: string[] = []
  const notComparable: string[] = []
  for (const row of shared) {
    const ratio = row.vsUpstream as PairedRatio
    if (!ratio.comparable) {
      const accounted = row.impls.ours.accounted.ok && Boolean(row.impls.upstream?.accounted.ok)
      notComparable.push(`${describePairedRow(row)} (${failedBoth(row)}${accounted ? '' : ', events unaccounted'})`)
    } else if (ratio.median > 1) {
      slower.push(
        `${describePairedRow(row)} (${fixed(ratio.median, 2)}× [${fixed(ratio.q1, 2)}–${fixed(ratio.q3, 2)}])`
      )
    }
  }
  return verdictFrom(upstream, slower, notComparable)
}

/** (median ours ÷ floor − 1) × 100 at each action's largest paired batch size. */
function pairedSummaryOf(upstream: UpstreamStatus, paired: PairedResult[]): PairedSummary | null {
  if (paired.length === 0) return null
  const largest = new Map<BenchAction, PairedResult>()
  for (const row of paired.filter((r) => r.path === 'batch')) {
    const current = largest.get(row.action)
    if (!current || row.events > current.events) largest.set(row.action, row)
  }
  const batchOverheadPercent: PairedSummary['batchOverheadPercent'] = {}
  for (const [action, row] of largest) batchOverheadPercent[action] = (row.vsFloor.median - 1) * 100
  const rows = [...largest.values()]
  return {
    batchOverheadPercent,
    batchEvents: [...new Set(rows.map((row) => row.events))].sort((a, b) => a - b),
    batchWithinTarget:
      rows.length === 0 || rows.some((row) => !row.vsFloor.comparable)
        ? null
        : rows.every((row) => (row.vsFloor.median - 1) * 100 <= BATCH_OVERHEAD_TARGET_PERCENT),
    vsUpstream: pairedVerdictOf(upstream, paired)
  }
}

function summaryOf(
  rows: Row[],
  ratios: Ratio[],
  memory: MemoryTrend[],
  upstream: UpstreamStatus,
  comparisons: UpstreamComparison[],
  paired: PairedResult[]
): Summary {
  const batchOverheadPercent: Summary['batchOverheadPercent'] = {}
  const largest = new Map<BenchAction, Ratio>()
  for (const ratio of ratios.filter((r) => r.path === 'batch')) {
    const current = largest.get(ratio.action)
    if (!current || ratio.events > current.events) largest.set(ratio.action, ratio)
  }
  for (const [action, ratio] of largest) batchOverheadPercent[action] = ratio.overheadPercent
  const ourTrends = memory.filter((trend) => trend.impl === 'ours' && trend.linear !== null)
  const pairedImpls = paired.flatMap((row) => Object.values(row.impls))
  return {
    batchOverheadPercent,
    batchWithinTarget:
      largest.size === 0 || [...largest.values()].some((ratio) => ratio.withinTarget === null)
        ? null
        : [...largest.values()].every((ratio) => ratio.withinTarget),
    memoryLinear: ourTrends.length === 0 ? null : ourTrends.every((trend) => trend.linear),
    allAccounted: rows.every((row) => row.accounted.ok) && pairedImpls.every((impl) => impl.accounted.ok),
    failedEvents: [...rows, ...pairedImpls].reduce((sum, row) => sum + row.accounted.failed, 0),
    vsUpstream: verdictOf(upstream, comparisons),
    paired: pairedSummaryOf(upstream, paired)
  }
}

export function buildReport(
  samples: Sample[],
  options: BenchOptions,
  mode: string,
  upstream: UpstreamStatus = upstreamNotMeasured('not requested').status,
  paired: PairedResult[] = []
): Report {
  const groups = new Map<string, Sample[]>()
  for (const sample of samples) groups.set(keyOf(sample), [...(groups.get(keyOf(sample)) ?? []), sample])
  const rows = [...groups.values()].map(rowOf)
  const ratios = ratiosOf(rows)
  const vsUpstream = vsUpstreamOf(rows)
  const memory = memoryOf(rows)
  return {
    title: 'Iterable destination benchmark: throughput, requests and memory against the framework floor',
    mode,
    notes: [...(paired.length > 0 ? [PAIRED_NOTE] : []), ...NOTES, ...(upstream.measured ? [UPSTREAM_NOTE] : [])],
    date: new Date().toISOString(),
    machine: machine(),
    node: process.version,
    options,
    rateLimits: Object.fromEntries(Object.entries(RATE_LIMITS).map(([endpoint, limit]) => [endpoint, limit ?? null])),
    rows,
    ratios,
    upstream,
    vsUpstream,
    memory,
    paired,
    summary: summaryOf(rows, ratios, memory, upstream, vsUpstream, paired),
    samples
  }
}

// Text output.

const int = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-')
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-')
const signed = (value: number | null) => (value === null ? '' : `${value >= 0 ? '+' : ''}${fixed(value, 1)} µs/ev`)

export function table(headers: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd()
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

function ceilingText(ceiling: Ceiling | undefined): string {
  if (!ceiling) return ''
  if (ceiling.eventsPerSecond === null) return 'no documented limit'
  return `${int(ceiling.eventsPerSecond)} (${ceiling.requestsPerSecond} req/s × ${fixed(ceiling.eventsPerRequest, 0)})`
}

export function formatReport(report: Report): string {
  const { machine: m, options } = report
  const out: string[] = []
  out.push(report.title)
  out.push(
    `${report.date}  ${m.cpuModel}, ${m.cores} cores, ${fixed(m.memoryBytes / 1024 ** 3, 1)} GB  Node ${report.node}  ` +
      `mode ${report.mode}, ${options.runs} run(s) per row (medians), warm-up ${options.warmupEvents.single} (single) / ${options.warmupEvents.batch} (batch) events, ${options.isolation}`
  )
  out.push(
    `Batch paths: ${options.batchSizes.map(int).join(' / ')} events; single paths: ${options.singleSizes
      .map(int)
      .join(' / ')} events (one HTTP round trip per event, hence smaller).`
  )
  out.push(
    `Upstream (Segment's published destination): ${upstreamName(report.upstream)} ${
      report.upstream.measured ? 'measured on the paths it has' : `not measured (${report.upstream.skippedBecause})`
    }.`
  )
  const { paired } = options
  const sizes = (list: number[]) => list.map(int).join(' / ')
  out.push(
    paired
      ? `Paired CPU comparison: batch ${sizes(paired.batchSizes)} events, single ${sizes(paired.singleSizes)} events per round, ` +
          `${paired.rounds} rounds, warm-up ${int(paired.warmupEvents.single)} (single) / ${int(paired.warmupEvents.batch)} (batch) events; the verdicts use it.`
      : 'Paired CPU comparison: not run; the verdicts use the per-process medians.'
  )
  out.push('')

  const sorted = [...report.rows].sort(
    (a, b) =>
      a.action.localeCompare(b.action) ||
      a.path.localeCompare(b.path) ||
      a.events - b.events ||
      a.impl.localeCompare(b.impl)
  )
  out.push(
    table(
      [
        'action',
        'path',
        'events',
        'impl',
        'events/s',
        'CPU µs/ev',
        'in perform',
        'GC',
        'req/10k',
        'bytes/ev',
        'peak RSS MB',
        '+RSS MB',
        'ok',
        'Iterable ceiling ev/s'
      ],
      sorted.map((row) => [
        row.action,
        row.path,
        int(row.events),
        row.impl,
        int(row.eventsPerSecond),
        fixed(row.cpuMicrosPerEvent, 1),
        fixed(row.performCpuMicrosPerEvent ?? NaN, 1),
        fixed(row.gcMicrosPerEvent, 1),
        fixed(row.requestsPer10k, 1),
        int(row.bytesPerEvent),
        fixed(row.peakRssMB, 0),
        fixed(row.rssGrowthMB, 0),
        row.accounted.ok && row.accounted.failed === 0 ? 'yes' : `NO (${row.accounted.failed} failed)`,
        ceilingText(row.ceiling)
      ]),
      [false, false, true, false, true, true, true, true, true, true, true, true, false, false]
    )
  )
  if (report.paired.length > 0) {
    out.push('')
    out.push(pairedTable(report))
  }
  out.push('')
  out.push(
    'Our cost relative to the floor (ours ÷ floor, per-process medians). How to read it: a CPU ratio of 1.10 means 10% more CPU per event; an events/s ratio of 0.90 means 10% slower.\n' +
      'Batch path: Δ in perform = extra CPU µs/event inside performBatch (our own code and requests); Δ framework = the rest (mapping, validation, results, GC that lands there).'
  )
  out.push(
    table(
      ['action', 'path', 'events', 'CPU ratio', 'events/s ratio', 'overhead', 'Δ in perform', 'Δ framework', 'target'],
      report.ratios.map((ratio) => [
        ratio.action,
        ratio.path,
        int(ratio.events),
        fixed(ratio.cpuRatio, 2),
        fixed(ratio.eventsPerSecondRatio, 2),
        `${ratio.overheadPercent >= 0 ? '+' : ''}${fixed(ratio.overheadPercent, 0)}%`,
        signed(ratio.performDeltaMicrosPerEvent),
        signed(ratio.frameworkDeltaMicrosPerEvent),
        ratio.failedEvents > 0
          ? `n/a: ${int(ratio.failedEvents)} events failed`
          : ratio.targetPercent === null
            ? ''
            : `≤ ${ratio.targetPercent}%: ${ratio.withinTarget ? 'met' : 'NOT met'}`
      ]),
      [false, false, true, true, true, true, true, true, false]
    )
  )
  if (report.vsUpstream.length > 0) {
    out.push('')
    out.push(
      `Ours vs upstream (${upstreamName(report.upstream)}), same harness, events and sink, per-process medians. How to read it: a CPU ratio of 0.80 means 20% less CPU per event than upstream; an events/s ratio of 1.25 means 25% faster.\n` +
        'Upstream sends each batch it is given as one request: in production Segment splits batches by batch_size (1001) first, so compare req/10k on batch paths with that in mind.'
    )
    out.push(
      table(
        [
          'action',
          'path',
          'events',
          'CPU µs/ev ours / upstream',
          'CPU ratio',
          'events/s ratio',
          'req/10k ours / upstream',
          'bytes/ev ours / upstream',
          'at least as fast'
        ],
        report.vsUpstream.map((c) => [
          c.action,
          c.path,
          int(c.events),
          `${fixed(c.oursCpuMicrosPerEvent, 1)} / ${fixed(c.upstreamCpuMicrosPerEvent, 1)}`,
          fixed(c.cpuRatio, 2),
          fixed(c.eventsPerSecondRatio, 2),
          `${fixed(c.oursRequestsPer10k, 1)} / ${fixed(c.upstreamRequestsPer10k, 1)}`,
          `${int(c.oursBytesPerEvent)} / ${int(c.upstreamBytesPerEvent)}`,
          c.atLeastAsFast === null
            ? `n/a: failed ours ${int(c.oursFailed)} / upstream ${int(c.upstreamFailed)}${c.accounted ? '' : ', unaccounted'}${c.firstError ? ` (${c.firstError})` : ''}`
            : c.atLeastAsFast
              ? 'yes'
              : c.withinNoise
                ? 'NO (within noise)'
                : 'NO'
        ]),
        [false, false, true, true, true, true, true, true, false]
      )
    )
  }
  out.push('')
  out.push("Iterable's ceiling (documented per-project rate limits) beside what one core delivers (ours):")
  const ours = sorted.filter((row) => row.impl === 'ours' && row.ceiling)
  out.push(
    table(
      ['action', 'path', 'events', 'endpoint', 'measured ev/s', 'ceiling ev/s', 'deliverable ev/s', 'bound by'],
      ours.map((row) => {
        const limit = row.ceiling?.eventsPerSecond ?? null
        const deliverable = limit === null ? row.eventsPerSecond : Math.min(limit, row.eventsPerSecond)
        return [
          row.action,
          row.path,
          int(row.events),
          row.ceiling?.endpoint ?? '',
          int(row.eventsPerSecond),
          limit === null ? 'undocumented' : int(limit),
          int(deliverable),
          limit === null
            ? 'this process (no documented limit)'
            : limit < row.eventsPerSecond
              ? 'Iterable rate limit'
              : 'this process'
        ]
      }),
      [false, false, true, false, true, true, true, false]
    )
  )
  out.push('')
  out.push(
    'Memory against batch size (peak-RSS growth over the run; exponent 1 = linear, computed between the two largest sizes):'
  )
  out.push(
    table(
      ['action', 'path', 'impl', 'growth MB by size', 'KB/event', 'exponent', 'vs floor', 'linear'],
      report.memory
        .filter((trend) => trend.points.length > 1)
        .map((trend) => [
          trend.action,
          trend.path,
          trend.impl,
          trend.points.map((p) => `${int(p.events)}: ${fixed(p.rssGrowthMB, 0)}`).join(', '),
          trend.points.map((p) => fixed(p.growthKBPerEvent, 1)).join(' / '),
          trend.exponent === null ? 'n/a' : fixed(trend.exponent, 2),
          trend.growthVsFloor === undefined || trend.growthVsFloor === null ? '' : `${fixed(trend.growthVsFloor, 2)}×`,
          trend.impl === 'floor'
            ? '(reference)'
            : trend.linear === null
              ? 'too small to tell'
              : !trend.linear
                ? 'NO'
                : trend.exponent !== null && trend.exponent > LINEAR_EXPONENT_LIMIT
                  ? 'as the floor'
                  : 'yes'
        ]),
      [false, false, false, false, false, true, true, false]
    )
  )
  const { summary } = report
  const overheads = Object.entries(summary.batchOverheadPercent)
    .map(([action, percent]) => `${action} ${signedPercent(percent)}`)
    .join(', ')
  const perProcess =
    `batch-path CPU overhead over the floor at the largest size: ${overheads || 'n/a'} ` +
    `(target ≤ ${BATCH_OVERHEAD_TARGET_PERCENT}%: ${metText(summary.batchWithinTarget)}); ` +
    `memory linear in batch size: ${summary.memoryLinear === null ? 'too small to tell' : summary.memoryLinear ? 'yes' : 'NO'}; ` +
    `every event accounted for: ${summary.allAccounted ? 'yes' : 'NO'}${summary.failedEvents ? ` (${summary.failedEvents} failed)` : ''}; ` +
    `${upstreamVerdictText(report, summary.vsUpstream)}.`
  out.push('')
  out.push(
    summary.paired
      ? `Summary: ${pairedSummaryText(report, summary.paired)}. Per-process medians: ${perProcess}`
      : `Summary: ${perProcess}`
  )
  return out.join('\n')
}

const metText = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'NOT met')

const signedPercent = (percent: number) => `${percent >= 0 ? '+' : ''}${fixed(percent, 0)}%`

const PAIRED_TARGET_RATIO = 1 + BATCH_OVERHEAD_TARGET_PERCENT / 100

function pairedTable(report: Report): string {
  const rounds = [...new Set(report.paired.map((row) => row.rounds))].join(' / ')
  const title =
    `Paired CPU ratios (implementations taking turns over ${rounds} rounds on the same events, each in its own process unless --in-process; median [q1–q3] of per-round ratios).\n` +
    `How to read it: ours÷floor 1.10 means 10% more CPU per event than the floor; ours÷upstream 0.90 means 10% less than upstream. These medians give the verdicts.`
  const notComparableCell = (ratio: PairedRatio) =>
    ratio.failedEvents > 0 ? `n/a: ${int(ratio.failedEvents)} events failed` : 'n/a: events unaccounted'
  const okCell = (row: PairedResult) => {
    if (row.ok) return 'yes'
    const broken = Object.values(row.impls)
      .filter((impl) => !impl.accounted.ok || impl.accounted.failed > 0)
      .map(
        (impl) =>
          `${impl.impl} ${int(impl.accounted.failed)} failed${impl.accounted.ok ? '' : ', unaccounted'}${impl.accounted.firstError ? ` (${impl.accounted.firstError})` : ''}`
      )
    return `NO (${broken.join('; ')})`
  }
  const rows = report.paired.map((row) => {
    const { ours, floor, upstream } = row.impls
    const vsUpstream = row.vsUpstream
    return [
      row.action,
      row.path,
      row.batchesPerTurn > 1 ? `${int(row.batchesPerTurn)} × ${int(row.events)}` : int(row.events),
      int(row.rounds),
      fixed(ours.medianCpuMicrosPerEvent, 1),
      fixed(floor.medianCpuMicrosPerEvent, 1),
      spreadText(row.vsFloor),
      row.path !== 'batch'
        ? ''
        : !row.vsFloor.comparable
          ? notComparableCell(row.vsFloor)
          : row.vsFloor.median <= PAIRED_TARGET_RATIO
            ? 'met'
            : 'NOT met',
      upstream ? fixed(upstream.medianCpuMicrosPerEvent, 1) : '-',
      vsUpstream ? spreadText(vsUpstream) : '-',
      !vsUpstream
        ? report.upstream.measured
          ? `n/a: upstream has no ${row.action} ${row.path}`
          : 'n/a: upstream not measured'
        : !vsUpstream.comparable
          ? vsUpstream.failedEvents > 0
            ? `n/a: ${failedBoth(row)}`
            : notComparableCell(vsUpstream)
          : vsUpstream.median <= 1
            ? 'yes'
            : 'NO',
      okCell(row)
    ]
  })
  return `${title}\n${table(
    [
      'action',
      'path',
      'events per turn',
      'rounds',
      'ours µs/ev (median)',
      'floor µs/ev',
      'ours÷floor median [q1–q3]',
      `target ≤ ${fixed(PAIRED_TARGET_RATIO, 2)}`,
      'upstream µs/ev',
      'ours÷upstream median [q1–q3]',
      'at least as fast',
      'ok'
    ],
    rows,
    [false, false, true, true, true, true, true, false, true, true, false, false]
  )}`
}

function pairedSummaryText(report: Report, paired: PairedSummary): string {
  const overheads = Object.entries(paired.batchOverheadPercent)
    .map(([action, percent]) => `${action} ${signedPercent(percent)}`)
    .join(', ')
  const at = paired.batchEvents.length > 0 ? ` at ${paired.batchEvents.map(int).join(' / ')} events` : ''
  return (
    `batch-path CPU overhead over the floor (paired medians${at}): ${overheads || 'n/a'} ` +
    `(target ≤ ${BATCH_OVERHEAD_TARGET_PERCENT}%: ${metText(paired.batchWithinTarget)}); ` +
    upstreamVerdictText(report, paired.vsUpstream, true)
  )
}

const upstreamName = (upstream: UpstreamStatus) => `${upstream.package} ${upstream.version}`

/** `paired`: the verdict comes from the paired medians, and says so. */
function upstreamVerdictText(report: Report, verdict: UpstreamVerdict | null, paired = false): string {
  const label = paired ? 'paired, ' : ''
  if (!verdict) {
    return report.upstream.measured
      ? `vs upstream (${label}${upstreamName(report.upstream)}): no shared path in this run`
      : `vs upstream${paired ? ' (paired)' : ''}: not measured (${report.upstream.skippedBecause})`
  }
  const why = [
    verdict.slower.length > 0 ? `slower: ${verdict.slower.join(', ')}` : '',
    verdict.notComparable.length > 0 ? `events failed: ${verdict.notComparable.join(', ')}` : ''
  ].filter(Boolean)
  return (
    `vs upstream (${label}${verdict.package} ${verdict.version}): at least as fast per event on every shared path: ` +
    (verdict.atLeastAsFastEverywhere ? 'yes' : `NO (${why.join('; ')})`)
  )
}
