import { setFlagsFromString } from 'node:v8'
import { createTestIntegration } from '@segment/actions-core'
import type { BaseUrlOverride } from '@local/cli/src/lib/api-base-url'
import { BASE_URLS } from '@local/destination-actions/src/destinations/iterable/iterable-api'
import { generateEvents } from './events'
import { definitionFor, pushEach, redirected, warmUp, WARMUP_BATCH } from './harness'
import { ACTIONS } from './scenarios'
import { cycledTurns, type InstructionSpec } from './instructions'

// Entry point of one instruction count (instructions.ts runs it under valgrind's callgrind): warm up, then push the
// measured events between two calls of V8's SetFlagsFromString, at which callgrind dumps its counts. The part between
// the two dumps is the measured events' alone. Prints the pushes' outcome as one JSON line.

/** A call callgrind can see by name (it dumps before each) and that changes nothing: the flag is set already. */
export const MARKER_FLAG = '--no-memory-reducer'
const mark = () => setFlagsFromString(MARKER_FLAG)

async function main() {
  const [specJson, baseUrl, tag] = process.argv.slice(2)
  const spec = JSON.parse(specJson) as InstructionSpec
  const kind = ACTIONS[spec.action].kind
  const override: BaseUrlOverride = { from: Object.values(BASE_URLS), to: `${baseUrl}/${tag}-warmup` }
  const integration = createTestIntegration(redirected(definitionFor(spec), override))
  const warmupDistinct = generateEvents(kind, Math.min(spec.warmupEvents, spec.distinctEvents), spec.seed + 1)
  await warmUp(integration, spec, cycledTurns(warmupDistinct, spec.warmupEvents, spec.warmupEvents).flat())
  // Every event generated before the first mark: generating them is not the implementation's cost.
  const distinct = generateEvents(kind, spec.distinctEvents, spec.seed)
  const turn = spec.path === 'batch' ? (spec.batchEvents ?? WARMUP_BATCH) : spec.events
  const batches = cycledTurns(distinct, spec.events, turn)
  override.to = `${baseUrl}/${tag}`

  mark()
  const outcome = await pushEach(integration, spec, batches)
  mark()
  process.stdout.write(`${JSON.stringify(outcome)}\n`)
  // Keep-alive sockets would keep the process alive.
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
