import express from 'express'
import type { NextFunction, Request, Response } from 'express'
import cors from 'cors'
import { HTTPError, IntegrationError, defaultValues } from '@segment/actions-core'
import type { Destination, InputField, JSONObject, SegmentEvent } from '@segment/actions-core'
import { describeFailure, summarizeExchanges } from './exchanges'
import type { Exchange, RequestFailure } from './exchanges'
import { recordResponses } from './instrument'
import { RecentSecrets, redactDeep, redactText, secretValues } from './redact'
import type { ServedDestination } from './served'
import { testerRouter } from './tester'
import type { TesterOptions } from './tester'

// The routes of serve: upstream actions-cli's (packages/cli/src/lib/server.ts), with its answer shapes, run through
// the framework (`Destination`, `Action.execute`, `Destination.executeBatch`) exactly as Segment runs a destination;
// and the local tester page (tester.ts).

export const DEFAULT_BODY_LIMIT = '5mb'

/** The origins of Segment's web Actions Tester, which calls serve from the browser; upstream allows exactly these. */
export const ALLOWED_ORIGINS = [
  'https://app.segment.com',
  'https://eu1.app.segment.com',
  'https://app.segment.build',
  'https://eu1.app.segment.build',
  'http://localhost:8000'
]

/** The definition being served and the Destination built from it, both replaced on each reload. */
export interface AppOptions {
  /** The destination's folder name, reported by GET /manifest as upstream does. */
  directoryName?: string
  /** Where the one-line-per-request log goes (console.log by default). */
  log?: (line: string) => void
  /** Largest request body accepted (413 beyond it). */
  bodyLimit?: string | number
  /** Remembers every request's secrets, to redact text made outside a request. */
  recentSecrets?: RecentSecrets
  tester?: TesterOptions
}

/** What POST /:action answers with status 200: upstream's exchanges, or its failure alone. */
export type ActionAnswer = Array<(Exchange & { multistatus?: unknown[] }) | (RequestFailure & Extras)>

/** Ours, on upstream's failure object: the exchanges made before the failure; for a batch, each event's status. */
interface Extras {
  exchanges?: Exchange[]
  multistatus?: unknown[]
}

type Body = JSONObject
type Bundle = Parameters<Destination['actions'][string]['execute']>[0]
type AuthTokens = NonNullable<Bundle['auth']>

export class BadRequest extends Error {
  constructor(message: string, readonly status = 400) {
    super(message)
  }
}

export function createApp(served: ServedDestination, options: AppOptions): express.Express {
  const log = options.log ?? console.log
  const app = express()
  app.disable('x-powered-by')

  // As upstream: the Actions Tester's origins may call serve from the browser (preflight answered); for any other
  // origin the answer carries no Access-Control-Allow-Origin, so the browser refuses to hand it to the page.
  app.use(cors({ origin: ALLOWED_ORIGINS }))

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

  /** The request's secrets, known before anything can fail, so that no answer or log line of it shows one. */
  const secretsOf = (res: Response, settings: unknown, auth?: unknown): string[] => {
    const secrets = secretValues(served.definition, settings, auth)
    res.locals.secrets = secrets
    options.recentSecrets?.remember(secrets)
    return secrets
  }

  app.get('/', (req, res, next) => {
    // A browser gets the tester page; curl and scripts (Accept: */*) the destination's name and routes.
    if (options.tester && req.accepts(['json', 'html']) === 'html') return next()
    const { definition } = served
    res.json({ destination: definition.name, slug: definition.slug, routes: routesOf(served) })
  })

  app.get('/manifest', (_req, res) => {
    res.json({ ...served.definition, directoryName: options.directoryName })
  })

  app.post('/authenticate', async (req, res) => {
    const settings = objectOrEmpty(req.body, 'the body (the settings)')
    const secrets = secretsOf(res, settings)
    try {
      await served.destination.testAuthentication(settings)
      res.json({ ok: true })
    } catch (error) {
      const failure = describeFailure(error)
      res.json(redactDeep({ ok: false, error: failure.message, fields: failure.fields ?? {} }, secrets))
    }
  })

  // Always mounted, as upstream: a destination without OAuth answers 400 with the framework's reason.
  app.post('/refreshAccessToken', async (req, res) => {
    const body = objectOrEmpty(req.body, 'the body')
    const settings = objectOrEmpty(body.settings, '"settings"')
    const secrets = secretsOf(res, settings, body)
    try {
      const data = await served.destination.refreshAccessToken(settings, body as never)
      res.json(redactDeep({ ok: true, data }, secrets))
    } catch (error) {
      res.status(400).json(redactDeep({ ok: false, error: await apiAnswerOr(error) }, secrets))
    }
  })

  // Answered as an action is: the requests the deletion made and their answers, or the failure (server.ts shows the
  // onDelete client's requests, which the framework does not record).
  app.post('/delete', async (req, res, next) => {
    const { destination } = served
    const onDelete = destination.onDelete?.bind(destination)
    if (!onDelete) return next()
    const body = objectOrEmpty(req.body, 'the body')
    const secrets = secretsOf(res, body.settings)
    const run = await recordResponses(() => onDelete((body.payload ?? {}) as never, (body.settings ?? {}) as never))
    sendAnswer(res, await answerFor(run.responses, run.error), secrets)
  })

  // Upstream answers every failure 400 {ok: false, error}; ours keeps that body (with the error's `code`) and answers
  // with the error's own status where it has one: 404 AUDIENCE_NOT_FOUND, 422 MISSING_REQUIRED_FIELD.
  for (const route of ['createAudience', 'getAudience'] as const) {
    app.post(`/${route}`, async (req, res, next) => {
      const audienceConfig = (served.definition as { audienceConfig?: Record<string, unknown> }).audienceConfig
      if (!audienceConfig?.[route]) return next()
      const secrets = secretsOf(res, (req.body as Body | undefined)?.settings)
      try {
        res.json(redactDeep(await served.destination[route](req.body as never), secrets))
      } catch (error) {
        const { status, code } = audienceFailure(error)
        const message = await apiAnswerOr(error)
        res.locals.logNote = typeof message === 'string' ? message : JSON.stringify(message)
        res.status(status).json(redactDeep({ ok: false, error: message, ...(code !== undefined && { code }) }, secrets))
      }
    })
  }

  if (options.tester) app.use(testerRouter(served, options.tester, secretsOf))

  app.post('/:action', async (req, res, next) => {
    const slug = req.params.action
    const { definition, destination } = served
    const raw = (req.body ?? {}) as Body
    const secrets = secretsOf(res, raw.settings, raw.auth)
    if (!Object.prototype.hasOwnProperty.call(definition.actions, slug)) return next()
    const body = objectOrEmpty(req.body, 'the body')
    const payload = body.payload
    const settings = objectOrEmpty(body.settings, '"settings"')
    const auth = body.auth === undefined ? undefined : (objectOrEmpty(body.auth, '"auth"') as unknown as AuthTokens)
    checkPayload(payload)
    const mapping = mappingFor(definition.actions[slug].fields, body.mapping, body.useDefaultMappings)
    const common = {
      mapping,
      settings,
      auth,
      features: (body.features ?? {}) as Bundle['features'],
      subscriptionMetadata: (body.subscriptionMetadata ?? {}) as Bundle['subscriptionMetadata']
    }

    const action = destination.actions[slug]
    const run = await recordResponses(async () => {
      destination.validateSettings(settings)
      if (!Array.isArray(payload)) {
        await action.execute({
          ...common,
          data: payload as Bundle['data'],
          audienceSettings: (payload as unknown as SegmentEvent).context?.personas?.audience_settings ?? {}
        })
        return undefined
      }
      if (!action.hasBatchSupport) {
        throw new IntegrationError(
          `The ${slug} action has no batch support (no performBatch), so an array payload cannot be sent to it. Send "payload" as one event object.`,
          'NotImplemented',
          501
        )
      }
      return (await destination.executeBatch(slug, {
        ...common,
        events: payload as unknown as SegmentEvent[]
      })) as unknown[]
    })
    sendAnswer(res, await answerFor(run.responses, run.error, run.result), secrets)
  })

  // Dynamic fields and hooks, where the action defines them, as upstream mounts them.
  app.post('/:action/:field', async (req, res, next) => {
    const { action: slug, field } = req.params
    const action = served.destination.actions[slug]
    if (!Object.prototype.hasOwnProperty.call(served.destination.actions, slug) || !action.definition.dynamicFields) {
      return next()
    }
    if (!Object.prototype.hasOwnProperty.call(action.definition.dynamicFields, field)) return next()
    const body = objectOrEmpty(req.body, 'the body')
    const secrets = secretsOf(res, body.settings, body.auth)
    try {
      const result = await action.executeDynamicField(field, dynamicFieldData(body) as never)
      if (result.error) throw result.error
      res.json(redactDeep(result, secrets))
    } catch (error) {
      res.status(500).json(redactDeep([error], secrets))
    }
  })

  /** The hook an action defines under that name, if any. */
  const hookOf = (slug: string, hook: string) => {
    if (!Object.prototype.hasOwnProperty.call(served.destination.actions, slug)) return undefined
    const action = served.destination.actions[slug]
    const hooks = (action.definition.hooks ?? {}) as Record<string, { inputFields?: Record<string, unknown> }>
    return Object.prototype.hasOwnProperty.call(hooks, hook) ? { action, definition: hooks[hook] } : undefined
  }

  app.post('/:action/hooks/:hook', async (req, res, next) => {
    const found = hookOf(req.params.action, req.params.hook)
    if (!found) return next()
    const body = objectOrEmpty(req.body, 'the body')
    const secrets = secretsOf(res, body.settings, body.auth)
    try {
      const data = { ...dynamicFieldData(body), hookInputs: body.hookInputs ?? {}, hookOutputs: body.hookOutputs ?? {} }
      const result = await found.action.executeHook(req.params.hook as never, data as never)
      if (result.error) throw result.error
      res.json(redactDeep(result, secrets))
    } catch (error) {
      res.status(500).json(redactDeep([error], secrets))
    }
  })

  app.post('/:action/hooks/:hook/dynamic/:field', async (req, res, next) => {
    const found = hookOf(req.params.action, req.params.hook)
    const field = found?.definition.inputFields?.[req.params.field] as { dynamic?: unknown } | undefined
    if (!found || !Object.prototype.hasOwnProperty.call(found.definition.inputFields ?? {}, req.params.field))
      return next()
    if (typeof field?.dynamic !== 'function') return next()
    const body = objectOrEmpty(req.body, 'the body')
    const secrets = secretsOf(res, body.settings, body.auth)
    try {
      const data = { ...dynamicFieldData(body), hookInputs: body.hookInputs ?? {} }
      const result = await found.action.executeDynamicField(req.params.field, data as never, field.dynamic as never)
      if (result.error) throw result.error
      res.json(redactDeep(result, secrets))
    } catch (error) {
      res.status(500).json(redactDeep([error], secrets))
    }
  })

  app.all('/:action', (req, res, next) => {
    if (!Object.prototype.hasOwnProperty.call(served.definition.actions, req.params.action)) return next()
    res
      .set('Allow', 'POST')
      .status(405)
      .json({ error: `Use POST for /${req.params.action}` })
  })

  app.use((req: Request, res: Response) => {
    const { definition } = served
    const action = /^\/([^/]+)$/.exec(req.path)?.[1]
    const error =
      req.method === 'POST' && action
        ? `Unknown action "${action}". ${definition.name} has: ${Object.keys(definition.actions).join(', ')}.`
        : `Not found: ${req.method} ${req.path}`
    const secrets = (res.locals.secrets as string[] | undefined) ?? []
    res.status(404).json({ error: redactText(error, secrets), routes: routesOf(served) })
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

/** Sends an action's (or a deletion's) answer, 200 as upstream; a failure's status and message go in the log line. */
function sendAnswer(res: Response, answer: ActionAnswer, secrets: readonly string[]): void {
  const failure = answer.find((item): item is RequestFailure => 'requestError' in item)
  if (failure) {
    const { message } = failure
    res.locals.logNote = `${failure.statusCode} ${typeof message === 'string' ? message : JSON.stringify(message)}`
  }
  res.json(redactDeep(answer, secrets))
}

/**
 * Upstream's answer: the exchanges, or on failure the failure alone. Ours adds keys a client written for upstream
 * ignores: the exchanges made before a failure (`exchanges`), and for a batch each event's status (`multistatus`)
 * on every exchange, or on a failure when no event could be sent.
 */
async function answerFor(
  responses: Parameters<typeof summarizeExchanges>[0],
  error: unknown,
  multistatus?: unknown[]
): Promise<ActionAnswer> {
  const exchanges = await summarizeExchanges(responses)
  if (error !== undefined) {
    return [{ ...describeFailure(error), ...(exchanges.length > 0 && { exchanges }) }]
  }
  if (!multistatus) return exchanges
  if (exchanges.length === 0 && multistatus.every((status) => statusOf(status) >= 400)) {
    return [noEventSent(multistatus)]
  }
  return exchanges.map((exchange) => ({ ...exchange, multistatus }))
}

function statusOf(entry: unknown): number {
  return Number((entry as { status?: unknown } | undefined)?.status ?? 500)
}

function noEventSent(multistatus: unknown[]): RequestFailure & Extras {
  const reasons = multistatus.map((entry, index) => {
    const { errormessage } = (entry ?? {}) as { errormessage?: unknown }
    return `event ${index}: ${String(errormessage ?? 'no status')}`
  })
  return {
    statusCode: statusOf(multistatus[0]),
    message: `No event of the batch was sent: ${reasons.join('; ')}`,
    requestError: true,
    multistatus
  }
}

/** An audience failure's own status (an IntegrationError's, or the API's for an HTTP error), else 400 as upstream. */
function audienceFailure(error: unknown): { status: number; code?: string } {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown }
  const own = error instanceof HTTPError ? error.response?.status : status
  return {
    status: typeof own === 'number' && own >= 400 && own <= 599 ? own : 400,
    ...(typeof code === 'string' && code !== '' && { code })
  }
}

/** Upstream answers an audience or token failure with the API's JSON answer when there is one. */
async function apiAnswerOr(error: unknown): Promise<unknown> {
  if (error instanceof HTTPError) {
    try {
      return await error.response.clone().json()
    } catch {
      // not JSON: the message says what happened
    }
  }
  return (error as Error)?.message ?? String(error)
}

function dynamicFieldData(body: Body) {
  return {
    settings: body.settings ?? {},
    payload: body.payload ?? {},
    page: body.page ?? 1,
    auth: body.auth ?? {},
    audienceSettings: body.audienceSettings ?? {},
    dynamicFieldContext: body.dynamicFieldContext ?? {}
  }
}

/** The routes the served destination answers, for GET / and for the 404s. */
export function routesOf({ definition, destination }: ServedDestination): string[] {
  const audienceConfig = (definition as { audienceConfig?: Record<string, unknown> }).audienceConfig ?? {}
  const routes = ['GET /manifest', 'POST /authenticate', 'POST /refreshAccessToken']
  if (destination.onDelete) routes.push('POST /delete')
  for (const route of ['createAudience', 'getAudience']) if (audienceConfig[route]) routes.push(`POST /${route}`)
  for (const [slug, action] of Object.entries(definition.actions)) {
    routes.push(`POST /${slug}`)
    for (const field of Object.keys(action.dynamicFields ?? {})) routes.push(`POST /${slug}/${field}`)
    for (const [name, hook] of Object.entries(action.hooks ?? {})) {
      routes.push(`POST /${slug}/hooks/${name}`)
      for (const [key, input] of Object.entries(hook?.inputFields ?? {})) {
        if (typeof (input as { dynamic?: unknown }).dynamic === 'function') {
          routes.push(`POST /${slug}/hooks/${name}/dynamic/${key}`)
        }
      }
    }
  }
  return routes
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
  if (useDefaultMappings === false) return own
  return { ...defaultValues(fields), ...own } as JSONObject
}

export function checkPayload(payload: unknown): void {
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

export function objectOrEmpty(value: unknown, what: string): Body {
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
