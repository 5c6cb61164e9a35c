// Fault injection: what a real network and a busy Iterable do to a client, on demand and reproducibly. Faults apply to
// Iterable's routes (`/api/...`) only, never to the emulator's own `/_emulator/...` routes.

export interface Faults {
  /** Milliseconds added before every answer. */
  latencyMs?: number
  /** Share of requests (0..1) answered with a 5xx status from `errorStatuses`. */
  errorRate?: number
  /** The statuses of those answers, picked at random among them (default 500 and 503). */
  errorStatuses?: number[]
  /** Share of requests (0..1) whose connection is destroyed without an answer. */
  dropRate?: number
  /** Answer every request 429 RateLimitExceeded. */
  force429?: boolean
  /** Seed of the random draws: the same seed and the same requests give the same faults (default 1). */
  seed?: number
  /** Only requests whose path starts with one of these (default: every `/api/` path). */
  paths?: string[]
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'drop' }
  | { kind: 'rateLimit' }
  | { kind: 'error'; status: number }

export const DEFAULT_ERROR_STATUSES = [500, 503]

/** mulberry32: a small, fast, seedable generator; quality is ample for choosing faults. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultInjector {
  private faults: Faults = {}
  private random: () => number = generator(1)

  constructor(faults: Faults = {}) {
    this.set(faults)
  }

  /** Replaces the faults (an empty object turns them all off) and restarts the random sequence from the seed. */
  set(faults: Faults): Faults {
    this.faults = { ...faults }
    this.random = generator(faults.seed ?? 1)
    return this.current()
  }

  current(): Faults {
    return { ...this.faults }
  }

  applies(path: string): boolean {
    const { paths } = this.faults
    return path.startsWith('/api/') && (!paths || paths.length === 0 || paths.some((prefix) => path.startsWith(prefix)))
  }

  latency(path: string): number {
    return this.applies(path) ? Math.max(0, this.faults.latencyMs ?? 0) : 0
  }

  /** What happens to this request. Each call draws from the seeded sequence, so call it once per request. */
  decide(path: string): FaultDecision {
    if (!this.applies(path)) return { kind: 'none' }
    const { dropRate = 0, errorRate = 0, force429 = false } = this.faults
    const statuses = this.faults.errorStatuses?.length ? this.faults.errorStatuses : DEFAULT_ERROR_STATUSES
    if (dropRate > 0 && this.random() < dropRate) return { kind: 'drop' }
    if (force429) return { kind: 'rateLimit' }
    if (errorRate > 0 && this.random() < errorRate) {
      return { kind: 'error', status: statuses[Math.floor(this.random() * statuses.length)] }
    }
    return { kind: 'none' }
  }
}
