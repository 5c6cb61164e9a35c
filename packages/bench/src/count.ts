import { generateEvents } from './events'
import { integrationFor, pathNamed, push } from './harness'
import type { Impl, Outcome } from './harness'

// One destination's events down one path, in a process of its own (a child of main.ts), so that the process's peak
// memory is that call's: RSS at its highest during the call, less RSS just before it. On batch paths the events go in
// one performBatch call.

/** The sink counts the measured events under `tag`. */
export type CountPlan = { sinkUrl: string; tag: string; impl: Impl; path: string; events: number; seed: number }
export type CountResult = { outcome: Outcome; peakMB: number }

async function main() {
  const plan = JSON.parse(process.argv[2]) as CountPlan
  const path = pathNamed(plan.path)
  const events = generateEvents(path.kind, plan.events, plan.seed)
  // A few events first load and compile what the call needs, so the peak is the call's and not start-up's.
  await push(integrationFor(plan.impl, `${plan.sinkUrl}/warm-up`), path, events.slice(0, 100))
  global.gc?.()
  const before = process.memoryUsage().rss
  const outcome = await push(integrationFor(plan.impl, `${plan.sinkUrl}/${plan.tag}`), path, events)
  const peakMB = (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20
  const result: CountResult = { outcome, peakMB }
  if (!process.send) throw new Error('count.ts sends its result to main.ts, which starts it with an IPC channel')
  process.send(result)
}

if (require.main === module) void main()
