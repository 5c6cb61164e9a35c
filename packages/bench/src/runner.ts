import { fork } from 'node:child_process'
import path from 'node:path'
import type { ChildAnswer, ChildRequest } from './child'
import type { RunMeasurement } from './run-scenario'
import type { ScenarioSpec } from './scenarios'

// Runs one measurement in a fresh Node process (TypeScript through ts-node, transpile-only), so that its peak RSS
// (maxRSS) and its JIT state belong to it alone.

const CHILD = path.join(__dirname, 'child.ts')
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.json')

/** Sends `request` to a forked child.ts and resolves with its answer; `label` names it in errors. */
export function inChild<T>(request: ChildRequest, label: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: TSCONFIG },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    let settled = false
    const settle = (error: Error | undefined, result?: T) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(result as T)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      settle(new Error(`${label} did not finish within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    child.once('message', (message: ChildAnswer<T>) => {
      if (message.ok) settle(undefined, message.result)
      else settle(new Error(`${label} failed: ${message.error}`))
    })
    child.once('error', (error) => settle(error))
    child.once('exit', (code, signal) => settle(new Error(`${label}: the process exited (${signal ?? code})`)))
    child.send(request)
  })
}

export const runInChild = (spec: ScenarioSpec, baseUrl: string, tag: string, timeoutMs: number) =>
  inChild<RunMeasurement>({ kind: 'scenario', spec, baseUrl, tag }, describe(spec), timeoutMs)

export const describe = (spec: ScenarioSpec) =>
  `${spec.action} ${spec.path} ${spec.impl} ${spec.events.toLocaleString('en-US')} events`
