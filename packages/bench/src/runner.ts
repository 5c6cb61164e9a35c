import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { ChildAnswer, ChildRequest } from './child'
import type { PairedRoundMeasurement, TurnTaker } from './run-paired'
import type { RunMeasurement } from './run-scenario'
import type { Impl, PairedSpec, ScenarioSpec } from './scenarios'

// Runs measurements in fresh Node processes (TypeScript through ts-node, transpile-only), so that a run's peak RSS
// (maxRSS) and JIT state belong to it alone, and so that the implementations of a paired measurement share neither.

const CHILD = path.join(__dirname, 'child.ts')
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.json')

/** A forked child.ts that answers one request at a time over IPC. */
class Child {
  private readonly process: ChildProcess
  private exited: Error | undefined
  private pending: ((answer: ChildAnswer<unknown> | Error) => void) | undefined

  constructor(private readonly label: string) {
    this.process = fork(CHILD, [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: TSCONFIG },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    this.process.on('message', (answer: ChildAnswer<unknown>) => this.settle(answer))
    this.process.once('error', (error) => this.settle((this.exited = error)))
    this.process.once('exit', (code, signal) => {
      this.exited ??= new Error(`${this.label}: the process exited (${signal ?? code})`)
      this.settle(this.exited)
    })
  }

  private settle(outcome: ChildAnswer<unknown> | Error) {
    const pending = this.pending
    this.pending = undefined
    pending?.(outcome)
  }

  /** Sends `request` and resolves with the answer; rejects on an error answer, an exit or `timeoutMs`. */
  ask<T>(request: ChildRequest, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(this.exited)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.process.kill('SIGKILL')
        this.settle(new Error(`${this.label} did not finish within ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      this.pending = (outcome) => {
        clearTimeout(timer)
        if (outcome instanceof Error) reject(outcome)
        else if (outcome.ok) resolve(outcome.result as T)
        else reject(new Error(`${this.label} failed: ${outcome.error}`))
      }
      this.process.send(request)
    })
  }

  /** Lets the child exit (it does when its IPC channel closes). */
  close() {
    if (this.process.connected) this.process.disconnect()
  }
}

/** Sends `request` to a forked child.ts, resolves with its answer and lets the child go; `label` names it in errors. */
export async function inChild<T>(request: ChildRequest, label: string, timeoutMs: number): Promise<T> {
  const child = new Child(label)
  try {
    return await child.ask<T>(request, timeoutMs)
  } finally {
    child.close()
  }
}

export const runInChild = (spec: ScenarioSpec, baseUrl: string, tag: string, timeoutMs: number) =>
  inChild<RunMeasurement>({ kind: 'scenario', spec, baseUrl, tag }, describe(spec), timeoutMs)

/** `impl`'s side of a paired measurement in a process of its own, warmed up; each turn and the warm-up get `timeoutMs`. */
export async function turnTakerInChild(
  spec: PairedSpec,
  impl: Impl,
  baseUrl: string,
  tag: string,
  timeoutMs: number
): Promise<TurnTaker> {
  const child = new Child(`${spec.action} ${spec.path} paired, ${impl}`)
  try {
    await child.ask({ kind: 'turn-taker', spec, impl, baseUrl, tag }, timeoutMs)
  } catch (error) {
    child.close()
    throw error
  }
  return {
    takeTurn: (turn) => child.ask<PairedRoundMeasurement>({ kind: 'turn', turn }, timeoutMs),
    close: () => child.close()
  }
}

export const describe = (spec: ScenarioSpec) =>
  `${spec.action} ${spec.path} ${spec.impl} ${spec.events.toLocaleString('en-US')} events`
