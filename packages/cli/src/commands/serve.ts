import { Command, Flags } from '@oclif/core'
import { existsSync } from 'fs'
import path from 'path'
import { parseApiUrls } from '../lib/api-base-url'
import type { ApiUrlMap } from '../lib/api-base-url'
import {
  DESTINATIONS_DIR,
  destinationModules,
  displayPath,
  listDestinationDirs,
  loadDestination,
  resolveDestinationDir
} from '../lib/destinations'
import { defaultSamples, loadSamples } from '../lib/samples'
import { PortInUseError, routesOf, startServer } from '../lib/server'
import type { RunningServer } from '../lib/server'
import { watchSources } from '../lib/watch'
import type { Watcher } from '../lib/watch'

export const ACTIONS_TESTER_URL = 'https://app.segment.com/dev-center/actions-tester'

export default class Serve extends Command {
  static override summary = 'Serve a destination over HTTP for local testing, as Segment would run it.'

  static override description = `Upstream actions-cli's server: Segment's web Actions Tester (${ACTIONS_TESTER_URL}) can drive it, and a local tester page is at its root URL.

Routes (JSON in, JSON out):
  GET  /manifest            the definition: settings, actions, fields, presets
  POST /authenticate        body = settings; answers {ok: true} or {ok: false, error, fields}
  POST /refreshAccessToken  body = {settings, ...OAuth data}; 400 {ok: false, error} without OAuth
  POST /<action>            body = {payload, settings, mapping?, auth?, features?, subscriptionMetadata?}
  POST /delete              body = {payload, settings}; a destination with onDelete
  POST /createAudience      body = {settings, audienceName, personas, ...}; an audience destination
  POST /getAudience         body = {settings, externalId, ...}; an audience destination

An action (and /delete) answers 200 with every HTTP exchange the destination made ({request, response}), or on failure [{statusCode, message, stack, fields, requestError: true}]. An array payload runs the batch path; each exchange then carries each event's status (multistatus). /createAudience and /getAudience answer {externalId}, or {ok: false, error, code} with the error's status (400 when it has none). The Api-Key header and every secret setting are shown as <redacted>.

Every module the destination loads from outside node_modules is watched (its folder's files, and shared modules it imports from elsewhere): an edit reloads it without restarting the server, and the WebSocket server on the next port (PORT + 1) sends "change" to its clients.

API calls go to the real API unless --api-url sends an API origin elsewhere, such as a local emulator; the destination code knows nothing of it.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --destination iterable',
    'PORT=3002 <%= config.bin %> <%= command.id %> --destination iterable-audiences',
    '<%= config.bin %> <%= command.id %> --destination iterable --api-url https://api.iterable.com=http://127.0.0.1:4010',
    'curl -s localhost:3000/manifest'
  ]

  static override flags = {
    destination: Flags.string({
      char: 'd',
      summary: 'Destination to serve: a folder name under --directory, or a path to its folder.',
      description: 'Defaults to the only destination under --directory, when there is one.'
    }),
    directory: Flags.string({
      summary: 'Folder holding the destinations.',
      default: displayPath(DESTINATIONS_DIR)
    }),
    port: Flags.integer({
      char: 'p',
      summary: 'Port to listen on (0: any free port); the live-reload WebSocket takes the next one.',
      env: 'PORT',
      default: 3000,
      min: 0,
      max: 65534
    }),
    host: Flags.string({ summary: 'Interface to listen on.', default: '127.0.0.1' }),
    'api-url': Flags.string({
      summary: 'Send API calls under an origin to a local URL: <origin>=<url> (repeatable).',
      description: 'Such as --api-url https://api.iterable.com=http://127.0.0.1:4010. Path and query are kept.',
      multiple: true
    }),
    samples: Flags.string({
      summary: 'Module (.ts, .js or .json) exporting sampleEvents: the events the tester page starts from.'
    }),
    'profile-url': Flags.string({
      summary: 'URL that reads a user back, with {userId} or {email} (repeatable): the tester page shows it.',
      description:
        "Read with the destination's own headers (extendRequest) and redirected by --api-url. The first URL an event fills is read.",
      multiple: true
    }),
    'tester-settings': Flags.string({
      summary: 'Settings the tester page starts with, as JSON. The page shows them: never a real key.'
    }),
    watch: Flags.boolean({
      summary:
        'Reload the destination when a module it loads changes (node_modules aside), and say so on the WebSocket of PORT + 1.',
      default: true,
      allowNo: true
    })
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve)
    const dir = this.destinationDir(flags.destination, flags.directory)
    const name = path.basename(dir)
    const apiUrls = this.flagValue('--api-url', () => parseApiUrls(flags['api-url'] ?? []))
    const samplesFile = flags.samples
    const samples = samplesFile ? this.flagValue('--samples', () => loadSamples(samplesFile)) : defaultSamples()
    const testerSettingsText = flags['tester-settings']
    const testerSettings = testerSettingsText
      ? this.flagValue('--tester-settings', () => settingsJson(testerSettingsText))
      : undefined
    const liveReloadPort = flags.watch ? (flags.port === 0 ? 0 : flags.port + 1) : undefined

    let running: RunningServer
    try {
      running = await startServer({
        load: () => loadDestination(dir, { fresh: true }),
        directoryName: name,
        apiUrls,
        log: (line) => this.log(line),
        port: flags.port,
        host: flags.host,
        liveReloadPort,
        tester: { samples, settings: testerSettings, profileUrls: flags['profile-url'], apiUrls }
      })
    } catch (error) {
      if (error instanceof PortInUseError) {
        this.error(
          error.server === 'http'
            ? `Port ${error.port} is in use on ${error.host}: stop the other server, or choose another port with PORT=<port>.`
            : `Port ${error.port} is in use on ${error.host}, and serve's live-reload WebSocket takes the port after serve's own (PORT + 1): stop the other server, choose another port with PORT=<port> (the WebSocket then takes <port> + 1), or serve without live reload with --no-watch.`,
          { exit: 1 }
        )
      }
      this.error(`Could not start serving ${displayPath(dir)}: ${(error as Error).message}`, { exit: 1 })
    }

    const { definition } = running.served
    this.log(`Serving ${definition.name} from ${displayPath(dir)}`)
    this.logApiUrls(apiUrls)
    this.log(`Listening at ${running.url}`)
    for (const route of routesOf(running.served)) this.log(`  ${route}`)
    this.log(`Tester page: ${running.url}/ (samples: ${samplesFile ? displayPath(samplesFile) : "serve's own"})`)

    let watcher: Watcher | undefined
    if (flags.watch) {
      // The destination's folder, and every module it imports from elsewhere (iterable-audiences: ../iterable/...).
      const watching = watchSources(
        dir,
        (files) => {
          this.log(`${files.map(displayPath).join(', ')} changed: reloading`)
          running.reload()
          watching.setFiles(destinationModules(dir))
        },
        { onError: (error) => this.warn(`file watching failed: ${error.message}`), files: destinationModules(dir) }
      )
      watcher = watching
      const elsewhere = destinationModules(dir).filter((file) => !file.startsWith(dir + path.sep))
      const count = elsewhere.length === 1 ? 'the module' : `the ${elsewhere.length} modules`
      const imported = elsewhere.length > 0 ? ` and ${count} it imports from elsewhere` : ''
      this.log(
        `Watching ${displayPath(dir)}${imported} for changes; live reload on ws://${flags.host}:${
          running.liveReload?.port
        }`
      )
      this.log(`Segment's Actions Tester can drive this server: ${ACTIONS_TESTER_URL}`)
    }
    // A parent process (npm start) learns here that this server, not another one on the port, is up.
    process.send?.({
      ready: running.url,
      liveReloadPort: running.liveReload?.port,
      name: definition.name,
      routes: routesOf(running.served)
    })

    // A stray rejection in a destination must not take the server down: report it and keep serving.
    process.on('unhandledRejection', (reason) => this.warn(running.redact(`unhandled rejection: ${String(reason)}`)))
    const stop = () => {
      void Promise.allSettled([watcher?.close(), running.close()]).then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    process.once('disconnect', stop)
    await new Promise<void>((resolve) => running.server.once('close', resolve))
  }

  /** The folder to serve: the one named, or the only destination of the directory. */
  private destinationDir(destination: string | undefined, directory: string): string {
    const known = listDestinationDirs(directory).map((folder) => path.basename(folder))
    if (destination === undefined) {
      if (known.length === 1) return resolveDestinationDir(known[0], directory)
      this.error(
        known.length === 0
          ? `No destination under ${directory}: give --directory, or --destination with a path.`
          : `Which destination? Give --destination, one of: ${known.join(', ')}.`,
        { exit: 2 }
      )
    }
    const dir = resolveDestinationDir(destination, directory)
    if (!existsSync(path.join(dir, 'index.ts'))) {
      this.error(`No destination at ${displayPath(dir)} (no index.ts). Destinations: ${known.join(', ') || 'none'}.`, {
        exit: 1
      })
    }
    return dir
  }

  private flagValue<T>(flag: string, read: () => T): T {
    try {
      return read()
    } catch (error) {
      this.error(`${flag}: ${(error as Error).message}`, { exit: 2 })
    }
  }

  private logApiUrls(apiUrls: ApiUrlMap): void {
    const entries = Object.entries(apiUrls)
    if (entries.length === 0) this.log('API calls go to the real APIs; --api-url <origin>=<url> sends them elsewhere')
    for (const [origin, url] of entries) this.log(`API calls to ${origin} go to ${url}`)
  }
}

function settingsJson(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as unknown
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('give a JSON object')
  return value as Record<string, unknown>
}
