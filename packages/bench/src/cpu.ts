import { Bench } from 'tinybench'
import type { SegmentEvent } from '@segment/actions-core'
import { generateEvents } from './events'
import { IMPLS, PATHS, integrationFor, pathNamed, push } from './harness'
import type { Impl } from './harness'

// CPU per event of both destinations, side by side in this one process (a child of main.ts, which holds the sink, so
// that answering requests is not counted here). tinybench times each task with this process's CPU time instead of
// the clock: waiting for the sink costs nothing, and every thread's work (V8's collector, its compiler) counts.

/** Calls of each destination per round; before any round, each path is warmed up for warmupMs of CPU. */
export type CpuMode = { rounds: number; callsPerRound: number; warmupMs: number }
export type CpuPlan = CpuMode & { sinkUrl: string; paths: string[]; seed: number }

/** µs of CPU per event, one number per round. */
export type CpuSamples = Record<Impl, number[]>

/** Events per task call: a batch the size Segment sends Iterable (batch_size 1001), or 50 single events. */
export const BATCH_EVENTS = 1_000
export const SINGLE_EVENTS = 50

const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

type Integrations = Record<Impl, ReturnType<typeof integrationFor>>
type Run = { path: typeof PATHS[number]; events: SegmentEvent[] }

async function measure(plan: CpuPlan, integrations: Integrations, { path, events }: Run): Promise<CpuSamples> {
  const samples: CpuSamples = { ours: [], upstream: [] }
  for (let round = 0; round < plan.rounds; round++) {
    // A round is a few calls of each destination, back to back, so that both meet the machine in the same state; the
    // ratio is taken round by round. Rounds alternate which destination goes first.
    const bench = new Bench({ now: cpuMs, time: 0, iterations: plan.callsPerRound, warmup: false, throws: true })
    for (const impl of round % 2 === 0 ? IMPLS : [...IMPLS].reverse()) {
      bench.add(impl, async () => {
        const outcome = await push(integrations[impl], path, events)
        if (outcome.failed > 0) throw new Error(`${impl} ${path.name}: ${outcome.failed} failed: ${outcome.firstError}`)
      })
    }
    await bench.run()
    for (const task of bench.tasks) {
      if (task.result.state !== 'completed') throw new Error(`${task.name} ${path.name} did not complete`)
      samples[task.name as Impl].push((task.result.latency.mean * 1000) / events.length)
    }
  }
  return samples
}

async function main() {
  const plan = JSON.parse(process.argv[2]) as CpuPlan
  // One integration per destination for the whole run, as a server keeps its Destination: core compiles each
  // action's schema validator once per instance, and a fresh one per round would time V8 warming it up again.
  const integrations = Object.fromEntries(
    IMPLS.map((impl) => [impl, integrationFor(impl, `${plan.sinkUrl}/cpu-${impl}`)])
  ) as Integrations
  const runs = plan.paths.map((name) => {
    const path = pathNamed(name)
    return { path, events: generateEvents(path.kind, path.batch ? BATCH_EVENTS : SINGLE_EVENTS, plan.seed) }
  })
  // Every path is warmed up before any is measured: most of the code a path runs is core's, shared by all of them.
  // Each destination pushes each path's events until it has spent warmupMs of CPU on them.
  for (const { path, events } of runs) {
    for (const impl of IMPLS) {
      for (const start = cpuMs(); cpuMs() - start < plan.warmupMs; ) await push(integrations[impl], path, events)
    }
  }
  const results: Record<string, CpuSamples> = {}
  for (const run of runs) {
    results[run.path.name] = await measure(plan, integrations, run)
    process.stderr.write(`  cpu: ${run.path.name} done\n`)
  }
  if (!process.send) throw new Error('cpu.ts sends its results to main.ts, which starts it with an IPC channel')
  process.send(results)
}

if (require.main === module) void main()
