import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { BATCH_EVENTS, SINGLE_EVENTS } from './cpu'
import type { CpuMode, CpuPlan, CpuSamples } from './cpu'
import { IMPLS, PATHS } from './harness'
import type { BenchPath, Impl } from './harness'
import type { CountPlan, CountResult } from './count'
import { CPU_RATIO_LIMIT, table, worstCpuRatio } from './report'
import type { PathResult, Wire } from './report'
import { startSink } from './sink'
import type { Sink } from './sink'
import { UPSTREAM, installUpstream } from './upstream'

const HELP = `npm run bench [-- --quick] [-- --paths <words>] [-- --install-only]

Our Iterable destination against the published upstream one, on every path both have, with the same events. The
published one (${UPSTREAM.name}@${UPSTREAM.version}) is fetched into packages/bench/.upstream on the first run.
  --quick          10 rounds; 50 single events and batches of 2,000 counted: 30–40 s on a 2-core VM, a smoke
                   test, not figures to quote (the full run takes about 2 minutes)
  --paths <words>  only the paths whose name contains one of these comma-separated words (e.g. batch,updateUser)
  --install-only   only install the published destination`

type Counts = { single: number; largeBatch: number }

/**
 * What a run measures. CPU: rounds per path, calls per round and warm-up (cpu.ts). Counts: single events counted one
 * by one, and the events of one large performBatch call (whose peak memory is taken).
 */
const MODES: Record<'full' | 'quick', Counts & { cpu: CpuMode }> = {
  full: { cpu: { rounds: 80, callsPerRound: 2, warmupMs: 1_500 }, single: 200, largeBatch: 10_000 },
  quick: { cpu: { rounds: 10, callsPerRound: 2, warmupMs: 300 }, single: 50, largeBatch: 2_000 }
}

const SEED = 20_240_301
const RESULTS_DIR = path.resolve(__dirname, '../results')

/** Runs a child script of this package with ts-node and V8's gc() exposed; resolves with the one message it sends. */
function runChild<Result>(script: string, input: object, v8Flags: string[] = []): Promise<Result> {
  const child = fork(path.join(__dirname, script), [JSON.stringify(input)], {
    execArgv: ['--require', 'ts-node/register/transpile-only', '--expose-gc', '--no-warnings', ...v8Flags]
  })
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as Result))
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before reporting`)))
  })
}

/**
 * What each destination sends for the paths' events, and on batch paths the peak memory of one large call. Each batch
 * path runs in a child of its own, so that the peak is that call's; the single paths share one child per destination.
 * V8's --predictable runs its collector the same way every time, so a peak does not vary with the machine's load.
 */
async function countPaths(sink: Sink, paths: BenchPath[], counts: Counts): Promise<Omit<PathResult, 'cpu'>[]> {
  const singles = paths.filter(({ batch }) => !batch)
  const children = [...(singles.length > 0 ? [singles] : []), ...paths.filter(({ batch }) => batch).map((p) => [p])]
  const wires = new Map<string, Wire>()
  const peaks = new Map<string, number>()
  const key = (impl: Impl, name: string) => `${impl} ${name}`
  await Promise.all(
    IMPLS.flatMap((impl) =>
      children.map(async (childPaths) => {
        const planned = childPaths.map(({ name, batch }) => ({
          path: name,
          tag: `count-${impl}-${name.replace(' ', '-')}`,
          events: batch ? counts.largeBatch : counts.single
        }))
        const plan: CountPlan = { sinkUrl: sink.baseUrl, impl, paths: planned, seed: SEED }
        const results = await runChild<CountResult>('count.ts', plan, ['--predictable'])
        planned.forEach(({ path: name, tag, events }, index) => {
          const { outcome, peakMB } = results[index]
          const wire = { ...sink.tally(tag), events }
          const problem = `${outcome.failed} failed (${outcome.firstError}), ${wire.records} of ${events} arrived`
          if (outcome.failed > 0 || wire.records !== events) throw new Error(`${tag}: ${problem}`)
          wires.set(key(impl, name), wire)
          peaks.set(key(impl, name), peakMB)
        })
      })
    )
  )
  return paths.map(({ name, batch }) => {
    const both = <T>(map: Map<string, T>) => ({
      ours: map.get(key('ours', name)) as T,
      upstream: map.get(key('upstream', name)) as T
    })
    return { path: name, wire: both(wires), ...(batch && { peakMB: both(peaks) }) }
  })
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      paths: { type: 'string' },
      'install-only': { type: 'boolean' },
      help: { type: 'boolean' }
    }
  })
  if (values.help) return console.log(HELP)
  const words = values.paths?.toLowerCase().split(',')
  const paths = PATHS.filter(({ name }) => !words || words.some((word) => name.toLowerCase().includes(word.trim())))
  if (paths.length === 0) throw new Error(`No path matches --paths ${values.paths}: ${PATHS.map((p) => p.name)}`)
  const mode = values.quick ? 'quick' : 'full'
  const started = Date.now()
  const log = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`)
  // The published destination, installed on the first run; its children load it from there.
  installUpstream(log)
  if (values['install-only']) return log(`${UPSTREAM.name}@${UPSTREAM.version} is installed`)

  const sink = await startSink()
  try {
    log('counting requests and bytes, and the peak memory of large batches')
    const counted = await countPaths(sink, paths, MODES[mode])
    log(`CPU, ${mode}: ${MODES[mode].cpu.rounds} rounds per path`)
    const plan: CpuPlan = { sinkUrl: sink.baseUrl, paths: paths.map((p) => p.name), seed: SEED, ...MODES[mode].cpu }
    const cpu = await runChild<Record<string, CpuSamples>>('cpu.ts', plan)
    const results: PathResult[] = counted.map((result) => ({ ...result, cpu: cpu[result.path] }))

    const worst = worstCpuRatio(results)
    console.log(`${table(results)}

CPU: median of ${plan.rounds} rounds, calls of ${BATCH_EVENTS} events or ${SINGLE_EVENTS} single events.
Counts: ${MODES[mode].single} single events, or one call of ${MODES[mode].largeBatch} events (and its peak RSS).
Worst CPU ratio: ${worst.ratio.toFixed(2)} (${worst.path}); the limit is ${CPU_RATIO_LIMIT}.`)
    mkdirSync(RESULTS_DIR, { recursive: true })
    const file = path.join(RESULTS_DIR, `bench-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
    const counts = { single: MODES[mode].single, largeBatch: MODES[mode].largeBatch }
    const run = {
      mode,
      node: process.version,
      cpus: cpus().length,
      plan: { ...plan, sinkUrl: undefined },
      counts,
      results
    }
    writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`)
    log(`wrote ${path.relative(process.cwd(), file)}`)
  } finally {
    await sink.close()
  }
}

main().catch((error: Error) => {
  console.error(error.message)
  process.exitCode = 1
})
