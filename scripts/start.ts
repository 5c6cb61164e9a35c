// `npm start`: the Iterable API emulator and `serve` together, so the whole product runs on a fresh machine with no
// Iterable account. The destination's calls to api.iterable.com go to the emulator through serve's --api-url; the
// destination itself knows nothing of it. `npm start -- --live` serves against the real Iterable API instead.
import { spawn } from 'child_process'
import path from 'path'
import { optionsFromEnv, startEmulator } from '../packages/iterable-emulator/src'

const repoRoot = path.resolve(__dirname, '..')
const servePort = Number(process.env.PORT ?? 3000)
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4010)
// A fixed, documented key: the emulator holds only what you send it on this machine.
const emulatorApiKey = process.env.EMULATOR_API_KEY?.trim() || 'local-emulator-key'
// A key given in EMULATOR_API_KEY may be a real one: it is never printed, the curl reads it from the shell instead
// (closing the single-quoted argument around it).
const keyFromEnv = emulatorApiKey !== 'local-emulator-key'
const shellKey = keyFromEnv ? `'"$EMULATOR_API_KEY"'` : emulatorApiKey
const live = process.argv.includes('--live')

function runServe(extraArgs: string[]) {
  const serve = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/run'), 'serve', '--destination', 'iterable', ...extraArgs],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, PORT: String(servePort) }
    }
  )
  return serve
}

async function waitForServe(): Promise<boolean> {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${servePort}/manifest`)
      if (response.ok) return true
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return false
}

const KEY_PLACEHOLDER = '<api key>'

function tryIt(emulatorUrl: string): string {
  const identify = JSON.stringify({
    settings: { apiKey: KEY_PLACEHOLDER },
    payload: {
      type: 'identify',
      userId: 'user-1815',
      messageId: 'msg-demo-1',
      traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'premium', createdAt: '2023-12-10T08:15:00+01:00' }
    }
  })
  const body = identify.replace(KEY_PLACEHOLDER, shellKey)
  return `curl -s localhost:${servePort}/updateUser -d '${body}' && echo && curl -s ${emulatorUrl}/api/users/ada@example.com -H 'Api-Key: ${shellKey}'`
}

async function main() {
  if (live) {
    console.log("Live mode: the destination calls the real Iterable API with the apiKey of each request's settings.")
    const serve = runServe([])
    serve.on('exit', (code) => process.exit(code ?? 0))
    return
  }

  const emulator = await startEmulator({
    ...optionsFromEnv(process.env),
    port: emulatorPort,
    host: '127.0.0.1',
    apiKey: emulatorApiKey,
    log: ({ method, path: route, status, ms }) => console.log(`[emulator] ${method} ${route} ${status} ${ms}ms`)
  })
  const serve = runServe(['--api-url', emulator.url])
  const stop = (code: number) => {
    serve.kill('SIGTERM')
    void emulator.close().finally(() => process.exit(code))
  }
  serve.on('exit', (code) => stop(code ?? 0))
  process.once('SIGINT', () => stop(0))
  process.once('SIGTERM', () => stop(0))

  if (!(await waitForServe())) {
    console.error(`serve did not start on port ${servePort}; is the port in use? (set PORT to choose another)`)
    return stop(1)
  }
  console.log(`
Iterable (Actions) is running locally.
  serve (the destination):    http://127.0.0.1:${servePort}   (GET /manifest, POST /<action>)
  Iterable API emulator:      ${emulator.url}   (GET /api/users/<email>, /_emulator/state)
  API key the emulator takes: ${keyFromEnv ? 'the one in EMULATOR_API_KEY' : emulatorApiKey}

Send a Segment identify, then read the user back from the emulator:
  ${tryIt(emulator.url)}

npm start -- --live sends to the real Iterable instead. Ctrl-C stops both.
`)
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`)
  process.exit(1)
})
