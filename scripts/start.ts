// `npm start`: the Iterable API emulator and `serve` together, so the whole product runs on a fresh machine with no
// Iterable account. The destination's calls to Iterable's API origins go to the emulator through serve's --api-url;
// neither the destination nor the CLI knows of it. `npm start -- --live` serves against the real Iterable API instead.
import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import path from 'path'
import { BASE_URLS } from '@local/destination-actions'
import { optionsFromEnv, startEmulator } from '@local/iterable-emulator'
import type { Emulator } from '@local/iterable-emulator'

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

/** The events the tester page starts from: Engage's audience events for the audience destination. */
const SAMPLES: Record<string, string> = {
  iterable: 'scripts/sample-events.ts',
  'iterable-audiences': 'scripts/audience-sample-events.ts'
}

/** Where the tester page reads back what a request changed: the user (by email first, else by userId), and a list. */
const PROFILE_URLS = [
  `${BASE_URLS.united_states}/api/users/{email}`,
  `${BASE_URLS.united_states}/api/users/byUserId/{userId}`,
  // The list's users, for the audience destination's read-back.
  `${BASE_URLS.united_states}/api/lists/getUsers?listId={listId}`
]

function serveArgs(emulator: Emulator | undefined): string[] {
  const args = ['serve', '--destination', destination]
  // Another destination gets serve's own samples (one event of each type).
  const samples = Object.prototype.hasOwnProperty.call(SAMPLES, destination) ? SAMPLES[destination] : undefined
  if (samples) args.push('--samples', path.join(repoRoot, samples))
  if (!emulator) return args
  for (const origin of Object.values(BASE_URLS)) args.push('--api-url', `${origin}=${emulator.url}`)
  for (const url of PROFILE_URLS) args.push('--profile-url', url)
  if (!keyFromEnv) args.push('--tester-settings', JSON.stringify({ apiKey: DEMO_KEY }))
  return args
}

/** What serve reports over the IPC channel once it listens: its URL, and the destination's name and routes. */
interface Ready {
  url: string
  name: string
  routes: string[]
}

/**
 * Starts serve and resolves with what it serves once it listens, or without when it exits first (a port in use:
 * serve says which and how to change it). serve reports over the IPC channel, so another server already on the port
 * can never pass for it.
 */
function startServe(args: string[]): Promise<{ child: ChildProcess; ready?: Ready }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/run'), ...args], {
    cwd: repoRoot,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PORT: String(servePort) }
  })
  return new Promise((resolve) => {
    child.once('message', (message: { ready?: string; name?: string; routes?: string[] }) =>
      resolve({
        child,
        ready: message.ready
          ? { url: message.ready, name: message.name ?? destination, routes: message.routes ?? [] }
          : undefined
      })
    )
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

/** The JSON of a request body in a single-quoted shell argument, the key read from the shell when it came from one. */
const shellJson = (body: object) => `'${JSON.stringify(body).replace('<api key>', shellKey)}'`

/**
 * A curl to paste for the destination served: an identify to updateUser read back from the emulator; for an audience
 * destination, an audience created, a user entering it (Engage's identify) and the list read back.
 */
function tryIt({ url, routes }: Ready, emulatorUrl: string): { what: string; commands: string[] } {
  const has = (route: string) => routes.includes(`POST /${route}`)
  const readKey = `-H 'Api-Key: ${shellKey}'`
  if (has('createAudience') && has('syncAudience')) {
    const settings = { apiKey: '<api key>', iterableProjectType: 'hybrid' }
    const personas = { computation_key: 'vip', computation_id: 'aud_demo_1', namespace: 'spa_demo' }
    const created = shellJson({ settings, audienceName: 'VIP', personas })
    const event = {
      type: 'identify',
      userId: 'user-1815',
      messageId: 'msg-demo-1',
      traits: { email: 'ada@example.com', vip: true },
      context: { personas: { ...personas, computation_class: 'audience', external_audience_id: '<list id>' } }
    }
    const sync = shellJson({ settings, payload: event }).replace('<list id>', `'"$LIST_ID"'`)
    return {
      what: 'Or create an audience (an Iterable list) with curl, add a user to it as Engage does, then read the list back from the emulator:',
      commands: [
        `LIST_ID=$(curl -s ${url}/createAudience -d ${created} | sed -E 's/.*"externalId":"([0-9]+)".*/\\1/') && echo "list $LIST_ID"`,
        `curl -s ${url}/syncAudience -d ${sync} && echo`,
        `curl -s "${emulatorUrl}/api/lists/getUsers?listId=$LIST_ID" ${readKey}`
      ]
    }
  }
  if (has('updateUser')) {
    const identify = {
      settings: { apiKey: '<api key>' },
      payload: {
        type: 'identify',
        userId: 'user-1815',
        messageId: 'msg-demo-1',
        traits: { email: 'ada@example.com', firstName: 'Ada', plan: 'premium', createdAt: '2023-12-10T08:15:00+01:00' }
      }
    }
    return {
      what: 'Or send a Segment identify with curl, then read the user back from the emulator:',
      commands: [
        `curl -s ${url}/updateUser -d ${shellJson(
          identify
        )} && echo && curl -s ${emulatorUrl}/api/users/ada@example.com ${readKey}`
      ]
    }
  }
  return { what: "Or read the destination's definition with curl:", commands: [`curl -s ${url}/manifest`] }
}

async function main() {
  const emulator = live ? undefined : await startEmulatorOrExplain()
  const { child: serve, ready } = await startServe(serveArgs(emulator))
  const stop = (code: number) => {
    serve.kill('SIGTERM')
    void (emulator?.close() ?? Promise.resolve()).finally(() => process.exit(code))
  }
  if (!ready) return stop(1)
  serve.on('exit', (code) => stop(code ?? 0))
  process.once('SIGINT', () => stop(0))
  process.once('SIGTERM', () => stop(0))
  const { url, name } = ready

  if (!emulator) {
    console.log(`
Live mode: ${name} calls the real Iterable API with the apiKey of each request's settings.
  Tester page:   ${url}/
  Ctrl-C stops it.
`)
    return
  }
  const { what, commands } = tryIt(ready, emulator.url)
  console.log(`
${name} is running locally.
  Tester page:                ${url}/   (open it in a browser: choose an action, send an event)
  serve (the destination):    ${url}   (GET /manifest, POST /<action>; Segment's Actions Tester can drive it)
  Iterable API emulator:      ${emulator.url}   (GET /api/users/<email>, /_emulator/state)
  API key the emulator takes: ${keyFromEnv ? 'the one in EMULATOR_API_KEY' : emulatorApiKey}

${what}
${commands.map((command) => `  ${command}`).join('\n')}

npm start -- --live sends to the real Iterable instead. Ctrl-C stops both.
`)
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`)
  process.exit(1)
})
