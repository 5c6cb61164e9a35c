import { generateEvents } from './events'
import { integrationFor, pathNamed, push } from './harness'
import type { Impl, Outcome } from './harness'

// One destination's events down some paths, in a process of its own (a child of main.ts). A child given one batch
// path measures that call's peak memory: RSS at its highest during the call, less RSS just before it. main.ts gives
// each batch path a child of its own, and the single paths (whose memory is not measured) one child together.

/** The sink counts a path's events under its `tag`. */
export type CountPlan = {
  sinkUrl: string
  impl: Impl
  paths: { path: string; tag: string; events: number }[]
  seed: number
}
/** One per path of the plan, in its order; peakMB means something only for a child with one batch path. */
export type CountResult = { outcome: Outcome; peakMB: number }[]

async function main() {
  const plan = JSON.parse(process.argv[2]) as CountPlan
  const runs = plan.paths.map(({ path, tag, events }) => {
    const benchPath = pathNamed(path)
    return { path: benchPath, tag, events: generateEvents(benchPath.kind, events, plan.seed) }
  })
  // A few events of each path first load and compile what the calls need, so a peak is the call's, not start-up's.
  for (const { path, events } of runs) {
    await push(integrationFor(plan.impl, `${plan.sinkUrl}/warm-up`), path, events.slice(0, 100))
  }
  const result: CountResult = []
  for (const { path, tag, events } of runs) {
    global.gc?.()
    const before = process.memoryUsage().rss
    const outcome = await push(integrationFor(plan.impl, `${plan.sinkUrl}/${tag}`), path, events)
    result.push({ outcome, peakMB: (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20 })
  }
  if (!process.send) throw new Error('count.ts sends its result to main.ts, which starts it with an IPC channel')
  process.send(result)
}

if (require.main === module) void main()
