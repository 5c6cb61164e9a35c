import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { BATCH_EVENTS, SINGLE_EVENTS } from './cpu'
import type { CpuPlan, CpuSamples } from './cpu'
import { IMPLS, PATHS } from './harness'
import type { BenchPath } from './harness'
import type { CountPlan, CountResult } from './count'
import { CPU_RATIO_LIMIT, table, worstCpuRatio } from './report'
import type { PathResult } from './report'
import { startSink } from './sink'
import type { Sink } from './sink'

const HELP = `npm run bench [-- --quick] [-- --paths <words>]

Our Iterable destination against the published upstream one, on every path both have, with the same events.
  --quick          fewer rounds, under a minute: a smoke test, not figures to quote
  --paths <words>  only the paths whose name contains one of these comma-separated words (e.g. batch,updateUser)`

const MODES = {
  full: { rounds: 80, callsPerRound: 2, warmupMs: 1_500 },
  quick: { rounds: 20, callsPerRound: 2, warmupMs: 400 }
}

/** Events counted per destination: single events one by one, and one large batch in a single performBatch call. */
const SINGLE_COUNT = 200
const LARGE_BATCH = 10_000
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
 * What each destination sends for a path's events, and on batch paths the peak memory of one large call. Each runs in
 * a child of its own, so that the peak is that call's; V8's --predictable runs its collector the same way every time,
 * so the peak does not vary with the machine's load.
 */
async function countPath(sink: Sink, { name, batch }: BenchPath): Promise<Omit<PathResult, 'cpu'>> {
  const events = batch ? LARGE_BATCH : SINGLE_COUNT
  const [ours, upstream] = await Promise.all(
    IMPLS.map(async (impl) => {
      const tag = `count-${impl}-${name.replace(' ', '-')}`
      const plan: CountPlan = { sinkUrl: sink.baseUrl, tag, impl, path: name, events, seed: SEED }
      const { outcome, peakMB } = await runChild<CountResult>('count.ts', plan, ['--predictable'])
      const wire = { ...sink.tally(tag), events }
      const problem = `${outcome.failed} failed (${outcome.firstError}), ${wire.records} of ${events} arrived`
      if (outcome.failed > 0 || wire.records !== events) throw new Error(`${tag}: ${problem}`)
      return { wire, peakMB }
    })
  )
  const peakMB = batch ? { ours: ours.peakMB, upstream: upstream.peakMB } : undefined
  return { path: name, wire: { ours: ours.wire, upstream: upstream.wire }, ...(peakMB && { peakMB }) }
}

async function main() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, paths: { type: 'string' }, help: { type: 'boolean' } }
  })
  if (values.help) return console.log(HELP)
  const words = values.paths?.toLowerCase().split(',')
  const paths = PATHS.filter(({ name }) => !words || words.some((word) => name.toLowerCase().includes(word.trim())))
  if (paths.length === 0) throw new Error(`No path matches --paths ${values.paths}: ${PATHS.map((p) => p.name)}`)
  const mode = values.quick ? 'quick' : 'full'
  const started = Date.now()
  const log = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`)

  const sink = await startSink()
  try {
    log('counting requests and bytes, and the peak memory of large batches')
    const counted = await Promise.all(paths.map((benchPath) => countPath(sink, benchPath)))
    log(`CPU, ${mode}: ${MODES[mode].rounds} rounds per path`)
    const plan: CpuPlan = { sinkUrl: sink.baseUrl, paths: paths.map((p) => p.name), seed: SEED, ...MODES[mode] }
    const cpu = await runChild<Record<string, CpuSamples>>('cpu.ts', plan)
    const results: PathResult[] = counted.map((result) => ({ ...result, cpu: cpu[result.path] }))

    const worst = worstCpuRatio(results)
    console.log(`${table(results)}

CPU: median of ${plan.rounds} rounds, calls of ${BATCH_EVENTS} events or ${SINGLE_EVENTS} single events.
Counts: ${SINGLE_COUNT} single events, or one call of ${LARGE_BATCH} events (and its peak RSS).
Worst CPU ratio: ${worst.ratio.toFixed(2)} (${worst.path}); the limit is ${CPU_RATIO_LIMIT}.`)
    mkdirSync(RESULTS_DIR, { recursive: true })
    const file = path.join(RESULTS_DIR, `bench-${mode}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
    const run = { mode, node: process.version, cpus: cpus().length, plan: { ...plan, sinkUrl: undefined }, results }
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
