import type { RequestClient } from '@segment/actions-core'
import { BASE_URLS } from '@local/destination-actions/src/destinations/iterable/iterable-api'
import type { AnyDestinationDefinition } from './destinations'

// Sends a destination's API calls somewhere else (an emulator, a mock) without the destination knowing: every request
// function the framework hands to the definition (perform, performBatch, testAuthentication, onDelete) is wrapped so
// that URLs under the API's real origins go to the override base instead. The destination code is not touched.

/** The real API origins of destinations the CLI knows, and the environment variable that overrides them. */
export const KNOWN_APIS: Record<string, { env: string; origins: string[] }> = {
  iterable: {
    env: 'ITERABLE_API_URL',
    origins: Object.values(BASE_URLS)
  }
}

export interface BaseUrlOverride {
  /** Origins to replace, such as https://api.iterable.com. */
  from: readonly string[]
  /** Where requests go instead, such as http://127.0.0.1:4010 (a path prefix is kept). */
  to: string
}

/** `to` checked and normalized: an http(s) URL without a trailing slash. Throws a readable error otherwise. */
export function normalizeBaseUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`"${value}" is not a URL; give a base such as http://127.0.0.1:4010`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${value}" is not an http(s) URL; give a base such as http://127.0.0.1:4010`)
  }
  if (url.search || url.hash) throw new Error(`"${value}" has a query or fragment; give only a base URL`)
  return url.toString().replace(/\/+$/, '')
}

export function rewriteUrl(url: string, override: BaseUrlOverride): string {
  for (const origin of override.from) {
    const base = origin.replace(/\/+$/, '')
    const rest = url.slice(base.length)
    if (url.toLowerCase().startsWith(base.toLowerCase()) && (rest === '' || /^[/?#]/.test(rest))) {
      return override.to + rest
    }
  }
  return url
}

type AnyFunction = (...args: never[]) => unknown

/** The definition with every request function's client rewriting URLs; the original is left as it was. */
export function withBaseUrlOverride(
  definition: AnyDestinationDefinition,
  override: BaseUrlOverride | undefined
): AnyDestinationDefinition {
  if (!override) return definition
  const wrapClient = (request: RequestClient): RequestClient =>
    ((url: string, options?: Parameters<RequestClient>[1]) =>
      request(rewriteUrl(url, override), options)) as RequestClient
  // Every request function of the framework takes the request client as its first argument.
  const wrap = <F extends AnyFunction | undefined>(fn: F): F =>
    (fn &&
      ((request: RequestClient, ...rest: unknown[]) =>
        (fn as unknown as (...args: unknown[]) => unknown)(wrapClient(request), ...rest))) as unknown as F

  const actions = Object.fromEntries(
    Object.entries(definition.actions).map(([key, action]) => [
      key,
      { ...action, perform: wrap(action.perform), performBatch: wrap(action.performBatch) }
    ])
  )
  const wrapped: AnyDestinationDefinition = { ...definition, actions, onDelete: wrap(definition.onDelete) }
  if (definition.authentication) {
    wrapped.authentication = {
      ...definition.authentication,
      testAuthentication: wrap(definition.authentication.testAuthentication)
    }
  }
  return wrapped
}
