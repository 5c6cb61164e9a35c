import { runScenario, type RunMeasurement } from './run-scenario'
import type { ScenarioSpec } from './scenarios'

// Entry point of a scenario's own process (forked by runner.ts): one run per process, so each run's peak RSS and
// JIT state are its own. Receives the run over IPC, answers over IPC, exits.

export interface ChildRequest {
  spec: ScenarioSpec
  baseUrl: string
  tag: string
}

export type ChildAnswer = { ok: true; measurement: RunMeasurement } | { ok: false; error: string }

function answer(message: ChildAnswer) {
  // Keep-alive sockets would keep the process alive: exit once the answer is out.
  if (process.send) process.send(message, () => process.exit(message.ok ? 0 : 1))
  else process.exit(2)
}

process.once('message', (request: ChildRequest) => {
  runScenario(request.spec, request.baseUrl, request.tag).then(
    (measurement) => answer({ ok: true, measurement }),
    (error: unknown) =>
      answer({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  )
})
