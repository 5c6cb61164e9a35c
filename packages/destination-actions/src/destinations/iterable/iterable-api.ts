import {
  getErrorCodeFromHttpStatus,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError
} from '@segment/actions-core'
import type { GlobalSetting, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'

// How both Iterable destinations call Iterable: where, how, and what an answer says. Every request goes through
// callIterable, which reads Iterable's answer once (IterableAnswer) for the callers and for the errors below.

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

/** Iterable refuses a request body over 4 MB. */
export const MAX_BODY_BYTES = 4_000_000

/** A body over Iterable's limit, which is never sent. */
export class BodyTooLargeError extends PayloadValidationError {
  constructor(readonly bytes: number) {
    super(
      `This event is ${bytes} bytes of JSON, over the ${MAX_BODY_BYTES} bytes Iterable takes in one request: send less in its dataFields.`
    )
  }
}

/**
 * What Iterable answered, read once. `json` is the body when it is a JSON object (bulk answers keep their lists
 * there); `msg`, `code` and `params` are the fields every other answer carries. A body that is not JSON (a proxy's
 * HTML page, a plain-text error) is kept as text in `body`, and `msg` holds its beginning.
 */
export interface IterableAnswer {
  status: number
  body: unknown
  json: Record<string, unknown>
  msg?: string
  code?: string
  params?: unknown
}

interface CallOptions {
  method?: 'get' | 'post' | 'put' | 'patch' | 'delete'
  json?: unknown
  /** The non-2xx answers the caller reads itself rather than have thrown (a deletion's "no such user"). */
  accept?: (answer: IterableAnswer) => boolean
  /** A sentence added to the error of a refusal, when the caller knows what it means here (a project type). */
  explain?: (answer: IterableAnswer) => string | undefined
}

/**
 * Sends one request to Iterable and reads its answer. The body is serialised here, once, so that one over Iterable's
 * limit is never sent (BodyTooLargeError). A non-2xx answer, unless `accept` takes it, throws the framework's error
 * for it (errorFor); so does no answer at all.
 */
export async function callIterable(
  request: RequestClient,
  settings: IterableSettings,
  path: ApiPath,
  { method = 'post', json, accept, explain }: CallOptions = {}
): Promise<IterableAnswer> {
  const body = json === undefined ? undefined : serialise(json)
  const bytes = body === undefined ? 0 : Buffer.byteLength(body)
  if (bytes > MAX_BODY_BYTES) throw new BodyTooLargeError(bytes)
  let response
  try {
    response = await request(endpointUrl(path, settings.dataCenterLocation), {
      method,
      ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }),
      // Iterable's bulk endpoints take up to 4 MB per body, and can take a while to answer.
      timeout: 30_000,
      throwHttpErrors: false
    })
  } catch (error) {
    throw noAnswer(error, settings.apiKey)
  }
  const answer = readAnswer(response.status, response.content, settings.apiKey)
  if (isSuccess(answer.status) || accept?.(answer)) return answer
  throw errorFor(answer, settings.apiKey, explain?.(answer))
}

export const isSuccess = (status: number) => status >= 200 && status < 300

/** Segment retries 408, 423, 429 and 5xx but 501; every other status is final. */
export const isRetryable = (status: number) =>
  status === 408 || status === 423 || status === 429 || (status >= 500 && status !== 501)

export function redact(text: string, apiKey: string | undefined): string {
  return apiKey ? text.split(apiKey).join('<redacted>') : text
}

/** A value shown in a message: long ones (a 600-character email) are cut, so a message stays a sentence. */
export const shorten = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max)}…` : text)

/** Iterable's answer as IterableAnswer. The API key is taken out of the text first, should Iterable echo it. */
export function readAnswer(status: number, content: string, apiKey?: string): IterableAnswer {
  const text = redact(content, apiKey)
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON: the text is the answer.
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const json = parsed as Record<string, unknown>
    const { msg, code, params } = json
    return {
      status,
      body: parsed,
      json,
      msg: typeof msg === 'string' ? msg : undefined,
      code: typeof code === 'string' ? code : undefined,
      params
    }
  }
  const said = typeof parsed === 'string' ? parsed.trim() : ''
  return { status, body: parsed, json: {}, msg: said === '' ? undefined : shorten(said, 300) }
}

/** `400 BadParams: Invalid email; params: email: …`: what Iterable said, without the key, long values cut. */
export function describeAnswer({ status, code, msg, params }: IterableAnswer, apiKey?: string): string {
  // Iterable names the fields at fault in `params` (BadParams, BadJsonBody).
  const said = Object.entries(params && typeof params === 'object' ? params : {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ')
  // Iterable's msg often ends in a full stop; the messages using this end the sentence themselves.
  const message = msg === undefined ? '' : `: ${shorten(msg.replace(/\.+$/, ''), 300)}`
  return redact(`${status}${code ? ` ${code}` : ''}${message}${said ? `; params: ${shorten(said, 300)}` : ''}`, apiKey)
}

// What a 409 means, by Iterable's code.
const CONFLICTS: [code: RegExp, meaning: string][] = [
  [/forgotten/i, 'the user was forgotten at their request (GDPR), and Iterable takes no data for them'],
  [/email/i, 'another Iterable user already has this email address'],
  [/userid/i, 'another Iterable user already has this userId'],
  [/^/, 'the email and the userId belong to different Iterable users']
]

/**
 * The framework's error for a refusal: InvalidAuthenticationError for a rejected key, otherwise an IntegrationError
 * with Iterable's status (which decides whether Segment retries) and Iterable's code, or the framework's code for
 * the status when Iterable gives none. The message says what Iterable said and what to do.
 */
export function errorFor(answer: IterableAnswer, apiKey?: string, explanation?: string): Error {
  const { status, code } = answer
  const detail = describeAnswer(answer, apiKey)
  const also = explanation ? ` ${explanation}` : ''
  if (status === 401) {
    return new InvalidAuthenticationError(
      `Iterable rejected the API key (${detail}). Use a server-side API key (in Iterable: Integrations > API Keys, a key of type 'Server-side'), and check that the Data Center Location setting matches your project (US or EU).`
    )
  }
  const refusal = (text: string) =>
    new IntegrationError(`${text}${also}`, code ?? getErrorCodeFromHttpStatus(status), status)
  if (status === 409) {
    const meaning = CONFLICTS.find(([pattern]) => pattern.test(code ?? ''))?.[1]
    return refusal(`Iterable refused the change: ${meaning} (${detail}).`)
  }
  if (status === 413) {
    return refusal(
      `Iterable refused the request as too large (${detail}). Iterable takes at most 4 MB of JSON per request: send less in this event's dataFields.`
    )
  }
  if (status === 429) return refusal(`Iterable's rate limit was reached (${detail}); Segment will retry.`)
  if (isRetryable(status)) return refusal(`Iterable could not process the request (${detail}); Segment will retry.`)
  if (status >= 500) return refusal(`Iterable failed to process the request (${detail}).`)
  if (status === 400) return refusal(`Iterable rejected the request as invalid (${detail}).`)
  return refusal(`Iterable answered ${detail}.`)
}

/** The body as JSON; data that JSON cannot hold (a BigInt, a cycle) is a 400 that says why, never a retry. */
function serialise(json: unknown): string {
  try {
    return JSON.stringify(json)
  } catch (error) {
    const { name, message } = error as Error
    const what = `The request to Iterable could not be built (${name}: ${message}). Check the mapped data.`
    throw new IntegrationError(what, getErrorCodeFromHttpStatus(400), 400)
  }
}

/** No answer at all: a timeout, a reset connection or a DNS failure, which may work on a retry. */
function noAnswer(error: unknown, apiKey: string | undefined): Error {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: unknown }
  const reason = redact(message ?? String(error), apiKey)
  if (name === 'TimeoutError' || name === 'RequestTimeoutError' || code === 'ETIMEDOUT') {
    return new RetryableError(`Iterable did not answer in time (${reason}); Segment will retry.`, 408)
  }
  const why = `${typeof code === 'string' ? `${code}: ` : ''}${reason}`
  return new RetryableError(`Could not reach Iterable (${why}); Segment will retry.`, 503)
}
