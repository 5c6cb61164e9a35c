// Iterable's answers: `{ msg, code, params }` for everything but the bulk and read endpoints.

export interface Answer {
  status: number
  /** Sent as JSON, or as it is when a string and `contentType` says text. */
  body: unknown
  contentType?: 'application/json' | 'text/plain'
  headers?: Record<string, string>
}

export const success = (params: unknown = null, msg = ''): Answer => ({
  status: 200,
  body: { msg, code: 'Success', params }
})

/** A plain-text answer (`GET /api/lists/getUsers`). */
export const text = (body: string): Answer => ({ status: 200, body, contentType: 'text/plain' })

export const failure = (status: number, code: string, msg: string, params: unknown = null): Answer => ({
  status,
  body: { msg, code, params }
})

export const ok = (body: unknown): Answer => ({ status: 200, body })

export const badParams = (msg: string, params: Record<string, string> | null = null) =>
  failure(400, 'BadParams', msg, params)

export const badJsonBody = (path: string, params: Record<string, string>) =>
  failure(400, 'BadJsonBody', `[${path}] Invalid JSON body`, params)

export const rateLimited = (msg: string): Answer => ({
  ...failure(429, 'RateLimitExceeded', msg),
  headers: { 'Retry-After': '1' }
})
