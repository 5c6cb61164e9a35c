import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Ajv from 'ajv'
import type { ValidateFunction } from 'ajv'
import { startEmulator } from '../server'
import type { Emulator, EmulatorOptions } from '../server'
import { answerSchemaCheck } from './iterable/answer-schemas'
import { iterableSchemaErrors } from './iterable/zod-schemas'
import type { SchemaCheck } from './iterable/zod-schemas'

// Shared by the emulator's tests: an emulator per test file on an ephemeral port, a small HTTP client, and Iterable's
// Swagger spec (read from ../shared at test time, never copied into the repository).

export interface Reply<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface Client {
  emulator: Emulator
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply<T>>
  get<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>>
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>>
  /** Sends a raw body (a string that may not be JSON). */
  raw<T = any>(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<Reply<T>>
}

export async function request<T = any>(
  url: string,
  init: { method: string; body?: string; headers?: Record<string, string> }
): Promise<Reply<T>> {
  const response = await fetch(url, init)
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Left as text.
  }
  return { status: response.status, body: body as T, headers: response.headers }
}

/**
 * Starts an emulator before the file's tests and stops it after; each test starts from an empty project.
 * Rate limits are off unless a test asks for them, so that tests do not depend on their speed.
 *
 * Every answer a test receives through the client is also checked, after the file's tests, against the zod schema
 * Iterable's own client (`@iterable/api`) validates that endpoint's answer with: an answer it would refuse fails the
 * file.
 */
export function useEmulator(options: EmulatorOptions = {}): Client {
  let emulator: Emulator | undefined
  const answers: (SchemaCheck & { route: string })[] = []
  const current = () => {
    if (!emulator) throw new Error('The emulator is not running')
    return emulator
  }
  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: 'test-key', rateLimits: false, faults: {}, ...options })
  })
  afterAll(async () => {
    await emulator?.close()
  })
  afterAll(() => {
    const errors = iterableSchemaErrors(answers)
    const refused = answers.flatMap(({ route, schema }, index) =>
      errors[index].length > 0 ? [`${route} (${schema}): ${errors[index].join('; ')}`] : []
    )
    expect(refused).toEqual([])
  })
  beforeEach(() => {
    current().reset()
    current().setFaults(options.faults ?? {})
  })

  const raw = async <T>(method: string, route: string, body?: string, headers: Record<string, string> = {}) => {
    const reply = await request<T>(current().url + route, {
      method,
      body,
      headers: { 'Api-Key': current().apiKey, 'Content-Type': 'application/json', ...headers }
    })
    const path = new URL(route, 'http://emulator.local').pathname
    const check = answerSchemaCheck(method, path, reply.status, reply.body)
    if (check) answers.push({ ...check, route: `${method} ${route} → ${reply.status}` })
    return reply
  }
  return {
    get emulator() {
      return current()
    },
    post: (route, body, headers) => raw('POST', route, JSON.stringify(body), headers),
    put: (route, body, headers) => raw('PUT', route, JSON.stringify(body), headers),
    patch: (route, body, headers) => raw('PATCH', route, JSON.stringify(body), headers),
    get: (route, headers) => raw('GET', route, undefined, headers),
    delete: (route, headers) => raw('DELETE', route, undefined, headers),
    raw
  }
}

// Iterable's Swagger 2.0 spec.

const REPO_ROOT = path.resolve(__dirname, '../../../..')
/** `../shared/iterable-api-docs.json` beside the repository; ITERABLE_API_SPEC points elsewhere (or nowhere). */
export const SPEC_PATH = process.env.ITERABLE_API_SPEC ?? path.resolve(REPO_ROOT, '../shared/iterable-api-docs.json')

export interface SwaggerSpec {
  paths: Record<string, Record<string, { parameters?: { in: string; schema?: { $ref?: string } }[] }>>
  definitions: Record<string, Record<string, unknown>>
}

/** The spec, or undefined (with a visible warning) when this checkout has no ../shared folder. */
export function loadSpec(suite: string): SwaggerSpec | undefined {
  if (!existsSync(SPEC_PATH)) {
    console.warn(`${suite}: skipped, Iterable's API spec was not found at ${SPEC_PATH}`)
    return undefined
  }
  return JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as SwaggerSpec
}

/**
 * Tests that need the spec: `describe` / `it` where this checkout has it, `describe.skip` / `it.skip` where it has not
 * (loadSpec said so), decided when the file loads, so that those tests are counted as skipped, never passed unchecked.
 */
export const describeWithSpec = (spec: SwaggerSpec | undefined) => (spec ? describe : describe.skip)
export const itWithSpec = (spec: SwaggerSpec | undefined) => (spec ? it : it.skip)

/** The definition a path's body parameter refers to, e.g. `/api/users/update` → `ApiUserUpdateRequest`. */
export function requestDefinition(spec: SwaggerSpec, route: string, method = 'post'): string {
  const ref = spec.paths[route]?.[method]?.parameters?.find((parameter) => parameter.in === 'body')?.schema?.$ref
  if (!ref) throw new Error(`The spec has no body definition for ${method.toUpperCase()} ${route}`)
  return ref.replace('#/definitions/', '')
}

/**
 * Validators for the spec's definitions. `strict` also refuses keys a definition does not list, which Swagger allows
 * by default: it tells "exactly the documented shape" from "the documented keys and more".
 */
export function specValidators(spec: SwaggerSpec, { strict = false } = {}) {
  const definitions = strict
    ? Object.fromEntries(
        Object.entries(spec.definitions).map(([name, definition]) => [
          name,
          definition.properties ? { ...definition, additionalProperties: false } : definition
        ])
      )
    : spec.definitions
  // Swagger 2.0 schemas use formats such as int64 and keywords such as `example` that JSON Schema does not know.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false })
  ajv.addSchema({ $id: 'iterable-spec', definitions })
  const cache = new Map<string, ValidateFunction>()
  /** The errors of `value` against the definition; none when it conforms. */
  return (definition: string, value: unknown): string[] => {
    const validate = cache.get(definition) ?? ajv.compile({ $ref: `iterable-spec#/definitions/${definition}` })
    cache.set(definition, validate)
    if (validate(value)) return []
    return (validate.errors ?? []).map((error) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty
      return `${error.instancePath || '/'} ${error.message}${extra ? `: ${extra}` : ''}`
    })
  }
}

/**
 * What `@iterable/api`'s schema `schema` (e.g. `GetListsResponseSchema`) says of `value`, strictly: wrong types, and
 * top-level keys it does not list. Empty when the value conforms. Runs in every clone, spec or not.
 */
export const strictClientErrors = (schema: string, value: unknown): string[] =>
  iterableSchemaErrors([{ schema, value, strict: true }])[0]

/** Iterable's BadJsonBody entry for one JSON path: its JSON reader's error key, e.g. `error.expected.jsnumber`. */
export const readerError = (code: string) => [{ msg: [code], args: [] }]

/**
 * Fakes only Date, set to `now`: the emulator's sockets and timers run as usual, and a rate-limit bucket, which refills
 * with the clock, sees a burst in one instant however slowly the machine serves it.
 */
export function fakeDateOnly(now: Date): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout'
    ]
  })
}
