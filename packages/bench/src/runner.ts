import { fork } from 'node:child_process'
import path from 'node:path'
import type { ChildAnswer, ChildRequest } from './child'
import type { RunMeasurement } from './run-scenario'
import type { ScenarioSpec } from './scenarios'

// Runs one scenario in a fresh Node process (TypeScript through ts-node, transpile-only), so that its peak RSS
// (maxRSS) and its JIT state belong to it alone.

const CHILD = path.join(__dirname, 'child.ts')
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.json')

export function runInChild(
  spec: ScenarioSpec,
  baseUrl: string,
  tag: string,
  timeoutMs: number
): Promise<RunMeasurement> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: TSCONFIG },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    let settled = false
    const settle = (error: Error | undefined, measurement?: RunMeasurement) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(measurement as RunMeasurement)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      settle(new Error(`${describe(spec)} did not finish within ${Math.round(timeoutMs / 1000)} s`))
    }, timeoutMs)
    child.once('message', (message: ChildAnswer) => {
      if (message.ok) settle(undefined, message.measurement)
      else settle(new Error(`${describe(spec)} failed: ${message.error}`))
    })
    child.once('error', (error) => settle(error))
    child.once('exit', (code, signal) => settle(new Error(`${describe(spec)}: the process exited (${signal ?? code})`)))
    const request: ChildRequest = { spec, baseUrl, tag }
    child.send(request)
  })
}

export const describe = (spec: ScenarioSpec) =>
  `${spec.action} ${spec.path} ${spec.impl} ${spec.events.toLocaleString('en-US')} events`
