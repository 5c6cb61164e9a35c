import type { AnyDestinationDefinition } from './destinations'

// Secrets never leave serve: not in its answers, not in its log. A secret is the value of a setting of type
// 'password' (or whose key looks secret), an OAuth token, or a credential header such as Iterable's `Api-Key`.

export const REDACTED = '<redacted>'

/** Headers whose value is a credential whatever it contains. Compared in lower case. */
export const SECRET_HEADERS = new Set([
  'api-key',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie'
])

/** Setting keys that name a credential; `validate` requires such settings to be of type 'password'. */
export const SECRET_KEY_PATTERN = /key|secret|token|password/i

/** The secret values in a request's settings and auth, longest first (so that a secret containing another goes first). */
export function secretValues(definition: AnyDestinationDefinition, settings: unknown, auth?: unknown): string[] {
  const secrets = new Set<string>()
  const fields = definition.authentication?.fields ?? {}
  if (isRecord(settings)) {
    for (const [key, value] of Object.entries(settings)) {
      const isSecret = fields[key]?.type === 'password' || SECRET_KEY_PATTERN.test(key)
      if (isSecret && typeof value === 'string') secrets.add(value)
    }
  }
  if (isRecord(auth)) {
    for (const value of Object.values(auth)) if (typeof value === 'string') secrets.add(value)
  }
  secrets.delete('')
  return [...secrets].sort((a, b) => b.length - a.length)
}

export function redactText(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) result = result.split(secret).join(REDACTED)
  return result
}

/**
 * The secrets of the latest requests (the most recent `limit` distinct ones), for text made outside any one request,
 * such as a destination's stray promise rejection, which may hold a key from the request that started it.
 */
export class RecentSecrets {
  private readonly secrets = new Set<string>()

  constructor(private readonly limit = 100) {}

  remember(secrets: readonly string[]): void {
    for (const secret of secrets) {
      this.secrets.delete(secret)
      this.secrets.add(secret)
    }
    for (const oldest of this.secrets) {
      if (this.secrets.size <= this.limit) break
      this.secrets.delete(oldest)
    }
  }

  redact(text: string): string {
    return redactText(text, [...this.secrets])
  }
}

/** A deep copy of `value` with every secret replaced in strings and every credential header's value hidden. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return redactValue(value, secrets) as T
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets)
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets))
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        redactText(key, secrets),
        SECRET_HEADERS.has(key.toLowerCase()) && item !== undefined && item !== null
          ? REDACTED
          : redactValue(item, secrets)
      ])
    )
  }
  return value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
