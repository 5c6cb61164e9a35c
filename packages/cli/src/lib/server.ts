import http from 'http'
import type { AddressInfo } from 'net'
import express, { type NextFunction, type Request, type Response } from 'express'
import {
  Destination,
  IntegrationError,
  defaultValues,
  type InputField,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'
import { withBaseUrlOverride, type BaseUrlOverride } from './api-base-url'
import { describeFailure, summarizeExchanges, type Exchange, type RequestFailure } from './exchanges'
import { RecentSecrets, redactDeep, redactText, secretValues } from './redact'

// The development server behind `serve`: upstream actions-cli's routes and answer shapes, run through the framework
// (`Destination`, `Action.execute`, `Destination.executeBatch`) exactly as Segment runs a destination.

export const DEFAULT_BODY_LIMIT = '5mb'

export interface ServerOptions {
  /** Loads the destination definition: once at start, then on every reload. */
  load: () => AnyDestinationDefinition
  /** The destination's folder name, reported by GET /manifest as upstream does. */
  directoryName?: string
  /** Sends the destination's API calls to another base URL (an emulator); see api-base-url.ts. */
  baseUrlOverride?: BaseUrlOverride
  /** Where the one-line-per-request log goes (console.log by default). */
  log?: (line: string) => void
  /** Largest request body accepted (413 beyond it). */
  bodyLimit?: string | number
  /** Remembers every request's secrets, to redact text made outside a request (see RunningServer.redact). */
  recentSecrets?: RecentSecrets
}

/** The definition being served. Reloading replaces it; the app reads it on every request, so routes follow. */
export interface ServedDestination {
  definition: AnyDestinationDefinition
  generation: number
}

/** What POST /:action answers with status 200. */
export type ActionAnswer = Array<Exchange | RequestFailure | { multistatus: unknown[] }>

type Body = Record<string, unknown>
type AuthTokens = NonNullable<Parameters<Destination['executeBatch']>[1]['auth']>
type ExecuteBundle = Parameters<Destination['actions'][string]['execute']>[0]

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

export function createApp(served: ServedDestination, options: ServerOptions): express.Express {
  const log = options.log ?? console.log
  const app = express()
  app.disable('x-powered-by')

  // One log line per request, written when the answer is sent. Paths only: a query string is never logged.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint()
    let logged = false
    const done = () => {
      if (logged) return
      logged = true
      const ms = Math.round(Number(process.hrtime.bigint() - startedAt) / 1e6)
      const secrets = (res.locals.secrets as string[] | undefined) ?? []
      const note = res.locals.logNote ? ` - ${String(res.locals.logNote).slice(0, 200)}` : ''
      log(redactText(`${req.method} ${req.path} ${res.statusCode} ${ms}ms${note}`, secrets))
    }
    res.once('finish', done)
    res.once('close', done)
    next()
  })

  // Any content type is read as JSON: `curl -d '{...}'` sends form encoding by default, and is still meant as JSON.
  app.use(express.json({ limit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, type: () => true }))

  app.get('/', (_req, res) => {
    const { definition } = served
    res.json({ destination: definition.name, slug: definition.slug, routes: routesOf(definition) })
  })

  app.get('/manifest', (_req, res) => {
    res.json({ ...served.definition, directoryName: options.directoryName })
  })

  app.post('/authenticate', async (req, res) => {
    const settings = objectOrEmpty(req.body, 'the body (the settings)')
    const definition = served.definition
    const secrets = secretValues(definition, settings)
    res.locals.secrets = secrets
    options.recentSecrets?.remember(secrets)
    const destination = new Destination(executable(served, options))
    try {
      await destination.testAuthentication(settings)
      res.json({ ok: true })
    } catch (error) {
      const failure = describeFailure(error)
      res.json(
        redactDeep({ ok: false, error: failure.message, ...(failure.fields && { fields: failure.fields }) }, secrets)
      )
    }
  })

  app.post('/:action', async (req, res) => {
    const slug = req.params.action
    const definition = served.definition
    // Known before anything can fail, so that no answer or log line of this request shows a secret it carries.
    const raw = (req.body ?? {}) as Body
    const secrets = secretValues(definition, raw.settings, raw.auth)
    res.locals.secrets = secrets
    options.recentSecrets?.remember(secrets)
    if (!Object.prototype.hasOwnProperty.call(definition.actions, slug)) {
      const error = `Unknown action "${slug}". ${definition.name} has: ${Object.keys(definition.actions).join(', ')}.`
      res.status(404).json({ error: redactText(error, secrets) })
      return
    }
    const body = objectOrEmpty(req.body, 'the body')
    const payload = body.payload
    const settings = objectOrEmpty(body.settings, '"settings"')
    const auth = body.auth === undefined ? undefined : objectOrEmpty(body.auth, '"auth"')
    checkPayload(payload)
    const mapping = mappingFor(definition.actions[slug].fields, body.mapping, body.useDefaultMappings)

    const destination = new Destination(executable(served, options))
    const answer: ActionAnswer = []
    let failure: RequestFailure | undefined
    let multistatus: unknown[] | undefined
    try {
      destination.validateSettings(settings)
      const action = destination.actions[slug]
      if (Array.isArray(payload)) {
        if (!action.hasBatchSupport) {
          throw new IntegrationError(
            `The ${slug} action has no batch support (no performBatch), so an array payload cannot be sent to it. Send "payload" as one event object.`,
            'NotImplemented',
            501
          )
        }
        multistatus = await destination.executeBatch(slug, {
          events: payload as SegmentEvent[],
          mapping,
          settings,
          auth: auth as AuthTokens | undefined
        })
      } else {
        await action.execute({
          data: payload as ExecuteBundle['data'],
          mapping,
          settings,
          auth: auth as AuthTokens | undefined,
          audienceSettings: (payload as SegmentEvent).context?.personas?.audience_settings ?? {}
        })
      }
    } catch (error) {
      failure = describeFailure(error)
    }
    answer.push(...(await summarizeExchanges(destination.responses)))
    if (multistatus) answer.push({ multistatus })
    if (failure) {
      answer.push(failure)
      res.locals.logNote = `${failure.statusCode} ${failure.message}`
    }
    res.json(redactDeep(answer, secrets))
  })

  app.all('/:action', (req, res) => {
    if (Object.prototype.hasOwnProperty.call(served.definition.actions, req.params.action)) {
      res
        .set('Allow', 'POST')
        .status(405)
        .json({ error: `Use POST for /${req.params.action}` })
    } else {
      res.status(404).json({ error: `Not found: ${req.method} ${req.path}`, routes: routesOf(served.definition) })
    }
  })

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `Not found: ${req.method} ${req.path}`, routes: routesOf(served.definition) })
  })

  // Express sends errors thrown in handlers (sync or async) here. Nothing reaches the process: serve never crashes.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = readableError(error, options.bodyLimit ?? DEFAULT_BODY_LIMIT)
    const secrets = (res.locals.secrets as string[] | undefined) ?? []
    if (status >= 500) res.locals.logNote = message
    if (res.headersSent) return
    res.status(status).json({ error: redactText(message, secrets) })
  })

  return app
}

/** The definition as the framework runs it: reload-safe name, and API calls sent where the override says. */
function executable(served: ServedDestination, options: ServerOptions): AnyDestinationDefinition {
  const { definition, generation } = served
  // The framework caches each compiled JSON schema under "<destination name>:<action title>" for the life of the
  // process. A reloaded definition gets a name of its own, so that changed fields are validated by their new schema.
  const named = generation === 0 ? definition : { ...definition, name: `${definition.name} (reload ${generation})` }
  return withBaseUrlOverride(named, options.baseUrlOverride)
}

export function routesOf(definition: AnyDestinationDefinition): string[] {
  return ['GET /manifest', 'POST /authenticate', ...Object.keys(definition.actions).map((slug) => `POST /${slug}`)]
}

/**
 * The mapping to run: the action's default mappings (what the Segment UI pre-fills), with the request's own
 * `mapping` keys over them. `useDefaultMappings: false` runs the request's mapping alone, as a saved mapping runs.
 */
export function mappingFor(
  fields: Record<string, InputField>,
  mapping: unknown,
  useDefaultMappings: unknown
): JSONObject {
  const own = mapping === undefined || mapping === null ? {} : objectOrEmpty(mapping, '"mapping"')
  if (useDefaultMappings === false) return own as JSONObject
  return { ...defaultValues(fields), ...own } as JSONObject
}

function checkPayload(payload: unknown): void {
  const isEvent = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value)
  if (payload === undefined) {
    throw new BadRequest(
      'The body needs "payload": a Segment event object, or an array of events for the batch path. Optional: "settings", "mapping", "auth".'
    )
  }
  if (Array.isArray(payload)) {
    if (payload.length === 0) throw new BadRequest('"payload" is an empty array: a batch needs at least one event.')
    const bad = payload.findIndex((event) => !isEvent(event))
    if (bad >= 0) throw new BadRequest(`"payload[${bad}]" is not an object: every event of a batch is a JSON object.`)
    return
  }
  if (!isEvent(payload)) {
    throw new BadRequest('"payload" must be a Segment event object, or an array of events for the batch path.')
  }
}

function objectOrEmpty(value: unknown, what: string): Body {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(`${what[0].toUpperCase()}${what.slice(1)} must be a JSON object.`)
  }
  return value as Body
}

/** Body-parser errors carry a `type`; they become 400 (bad JSON), 413 (too large) or 415 (encoding). */
function readableError(error: unknown, limit: string | number): { status: number; message: string } {
  if (error instanceof BadRequest) return { status: error.status, message: error.message }
  const { type, status, message } = (error ?? {}) as { type?: string; status?: number; message?: string }
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, message: `The body is not valid JSON (${jsonErrorDetail(message)}).` }
    case 'entity.too.large':
      return { status: 413, message: `The body is larger than the ${String(limit)} limit.` }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: message ?? 'Unsupported body encoding.' }
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, message: message ?? 'The body could not be read.' }
  }
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, message: message ?? 'Bad request' }
  return { status: 500, message: `Internal error in serve: ${message ?? String(error)}` }
}

/** The parser's reason, without the piece of the body V8 quotes in some messages (the body may hold a key). */
function jsonErrorDetail(message: string | undefined): string {
  if (!message) return 'parse error'
  const quoted = /^(Unexpected token)\b.* is not valid JSON$/s.exec(message)
  return quoted ? quoted[1].toLowerCase() : message
}

export interface RunningServer {
  url: string
  port: number
  host: string
  server: http.Server
  served: ServedDestination
  /** Loads the definition again; keeps serving the previous one (and says why) when the new one fails to load. */
  reload: () => boolean
  /** `text` without any secret of the latest requests: for messages that belong to no request. */
  redact: (text: string) => string
  close: () => Promise<void>
}

export async function startServer(options: ServerOptions & { port: number; host: string }): Promise<RunningServer> {
  const log = options.log ?? console.log
  const served: ServedDestination = { definition: options.load(), generation: 0 }
  const recentSecrets = options.recentSecrets ?? new RecentSecrets()
  const server = http.createServer(createApp(served, { ...options, recentSecrets }))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => log(`server error: ${error.message}`))
  const { port } = server.address() as AddressInfo
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host

  const reload = () => {
    try {
      const definition = options.load()
      served.definition = definition
      served.generation += 1
      log(`reloaded ${definition.name}: ${Object.keys(definition.actions).length} actions`)
      return true
    } catch (error) {
      log(`reload failed, still serving the previous version: ${(error as Error).message}`)
      return false
    }
  }

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })

  const redact = (text: string) => recentSecrets.redact(text)
  return { url: `http://${urlHost}:${port}`, port, host: options.host, server, served, reload, redact, close }
}
