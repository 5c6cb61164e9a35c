import { HTTPError, type DecoratedResponse } from '@segment/actions-core'

// What serve answers: every HTTP exchange the destination made (request and response as sent and received), and
// when the action failed, the failure in the shape upstream's actions-cli uses.

export interface Exchange {
  request: { url: string; method: string; headers: Record<string, string>; body: unknown }
  response: { statusCode: number; statusMessage: string; headers: Record<string, string>; body: unknown }
}

export interface RequestFailure {
  statusCode: number
  message: string
  requestError: true
  /** The framework's error code (PAYLOAD_VALIDATION_FAILED, NotImplemented, ...), when the error has one. */
  code?: string
  /** Which mapped field failed schema validation, and why. */
  fields?: Record<string, string>
  /** Only for unexpected errors (a bug rather than a refusal), to find where it happened. */
  stack?: string[]
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
      body: parseMaybeJson(requestBody)
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

/** A thrown error as `{statusCode, message, requestError: true}`. */
export function describeFailure(thrown: unknown): RequestFailure {
  const error = (thrown instanceof Error ? thrown : new Error(String(thrown))) as ErrorLike
  const failure: RequestFailure = {
    statusCode: typeof error.status === 'number' ? error.status : 500,
    message: error.message,
    requestError: true
  }
  if (thrown instanceof HTTPError) {
    failure.statusCode = thrown.response?.status ?? failure.statusCode
  }
  if (typeof error.code === 'string' && error.code !== '') failure.code = error.code
  if (error.name === 'AggregateAjvError' || error.name === 'ValidationError') {
    failure.statusCode = 400
    const fields = validationFields(error)
    if (fields) failure.fields = fields
  }
  if (typeof error.status !== 'number' && !(thrown instanceof HTTPError) && error.name !== 'AggregateAjvError') {
    failure.stack = error.stack
      ?.split('\n')
      .slice(1, 8)
      .map((line) => line.trim())
  }
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
