import { startSink } from './sink'
import { describePaired, runPaired, type PairedResult } from './paired'
import { buildReport, toSample, type BenchOptions, type Report, type Sample } from './report'
import { describe, runInChild } from './runner'
import { PAIRED_EVENTS_PER_TURN, pathsOf, type Impl, type PairedSpec, type ScenarioSpec } from './scenarios'
import type { RunMeasurement } from './run-scenario'
import { upstreamNotMeasured, type UpstreamPlan, type UpstreamTarget } from './upstream'

// The plan: first the paired measurements (action × path × size, one process each), then the per-process runs
// (action × path × size × run × implementation), one at a time against one sink.

/** No run or paired measurement may take longer than this (the largest full-run ones take about a minute). */
const RUN_TIMEOUT_MS = 10 * 60_000

/** `upstream`: also measure it, on the action × path pairs it has (`paths`, read from its definition). */
export function planOf(options: BenchOptions, upstream?: Pick<UpstreamTarget, 'dir' | 'paths'>): ScenarioSpec[] {
  const specs: ScenarioSpec[] = []
  for (const action of options.actions) {
    for (const path of pathsOf(action).filter((p) => options.paths.includes(p))) {
      const sizes = path === 'batch' ? options.batchSizes : options.singleSizes
      const impls: Impl[] = upstream?.paths[action]?.includes(path) ? ['ours', 'floor', 'upstream'] : ['ours', 'floor']
      for (const events of sizes) {
        for (let run = 0; run < options.runs; run++) {
          // Rotate which implementation goes first (two: alternate), so none always runs on a warmer machine: over
          // as many runs as implementations, each takes each place once.
          const order = impls.map((_, index) => impls[(index + run) % impls.length])
          for (const impl of order) {
            specs.push({
              action,
              path,
              impl,
              events,
              seed: options.seed,
              warmupEvents: options.warmupEvents[path],
              ...(path === 'batch' && options.batchSize !== undefined && { batchSize: options.batchSize }),
              ...(impl === 'upstream' && upstream && { upstreamDir: upstream.dir })
            })
          }
        }
      }
    }
  }
  return specs
}

/** The paired measurements: one per action × path × size, with upstream where it has the action × path. */
export function pairedPlanOf(options: BenchOptions, upstream?: Pick<UpstreamTarget, 'dir' | 'paths'>): PairedSpec[] {
  const { paired } = options
  if (!paired) return []
  const specs: PairedSpec[] = []
  for (const action of options.actions) {
    for (const path of pathsOf(action).filter((p) => options.paths.includes(p))) {
      for (const events of path === 'batch' ? paired.batchSizes : paired.singleSizes) {
        specs.push({
          action,
          path,
          events,
          batchesPerTurn: path === 'batch' ? Math.max(1, Math.ceil(PAIRED_EVENTS_PER_TURN / events)) : 1,
          rounds: paired.rounds,
          seed: options.seed,
          warmupEvents: paired.warmupEvents[path],
          ...(path === 'batch' && options.batchSize !== undefined && { batchSize: options.batchSize }),
          ...(upstream?.paths[action]?.includes(path) && { upstreamDir: upstream.dir })
        })
      }
    }
  }
  return specs
}

const pairedLine = (result: PairedResult) => {
  const { ours, floor, upstream } = result.impls
  const cpu = [ours, floor, ...(upstream ? [upstream] : [])]
    .map((impl) => `${impl.impl} ${impl.medianCpuMicrosPerEvent.toFixed(1)}`)
    .join(' / ')
  const ratio = (name: string, r: PairedResult['vsFloor'] | null) =>
    r ? `, ours÷${name} ${r.median.toFixed(2)} [${r.q1.toFixed(2)}–${r.q3.toFixed(2)}]` : ''
  const failed = Object.values(result.impls).reduce((sum, impl) => sum + impl.accounted.failed, 0)
  return (
    `${cpu} µs/ev${ratio('floor', result.vsFloor)}${ratio('upstream', result.vsUpstream)}` +
    (result.ok ? '' : `, NOT OK (${failed} failed)`)
  )
}

export async function runBench(
  options: BenchOptions,
  mode: string,
  log: (line: string) => void = () => undefined,
  upstream: UpstreamPlan = upstreamNotMeasured('not requested')
): Promise<Report> {
  const sink = await startSink()
  const pairedPlan = pairedPlanOf(options, upstream.target)
  const plan = planOf(options, upstream.target)
  const paired: PairedResult[] = []
  const samples: Sample[] = []
  try {
    for (const [index, spec] of pairedPlan.entries()) {
      const result = await runPaired(spec, sink, {
        isolation: options.isolation,
        tag: `paired${index}`,
        timeoutMs: RUN_TIMEOUT_MS
      })
      paired.push(result)
      log(`[paired ${index + 1}/${pairedPlan.length}] ${describePaired(spec)}: ${pairedLine(result)}`)
    }
    for (const [index, spec] of plan.entries()) {
      const tag = `run${index}`
      let measurement: RunMeasurement
      if (options.isolation === 'in-process') {
        // Loaded only here: the orchestrating process of a child-process run never loads the destination.
        const { runScenario } = await import('./run-scenario')
        measurement = await runScenario(spec, sink.baseUrl, tag)
      } else {
        measurement = await runInChild(spec, sink.baseUrl, tag, RUN_TIMEOUT_MS)
      }
      const sample = toSample(spec, measurement, sink.tally(tag))
      sink.forget(tag)
      sink.forget(`${tag}-warmup`)
      samples.push(sample)
      log(
        `[${index + 1}/${plan.length}] ${describe(spec)}: ${Math.round(sample.eventsPerSecond).toLocaleString('en-US')} ev/s, ` +
          `${sample.cpuMicrosPerEvent.toFixed(1)} µs/ev, ${sample.requests} req` +
          (sample.failed > 0 ? `, ${sample.failed} FAILED (${sample.firstError})` : '')
      )
    }
  } finally {
    await sink.close()
  }
  return buildReport(samples, options, mode, upstream.status, paired)
}
