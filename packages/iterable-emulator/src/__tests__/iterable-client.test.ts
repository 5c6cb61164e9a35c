import { spawn } from 'node:child_process'
import path from 'node:path'
import { useEmulator } from './helpers'

// Iterable's own client, `@iterable/api`, against the emulator, for every endpoint the emulator serves: the client
// validates each answer with its zod schemas and throws on any it does not accept. The package is ESM only and Jest
// (ts-jest, CommonJS) cannot load it, so its calls live in `iterable/client.run.mjs`, run here with node's own test
// runner against this file's emulator.

const SCRIPT = path.join(__dirname, 'iterable', 'client.run.mjs')

function runNodeTests(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', SCRIPT], {
      env: { ...process.env, ...env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** The TAP summary's count, e.g. `# pass 12`. */
const count = (output: string, what: 'pass' | 'fail') => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(output)?.[1])

describe("Iterable's own client (@iterable/api) against the emulator", () => {
  const client = useEmulator()

  it('accepts every answer, for every endpoint', async () => {
    const { code, output } = await runNodeTests({ EMULATOR_URL: client.emulator.url, EMULATOR_API_KEY: 'test-key' })
    // On failure, the runner's own report names the call and the client's complaint.
    if (code !== 0) throw new Error(`node --test ${SCRIPT} failed:\n${output}`)
    expect(count(output, 'fail')).toBe(0)
    expect(count(output, 'pass')).toBe(14)
  })
})
