import {
  APIError,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type ModifiedResponse,
  type RequestClient
} from '@segment/actions-core'
import type { Settings } from './generated-types'

// Everything about calling Iterable lives here: where, how, and what its answers mean.

export const BASE_URLS = {
  united_states: 'https://api.iterable.com',
  europe: 'https://api.eu.iterable.com'
} as const

export type DataCenter = keyof typeof BASE_URLS

export const ENDPOINTS = {
  updateUser: '/api/users/update',
  bulkUpdateUser: '/api/users/bulkUpdate',
  updateEmail: '/api/users/updateEmail',
  trackEvent: '/api/events/track',
  bulkTrackEvent: '/api/events/trackBulk',
  trackPurchase: '/api/commerce/trackPurchase',
  updateCart: '/api/commerce/updateCart',
  getWebhooks: '/api/webhooks'
} as const

export type Endpoint = keyof typeof ENDPOINTS

/** Iterable's bulk endpoints take up to 4 MB per body; large bulk requests can take a while to answer. */
export const REQUEST_TIMEOUT_MS = 30_000

export const API_KEY_HEADER = 'Api-Key'

export function endpointUrl(endpoint: Endpoint, dataCenterLocation?: string): string {
  const base = BASE_URLS[(dataCenterLocation ?? 'united_states') as DataCenter] ?? BASE_URLS.united_states
  return base + ENDPOINTS[endpoint]
}

/** What Iterable answers: `{ msg, code, params }`, or sometimes plain text. */
export interface IterableAnswer {
  msg?: string
  code?: string
  params?: unknown
  [key: string]: unknown
}

export async function callIterable<T = IterableAnswer>(
  request: RequestClient,
  settings: Settings,
  endpoint: Endpoint,
  options: { method?: 'get' | 'post'; json?: unknown } = {}
): Promise<ModifiedResponse<T>> {
  let response: ModifiedResponse<T>
  try {
    response = await request<T>(endpointUrl(endpoint, settings.dataCenterLocation), {
      method: options.method ?? 'post',
      json: options.json,
      timeout: REQUEST_TIMEOUT_MS,
      throwHttpErrors: false
    })
  } catch (error) {
    throw networkFailure(error, settings.apiKey)
  }
  if (response.status >= 200 && response.status < 300) return response
  throw translateIterableError(response.status, response.data ?? response.content, settings.apiKey)
}

/** Iterable's answer as `{ msg, code }`, whatever shape it came in. */
export function readAnswer(body: unknown): IterableAnswer {
  if (body && typeof body === 'object') return body as IterableAnswer
  if (typeof body === 'string' && body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body)
      if (parsed && typeof parsed === 'object') return parsed as IterableAnswer
    } catch {
      // Not JSON (a proxy's HTML page, a plain-text error): keep the text as the message.
    }
    return { msg: body.trim().slice(0, 300) }
  }
  return {}
}

export function redact(text: string, apiKey: string | undefined): string {
  return apiKey ? text.split(apiKey).join('<redacted>') : text
}

const RETRYABLE_STATUSES = new Set([408, 423, 429, 500, 502, 503, 504])

type RetryableStatus = ConstructorParameters<typeof RetryableError>[1]

/** Turns a non-2xx answer from Iterable into the framework's error, so that Segment retries exactly what can succeed later. */
export function translateIterableError(status: number, body: unknown, apiKey?: string): Error {
  const { msg, code } = readAnswer(body)
  const detail = redact(`${status}${code ? ` ${code}` : ''}${msg ? `: ${msg}` : ''}`, apiKey)

  if (status === 401) {
    return new InvalidAuthenticationError(
      `Iterable rejected the API key (${detail}). Use a server-side API key from Iterable's Integrations > API Keys page, and check that the Data Center Location setting matches your project.`
    )
  }
  if (status === 409) {
    return new IntegrationError(
      `Iterable refused the change: ${conflictDescription(code)} (${detail}).`,
      code ?? 'Conflict',
      409
    )
  }
  if (status === 429) {
    return new RetryableError(`Iterable's rate limit was reached (${detail}); Segment will retry.`, 429)
  }
  if (RETRYABLE_STATUSES.has(status)) {
    return new RetryableError(
      `Iterable could not process the request (${detail}); Segment will retry.`,
      status as RetryableStatus
    )
  }
  if (status >= 500) {
    return new APIError(`Iterable failed to process the request (${detail}).`, status)
  }
  if (status === 400) {
    return new IntegrationError(`Iterable rejected the request as invalid (${detail}).`, code ?? 'BadRequest', 400)
  }
  return new IntegrationError(`Iterable answered ${detail}.`, code ?? `HTTP_${status}`, status)
}

function conflictDescription(code: string | undefined): string {
  if (code && /email/i.test(code)) return 'another Iterable user already has this email address'
  if (code && /userid/i.test(code)) return 'another Iterable user already has this userId'
  return 'the email and the userId belong to different Iterable users'
}

/** No answer at all: a timeout, a reset connection or a DNS failure. All of them may work on a retry. */
function networkFailure(error: unknown, apiKey: string | undefined): Error {
  const { name, message, code } = error as { name?: string; message?: string; code?: string }
  const timedOut = name === 'TimeoutError' || name === 'RequestTimeoutError' || code === 'ETIMEDOUT'
  const reason = redact(message ?? String(error), apiKey)
  return timedOut
    ? new RetryableError(`Iterable did not answer in time (${reason}); Segment will retry.`, 408)
    : new RetryableError(`Could not reach Iterable (${code ? `${code}: ` : ''}${reason}); Segment will retry.`, 503)
}
