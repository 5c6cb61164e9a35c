import type { RequestClient } from '@segment/actions-core'
import type { AnyDestinationDefinition } from './destinations'
import { wrapRequestFunctions } from './request-functions'

// Where a destination's API calls go when they are redirected (to an emulator, a mock): a map from the API's real
// origin, such as https://api.example.com, to a local base URL. The CLI knows no destination's API: the map comes
// from `serve --api-url <origin>=<url>` (npm start gives Iterable's).

/** Real API origin (lower case, no trailing slash) → the base URL its requests go to instead. */
export type ApiUrlMap = Readonly<Record<string, string>>

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

/** An API origin as the map keys it: scheme, host and port only. Throws a readable error for anything else. */
export function normalizeOrigin(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`"${value}" is not an origin; give one such as https://api.example.com`)
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.origin !== value.replace(/\/+$/, '').toLowerCase()
  ) {
    throw new Error(`"${value}" is not an origin (scheme and host only); give one such as https://api.example.com`)
  }
  return url.origin
}

/** The map given by `--api-url` values, each `<origin>=<url>`. Throws naming the value that is wrong. */
export function parseApiUrls(values: readonly string[]): ApiUrlMap {
  const map: Record<string, string> = {}
  for (const value of values) {
    const at = value.indexOf('=')
    if (at < 0) {
      throw new Error(
        `"${value}" has no "=": give <API origin>=<local URL>, such as https://api.example.com=http://127.0.0.1:4010`
      )
    }
    map[normalizeOrigin(value.slice(0, at).trim())] = normalizeBaseUrl(value.slice(at + 1).trim())
  }
  return map
}

/** `url` sent to the local base its origin maps to, path and query kept; any other URL as it was. */
export function rewriteApiUrl(url: string, apiUrls: ApiUrlMap): string {
  for (const [origin, to] of Object.entries(apiUrls)) {
    const rewritten = rewriteUrl(url, { from: [origin], to })
    if (rewritten !== url) return rewritten
  }
  return url
}

/** Origins whose requests go to one base URL: what the benchmark harness redirects to its sink. */
export interface BaseUrlOverride {
  /** Origins to replace, such as https://api.example.com. */
  from: readonly string[]
  /** Where requests go instead, such as http://127.0.0.1:4010 (a path prefix is kept). */
  to: string
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

/** The definition with every request function's client rewriting URLs; the original is left as it was. */
export function withBaseUrlOverride(
  definition: AnyDestinationDefinition,
  override: BaseUrlOverride | undefined
): AnyDestinationDefinition {
  if (!override) return definition
  return wrapRequestFunctions(
    definition,
    (request) =>
      ((url: string, options?: Parameters<RequestClient>[1]) =>
        request(rewriteUrl(url, override), options)) as RequestClient
  )
}
