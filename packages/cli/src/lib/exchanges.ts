import { HTTPError } from '@segment/actions-core'
import type { DecoratedResponse } from '@segment/actions-core'

// What serve answers, in the shapes of upstream actions-cli (packages/cli/src/lib/summarize-http.ts and the
// marshalError of server.ts): every HTTP exchange the destination made, the request body as the text that was sent;
// or, when the action failed, the failure.

export interface Exchange {
  request: { url: string; method: string; headers: Record<string, string>; body: string }
  response: { statusCode: number; statusMessage: string; headers: Record<string, string>; body: unknown }
}

export interface RequestFailure {
  statusCode: number
  /** The error's message; for an HTTP error the destination did not handle, the API's answer, as upstream does. */
  message: unknown
  stack?: string[]
  /** Which mapped field failed schema validation, and why. */
  fields?: Record<string, string>
  requestError: true
  /** The framework's error code (PAYLOAD_VALIDATION_FAILED, NotImplemented, ...), when the error has one. */
  code?: string
}

export async function summarizeExchanges(responses: readonly DecoratedResponse[]): Promise<Exchange[]> {
  return Promise.all(responses.map(summarizeExchange))
}

async function summarizeExchange(response: DecoratedResponse): Promise<Exchange> {
  const request = response.request
  let requestBody = ''
  try {
    requestBody = await request.clone().text()
  } catch {
    // A streamed body that cannot be read twice: show the request without it.
  }
  return {
    request: {
      url: request.url,
      method: request.method,
      headers: headersObject(request.headers),
      body: requestBody
    },
    response: {
      statusCode: response.status,
      statusMessage: response.statusText,
      headers: headersObject(response.headers),
      body: response.data ?? parseMaybeJson(response.content ?? '')
    }
  }
}

function headersObject(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {}
  headers.forEach((value, key) => {
    result[key] = value
  })
  return result
}

/** JSON bodies are shown as JSON (readable with jq); anything else as the text it was. */
function parseMaybeJson(text: string): unknown {
  if (text === '') return ''
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

interface ErrorLike extends Error {
  status?: number
  code?: string | number
}

/** A thrown error as upstream's `{statusCode, message, stack, fields, requestError: true}`. */
export function describeFailure(thrown: unknown): RequestFailure {
  const error = (thrown instanceof Error ? thrown : new Error(String(thrown))) as ErrorLike
  const failure: RequestFailure = {
    statusCode: typeof error.status === 'number' ? error.status : 500,
    message: error.message,
    stack: error.stack?.split('\n'),
    requestError: true
  }
  if (thrown instanceof HTTPError && thrown.response) {
    const response = thrown.response as DecoratedResponse
    failure.statusCode = response.status ?? failure.statusCode
    failure.message = response.data ?? response.content ?? error.message
  }
  if (error.name === 'AggregateAjvError' || error.name === 'ValidationError') {
    // A payload that fails the action's schema is the sender's mistake: 400, where upstream says 500.
    failure.statusCode = 400
    const fields = validationFields(error)
    if (fields) failure.fields = fields
  }
  if (typeof error.code === 'string' && error.code !== '') failure.code = error.code
  return failure
}

/** AggregateAjvError iterates over its field errors, each with a `$.path` and a readable message. */
function validationFields(error: Error): Record<string, string> | undefined {
  const iterable = error as unknown as Partial<Iterable<{ path?: string; message?: string }>>
  if (typeof iterable[Symbol.iterator] !== 'function') return undefined
  const fields: Record<string, string> = {}
  for (const fieldError of iterable as Iterable<{ path?: string; message?: string }>) {
    const name = (fieldError.path ?? '$').replace(/^\$\.?/, '') || '(payload)'
    fields[name] = fieldError.message ?? 'is invalid'
  }
  return Object.keys(fields).length ? fields : undefined
}
