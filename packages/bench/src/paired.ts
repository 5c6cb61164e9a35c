import { accountingOf, median, quantile, type Accounting } from './report'
import { turnTakerInChild } from './runner'
import type { PairedMeasurement, PairedRoundMeasurement, TurnTaker } from './run-paired'
import { eventsPerTurn, pairedImplsOf, type Impl, type PairedSpec } from './scenarios'
import type { Sink, Tally } from './sink'

// The paired CPU comparison of one action × path × size: each implementation in its own forked process
// (run-paired.ts), taking turns round by round; then the sink's counts added, and ours ÷ floor and ours ÷ upstream
// taken round by round, summarized by median and quartiles. This module loads no destination code, so the
// orchestrating process stays small.

/** One implementation's turn in one round. */
export interface PairedRound {
  round: number
  /** Its place in the round's order: 0 ran first. */
  position: number
  cpuMicros: number
  cpuMicrosPerEvent: number
  wallMs: number
  succeeded: number
  failed: number
  firstError?: string
  /** What the sink received from this turn. */
  requests: number
  bytes: number
  recordsAtSink: number
  /** The process that ran the turn: one per implementation, unless measured in-process. */
  pid: number
}

export interface PairedImpl {
  impl: Impl
  /** One per round, in round order. */
  rounds: PairedRound[]
  medianCpuMicrosPerEvent: number
  /** Over all rounds; `events` is per round. */
  accounted: Accounting
}

export interface Spread {
  median: number
  /** First and third quartiles. */
  q1: number
  q3: number
}

/** ours ÷ `versus`, CPU µs per event, round by round. */
export interface PairedRatio extends Spread {
  versus: 'floor' | 'upstream'
  perRound: number[]
  /** Both sides ran every round, accounted for every event and failed none: otherwise no verdict. */
  comparable: boolean
  /** Failed events over all rounds, both sides. */
  failedEvents: number
}

export interface PairedResult {
  action: PairedSpec['action']
  path: PairedSpec['path']
  /** Events per batch (batch path) or per turn (single path). */
  events: number
  /** Batches of `events` per implementation per round (1 on the single path). */
  batchesPerTurn: number
  rounds: number
  warmupEvents: number
  impls: { ours: PairedImpl; floor: PairedImpl; upstream?: PairedImpl }
  vsFloor: PairedRatio
  /** Null when upstream did not run on this action × path (not measured, or it has no such path). */
  vsUpstream: PairedRatio | null
  /** Every implementation ran every round and accounted for every event, and none failed. */
  ok: boolean
}

export interface PairedRunOptions {
  isolation?: 'child-process' | 'in-process'
  /** Prefix of the sink tags the measurement uses; they are forgotten afterwards. */
  tag?: string
  timeoutMs?: number
}

export const describePaired = (spec: PairedSpec) =>
  `${spec.action} ${spec.path} paired ${spec.batchesPerTurn > 1 ? `${spec.batchesPerTurn} × ` : ''}${spec.events.toLocaleString('en-US')} events × ${spec.rounds} rounds`

export function spreadOf(values: number[]): Spread {
  return { median: median(values), q1: quantile(values, 0.25), q3: quantile(values, 0.75) }
}

/**
 * Runs `spec` against `sink`: each implementation warmed up in a process of its own (forked, unless `in-process`, where
 * they share this one), then the rounds, in which they take their turns one after the other in an order rotated by the
 * round, so that none always runs first. Returns every round's numbers with the per-round ratios.
 */
export async function runPaired(
  spec: PairedSpec,
  sink: Sink,
  { isolation = 'child-process', tag = 'paired', timeoutMs = 10 * 60_000 }: PairedRunOptions = {}
): Promise<PairedResult> {
  const impls = pairedImplsOf(spec)
  // Loaded only in-process: the orchestrating process of a child-process run never loads the destination.
  const open =
    isolation === 'in-process'
      ? (await import('./run-paired')).warmedUpTurnTaker
      : (s: PairedSpec, impl: Impl, baseUrl: string, t: string) => turnTakerInChild(s, impl, baseUrl, t, timeoutMs)
  // The warm-ups run side by side: nothing is measured yet.
  const opened = await Promise.allSettled(impls.map((impl) => open(spec, impl, sink.baseUrl, tag)))
  const takers = new Map<Impl, TurnTaker>()
  opened.forEach((outcome, index) => outcome.status === 'fulfilled' && takers.set(impls[index], outcome.value))
  let measurement: PairedMeasurement
  try {
    const failed = opened.find((outcome) => outcome.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    measurement = await measureRounds(spec, impls, takers)
  } finally {
    for (const taker of takers.values()) taker.close()
  }
  const result = pairedResultOf(spec, measurement, (sinkTag) => sink.tally(sinkTag))
  for (const turns of Object.values(measurement)) {
    for (const turn of turns ?? []) sink.forget(turn.sinkTag)
  }
  sink.forget(`${tag}-warmup`)
  return result
}

async function measureRounds(
  spec: PairedSpec,
  impls: Impl[],
  takers: Map<Impl, TurnTaker>
): Promise<PairedMeasurement> {
  const measured: PairedMeasurement = Object.fromEntries(impls.map((impl) => [impl, []]))
  for (let round = 0; round < spec.rounds; round++) {
    const order = impls.map((_, index) => impls[(index + round) % impls.length])
    for (const [position, impl] of order.entries()) {
      measured[impl]?.push(await (takers.get(impl) as TurnTaker).takeTurn({ round, position }))
    }
  }
  return measured
}

function implOf(
  spec: PairedSpec,
  impl: Impl,
  turns: PairedRoundMeasurement[],
  tallyOf: (tag: string) => Tally
): PairedImpl {
  const rounds: PairedRound[] = turns.map((turn) => {
    const tally = tallyOf(turn.sinkTag)
    return {
      round: turn.round,
      position: turn.position,
      cpuMicros: turn.cpuMicros,
      cpuMicrosPerEvent: turn.cpuMicros / eventsPerTurn(spec),
      wallMs: turn.wallMs,
      succeeded: turn.succeeded,
      failed: turn.failed,
      ...(turn.firstError !== undefined && { firstError: turn.firstError }),
      requests: tally.requests,
      bytes: tally.bytes,
      recordsAtSink: tally.records,
      pid: turn.pid
    }
  })
  const everyRound = rounds.length === spec.rounds && rounds.every((round, index) => round.round === index)
  const outcomes = rounds.map((round) => ({ ...round, records: round.recordsAtSink }))
  return {
    impl,
    rounds,
    medianCpuMicrosPerEvent: median(rounds.map((round) => round.cpuMicrosPerEvent)),
    accounted: accountingOf(outcomes, eventsPerTurn(spec), everyRound)
  }
}

/** Round by round; a missing round gives NaN, and such a side is not ok (see implOf), so never a verdict. */
function ratioOf(ours: PairedImpl, other: PairedImpl, versus: PairedRatio['versus']): PairedRatio {
  const perRound = ours.rounds.map(
    (round, index) => round.cpuMicrosPerEvent / (other.rounds[index]?.cpuMicrosPerEvent ?? NaN)
  )
  const failedEvents = ours.accounted.failed + other.accounted.failed
  return {
    versus,
    perRound,
    ...spreadOf(perRound),
    comparable: ours.accounted.ok && other.accounted.ok && failedEvents === 0,
    failedEvents
  }
}

/** The result of a measurement, given what the sink received under each turn's tag. */
export function pairedResultOf(
  spec: PairedSpec,
  measurement: PairedMeasurement,
  tallyOf: (sinkTag: string) => Tally
): PairedResult {
  const of = (impl: Impl) => implOf(spec, impl, measurement[impl] ?? [], tallyOf)
  const ours = of('ours')
  const floor = of('floor')
  const upstream = measurement.upstream ? of('upstream') : undefined
  const all = [ours, floor, ...(upstream ? [upstream] : [])]
  return {
    action: spec.action,
    path: spec.path,
    events: spec.events,
    batchesPerTurn: spec.batchesPerTurn,
    rounds: spec.rounds,
    warmupEvents: spec.warmupEvents,
    impls: { ours, floor, ...(upstream && { upstream }) },
    vsFloor: ratioOf(ours, floor, 'floor'),
    vsUpstream: upstream ? ratioOf(ours, upstream, 'upstream') : null,
    ok: all.every((impl) => impl.accounted.ok && impl.accounted.failed === 0)
  }
}
