// `npm start`: the Iterable API emulator and `serve` together, so the whole product runs on a fresh machine with no
// Iterable account. The destination's calls to Iterable's API origins go to the emulator through serve's --api-url;
// neither the destination nor the CLI knows of it. `npm start -- --live` serves against the real Iterable API instead.
import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import path from 'path'
import { BASE_URLS } from '../packages/destination-actions/src/destinations/iterable/iterable-api'
import { optionsFromEnv, startEmulator } from '../packages/iterable-emulator/src'
import type { Emulator } from '../packages/iterable-emulator/src'

const repoRoot = path.resolve(__dirname, '..')
const servePort = Number(process.env.PORT ?? 3000)
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4010)
// A fixed, documented key: the emulator holds only what you send it on this machine.
const DEMO_KEY = 'local-emulator-key'
const emulatorApiKey = process.env.EMULATOR_API_KEY?.trim() || DEMO_KEY
// A key given in EMULATOR_API_KEY may be a real one: it is never printed nor handed to the tester page, and the curl
// reads it from the shell instead (closing the single-quoted argument around it).
const keyFromEnv = emulatorApiKey !== DEMO_KEY
const shellKey = keyFromEnv ? `'"$EMULATOR_API_KEY"'` : emulatorApiKey
const live = process.argv.includes('--live')
// `npm start -- --destination iterable-audiences` serves the audience destination (Iterable Lists) instead.
const destinationAt = process.argv.indexOf('--destination')
const destination = destinationAt >= 0 ? process.argv[destinationAt + 1] ?? 'iterable' : 'iterable'

/** Where the emulator reads a user back: the endpoints its GET /api/users answers, by email first. */
const PROFILE_URLS = [
  `${BASE_URLS.united_states}/api/users/{email}`,
  `${BASE_URLS.united_states}/api/users/byUserId/{userId}`
]

function serveArgs(emulator: Emulator | undefined): string[] {
  const args = ['serve', '--destination', destination, '--samples', path.join(repoRoot, 'scripts/sample-events.ts')]
  if (!emulator) return args
  for (const origin of Object.values(BASE_URLS)) args.push('--api-url', `${origin}=${emulator.url}`)
  for (const url of PROFILE_URLS) args.push('--profile-url', url)
  if (!keyFromEnv) args.push('--tester-settings', JSON.stringify({ apiKey: DEMO_KEY }))
  return args
}

/**
 * Starts serve and resolves with its URL once it listens, or with undefined when it exits first (a port in use: serve
 * says which and how to change it). serve reports over the IPC channel, so another server already on the port can
 * never pass for it.
 */
function startServe(args: string[]): Promise<{ child: ChildProcess; url?: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/run'), ...args], {
    cwd: repoRoot,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PORT: String(servePort) }
  })
  return new Promise((resolve) => {
    child.once('message', (message: { ready?: string }) => resolve({ child, url: message.ready }))
    child.once('exit', () => resolve({ child }))
  })
}

async function startEmulatorOrExplain(): Promise<Emulator> {
  try {
    return await startEmulator({
      ...optionsFromEnv(process.env),
      port: emulatorPort,
      host: '127.0.0.1',
      apiKey: emulatorApiKey,
      log: ({ method, path: route, status, ms }) => console.log(`[emulator] ${method} ${route} ${status} ${ms}ms`)
    })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    if (code === 'EADDRINUSE') {
      console.error(
        `npm start: port ${emulatorPort} (the Iterable API emulator) is in use on 127.0.0.1: stop the other server, or choose another port with EMULATOR_PORT=<port>.`
      )
    } else {
      console.error(`npm start: the emulator did not start: ${message}`)
    }
    process.exit(1)
  }
}

function tryIt(emulatorUrl: string): string {
  const identify = JSON.stringify({
    settings: { apiKey: '<api key>' },
    payload: {
      type: 'identify',
      userId: 'user-1815',
      messageId: 'msg-demo-1',
      traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'premium', createdAt: '2023-12-10T08:15:00+01:00' }
    }
  })
  const body = identify.replace('<api key>', shellKey)
  return `curl -s localhost:${servePort}/updateUser -d '${body}' && echo && curl -s ${emulatorUrl}/api/users/ada@example.com -H 'Api-Key: ${shellKey}'`
}

async function main() {
  const emulator = live ? undefined : await startEmulatorOrExplain()
  const { child: serve, url } = await startServe(serveArgs(emulator))
  const stop = (code: number) => {
    serve.kill('SIGTERM')
    void (emulator?.close() ?? Promise.resolve()).finally(() => process.exit(code))
  }
  if (!url) return stop(1)
  serve.on('exit', (code) => stop(code ?? 0))
  process.once('SIGINT', () => stop(0))
  process.once('SIGTERM', () => stop(0))

  if (!emulator) {
    console.log(`
Live mode: the destination calls the real Iterable API with the apiKey of each request's settings.
  Tester page:   ${url}/
  Ctrl-C stops it.
`)
    return
  }
  console.log(`
Iterable (Actions) is running locally.
  Tester page:                ${url}/   (open it in a browser: choose an action, send an event)
  serve (the destination):    ${url}   (GET /manifest, POST /<action>; Segment's Actions Tester can drive it)
  Iterable API emulator:      ${emulator.url}   (GET /api/users/<email>, /_emulator/state)
  API key the emulator takes: ${keyFromEnv ? 'the one in EMULATOR_API_KEY' : emulatorApiKey}

Or send a Segment identify with curl, then read the user back from the emulator:
  ${tryIt(emulator.url)}

npm start -- --live sends to the real Iterable instead. Ctrl-C stops both.
`)
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`)
  process.exit(1)
})
