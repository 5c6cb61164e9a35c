import type { CpuSamples } from './cpu'
import type { Impl } from './harness'
import type { Tally } from './sink'

// From a run's measurements to ratios and the table. Every ratio is ours ÷ upstream: below 1 means ours costs less.

/** The bound the destination is held to: at most 10% more CPU per event than upstream on any shared path. */
export const CPU_RATIO_LIMIT = 1.1

/** What the sink received from one destination for `events` events. */
export interface Wire extends Tally {
  events: number
}

export interface PathResult {
  path: string
  cpu?: CpuSamples
  wire: Record<Impl, Wire>
  peakMB?: Record<Impl, number>
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export interface CpuSummary {
  /** Median µs per event over the rounds. */
  ours: number
  upstream: number
  /** The median of the per-round ratios, and their lowest and highest. */
  ratio: number
  low: number
  high: number
}

/**
 * Ratios are taken round by round (both destinations ran in the same round, minutes apart at most), then their median:
 * a round in which the machine was slower for both cancels out.
 */
export function summarizeCpu(samples: CpuSamples): CpuSummary {
  if (samples.ours.length === 0 || samples.ours.length !== samples.upstream.length) {
    throw new RangeError('CPU samples need the same number of rounds, at least one, for both destinations')
  }
  const ratios = samples.ours.map((ours, round) => ours / samples.upstream[round])
  return {
    ours: median(samples.ours),
    upstream: median(samples.upstream),
    ratio: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios)
  }
}

/** The shared path where ours spends the most CPU per event against upstream. */
export function worstCpuRatio(results: PathResult[]): { path: string; ratio: number } | undefined {
  return results
    .filter((result) => result.cpu)
    .map((result) => ({ path: result.path, ratio: summarizeCpu(result.cpu!).ratio }))
    .sort((a, b) => b.ratio - a.ratio)[0]
}

const fixed = (value: number, digits: number) => value.toFixed(digits)
const both = (result: PathResult, show: (wire: Wire) => string) =>
  `${show(result.wire.ours)} / ${show(result.wire.upstream)}`

/** The run as a Markdown table, one row per path. */
export function table(results: PathResult[]): string {
  const rows = results.map((result) => {
    const cpu = result.cpu && summarizeCpu(result.cpu)
    return [
      result.path,
      cpu ? `${fixed(cpu.ours, 1)} / ${fixed(cpu.upstream, 1)}` : '',
      cpu ? `**${fixed(cpu.ratio, 2)}** (${fixed(cpu.low, 2)}–${fixed(cpu.high, 2)})` : '',
      both(result, (wire) => `${wire.requests}`) + ` of ${result.wire.ours.events.toLocaleString('en-US')}`,
      both(result, (wire) => fixed(wire.bytes / wire.events, 0)),
      both(result, (wire) => fixed(wire.largestBody / 1e6, 2)),
      result.peakMB ? `${fixed(result.peakMB.ours, 0)} / ${fixed(result.peakMB.upstream, 0)}` : ''
    ]
  })
  const header = [
    'path',
    'CPU µs/event ours / upstream',
    'CPU ours÷upstream (range over rounds)',
    'requests for events',
    'bytes/event',
    'largest body MB',
    'peak MB'
  ]
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}
