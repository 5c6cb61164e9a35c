import { optionsFromEnv } from './config'
import { startEmulator } from './server'

// `npm run emulator`: starts the emulator on EMULATOR_PORT (or PORT, or 4010) and prints how to reach it.
// Request lines show method, path (never a query string, which may carry `api_key`), status and time.

const DEFAULT_PORT = 4010

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env)
  const quiet = process.env.EMULATOR_QUIET === '1'
  const emulator = await startEmulator({
    ...options,
    port: options.port ?? DEFAULT_PORT,
    log: quiet
      ? undefined
      : ({ method, path, status, ms }) =>
          console.log(`${method} ${path} → ${status === 0 ? 'dropped' : status} (${ms} ms)`)
  })

  const faults = emulator.faults()
  // A key given in EMULATOR_API_KEY may be a real one: it is never printed, the examples read it from the shell.
  const keyFromEnv = Boolean(process.env.EMULATOR_API_KEY?.trim())
  const shellKey = keyFromEnv ? `'"$EMULATOR_API_KEY"'` : emulator.apiKey
  console.log(`Iterable API emulator listening on ${emulator.url}`)
  console.log(`Accepted API key (header Api-Key): ${keyFromEnv ? 'the one in EMULATOR_API_KEY' : emulator.apiKey}`)
  console.log(`Rate limits: ${options.rateLimits === false ? 'off' : 'on'}`)
  if (Object.keys(faults).length > 0) console.log(`Faults: ${JSON.stringify(faults)}`)
  console.log(`State: ${emulator.url}/_emulator/state   Reset: POST ${emulator.url}/_emulator/reset`)
  console.log('Try:')
  console.log(
    `  curl -s -X POST ${emulator.url}/api/users/update -H 'Api-Key: ${shellKey}' -H 'Content-Type: application/json' -d '{"email":"jane@example.com","dataFields":{"plan":"pro"}}'`
  )
  console.log(`  curl -s ${emulator.url}/api/users/jane@example.com -H 'Api-Key: ${shellKey}'`)

  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(`Could not start the Iterable API emulator: ${(error as Error).message ?? String(error)}`)
  process.exit(1)
})
