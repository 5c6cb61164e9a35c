import http from 'http'
import type { AddressInfo } from 'net'
import { Destination } from '@segment/actions-core'
import type { RequestClient } from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'
import type { ApiUrlMap } from './api-base-url'
import { createApp } from './app'
import type { AppOptions } from './app'
import type { ServedDestination } from './served'
import { instrument } from './instrument'
import { startLiveReload } from './live-reload'
import type { LiveReload } from './live-reload'
import { RecentSecrets } from './redact'

// The development server behind `serve`: the HTTP app (app.ts) and, as upstream, a WebSocket server on the next
// port that tells Segment's Actions Tester (and the local tester page) when the destination reloaded.

export { createApp, routesOf, mappingFor, DEFAULT_BODY_LIMIT, ALLOWED_ORIGINS } from './app'
export type { ActionAnswer } from './app'
export type { ServedDestination } from './served'

export interface ServerOptions extends AppOptions {
  /** Loads the destination definition: once at start, then on every reload. */
  load: () => AnyDestinationDefinition
  /** Sends the destination's API calls under these origins to local URLs (an emulator); see api-base-url.ts. */
  apiUrls?: ApiUrlMap
}

/** The port serve (`http`) or its live-reload WebSocket wanted is taken by another process. */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE'
  constructor(readonly port: number, readonly host: string, readonly server: 'http' | 'live-reload') {
    super(`Port ${port} is in use on ${host}`)
  }
}

export interface RunningServer {
  url: string
  port: number
  host: string
  server: http.Server
  served: ServedDestination
  /** The WebSocket server that says `change` on each reload, when one was asked for. */
  liveReload?: LiveReload
  /** Loads the definition again; keeps serving the previous one (and says why) when the new one fails to load. */
  reload: () => boolean
  /** `text` without any secret of the latest requests: for messages that belong to no request. */
  redact: (text: string) => string
  close: () => Promise<void>
}

/**
 * The Destination serve runs for a definition, built once per load. The framework caches each compiled JSON schema
 * under "<destination name>:<action title>" for the life of the process, so a reloaded definition gets a name of
 * its own, for changed fields to be validated by their new schema.
 */
export function servedDestination(
  definition: AnyDestinationDefinition,
  generation: number,
  apiUrls: ApiUrlMap = {}
): ServedDestination {
  const named = generation === 0 ? definition : { ...definition, name: `${definition.name} (reload ${generation})` }
  const destination = new Destination(instrument(withDeletionRequestsShown(named), apiUrls))
  // Each request records its own exchanges (instrument.ts); the Destination's shared list would only grow.
  for (const action of Object.values(destination.actions)) action.removeAllListeners('response')
  return { definition, destination, generation }
}

/**
 * The framework hands onDelete a plain request client, whose responses do not carry their request as an action's
 * do, so POST /delete could show none of them. Its client here adds them (request and options, as an action's
 * client does), for the deletion's requests to be recorded and answered like an action's.
 */
function withDeletionRequestsShown(definition: AnyDestinationDefinition): AnyDestinationDefinition {
  const { onDelete } = definition
  if (!onDelete) return definition
  const showRequest = (request: Request, options: unknown, response: Response) =>
    Object.assign(response, {
      request: (response as { request?: Request }).request ?? request,
      options: (response as { options?: unknown }).options ?? options
    })
  // The framework's client runs the hooks of the call's options after its own (request-client.ts, afterResponse).
  const client =
    (request: RequestClient): RequestClient =>
    (url, options) => {
      const hooks = (options as { afterResponse?: unknown[] } | undefined)?.afterResponse ?? []
      return request(url, { ...options, afterResponse: [...hooks, showRequest] } as typeof options)
    }
  return { ...definition, onDelete: (request, data) => onDelete(client(request), data) }
}

export async function startServer(
  options: ServerOptions & { port: number; host: string; liveReloadPort?: number }
): Promise<RunningServer> {
  const log = options.log ?? console.log
  const served = servedDestination(options.load(), 0, options.apiUrls)
  const recentSecrets = options.recentSecrets ?? new RecentSecrets()
  let liveReload: LiveReload | undefined
  const tester = options.tester && { ...options.tester, liveReloadPort: () => liveReload?.port }
  const server = http.createServer(createApp(served, { ...options, recentSecrets, tester }))
  await listen(server, options.port, options.host).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new PortInUseError(options.port, options.host, 'http') : error
  })
  server.on('error', (error) => log(`server error: ${error.message}`))
  const { port } = server.address() as AddressInfo
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host

  if (options.liveReloadPort !== undefined) {
    try {
      liveReload = await startLiveReload(options.liveReloadPort, options.host)
    } catch (error) {
      await closeServer(server)
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      throw inUse ? new PortInUseError(options.liveReloadPort, options.host, 'live-reload') : error
    }
  }

  const reload = () => {
    try {
      const next = servedDestination(options.load(), served.generation + 1, options.apiUrls)
      Object.assign(served, next)
      log(`reloaded ${next.definition.name}: ${Object.keys(next.definition.actions).length} actions`)
      liveReload?.broadcast('change')
      return true
    } catch (error) {
      log(`reload failed, still serving the previous version: ${(error as Error).message}`)
      return false
    }
  }

  const close = async () => {
    await Promise.all([closeServer(server), liveReload?.close()])
  }

  const redact = (text: string) => recentSecrets.redact(text)
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host: options.host,
    server,
    served,
    liveReload,
    reload,
    redact,
    close
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeAllConnections()
  })
}
