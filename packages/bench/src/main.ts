import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runBench } from './bench'
import {
  buildInstructionReport,
  formatInstructionReport,
  INSTRUCTION_EVENTS,
  instructionPlanOf,
  runInstructionCounts,
  valgrindVersion
} from './instructions'
import { startSink } from './sink'
import { formatReport, type BenchOptions, type PairedOptions } from './report'
import { BENCH_ACTIONS, type BenchAction, type BenchPath } from './scenarios'
import {
  prepareUpstream,
  upstreamMeasured,
  upstreamNotMeasured,
  UPSTREAM_PACKAGE,
  UPSTREAM_VERSION,
  type UpstreamPlan
} from './upstream'

// `npm run bench [-- options]`: see --help and packages/bench/README.md.

const RESULTS_DIR = path.resolve(__dirname, '../results')

type Mode = 'full' | 'medium' | 'quick'

/**
 * Warm-up of the full and medium runs, and of every paired measurement (quick mode included). A single event runs so
 * much of the framework's code that V8 is still optimizing it after a few hundred: counted with callgrind, updateUser
 * single cost 2.8M instructions an event after 300 events of warm-up, 1.4M after 2,000 and 1.1M after 10,000.
 */
const WARMUP = { single: 10_000, batch: 3_000 }

const MODES: Record<
  Mode,
  Omit<BenchOptions, 'actions' | 'paths' | 'seed' | 'isolation' | 'paired'> & {
    paired: PairedOptions
  }
> = {
  full: {
    batchSizes: [1_000, 10_000, 100_000],
    singleSizes: [1_000, 5_000],
    runs: 3,
    warmupEvents: WARMUP,
    paired: { batchSizes: [1_000, 10_000], singleSizes: [200], rounds: 30, warmupEvents: WARMUP }
  },
  medium: {
    batchSizes: [1_000, 10_000, 50_000],
    singleSizes: [1_000],
    runs: 3,
    warmupEvents: WARMUP,
    paired: { batchSizes: [1_000, 10_000], singleSizes: [200], rounds: 20, warmupEvents: WARMUP }
  },
  quick: {
    batchSizes: [1_000, 10_000],
    singleSizes: [300],
    runs: 1,
    warmupEvents: { single: 100, batch: 2_000 },
    paired: { batchSizes: [1_000], singleSizes: [100], rounds: 8, warmupEvents: WARMUP }
  }
}

const SIZE_OPTIONS = [
  '--runs',
  '--batch-sizes',
  '--single-sizes',
  '--batch-size',
  '--actions',
  '--paths',
  '--warmup',
  '--seed',
  '--paired-rounds'
]

const HELP = `Usage: npm run bench [-- options]

Pushes generated Segment events through the Iterable destination, through the framework's floor and through
Segment's published Iterable destination (upstream, ${UPSTREAM_PACKAGE}), with the framework's test
harness, against a loopback HTTP sink; prints tables and writes a JSON file to packages/bench/results/.

First the paired CPU comparison (the verdicts): per action × path × size, one process runs the implementations in
turns over many rounds on the same events, and reports the median of the per-round ratios. Then the per-process runs
(events/s, requests, bytes, memory, absolute CPU).

  (default)               full: paired batch 1,000 / 10,000, single 200, 30 rounds; per process batch 1,000 /
                          10,000 / 100,000 events, single 1,000 / 5,000, 3 runs
  --medium                paired batch 1,000 / 10,000, single 200, 20 rounds; per process batch 1,000 / 10,000 /
                          50,000 events, single 1,000, 3 runs
  --quick                 paired batch 1,000, single 100, 8 rounds; per process batch 1,000 / 10,000 events,
                          single 300, 1 run (smoke use)
  --no-paired             skip the paired CPU comparison (verdicts then use the per-process medians)
  --paired-rounds N       rounds of the paired comparison (default 30; medium 20; quick 8)
  --runs N                per-process runs per scenario; medians are reported (default 3, quick 1)
  --batch-sizes A,B,...   events per per-process batch-path scenario (default 1000,10000,100000)
  --single-sizes A,B,...  events per per-process single-path scenario (default 1000,5000)
  --batch-size N          the mapping's batch_size (default: the action's default, 1001)
  --actions A,B,...       among ${BENCH_ACTIONS.join(', ')} (default all)
  --paths P,...           single, batch or both (default both)
  --warmup N              warm-up events before each measured run and for each paired implementation
                          (default: single 300, batch 3,000 in batches of 1,000; quick per-process runs:
                          single 100, batch 2,000)
  --seed N                event generator seed (default 1)
  --in-process            run scenarios and paired measurements in this process (faster; peak RSS is then
                          shared by all of them)
  --no-upstream           do not measure upstream (by default it is downloaded once, tarball only, and cached in
                          packages/bench/.upstream/<version>/; if that fails the run goes on without it)
  --upstream-version V    the version of ${UPSTREAM_PACKAGE} to compare with (default ${UPSTREAM_VERSION})
  --out FILE              JSON output (default packages/bench/results/bench-<mode>-<date>.json)
  --reference             write packages/bench/results/reference.json (the committed reference run; --medium
                          unless another mode is given)
  --full                  the full run even with --reference
  --instructions          instead of the above: count instructions per event with valgrind's callgrind (ours, the
                          floor, upstream; batch ${INSTRUCTION_EVENTS.batch.toLocaleString('en-US')}, single ${INSTRUCTION_EVENTS.single.toLocaleString('en-US')} events), the same
                          on every run (~80 min on 2 cores); with --reference, written to
                          results/reference-instructions.json. The batch path is counted in calls of 1,000
                          events, or of each of --batch-sizes (e.g. --batch-sizes 1000,10000); the table also
                          gives the ratios without V8's garbage collector
  --help                  this text
`

function numbers(flag: string, value: string | undefined): number[] {
  const parsed = (value ?? '').split(',').map((item) => Number(item.replace(/_/g, '')))
  if (parsed.length === 0 || parsed.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${flag} takes positive integers separated by commas, got "${value ?? ''}"`)
  }
  return parsed
}

interface Args {
  options: BenchOptions
  mode: string
  out?: string
  help: boolean
  instructions: boolean
  /** With --instructions: the batch path's events per call, when --batch-sizes gives them. */
  instructionBatchSizes?: number[]
  /** The upstream version to measure; null with --no-upstream. */
  upstreamVersion: string | null
}

function parseArgs(argv: string[]): Args {
  const has = (flag: string) => argv.includes(flag)
  const valueOf = (flag: string) => {
    const index = argv.indexOf(flag)
    return index >= 0 ? argv[index + 1] : undefined
  }
  const known = new Set([
    ...SIZE_OPTIONS,
    '--quick',
    '--medium',
    '--in-process',
    '--out',
    '--reference',
    '--full',
    '--no-upstream',
    '--upstream-version',
    '--no-paired',
    '--instructions',
    '--help'
  ])
  const unknown = argv.filter((arg) => arg.startsWith('--') && !known.has(arg))
  if (unknown.length > 0) throw new Error(`Unknown option ${unknown.join(', ')}; see --help`)

  const modeName: Mode = has('--quick')
    ? 'quick'
    : has('--medium') || (has('--reference') && !has('--full'))
      ? 'medium'
      : 'full'
  const base = MODES[modeName]
  const custom = SIZE_OPTIONS.some(has)
  const actions = has('--actions') ? (valueOf('--actions') ?? '').split(',') : [...BENCH_ACTIONS]
  const wrong = actions.filter((action) => !(BENCH_ACTIONS as readonly string[]).includes(action))
  if (wrong.length > 0) throw new Error(`Unknown action ${wrong.join(', ')}: use ${BENCH_ACTIONS.join(', ')}`)

  const paths = has('--paths') ? (valueOf('--paths') ?? '').split(',') : ['single', 'batch']
  if (paths.length === 0 || paths.some((p) => p !== 'single' && p !== 'batch')) {
    throw new Error('--paths takes single, batch or single,batch')
  }

  const warmup = has('--warmup') ? Number(valueOf('--warmup')) : undefined
  const options: BenchOptions = {
    actions: actions as BenchAction[],
    paths: paths as BenchPath[],
    batchSizes: has('--batch-sizes') ? numbers('--batch-sizes', valueOf('--batch-sizes')) : base.batchSizes,
    singleSizes: has('--single-sizes') ? numbers('--single-sizes', valueOf('--single-sizes')) : base.singleSizes,
    runs: has('--runs') ? numbers('--runs', valueOf('--runs'))[0] : base.runs,
    warmupEvents: warmup === undefined ? base.warmupEvents : { single: warmup, batch: warmup },
    seed: has('--seed') ? numbers('--seed', valueOf('--seed'))[0] : 1,
    ...(has('--batch-size') && { batchSize: numbers('--batch-size', valueOf('--batch-size'))[0] }),
    isolation: has('--in-process') ? 'in-process' : 'child-process',
    ...(!has('--no-paired') && {
      paired: {
        ...base.paired,
        ...(has('--paired-rounds') && { rounds: numbers('--paired-rounds', valueOf('--paired-rounds'))[0] }),
        ...(warmup !== undefined && { warmupEvents: { single: warmup, batch: warmup } })
      }
    })
  }
  if (!Number.isInteger(options.warmupEvents.batch) || options.warmupEvents.batch < 0) {
    throw new Error('--warmup takes a whole number of events')
  }
  const mode = `${modeName}${custom ? ' (custom options)' : ''}`
  const instructions = has('--instructions')
  const referenceFile = instructions ? 'reference-instructions.json' : 'reference.json'
  const out = has('--reference') ? path.join(RESULTS_DIR, referenceFile) : valueOf('--out')
  const upstreamVersion = has('--no-upstream')
    ? null
    : has('--upstream-version')
      ? (valueOf('--upstream-version') ?? '')
      : UPSTREAM_VERSION
  if (upstreamVersion !== null && (upstreamVersion === '' || upstreamVersion.startsWith('--'))) {
    throw new Error('--upstream-version takes a version, e.g. --upstream-version 3.497.0')
  }
  return {
    options,
    mode,
    out,
    help: has('--help'),
    instructions,
    ...(instructions && has('--batch-sizes') && { instructionBatchSizes: options.batchSizes }),
    upstreamVersion
  }
}

/** Upstream for this run; a failed download is a warning, not a failed bench: ours and the floor still run. */
function upstreamFor(version: string | null, log: (line: string) => void): UpstreamPlan {
  if (version === null) return upstreamNotMeasured('disabled with --no-upstream')
  try {
    return upstreamMeasured(prepareUpstream(version, log))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    process.stderr.write(`upstream comparison skipped: ${reason}\n`)
    return upstreamNotMeasured(reason, version)
  }
}

/** `report` as JSON in `out`, or in results/ under a name made of `prefix` and its date. */
function writeReport(report: { date: string }, out: string | undefined, prefix: string, started: number) {
  const file = out ? path.resolve(out) : path.join(RESULTS_DIR, `${prefix}-${report.date.replace(/[:.]/g, '-')}.json`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(
    `\nWrote ${path.relative(process.cwd(), file)} (${Math.round((Date.now() - started) / 1000)} s)\n`
  )
}

async function countInstructions(args: Args, upstream: UpstreamPlan, log: (line: string) => void, started: number) {
  const valgrind = valgrindVersion()
  if (!valgrind) throw new Error('--instructions needs valgrind (Debian: apt-get install valgrind)')
  const { actions, paths, seed } = args.options
  const plan = instructionPlanOf(actions, paths, upstream.target, seed, args.instructionBatchSizes)
  const sink = await startSink()
  try {
    const counts = await runInstructionCounts(plan, sink, log)
    const report = buildInstructionReport(counts, valgrind, upstream.status)
    process.stdout.write(`\n${formatInstructionReport(report)}\n`)
    writeReport(report, args.out, 'bench-instructions', started)
  } finally {
    await sink.close()
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const { options, mode, out, help, upstreamVersion } = args
  if (help) {
    process.stdout.write(HELP)
    return
  }
  const started = Date.now()
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const upstream = upstreamFor(upstreamVersion, log)
  if (args.instructions) {
    await countInstructions(args, upstream, log, started)
    return
  }
  const report = await runBench(options, mode, log, upstream)
  process.stdout.write(`\n${formatReport(report)}\n`)
  writeReport(report, out, `bench-${mode.split(' ')[0]}`, started)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
