import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WARMUP_BATCH, type PushOutcome } from './harness'
import { machine, table, type Machine } from './report'
import { BENCH_ACTIONS, pathsOf, type BenchAction, type BenchPath, type Impl } from './scenarios'
import type { Sink } from './sink'
import type { UpstreamStatus, UpstreamTarget } from './upstream'

// Instruction counts: the same pushes through the framework's harness, counted by valgrind's callgrind instead of
// timed. Node runs with --predictable (one thread, no time-driven heuristics) and without the memory reducer (a
// timer-driven GC), so a count is the same from run to run, whatever else the machine does: it settles what the
// paired CPU ratios leave within their noise. Instructions are not time (cache misses and parallel GC do not show),
// so the counts complement the CPU measurements and do not replace them.

const CHILD = path.join(__dirname, 'count-child.ts')
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.json')
/** The function count-child.ts calls at each end of the measured part; callgrind dumps before each call. */
const MARKER_FUNCTION = 'v8::V8::SetFlagsFromString*'
/** A count runs 50–100 times slower than natively: 3–10 minutes each. */
const COUNT_TIMEOUT_MS = 30 * 60_000

/**
 * Events counted per implementation: batch paths in batches of 1,000 (Segment's size), single paths one by one. A batch
 * count spans several full garbage collections (at 10,000 events, whether one fell inside the count or just after it
 * moved the result by up to 10%), and its warm-up lets V8 finish optimizing the code run once per batch (3,000 events
 * left 10–25k instructions an event of compilation in the count). A single event runs much of the framework's code
 * once, which V8 was still optimizing long after 300 events: updateUser single counted 2.79M instructions an event
 * after 300 events of warm-up, 1.43M after 2,000, 1.11M after 10,000.
 */
export const INSTRUCTION_EVENTS: Record<BenchPath, number> = { batch: 50_000, single: 5_000 }
const INSTRUCTION_WARMUP: Record<BenchPath, number> = { batch: 30_000, single: 10_000 }
/**
 * Distinct events behind a count, pushed in turn until the count is reached: generating 50,000 up front would keep
 * them all alive, and every full collection would mark them, whichever implementation it fell to.
 */
const DISTINCT_EVENTS = 10_000

export interface InstructionSpec {
  action: BenchAction
  path: BenchPath
  impl: Impl
  events: number
  /** Events per testBatchAction call on the batch path (1,000, about Segment's batch size, unless asked). */
  batchEvents?: number
  /** How many different events make up `events`, pushed over and over. */
  distinctEvents: number
  warmupEvents: number
  seed: number
  upstreamDir?: string
}

export interface InstructionCount extends PushOutcome {
  spec: InstructionSpec
  /** Instructions executed from the first measured event to the last one's status, all threads (there is one). */
  instructions: number
  perEvent: number
  /** The part of `instructions` in V8's garbage collector (gcInstructionsOf). */
  gcInstructions: number
  gcPerEvent: number
  /** What the sink received for the measured events. */
  requests: number
  records: number
}

/** `total` items in turns of at most `turn`, taken from `items` in order and from their start again when they run out. */
export function cycledTurns<T>(items: readonly T[], total: number, turn: number): T[][] {
  const turns: T[][] = []
  for (let done = 0; done < total; done += turn) {
    turns.push(Array.from({ length: Math.min(turn, total - done) }, (_, k) => items[(done + k) % items.length]))
  }
  return turns
}

/** valgrind's version line, or undefined when it is not installed. */
export function valgrindVersion(): string | undefined {
  const result = spawnSync('valgrind', ['--version'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/**
 * Ours, the floor and (where it has the path) upstream, for every action × path asked for; the batch path once for each
 * of `batchSizes` (events per call). A batch larger than the count's events is counted once, whole.
 */
export function instructionPlanOf(
  actions: readonly BenchAction[] = BENCH_ACTIONS,
  paths: readonly BenchPath[] = ['single', 'batch'],
  upstream?: Pick<UpstreamTarget, 'dir' | 'paths'>,
  seed = 1,
  batchSizes: readonly number[] = [WARMUP_BATCH]
): InstructionSpec[] {
  const plan: InstructionSpec[] = []
  for (const action of actions) {
    for (const path of pathsOf(action).filter((p) => paths.includes(p))) {
      const impls: Impl[] = upstream?.paths[action]?.includes(path) ? ['ours', 'floor', 'upstream'] : ['ours', 'floor']
      for (const batchEvents of path === 'batch' ? batchSizes : [undefined]) {
        const events = Math.max(INSTRUCTION_EVENTS[path], batchEvents ?? 0)
        for (const impl of impls) {
          plan.push({
            action,
            path,
            impl,
            events,
            ...(batchEvents !== undefined && { batchEvents }),
            distinctEvents: Math.min(events, DISTINCT_EVENTS),
            warmupEvents: INSTRUCTION_WARMUP[path],
            seed,
            ...(impl === 'upstream' && { upstreamDir: upstream?.dir })
          })
        }
      }
    }
  }
  return plan
}

/**
 * The file of the measured part among callgrind's files in a directory: the highest-numbered dump, written at the
 * second marker call and covering the part since the first. Throws when the two markers' dumps are not there.
 */
export function measuredDumpOf(fileNames: string[], outFile: string): string {
  const dumps = fileNames
    .map((name) => ({ name, number: Number(name.slice(outFile.length + 1)) }))
    .filter(({ name, number }) => name.startsWith(`${outFile}.`) && Number.isInteger(number) && number > 0)
    .sort((a, b) => a.number - b.number)
  // Node sets V8 flags itself while starting; the two markers come after those calls.
  if (dumps.length < 2) throw new Error(`callgrind wrote ${dumps.length} dump(s), not the two markers' ones`)
  return dumps[dumps.length - 1].name
}

/** The instruction total of a callgrind dump. */
export function totalOf(dump: string, name: string): number {
  const totals = /^totals:\s+(\d+)/m.exec(dump)
  if (!totals) throw new Error(`No totals line in callgrind's ${name}`)
  return Number(totals[1])
}

/**
 * V8's garbage collector among callgrind's function names: the scavenger, marking (full and incremental, with the
 * write barrier's marking part), sweeping, evacuation and their bookkeeping (remembered sets, free lists, the tracer).
 * Allocation fast paths are the program's own cost and are not counted.
 */
const GC_FUNCTION =
  /Scaveng|MarkCompact|Marking|Sweep|Evacuat|RememberedSet|SlotSet|GCTracer|FreeList|Pretenuring|heap::base::|cppgc::internal::/

/**
 * Instructions executed in V8's garbage collector (GC_FUNCTION's own costs) in a callgrind dump. Where a collection
 * falls decides how much of it lands in a count, so the part outside it compares implementations more steadily.
 */
export function gcInstructionsOf(dump: string): number {
  // callgrind writes a function's name once, with its id (`fn=(12) name`), then the id alone (`fn=(12)`).
  const names = new Map<string, string>()
  const nameOf = (spec: string) => {
    const compressed = /^\((\d+)\)(?: (.*))?$/.exec(spec)
    if (!compressed) return spec
    const [, id, name] = compressed
    if (name !== undefined) names.set(id, name)
    return names.get(id) ?? ''
  }
  let inGc = false
  let nextIsCallCost = false
  let gc = 0
  for (const line of dump.split('\n')) {
    if (line.startsWith('fn=')) inGc = GC_FUNCTION.test(nameOf(line.slice(3)))
    else if (line.startsWith('cfn=')) nameOf(line.slice(4))
    else if (line.startsWith('calls=')) nextIsCallCost = true
    else if (/^[\d+*-]/.test(line)) {
      // The line after `calls=` is what the call cost, callee included: not the function's own cost.
      if (!nextIsCallCost && inGc) gc += Number(line.split(' ')[1] ?? 0)
      nextIsCallCost = false
    }
  }
  return gc
}

/** Runs one count in its own process under callgrind; its requests go to `${sink.baseUrl}/${tag}`. */
export async function countInstructions(spec: InstructionSpec, sink: Sink, tag: string): Promise<InstructionCount> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-callgrind-'))
  const outFile = 'callgrind.out'
  try {
    const stdout = await run(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${path.join(dir, outFile)}`,
        `--dump-before=${MARKER_FUNCTION}`,
        process.execPath,
        '--predictable',
        '--no-memory-reducer',
        '-r',
        'ts-node/register/transpile-only',
        CHILD,
        JSON.stringify(spec),
        sink.baseUrl,
        tag
      ],
      { ...process.env, TS_NODE_PROJECT: TSCONFIG }
    )
    const outcome = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as PushOutcome
    // Each dump is megabytes of per-function costs: only the measured one is read.
    const measured = measuredDumpOf(readdirSync(dir), outFile)
    const text = readFileSync(path.join(dir, measured), 'utf8')
    const instructions = totalOf(text, measured)
    const gcInstructions = gcInstructionsOf(text)
    const tally = sink.tally(tag)
    return {
      spec,
      ...outcome,
      instructions,
      perEvent: instructions / spec.events,
      gcInstructions,
      gcPerEvent: gcInstructions / spec.events,
      requests: tally.requests,
      records: tally.records
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    sink.forget(tag)
    sink.forget(`${tag}-warmup`)
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), COUNT_TIMEOUT_MS)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(stdout)
      else reject(new Error(`${command} exited with ${code}: ${stderr.split('\n').slice(-8).join('\n')}`))
    })
  })
}

/** Every count of `plan`, `parallel` at a time (they do not disturb each other's counts), in plan order. */
export async function runInstructionCounts(
  plan: InstructionSpec[],
  sink: Sink,
  log: (line: string) => void,
  parallel = Math.max(1, os.availableParallelism())
): Promise<InstructionCount[]> {
  const counts: InstructionCount[] = new Array(plan.length)
  let next = 0
  const worker = async () => {
    while (next < plan.length) {
      const index = next++
      const spec = plan[index]
      counts[index] = await countInstructions(spec, sink, `count${index}`)
      log(
        `[instructions ${index + 1}/${plan.length}] ${spec.action} ${spec.path} ${spec.impl}: ` +
          `${Math.round(counts[index].perEvent).toLocaleString('en-US')} instructions/event` +
          (counts[index].failed > 0 ? `, ${counts[index].failed} FAILED (${counts[index].firstError})` : '')
      )
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, plan.length) }, worker))
  return counts
}

export interface InstructionRow {
  action: BenchAction
  path: BenchPath
  events: number
  /** Events per batch call; undefined on the single path. */
  batchEvents?: number
  perEvent: { [impl in Impl]?: number }
  /** Of perEvent, the instructions in V8's garbage collector. */
  gcPerEvent: { [impl in Impl]?: number }
  /** ours ÷ floor, and ours ÷ upstream where upstream has the path. */
  vsFloor: number
  vsUpstream?: number
  /** The same ratios without the collector's instructions: steadier, as collections fall unevenly into counts. */
  vsFloorOutsideGc: number
  vsUpstreamOutsideGc?: number
  /** Every event of every implementation got a 2xx status and reached the sink. */
  ok: boolean
}

/** One row per action × path × batch size, from the counts of its implementations. */
export function instructionRowsOf(counts: InstructionCount[]): InstructionRow[] {
  const rows = new Map<string, InstructionRow>()
  for (const count of counts) {
    const { action, path, impl, events, batchEvents } = count.spec
    const key = `${action} ${path} ${batchEvents ?? ''}`
    const row = rows.get(key) ?? {
      action,
      path,
      events,
      ...(batchEvents !== undefined && { batchEvents }),
      perEvent: {},
      gcPerEvent: {},
      vsFloor: NaN,
      vsFloorOutsideGc: NaN,
      ok: true
    }
    row.perEvent[impl] = count.perEvent
    row.gcPerEvent[impl] = count.gcPerEvent
    row.ok &&= count.failed === 0 && count.succeeded === events && count.records === events
    rows.set(key, row)
  }
  for (const row of rows.values()) {
    const outsideGc = (impl: Impl) => {
      const total = row.perEvent[impl]
      return total === undefined ? undefined : total - (row.gcPerEvent[impl] ?? 0)
    }
    const ratioOf = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? a / b : NaN)
    const { ours, floor, upstream } = row.perEvent
    row.vsFloor = ratioOf(ours, floor)
    row.vsFloorOutsideGc = ratioOf(outsideGc('ours'), outsideGc('floor'))
    if (upstream !== undefined) {
      row.vsUpstream = ratioOf(ours, upstream)
      row.vsUpstreamOutsideGc = ratioOf(outsideGc('ours'), outsideGc('upstream'))
    }
  }
  return [...rows.values()]
}

export interface InstructionReport {
  title: string
  date: string
  node: string
  valgrind: string
  machine: Machine
  upstream: UpstreamStatus
  rows: InstructionRow[]
  /** Every count as measured. */
  counts: InstructionCount[]
}

export function buildInstructionReport(
  counts: InstructionCount[],
  valgrind: string,
  upstream: UpstreamStatus
): InstructionReport {
  return {
    title: 'Iterable destination: instructions per event (valgrind callgrind)',
    date: new Date().toISOString(),
    node: process.version,
    valgrind,
    machine: machine(),
    upstream,
    rows: instructionRowsOf(counts),
    counts
  }
}

const int = (value: number | undefined) => (value === undefined ? '-' : Math.round(value).toLocaleString('en-US'))
const ratio = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(3))

export function formatInstructionReport(report: InstructionReport): string {
  const { rows } = report
  const out = [
    report.title,
    `${report.date}  ${report.machine.cpuModel}  Node ${report.node}  ${report.valgrind}`,
    'node --predictable --no-memory-reducer under callgrind: one thread, no time-driven heuristics, so each count is ' +
      'the same on every run. Instructions are not time: see the paired CPU ratios for that.',
    '',
    table(
      [
        'action',
        'path',
        'per call',
        'events',
        'ours',
        'floor',
        'upstream',
        'ours/floor',
        'ours/upstream',
        'outside GC ours/floor',
        'outside GC ours/upstream',
        'ok'
      ],
      rows.map((row) => [
        row.action,
        row.path,
        row.path === 'single' ? '1' : int(row.batchEvents ?? WARMUP_BATCH),
        int(row.events),
        int(row.perEvent.ours),
        int(row.perEvent.floor),
        int(row.perEvent.upstream),
        ratio(row.vsFloor),
        ratio(row.vsUpstream),
        ratio(row.vsFloorOutsideGc),
        ratio(row.vsUpstreamOutsideGc),
        row.ok ? 'yes' : 'NO'
      ]),
      [false, false, true, true, true, true, true, true, true, true, true, false]
    ),
    '',
    "Outside GC: without the instructions of V8's garbage collector (scavenges, marking, sweeping), which depend on " +
      'where collections fall: a count catches a full collection or misses it by a few events.'
  ]
  const shared = rows.filter((row) => row.vsUpstream !== undefined)
  if (shared.length > 0) {
    const worst = Math.max(...shared.map((row) => row.vsUpstream as number))
    out.push(
      '',
      `Ours vs upstream: ${worst <= 1 ? 'fewer' : 'NOT fewer'} instructions per event on every shared path ` +
        `(highest ours/upstream ${ratio(worst)}).`
    )
  }
  return out.join('\n')
}
