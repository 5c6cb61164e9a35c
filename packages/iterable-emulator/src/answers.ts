// Iterable's answers: `{ msg, code, params }` for everything but the bulk and read endpoints.

export interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export const success = (params: unknown = null): Answer => ({ status: 200, body: { msg: '', code: 'Success', params } })

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
