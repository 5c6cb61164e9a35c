import { pathErrors } from './validation'
import type { PathErrors, SchemaError } from './validation'

// Iterable's answers: `{ msg, code, params }` for everything but the bulk and read endpoints.

export interface Answer {
  status: number
  /** Sent as JSON, or as it is when a string and `contentType` says text. */
  body: unknown
  contentType?: 'application/json' | 'text/plain' | 'text/html'
  headers?: Record<string, string>
}

export const success = (params: unknown = null, msg = ''): Answer => ({
  status: 200,
  body: { msg, code: 'Success', params }
})

/** A plain-text answer (`GET /api/lists/getUsers`, an unknown userId's read). */
export const text = (body: string, status = 200): Answer => ({ status, body, contentType: 'text/plain' })

/** Iterable's web framework page for a path it has no route for. */
export const notFoundPage = (method: string, path: string): Answer => ({
  status: 404,
  body:
    '<!doctype html><html><head><meta charset="utf-8"><title>Action not found</title></head>' +
    `<body><h1>Action not found</h1><p>No route for ${escapeHtml(method)} ${escapeHtml(path)}</p></body></html>`,
  contentType: 'text/html'
})

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

export const failure = (status: number, code: string, msg: string, params: unknown = null): Answer => ({
  status,
  body: { msg, code, params }
})

export const ok = (body: unknown): Answer => ({ status: 200, body })

/** `params` is null, as Iterable answers BadParams; the message names the field at fault. */
export const badParams = (msg: string, params: Record<string, unknown> | null = null) =>
  failure(400, 'BadParams', msg, params)

/** "obj.name: Missing required field; obj.total: Number value expected" */
export const describePaths = (errors: PathErrors) =>
  Object.entries(errors)
    .map(([path, reason]) => `${path}: ${reason}`)
    .join('; ')

/**
 * Iterable's answer to a body its JSON reader refuses: `params` keyed by JSON path, each with the reader's errors,
 * `{ "obj.total": [{ "msg": ["error.expected.jsnumber"], "args": [] }] }`.
 */
export const badJsonBody = (path: string, errors: SchemaError[]) =>
  failure(
    400,
    'BadJsonBody',
    `[${path}] Invalid JSON body: ${describePaths(pathErrors(errors))}`,
    Object.fromEntries(errors.map((error) => [error.path, [{ msg: [error.code], args: [] }]]))
  )

export const rateLimited = (msg: string): Answer => ({
  ...failure(429, 'RateLimitExceeded', msg),
  headers: { 'Retry-After': '1' }
})
