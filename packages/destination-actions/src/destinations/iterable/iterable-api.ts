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
  getWebhooks: '/api/webhooks',
  registerDeviceToken: '/api/users/registerDeviceToken',
  registerBrowserToken: '/api/users/registerBrowserToken',
  updateSubscriptions: '/api/users/updateSubscriptions',
  bulkUpdateSubscriptions: '/api/users/bulkUpdateSubscriptions',
  forgetUser: '/api/users/forget',
  /** Followed by `/{userId}`, URL-encoded: GET reads the user, DELETE deletes them. */
  userByUserId: '/api/users/byUserId'
} as const

export type Endpoint = keyof typeof ENDPOINTS

/** Iterable's bulk endpoints take up to 4 MB per body; large bulk requests can take a while to answer. */
export const REQUEST_TIMEOUT_MS = 30_000

export const API_KEY_HEADER = 'Api-Key'

export function endpointUrl(endpoint: Endpoint, dataCenterLocation?: string): string {
  const known = dataCenterLocation !== undefined && Object.hasOwn(BASE_URLS, dataCenterLocation)
  const base = known ? BASE_URLS[dataCenterLocation as DataCenter] : BASE_URLS.united_states
  return base + ENDPOINTS[endpoint]
}

/** What Iterable answers: `{ msg, code, params }`, or sometimes plain text. */
export interface IterableAnswer {
  msg?: string
  code?: string
  params?: unknown
  [key: string]: unknown
}

interface CallOptions {
  method?: 'get' | 'post'
  json?: unknown
  /** A body already written as JSON, in UTF-8 (the bulk path writes its records so, and sizes them by it). */
  jsonBytes?: Buffer
}

/** Sends one request to Iterable and returns its answer whatever the status; only a missing answer throws. */
export async function sendToIterable<T = IterableAnswer>(
  request: RequestClient,
  settings: Settings,
  endpoint: Endpoint,
  options: CallOptions = {}
): Promise<ModifiedResponse<T>> {
  try {
    return await request<T>(endpointUrl(endpoint, settings.dataCenterLocation), {
      method: options.method ?? 'post',
      ...(options.jsonBytes === undefined
        ? { json: options.json }
        : { body: options.jsonBytes, headers: { 'content-type': 'application/json' } }),
      timeout: REQUEST_TIMEOUT_MS,
      throwHttpErrors: false
    })
  } catch (error) {
    throw networkFailure(error, settings.apiKey)
  }
}

/** Sends one request to Iterable; a non-2xx answer throws the framework error that says what to do about it. */
export async function callIterable<T = IterableAnswer>(
  request: RequestClient,
  settings: Settings,
  endpoint: Endpoint,
  options: CallOptions = {}
): Promise<ModifiedResponse<T>> {
  const response = await sendToIterable<T>(request, settings, endpoint, options)
  if (isSuccess(response.status)) return response
  throw translateIterableError(response.status, answerBody(response), settings.apiKey)
}

export const isSuccess = (status: number) => status >= 200 && status < 300

export const answerBody = (response: { data?: unknown; content: string }): unknown => response.data ?? response.content

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
  // Redact before reading: readAnswer shortens long text, which could cut the key in two.
  const { msg, code } = readAnswer(typeof body === 'string' ? redact(body, apiKey) : body)
  // Iterable's msg often ends in a full stop; the messages below end the sentence themselves.
  const message = msg?.replace(/\.+$/, '')
  const detail = redact(`${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, apiKey)

  if (status === 401) {
    return new InvalidAuthenticationError(
      `Iterable rejected the API key (${detail}). Use a server-side API key (in Iterable: Integrations > API Keys, a key of type 'Server-side'), and check that the Data Center Location setting matches your project (US or EU).`
    )
  }
  if (status === 409) {
    return new IntegrationError(
      `Iterable refused the change: ${conflictDescription(code)} (${detail}).`,
      code ?? 'Conflict',
      409
    )
  }
  if (status === 413) {
    return new IntegrationError(
      `Iterable refused the request as too large (${detail}). Iterable takes at most 4 MB of JSON per request: send less in this event's dataFields.`,
      code ?? 'PayloadTooLarge',
      413
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

// Bulk answers. Iterable answers 200 even when some records failed, and names a failed record by its email or userId
// (events also by name), never by position.

/** What a bulk record is recognised by in Iterable's answer. */
export interface BulkRecord {
  email?: string
  userId?: string
  eventName?: string
  dataFields?: Record<string, unknown>
}

export interface RecordFailure {
  status: number
  message: string
}

type IdentifierKind = 'email' | 'userId'

// Every list of `failedUpdates`, with the identifier it holds, the status its records get and what it means.
const FAILED_UPDATE_LISTS: Record<string, { kind: IdentifierKind; status: number; meaning: string }> = {
  invalidEmails: { kind: 'email', status: 400, meaning: 'the email address is malformed' },
  invalidUserIds: {
    kind: 'userId',
    status: 400,
    meaning: 'the userId is malformed (empty, over 52 characters, non-ASCII, or with a trailing space)'
  },
  notFoundEmails: { kind: 'email', status: 404, meaning: 'no Iterable user has this email' },
  notFoundUserIds: { kind: 'userId', status: 404, meaning: 'no Iterable user has this userId' },
  forgottenEmails: { kind: 'email', status: 400, meaning: 'the user was forgotten at their request (GDPR)' },
  forgottenUserIds: { kind: 'userId', status: 400, meaning: 'the user was forgotten at their request (GDPR)' },
  conflictEmails: { kind: 'email', status: 409, meaning: 'another Iterable user already has this email' },
  conflictUserIds: { kind: 'userId', status: 409, meaning: 'another Iterable user already has this userId' },
  invalidDataEmails: { kind: 'email', status: 400, meaning: 'its dataFields hold invalid data' },
  invalidDataUserIds: { kind: 'userId', status: 400, meaning: 'its dataFields hold invalid data' }
}

// The deprecated top-level lists, still sent by Iterable beside failedUpdates.
const DEPRECATED_LISTS: Record<string, IdentifierKind> = { invalidEmails: 'email', invalidUserIds: 'userId' }

// bulkUpdateSubscriptions' top-level lists of valid records Iterable did not update (its spec: "due to internal error"):
// retried, which also lets a user created meanwhile by another call get the update.
const INTERNAL_FAILURE_LISTS: Record<string, IdentifierKind> = {
  validEmailFailures: 'email',
  validUserIdFailures: 'userId'
}

const normalise = (kind: IdentifierKind, value: string) => (kind === 'email' ? value.trim().toLowerCase() : value)

const stringsIn = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []

/**
 * Reads a 200 bulk answer once and returns the lookup that tells, for each record sent, whether Iterable refused it
 * and why; undefined when the answer names no record (then every record was accepted, none needs looking up).
 */
export function bulkFailureLookup(body: unknown): ((record: BulkRecord) => RecordFailure | undefined) | undefined {
  const answer = readAnswer(body)
  const byIdentifier = new Map<string, RecordFailure>()
  const remember = (kind: IdentifierKind, value: string, failure: RecordFailure) => {
    const key = `${kind}:${normalise(kind, value)}`
    if (!byIdentifier.has(key)) byIdentifier.set(key, failure)
  }

  const failedUpdates = (answer.failedUpdates ?? {}) as Record<string, unknown>
  for (const [list, { kind, status, meaning }] of Object.entries(FAILED_UPDATE_LISTS)) {
    for (const value of stringsIn(failedUpdates[list])) {
      remember(kind, value, { status, message: `Iterable listed this ${kind} in failedUpdates.${list}: ${meaning}.` })
    }
  }
  for (const [list, kind] of Object.entries(DEPRECATED_LISTS)) {
    for (const value of stringsIn(answer[list])) {
      remember(kind, value, {
        status: 400,
        message: `Iterable listed this ${kind} in ${list}: the record was not accepted.`
      })
    }
  }
  for (const [list, kind] of Object.entries(INTERNAL_FAILURE_LISTS)) {
    for (const value of stringsIn(answer[list])) {
      remember(kind, value, {
        status: 500,
        message: `Iterable listed this ${kind} in ${list}: it did not update this valid record (an internal error, or a user it could not update yet); Segment will retry.`
      })
    }
  }
  const disallowed = new Set(stringsIn(answer.disallowedEventNames))

  if (byIdentifier.size === 0 && disallowed.size === 0) return undefined
  return (record) => {
    // A new email sent as dataFields.email (bulk email change) is what Iterable names when it refuses the change.
    const newEmail = record.dataFields?.email
    const failure =
      (record.email !== undefined && byIdentifier.get(`email:${normalise('email', record.email)}`)) ||
      (record.userId !== undefined && byIdentifier.get(`userId:${record.userId}`)) ||
      (typeof newEmail === 'string' && byIdentifier.get(`email:${normalise('email', newEmail)}`))
    if (failure) return failure
    if (record.eventName !== undefined && disallowed.has(record.eventName)) {
      return {
        status: 400,
        message: `Iterable listed this event name in disallowedEventNames: the project does not accept events named "${record.eventName}".`
      }
    }
    return undefined
  }
}

/** One field of a `RequestFieldsTypesMismatched` answer. */
export interface FieldTypeMismatch {
  field: string
  expectedType: string
  incomingTypes: string[]
  offendingValue?: unknown
}

export const TYPE_MISMATCH_CODE = 'RequestFieldsTypesMismatched'

/**
 * Iterable fixes a field's type by the first value it sees and refuses a whole bulk body when one record disagrees:
 * `{ code: 'RequestFieldsTypesMismatched', params: { validationErrors: { <field>: { expectedType, incomingTypes,
 * offendingValue } } } }`. Returns the fields it names (none when the answer is another one).
 */
export function typeMismatches(body: unknown): FieldTypeMismatch[] {
  const answer = readAnswer(body)
  if (answer.code !== TYPE_MISMATCH_CODE) return []
  const errors = ((answer.params as Record<string, unknown> | undefined)?.validationErrors ?? {}) as Record<
    string,
    { expectedType?: string; incomingTypes?: unknown; offendingValue?: unknown }
  >
  return Object.entries(errors).map(([field, detail]) => ({
    field,
    expectedType: String(detail?.expectedType ?? 'another type'),
    incomingTypes: stringsIn(detail?.incomingTypes),
    offendingValue: detail?.offendingValue
  }))
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value

// Iterable's type names → the JSON type a value of that type has.
const EXPECTED_JSON_TYPE: Record<string, string> = {
  long: 'number',
  integer: 'number',
  double: 'number',
  float: 'number',
  number: 'number',
  boolean: 'boolean',
  string: 'string',
  keyword: 'string',
  text: 'string',
  date: 'string',
  object: 'object',
  nested: 'array'
}

function valueAtField(dataFields: Record<string, unknown> | undefined, field: string): unknown {
  // Iterable may prefix a field with its project namespace ("namespace:::field") and names nested fields with dots.
  const path = field.split(':::').pop() ?? field
  if (dataFields && path in dataFields) return dataFields[path]
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], dataFields)
}

/** Why a record is responsible for a type mismatch, or undefined when it is not. */
export function recordTypeMismatch(record: BulkRecord, mismatches: FieldTypeMismatch[]): string | undefined {
  for (const { field, expectedType, offendingValue } of mismatches) {
    const value = valueAtField(record.dataFields, field)
    if (value === undefined) continue
    const expectedJson = EXPECTED_JSON_TYPE[expectedType.toLowerCase()]
    // With the offending value named, blame exactly the records holding it: event field types are fixed per event
    // name, so another event's same-named field may be fine. Later rounds of the bulk path catch other values.
    const responsible =
      offendingValue !== undefined
        ? JSON.stringify(value) === JSON.stringify(offendingValue)
        : expectedJson !== undefined && jsonType(value) !== expectedJson
    if (responsible) {
      return `Iterable refused dataFields.${field} (${TYPE_MISMATCH_CODE}): the project stores it as ${expectedType}, this event sent a ${jsonType(
        value
      )} (${JSON.stringify(value)?.slice(0, 80)}). Send a ${expectedType} value or use another field name.`
    }
  }
  return undefined
}
