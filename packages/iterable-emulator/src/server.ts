import { randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { badJsonBody, badParams, describePaths, failure, notFoundPage, ok, rateLimited, success } from './answers'
import type { Answer } from './answers'
import { faultsFromEnv, rateLimitsFromEnv } from './config'
import { FaultInjector } from './faults'
import type { Faults } from './faults'
import { ROUTES, findRoute } from './routes'
import { PROJECT_TYPES } from './project'
import type { Project, ProjectType } from './project'
import { RateLimiter } from './rate-limits'
import type { RateLimitOption } from './rate-limits'
import { Store } from './store'
import type { RequestLogEntry } from './store'
import { pathErrors, schemaErrors } from './validation'

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** 127.0.0.1 by default: the emulator is for this machine only. */
  host?: string
  /** The key the emulator accepts in the `Api-Key` header (or the `api_key` query parameter); random by default. */
  apiKey?: string
  /** Iterable's documented per-endpoint limits (true, the default), none (false), or some limits replaced. */
  rateLimits?: RateLimitOption
  /** Faults to inject from the start; `setFaults` and `POST /_emulator/faults` change them later. */
  faults?: Faults
  /** The project id in Iterable's messages. */
  projectId?: number
  /** How the project identifies users: `email` (the default), `userId` or `hybrid`. See `project.ts`. */
  projectType?: ProjectType
  /** Whether requests may add fields the project has never seen (the project setting; default true). */
  createNewFields?: boolean
  /** Event names the project blocks (bulk answers list them in `disallowedEventNames`). */
  disallowedEventNames?: string[]
  /** Users forgotten at their request (GDPR): calls about them are refused. */
  forgottenEmails?: string[]
  forgottenUserIds?: string[]
  /** Largest request body accepted, in bytes (Iterable: 4 MB). */
  maxBodyBytes?: number
  /** Called after every answered (or dropped) request to Iterable's routes. Never sees the API key. */
  log?: (entry: RequestLogEntry) => void
}

export interface Emulator {
  /** `http://127.0.0.1:<port>`: the base URL to use instead of `https://api.iterable.com`. */
  url: string
  port: number
  host: string
  apiKey: string
  store: Store
  close(): Promise<void>
  /** Forgets every user, event and field type, and the rate-limit counters; keeps the configuration and faults. */
  reset(): void
  /** Replaces the injected faults (`{}` turns them off) and returns them. */
  setFaults(faults: Faults): Faults
  faults(): Faults
}

/** Iterable's limit on request bodies. */
export const MAX_BODY_BYTES = 4_000_000

const DEFAULT_PROJECT_ID = 12345

type BodyRead = { tooLarge: true; bytes: number } | { tooLarge: false; text: string }

/** Reads the body up to `limit` bytes; past it, the rest is read and thrown away so the client can finish sending. */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ tooLarge: true, bytes: declared })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let bytes = 0
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= limit) chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(
        bytes > limit ? { tooLarge: true, bytes } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }
      )
    )
    req.on('error', reject)
  })
}

function parseJson(text: string, path: string): { ok: true; value: unknown } | { ok: false; answer: Answer } {
  const refuse = (message: string) => ({
    ok: false as const,
    answer: badJsonBody(path, [{ path: 'obj', code: 'error.expected.jsobject', message }])
  })
  if (text.trim() === '') return refuse('Missing JSON body')
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return refuse(`Malformed JSON: ${(error as Error).message}`)
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const asText = answer.contentType !== undefined && answer.contentType !== 'application/json'
  const payload = asText && typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  res.writeHead(answer.status, {
    'Content-Type': asText ? `${answer.contentType}; charset=utf-8` : 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...answer.headers
  })
  res.end(payload)
}

function sameKey(given: string, expected: Buffer): boolean {
  const buffer = Buffer.from(given, 'utf8')
  return buffer.length === expected.length && timingSafeEqual(buffer, expected)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

const lowercased = (values: string[] | undefined) => new Set((values ?? []).map((value) => value.toLowerCase()))

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1'
  const apiKey = options.apiKey ?? `emulator-${randomBytes(12).toString('hex')}`
  const expectedKey = Buffer.from(apiKey, 'utf8')
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  // Options win; what they leave unset comes from the environment (EMULATOR_RATE_LIMITS, EMULATOR_ERROR_RATE, ...).
  const rateLimits = new RateLimiter(options.rateLimits ?? rateLimitsFromEnv(process.env) ?? true)
  const faults = new FaultInjector(options.faults ?? faultsFromEnv(process.env) ?? {})
  const type = options.projectType ?? 'email'
  if (!PROJECT_TYPES.includes(type)) {
    throw new Error(`projectType must be one of ${PROJECT_TYPES.join(', ')} (got "${String(type)}")`)
  }
  const store = new Store(
    lowercased(options.forgottenEmails),
    new Set(options.forgottenUserIds ?? []),
    new Set(options.disallowedEventNames ?? []),
    type
  )
  const project: Project = {
    projectId: options.projectId ?? DEFAULT_PROJECT_ID,
    createNewFields: options.createNewFields ?? true,
    type
  }

  const reset = () => {
    store.reset()
    rateLimits.reset()
  }

  async function admin(req: IncomingMessage, method: string, path: string): Promise<Answer> {
    if (method === 'GET' && path === '/_emulator/state') {
      return ok({ ...store.snapshot(), faults: faults.current(), rateLimits: rateLimits.limits, project })
    }
    if (method === 'POST' && path === '/_emulator/reset') {
      reset()
      return success()
    }
    if (method === 'GET' && path === '/_emulator/faults') return ok(faults.current())
    if (method === 'POST' && path === '/_emulator/faults') {
      const read = await readBody(req, maxBodyBytes)
      if (read.tooLarge) return badParams('Body too large')
      const parsed = parseJson(read.text, path)
      if (!parsed.ok) return parsed.answer
      const errors = schemaErrors('faults', parsed.value)
      if (errors) return badParams(`Invalid faults: ${describePaths(pathErrors(errors))}`, pathErrors(errors))
      return ok(faults.set(parsed.value as Faults))
    }
    return failure(404, 'NotFound', `No emulator route ${method} ${path}`)
  }

  async function api(req: IncomingMessage, method: string, url: URL): Promise<Answer | 'dropped'> {
    const path = url.pathname
    const latency = faults.latency(path)
    if (latency > 0) await sleep(latency)
    const fault = faults.decide(path)
    if (fault.kind === 'drop') {
      req.socket.destroy()
      return 'dropped'
    }
    if (fault.kind === 'rateLimit') return rateLimited('Rate limit exceeded for this project; try again later')
    if (fault.kind === 'error') {
      return fault.status === 503
        ? failure(503, 'GenericError', 'Service temporarily unavailable')
        : failure(fault.status, 'GenericError', 'Internal server error')
    }

    const found = findRoute(method, path)
    if (!found) return notFoundPage(method, path)

    const key = req.headers['api-key'] ?? url.searchParams.get('api_key') ?? ''
    if (!sameKey(Array.isArray(key) ? key[0] : key, expectedKey)) return failure(401, 'BadApiKey', 'Invalid API key')

    const limit = rateLimits.exceeded(`${method} ${found.route.template}`)
    if (limit !== undefined) {
      return rateLimited(
        `Rate limit exceeded: ${method} ${found.route.template} allows ${limit} requests per second per project`
      )
    }

    let body: unknown
    if (found.route.hasBody) {
      const read = await readBody(req, maxBodyBytes)
      if (read.tooLarge) {
        return failure(
          413,
          'BatchTooLarge',
          `Request body is ${read.bytes} bytes; the limit is ${maxBodyBytes} bytes. Send fewer records per request.`
        )
      }
      const parsed = parseJson(read.text, path)
      if (!parsed.ok) return parsed.answer
      body = parsed.value
    }
    return found.route.handle({ store, project, path }, { params: found.params, query: url.searchParams, body })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now()
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', 'http://emulator.local')
    if (url.pathname.startsWith('/_emulator/')) return send(res, await admin(req, method, url.pathname))
    if (url.pathname === '/' && method === 'GET') {
      return send(
        res,
        ok({ emulator: 'Iterable API emulator', routes: ROUTES.map((r) => `${r.method} ${r.template}`) })
      )
    }

    let answer: Answer | 'dropped'
    try {
      answer = await api(req, method, url)
    } catch {
      answer = failure(500, 'GenericError', 'Internal server error')
    }
    if (answer !== 'dropped' && !res.destroyed) send(res, answer)
    const entry: RequestLogEntry = {
      at: new Date(started).toISOString(),
      method,
      path: url.pathname,
      status: answer === 'dropped' ? 0 : answer.status,
      ms: Date.now() - started
    }
    store.logRequest(entry)
    options.log?.(entry)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, failure(500, 'GenericError', 'Internal server error'))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    apiKey,
    store,
    reset,
    setFaults: (next) => faults.set(next),
    faults: () => faults.current(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}
