import { Command, Flags } from '@oclif/core'
import { existsSync } from 'fs'
import path from 'path'
import { KNOWN_APIS, normalizeBaseUrl, type BaseUrlOverride } from '../lib/api-base-url'
import {
  DESTINATIONS_DIR,
  displayPath,
  listDestinationDirs,
  loadDestination,
  resolveDestinationDir
} from '../lib/destinations'
import { routesOf, startServer, type RunningServer } from '../lib/server'
import { watchSources, type Watcher } from '../lib/watch'

export default class Serve extends Command {
  static override summary = 'Serve a destination over HTTP for local testing, as Segment would run it.'

  static override description = `Routes (JSON in, JSON out):
  GET  /manifest      the definition: settings, actions, fields, presets
  POST /authenticate  body = settings; answers {ok: true} or {ok: false, error}
  POST /<action>      body = {payload, settings, mapping?, auth?}

An action answers 200 with every HTTP exchange the destination made ({request, response}), then {multistatus} when the payload is an array (the batch path), then {statusCode, message, requestError: true} when it failed. The Api-Key header and every secret setting are shown as <redacted>.

The destination's files are watched: an edit reloads it without restarting the server.

API calls go to the real API unless --api-url (or $ITERABLE_API_URL for Iterable) names another base URL, such as a local emulator; the destination code knows nothing of it.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    'PORT=3001 <%= config.bin %> <%= command.id %> --destination iterable',
    'ITERABLE_API_URL=http://127.0.0.1:4010 <%= config.bin %> <%= command.id %>',
    'curl -s localhost:3000/manifest'
  ]

  static override flags = {
    destination: Flags.string({
      char: 'd',
      summary: 'Destination to serve: a folder name under --directory, or a path to its folder.',
      default: 'iterable'
    }),
    directory: Flags.string({
      summary: 'Folder holding the destinations.',
      default: displayPath(DESTINATIONS_DIR)
    }),
    port: Flags.integer({
      char: 'p',
      summary: 'Port to listen on (0: any free port).',
      env: 'PORT',
      default: 3000,
      min: 0,
      max: 65535
    }),
    host: Flags.string({ summary: 'Interface to listen on.', default: '127.0.0.1' }),
    'api-url': Flags.string({
      summary: "Send the destination's API calls to this base URL instead of the real API.",
      description: `Defaults to the destination's environment variable: ${Object.entries(KNOWN_APIS)
        .map(([name, api]) => `$${api.env} for ${name}`)
        .join(', ')}.`
    }),
    watch: Flags.boolean({ summary: 'Reload the destination when its files change.', default: true, allowNo: true })
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Serve)
    const dir = resolveDestinationDir(flags.destination, flags.directory)
    if (!existsSync(path.join(dir, 'index.ts'))) {
      const known = listDestinationDirs(flags.directory).map((folder) => path.basename(folder))
      this.error(`No destination at ${displayPath(dir)} (no index.ts). Destinations: ${known.join(', ') || 'none'}.`, {
        exit: 1
      })
    }
    const name = path.basename(dir)
    const baseUrlOverride = this.baseUrlOverride(name, flags['api-url'])

    let running: RunningServer
    try {
      running = await startServer({
        load: () => loadDestination(dir, { fresh: true }),
        directoryName: name,
        baseUrlOverride,
        log: (line) => this.log(line),
        port: flags.port,
        host: flags.host
      })
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException
      if (code === 'EADDRINUSE') {
        this.error(
          `Port ${flags.port} is in use on ${flags.host}: stop the other server, or choose a port with PORT=<port>.`,
          { exit: 1 }
        )
      }
      this.error(`Could not start serving ${displayPath(dir)}: ${message}`, { exit: 1 })
    }

    const { definition } = running.served
    this.log(`Serving ${definition.name} from ${displayPath(dir)}`)
    const api = KNOWN_APIS[name]
    if (baseUrlOverride) this.log(`API calls to ${baseUrlOverride.from.join(', ')} go to ${baseUrlOverride.to}`)
    else if (api)
      this.log(`API calls go to the real API (${api.origins.join(', ')}); set ${api.env} to send them elsewhere`)
    this.log(`Listening at ${running.url}`)
    for (const route of routesOf(definition)) this.log(`  ${route}`)

    let watcher: Watcher | undefined
    if (flags.watch) {
      watcher = watchSources(
        dir,
        (files) => {
          this.log(`${files.map(displayPath).join(', ')} changed: reloading`)
          running.reload()
        },
        { onError: (error) => this.warn(`file watching failed: ${error.message}`) }
      )
      this.log(`Watching ${displayPath(dir)} for changes`)
    }

    // A stray rejection in a destination must not take the server down: report it and keep serving.
    process.on('unhandledRejection', (reason) => this.warn(running.redact(`unhandled rejection: ${String(reason)}`)))
    const stop = () => {
      void Promise.allSettled([watcher?.close(), running.close()]).then(() => process.exit(0))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    await new Promise<void>((resolve) => running.server.once('close', resolve))
  }

  private baseUrlOverride(name: string, flagValue: string | undefined): BaseUrlOverride | undefined {
    const api = KNOWN_APIS[name]
    const value = flagValue ?? (api ? process.env[api.env] : undefined)
    if (!value) return undefined
    if (!api) {
      this.error(
        `--api-url: the CLI does not know which API origins ${name} calls (it knows ${Object.keys(KNOWN_APIS).join(', ')})`
      )
    }
    try {
      return { from: api.origins, to: normalizeBaseUrl(value) }
    } catch (error) {
      this.error(`${flagValue ? '--api-url' : api.env}: ${(error as Error).message}`)
    }
  }
}
