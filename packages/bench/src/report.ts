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
  wire: Record<Impl, Wire>
  /** On batch paths, each destination's peak memory during one large call, in MB of RSS above the RSS before it. */
  peakMB?: Record<Impl, number>
  cpu: CpuSamples
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * Median µs per event of each destination, and the ratio: taken round by round (both destinations ran in the same
 * round, seconds apart), then the median, lowest and highest of those. A round in which the machine was slower for
 * both cancels out.
 */
export function summarizeCpu(samples: CpuSamples) {
  if (samples.ours.length === 0 || samples.ours.length !== samples.upstream.length) {
    throw new RangeError('CPU samples need the same number of rounds, at least one, for both destinations')
  }
  const ratios = samples.ours.map((ours, round) => ours / samples.upstream[round])
  const [ours, upstream, ratio] = [median(samples.ours), median(samples.upstream), median(ratios)]
  return { ours, upstream, ratio, low: Math.min(...ratios), high: Math.max(...ratios) }
}

/** The shared path where ours spends the most CPU per event against upstream. */
export function worstCpuRatio(results: PathResult[]): { path: string; ratio: number } {
  return results
    .map((result) => ({ path: result.path, ratio: summarizeCpu(result.cpu).ratio }))
    .reduce((worst, next) => (next.ratio > worst.ratio ? next : worst))
}

const HEADER =
  '| path | CPU µs/event ours / upstream | CPU ours÷upstream (range over rounds) | requests for events | bytes/event ' +
  `| largest body KB | peak MB |\n|${' --- |'.repeat(7)}`

/** The run as a Markdown table, one row per path; each cell is ours / upstream. */
export function table(results: PathResult[]): string {
  const rows = results.map(({ path, wire, peakMB, cpu }) => {
    const both = (show: (impl: Impl) => number, digits = 0) =>
      `${show('ours').toFixed(digits)} / ${show('upstream').toFixed(digits)}`
    const { ours, upstream, ratio, low, high } = summarizeCpu(cpu)
    return [
      path,
      `${ours.toFixed(1)} / ${upstream.toFixed(1)}`,
      `**${ratio.toFixed(2)}** (${low.toFixed(2)}–${high.toFixed(2)})`,
      `${both((impl) => wire[impl].requests)} of ${wire.ours.events}`,
      both((impl) => wire[impl].bytes / wire[impl].events),
      both((impl) => wire[impl].largestBody / 1000, 1),
      peakMB ? both((impl) => peakMB[impl]) : ''
    ]
  })
  return [HEADER, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n')
}
