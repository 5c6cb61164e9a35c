import { spawn } from 'child_process'
import path from 'path'
import { REPO_ROOT } from '../lib/destinations'
import { runBin } from '../commands/__tests__/run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

// `./bin/run` as a user runs it: a child process from the repository root, TypeScript compiled on the fly.

/** oclif wraps error messages to the terminal width, with a "›" at the start of each line. */
const unwrapped = (text: string) => text.replace(/\s*\n\s*›\s*/g, ' ')

describe('./bin/run', () => {
  it('lists the commands', async () => {
    const { exitCode, stdout } = await runBin(['--help'])
    expect(exitCode).toBe(0)
    for (const command of ['serve', 'validate', 'generate:types', 'generate:metadata-payload']) {
      expect(stdout).toContain(command)
    }
  })

  it.each(['serve', 'validate', 'generate:types', 'generate:metadata-payload'])('%s --help', async (command) => {
    const { exitCode, stdout } = await runBin([command, '--help'])
    expect(exitCode).toBe(0)
    expect(stdout).toContain(`$ ./bin/run ${command}`)
  })

  it('names a flag it does not know', async () => {
    const { exitCode, stderr } = await runBin(['validate', '--strict-mode'])
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/Nonexistent flag: --strict-mode/)
  })

  it('names a flag whose value is wrong', async () => {
    const { exitCode, stderr } = await runBin(['serve', '--port', 'eighty'])
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/--port/)
  })

  it('refuses an --api-url that is not <origin>=<url>, naming the flag', async () => {
    const { exitCode, stderr } = await runBin(['serve', '--no-watch', '--api-url', 'http://127.0.0.1:4010'])
    expect(exitCode).toBe(2)
    expect(unwrapped(stderr)).toMatch(/--api-url: "http:\/\/127.0.0.1:4010" has no "="/)
  })

  it('serve answers GET /manifest on the port it reports, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run'), 'serve', '--no-watch'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0' }
    })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = ''
        child.stdout.on('data', (chunk) => {
          output += String(chunk)
          const match = /Listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
          if (match) resolve(match[1])
        })
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)))
      })
      const response = await fetch(`${url}/manifest`)
      expect(response.status).toBe(200)
      expect((await response.json()).name).toBe('Iterable (Actions)')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  })
})
