import { execFile, spawn } from 'child_process'
import net from 'net'
import { REPO_ROOT } from '../lib/destinations'
import { bash, pastedCommands } from './__helpers__/pasted'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

// `npm start` (scripts/start.ts): the emulator and serve together, with the tester page; and a port already taken
// fails at once, naming the port and the variable that changes it.

const START = ['-r', 'ts-node/register/transpile-only', 'scripts/start.ts']

function holdPort(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port

function runStart(env: NodeJS.ProcessEnv): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      START,
      { cwd: REPO_ROOT, env: { ...process.env, EMULATOR_API_KEY: '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  })
}

describe('npm start, a port taken', () => {
  let other: net.Server
  beforeEach(async () => {
    other = await holdPort()
  })
  afterEach(() => new Promise((resolve) => other.close(resolve)))

  it('names PORT when serve cannot listen, and prints no ready banner', async () => {
    const { exitCode, stdout, stderr } = await runStart({ PORT: String(portOf(other)), EMULATOR_PORT: '0' })
    expect(exitCode).toBe(1)
    expect(stderr.replace(/\s*\n\s*›\s*/g, ' ')).toContain(`Port ${portOf(other)} is in use on 127.0.0.1`)
    expect(stderr).toContain('PORT=<port>')
    expect(stdout).not.toContain('is running locally')
  })

  it('names EMULATOR_PORT when the emulator cannot listen', async () => {
    const { exitCode, stdout, stderr } = await runStart({ PORT: '0', EMULATOR_PORT: String(portOf(other)) })
    expect(exitCode).toBe(1)
    expect(stderr).toContain(
      `npm start: port ${portOf(
        other
      )} (the Iterable API emulator) is in use on 127.0.0.1: stop the other server, or choose another port with EMULATOR_PORT=<port>.`
    )
    expect(stdout).not.toContain('is running locally')
  })
})

describe('npm start', () => {
  it('serves the tester page, with Iterable sent to the emulator and its profiles read back', async () => {
    const child = spawn(process.execPath, START, {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', EMULATOR_PORT: '0', EMULATOR_API_KEY: '' }
    })
    try {
      const { page, emulator, output } = await new Promise<{ page: string; emulator: string; output: string }>(
        (resolve, reject) => {
          let output = ''
          child.stdout.on('data', (chunk) => {
            output += String(chunk)
            const page = /Tester page: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)
            const emulator = /Iterable API emulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)
            if (page && emulator && output.includes('Ctrl-C stops both.'))
              resolve({ page: page[1], emulator: emulator[1], output })
          })
          child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)))
        }
      )
      expect(output).toContain('\nIterable (Actions) is running locally.\n')
      // The curl it prints works as pasted: the identify is sent, and the user read back from the emulator.
      const pasted = pastedCommands(output, /^Or send a Segment identify with curl/)
      expect(pasted).toContain(`${page}/updateUser`)
      const { exitCode, stdout: curl } = await bash(pasted)
      expect(exitCode).toBe(0)
      expect(curl).toContain(`"url":"${emulator}/api/users/update"`)
      expect(curl).toContain('"firstName":"Ada"')
      const html = await fetch(`${page}/`, { headers: { Accept: 'text/html' } })
      expect(await html.text()).toContain('<title>Destination tester</title>')
      const config = await (await fetch(`${page}/_tester/config`)).json()
      expect(config).toMatchObject({ settings: { apiKey: 'local-emulator-key' }, canReadProfiles: true })
      expect(config.samples.updateUser[0].event.traits.email).toBe('ada@example.com')

      const settings = { apiKey: 'local-emulator-key', dataCenterLocation: 'europe' }
      const answer = await fetch(`${page}/updateUser`, {
        method: 'POST',
        body: JSON.stringify({ payload: config.samples.updateUser[0].event, settings })
      })
      const [exchange] = await answer.json()
      expect(exchange.request.url).toBe(`${emulator}/api/users/update`)
      const read = await fetch(`${page}/_tester/profiles`, {
        method: 'POST',
        body: JSON.stringify({ payload: config.samples.updateUser[0].event, settings })
      })
      const { profiles } = await read.json()
      expect(profiles).toEqual([
        expect.objectContaining({ url: `${emulator}/api/users/ada%40example.com`, statusCode: 200 })
      ])
      expect(profiles[0].body.user.dataFields.firstName).toBe('Ada')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  })
})
