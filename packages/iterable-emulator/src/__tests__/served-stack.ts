import { loadDestination, resolveDestinationDir } from '../../../cli/src/lib/destinations'
import { startServer } from '../../../cli/src/lib/server'
import type { RunningServer } from '../../../cli/src/lib/server'
import { BASE_URLS } from '../../../destination-actions/src/destinations/iterable/iterable-api'
import { startEmulator } from '..'
import type { Emulator, EmulatorOptions } from '..'

// The end-to-end tests' stack, as `npm start` wires it: the emulator, and serve running a destination of this
// repository with Iterable's two origins sent to the emulator (`--api-url <origin>=<url>`).

export interface ServedStack {
  emulator: Emulator
  serve: RunningServer
  close: () => Promise<unknown>
}

export async function startServedStack(
  emulatorOptions: EmulatorOptions & { apiKey: string },
  { destination = 'iterable', log = () => undefined }: { destination?: string; log?: (line: string) => void } = {}
): Promise<ServedStack> {
  // Every option explicit: nothing of the environment (EMULATOR_RATE_LIMITS, EMULATOR_ERROR_RATE, ...) leaks in.
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    rateLimits: false,
    faults: {},
    createNewFields: true,
    disallowedEventNames: [],
    forgottenEmails: [],
    forgottenUserIds: [],
    ...emulatorOptions
  })
  try {
    const serve = await startServer({
      load: () => loadDestination(resolveDestinationDir(destination)),
      directoryName: destination,
      apiUrls: Object.fromEntries(Object.values(BASE_URLS).map((origin) => [origin, emulator.url])),
      log,
      port: 0,
      host: '127.0.0.1'
    })
    return { emulator, serve, close: () => Promise.allSettled([serve.close(), emulator.close()]) }
  } catch (error) {
    await emulator.close()
    throw error
  }
}
