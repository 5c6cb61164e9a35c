// Iterable's documented rate limits, per project, for the endpoints the emulator serves. Endpoints without a documented
// limit (updateEmail, trackPurchase, updateCart, webhooks, lists but GET, subscriptions, browser tokens, and of the
// catalog routes all but the four below) are not limited, nor are limits counted per minute or per day (getUsers' 5 a
// minute, forget's 1,000 a day). Catalogs: Iterable's spec documents 100 requests/s for listing catalogs, listing
// items and bulk-uploading items, and 1,000 requests/s for creating or replacing one item.

export const RATE_LIMITS = {
  'POST /api/users/update': 500,
  'POST /api/users/bulkUpdate': 5,
  'POST /api/events/track': 2000,
  'POST /api/events/trackBulk': 10,
  'GET /api/users/{email}': 100,
  'GET /api/users/getByEmail': 100,
  'GET /api/users/byUserId': 100,
  'GET /api/users/byUserId/{userId}': 100,
  'GET /api/events/{email}': 100,
  'GET /api/events/byUserId/{userId}': 100,
  'GET /api/users/getFields': 3,
  'DELETE /api/users/{email}': 100,
  'DELETE /api/users/byUserId/{userId}': 100,
  'POST /api/users/forget': 3,
  'POST /api/users/registerDeviceToken': 500,
  'GET /api/lists': 100,
  'GET /api/catalogs': 100,
  'GET /api/catalogs/{catalogName}/items': 100,
  'POST /api/catalogs/{catalogName}/items': 100,
  'PUT /api/catalogs/{catalogName}/items/{itemId}': 1000
} as const

export type RateLimitedRoute = keyof typeof RATE_LIMITS

/** `true` (the documented limits), `false` (none), or the documented limits with some replaced. */
export type RateLimitOption = boolean | Partial<Record<RateLimitedRoute, number>>

/**
 * A token bucket per route: a route with a limit of N requests per second takes a burst of N, then one more request
 * every 1/N seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  readonly limits: Record<string, number>

  constructor(option: RateLimitOption) {
    this.limits = option === false ? {} : { ...RATE_LIMITS, ...(option === true ? {} : option) }
  }

  /** The route's limit when this request goes over it, otherwise undefined (and the request is counted). */
  exceeded(route: string, now = Date.now()): number | undefined {
    const limit = this.limits[route]
    if (limit === undefined) return undefined
    const bucket = this.buckets.get(route) ?? { tokens: limit, at: now }
    bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) / 1000) * limit)
    bucket.at = now
    this.buckets.set(route, bucket)
    if (bucket.tokens < 1) return limit
    bucket.tokens -= 1
    return undefined
  }

  reset(): void {
    this.buckets.clear()
  }
}
