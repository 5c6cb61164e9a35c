// A small seeded PRNG (mulberry32): the same seed gives the same events on every machine and every run.

export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float in [min, max) rounded to `decimals`. */
  float(min: number, max: number, decimals = 2): number {
    const factor = 10 ** decimals
    return Math.round((min + this.next() * (max - min)) * factor) / factor
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  /** `count` distinct items, in the list's order (a partial Fisher-Yates shuffle of the indexes). */
  some<T>(items: readonly T[], count: number): T[] {
    const indexes = items.map((_, index) => index)
    const wanted = Math.min(count, items.length)
    for (let i = 0; i < wanted; i++) {
      const j = i + Math.floor(this.next() * (indexes.length - i))
      ;[indexes[i], indexes[j]] = [indexes[j], indexes[i]]
    }
    return indexes
      .slice(0, wanted)
      .sort((a, b) => a - b)
      .map((index) => items[index])
  }

  hex(length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += Math.floor(this.next() * 16).toString(16)
    return out
  }

  /** A version-4-shaped UUID (deterministic, so not random in the RFC's sense). */
  uuid(): string {
    const variant = '89ab'[Math.floor(this.next() * 4)]
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`
  }
}
