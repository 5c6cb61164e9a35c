import { measurePaired } from './run-paired'
import { runScenario } from './run-scenario'
import type { PairedSpec, ScenarioSpec } from './scenarios'

// Entry point of a measurement's own process (forked by runner.ts): one per process, so its peak RSS and JIT state
// are its own. Receives the request over IPC, answers over IPC, exits.

export type ChildRequest =
  | { kind: 'scenario'; spec: ScenarioSpec; baseUrl: string; tag: string }
  | { kind: 'paired'; spec: PairedSpec; baseUrl: string; tag: string }

export type ChildAnswer<T> = { ok: true; result: T } | { ok: false; error: string }

function answer(message: ChildAnswer<unknown>) {
  // Keep-alive sockets would keep the process alive: exit once the answer is out.
  if (process.send) process.send(message, () => process.exit(message.ok ? 0 : 1))
  else process.exit(2)
}

const measure = (request: ChildRequest): Promise<unknown> =>
  request.kind === 'paired'
    ? measurePaired(request.spec, request.baseUrl, request.tag)
    : runScenario(request.spec, request.baseUrl, request.tag)

process.once('message', (request: ChildRequest) => {
  measure(request).then(
    (result) => answer({ ok: true, result }),
    (error: unknown) =>
      answer({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  )
})
