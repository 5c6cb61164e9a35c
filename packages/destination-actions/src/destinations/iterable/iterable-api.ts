import { APIError, IntegrationError, InvalidAuthenticationError, RetryableError } from '@segment/actions-core'
import type { GlobalSetting, ModifiedResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'

// Calling Iterable: where, how, and what a refusal means (bulk-answers.ts reads the records of a bulk answer).
// Shared with the iterable-audiences destination.

export const BASE_URLS = { united_states: 'https://api.iterable.com', europe: 'https://api.eu.iterable.com' } as const

/** A path of Iterable's API, as its documentation names it: `/api/users/update`. */
export type ApiPath = `/api/${string}`

/** The settings of every destination that calls Iterable. */
export const CONNECTION_SETTINGS: Record<'apiKey' | 'dataCenterLocation', GlobalSetting> = {
  apiKey: {
    type: 'password',
    label: 'API Key',
    description:
      "To obtain the API Key, go to the Iterable app and navigate to Integrations > API Keys. Create a new API Key with the 'Server-Side' type.",
    required: true
  },
  dataCenterLocation: {
    label: 'Data Center Location',
    description: 'The location where your Iterable data is hosted.',
    type: 'string',
    format: 'text',
    choices: [
      { label: 'United States', value: 'united_states' },
      { label: 'Europe', value: 'europe' }
    ],
    default: 'united_states'
  }
}

export type IterableSettings = Pick<Settings, 'apiKey' | 'dataCenterLocation'>

export const API_KEY_HEADER = 'Api-Key'

export const endpointUrl = (path: ApiPath, dataCenterLocation?: string) =>
  (dataCenterLocation === 'europe' ? BASE_URLS.europe : BASE_URLS.united_states) + path

/** What Iterable answers: `{ msg, code, params }`, or sometimes plain text. */
export type IterableAnswer = { msg?: string; code?: string; params?: unknown; [key: string]: unknown }

interface CallOptions {
  method?: 'get' | 'post' | 'delete'
  json?: unknown
  body?: string // already JSON: the bulk path sizes its bodies by their JSON
  /** Which non-2xx answers are returned rather than thrown (a deletion's "no such user"). */
  accept?: (response: Pick<ModifiedResponse<unknown>, 'status' | 'data' | 'content'>) => boolean
}

/**
 * Sends one request to Iterable. A non-2xx answer, unless `accept` takes it, throws the framework error that says what
 * to do about it; so does no answer at all.
 */
export async function callIterable<T = IterableAnswer>(
  request: RequestClient,
  settings: IterableSettings,
  path: ApiPath,
  options: CallOptions = {}
): Promise<ModifiedResponse<T>> {
  let response
  try {
    response = await request<T>(endpointUrl(path, settings.dataCenterLocation), {
      method: options.method ?? 'post',
      ...(options.body === undefined
        ? { json: options.json }
        : { body: options.body, headers: { 'content-type': 'application/json' } }),
      // Iterable's bulk endpoints take up to 4 MB per body, and can take a while to answer.
      timeout: 30_000,
      throwHttpErrors: false
    })
  } catch (error) {
    throw noAnswer(error, settings.apiKey)
  }
  if (isSuccess(response.status) || options.accept?.(response)) return response
  throw translateIterableError(response.status, answerBody(response), settings.apiKey)
}

export const isSuccess = (status: number) => status >= 200 && status < 300

export const answerBody = (response: { data?: unknown; content: string }): unknown => response.data ?? response.content

/** Iterable's answer as `{ msg, code, params }`, whatever shape it came in. */
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

// What a 409 means, by Iterable's code.
const CONFLICTS: [code: RegExp, meaning: string][] = [
  [/forgotten/i, 'the user was forgotten at their request (GDPR), and Iterable takes no data for them'],
  [/email/i, 'another Iterable user already has this email address'],
  [/userid/i, 'another Iterable user already has this userId'],
  [/^/, 'the email and the userId belong to different Iterable users']
]

/** Turns a non-2xx answer from Iterable into the framework's error, so that Segment retries exactly what can succeed later. */
export function translateIterableError(status: number, body: unknown, apiKey?: string): Error {
  // Redact before reading: readAnswer shortens long text, which could cut the key in two.
  const { msg, code, params } = readAnswer(typeof body === 'string' ? redact(body, apiKey) : body)
  // Iterable's `params` name the fields at fault in BadParams and BadJsonBody answers.
  const said = Object.entries(params && typeof params === 'object' ? params : {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ')
  // Iterable's msg often ends in a full stop; the messages below end the sentence themselves.
  const message = msg?.replace(/\.+$/, '')
  const detail = redact(
    `${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${
      said ? `; params: ${said.slice(0, 300)}` : ''
    }`,
    apiKey
  )
  const refusal = (text: string, fallbackCode: string) => new IntegrationError(text, code ?? fallbackCode, status)

  if (status === 401) {
    return new InvalidAuthenticationError(
      `Iterable rejected the API key (${detail}). Use a server-side API key (in Iterable: Integrations > API Keys, a key of type 'Server-side'), and check that the Data Center Location setting matches your project (US or EU).`
    )
  }
  if (status === 409) {
    const meaning = CONFLICTS.find(([pattern]) => pattern.test(code ?? ''))?.[1]
    return refusal(`Iterable refused the change: ${meaning} (${detail}).`, 'Conflict')
  }
  if (status === 413) {
    const fix = "Iterable takes at most 4 MB of JSON per request: send less in this event's dataFields"
    return refusal(`Iterable refused the request as too large (${detail}). ${fix}.`, 'PayloadTooLarge')
  }
  if (RETRYABLE_STATUSES.has(status)) {
    const what = status === 429 ? "Iterable's rate limit was reached" : 'Iterable could not process the request'
    return new RetryableError(`${what} (${detail}); Segment will retry.`, status as RetryableError['status'])
  }
  if (status >= 500) return new APIError(`Iterable failed to process the request (${detail}).`, status)
  if (status === 400) return refusal(`Iterable rejected the request as invalid (${detail}).`, 'BadRequest')
  return refusal(`Iterable answered ${detail}.`, `HTTP_${status}`)
}

/**
 * No answer at all. A timeout, a reset connection or a DNS failure may work on a retry; a request that could not even
 * be built (its body cannot be serialised) never will, and is not retried.
 */
function noAnswer(error: unknown, apiKey: string | undefined): Error {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: unknown }
  const reason = redact(message ?? String(error), apiKey)
  if (name === 'TimeoutError' || name === 'RequestTimeoutError' || code === 'ETIMEDOUT') {
    return new RetryableError(`Iterable did not answer in time (${reason}); Segment will retry.`, 408)
  }
  if (name === 'FetchError' || name === 'RequestClientError' || typeof code === 'string') {
    const why = `${typeof code === 'string' ? `${code}: ` : ''}${reason}`
    return new RetryableError(`Could not reach Iterable (${why}); Segment will retry.`, 503)
  }
  const what = `The request to Iterable could not be built (${name ?? 'Error'}: ${reason}). Check the mapped data.`
  return new IntegrationError(what, 'RequestNotBuilt', 400)
}
