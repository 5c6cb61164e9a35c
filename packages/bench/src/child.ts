import { warmedUpTurnTaker, type Turn, type TurnTaker } from './run-paired'
import { runScenario } from './run-scenario'
import type { Impl, PairedSpec, ScenarioSpec } from './scenarios'

// Entry point of a measurement's own process (forked by runner.ts), so that its peak RSS and JIT state are its own.
// Answers requests over IPC one at a time: a scenario run, or one implementation's side of a paired measurement
// (warm up, then one turn per request). Exits when its parent closes the channel.

export type ChildRequest =
  | { kind: 'scenario'; spec: ScenarioSpec; baseUrl: string; tag: string }
  | { kind: 'turn-taker'; spec: PairedSpec; impl: Impl; baseUrl: string; tag: string }
  | { kind: 'turn'; turn: Turn }

export type ChildAnswer<T> = { ok: true; result: T } | { ok: false; error: string }

let turnTaker: TurnTaker | undefined

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.kind) {
    case 'scenario':
      return runScenario(request.spec, request.baseUrl, request.tag)
    case 'turn-taker':
      turnTaker = await warmedUpTurnTaker(request.spec, request.impl, request.baseUrl, request.tag)
      return null
    case 'turn':
      if (!turnTaker) throw new Error('A turn was asked before the turn taker was set up')
      return turnTaker.takeTurn(request.turn)
  }
}

process.on('message', (request: ChildRequest) => {
  handle(request).then(
    (result) => process.send?.({ ok: true, result } satisfies ChildAnswer<unknown>),
    (error: unknown) =>
      process.send?.({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error)
      } satisfies ChildAnswer<unknown>)
  )
})

// Keep-alive sockets would keep the process alive after its parent is done with it.
process.once('disconnect', () => process.exit(0))
