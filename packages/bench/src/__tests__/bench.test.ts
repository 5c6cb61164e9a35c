import destination from '@local/destination-actions/src/destinations/iterable'
import { runBench, planOf } from '../bench'
import { generateEvents } from '../events'
import { formatReport, median, type BenchOptions, type Report } from '../report'
import { ACTIONS, BENCH_ACTIONS, ceilingFor } from '../scenarios'
import { startSink } from '../sink'

// The bench's plumbing, on tiny scenarios in this process. No timing is asserted: only structure and counts.

const EVENTS = 50

const options = (overrides: Partial<BenchOptions> = {}): BenchOptions => ({
  actions: ['updateUser', 'trackPurchase'],
  paths: ['single', 'batch'],
  batchSizes: [EVENTS],
  singleSizes: [10],
  runs: 1,
  warmupEvents: { single: 3, batch: 3 },
  seed: 1,
  isolation: 'in-process',
  ...overrides
})

const rowOf = (report: Report, action: string, path: string, impl: string) => {
  const row = report.rows.find((r) => r.action === action && r.path === path && r.impl === impl)
  if (!row) throw new Error(`no row for ${action} ${path} ${impl}`)
  return row
}

describe('the report of a tiny run', () => {
  let report: Report

  beforeAll(async () => {
    report = await runBench(options(), 'test')
  })

  it('has one row per action, path, size and implementation', () => {
    expect(report.rows.map((r) => `${r.action} ${r.path} ${r.impl} ${r.events}`).sort()).toEqual([
      'trackPurchase single floor 10',
      'trackPurchase single ours 10',
      'updateUser batch floor 50',
      'updateUser batch ours 50',
      'updateUser single floor 10',
      'updateUser single ours 10'
    ])
  })

  it('accounts for every event: each has an outcome, every one succeeded and reached the sink once', () => {
    for (const row of report.rows) {
      expect(row.accounted).toEqual({
        events: row.events,
        succeeded: row.events,
        failed: 0,
        recordsAtSink: row.events,
        ok: true
      })
    }
  })

  it('counts requests: one per event on single paths, ceil(n / 1001) for our batches, one for the floor', () => {
    expect(rowOf(report, 'updateUser', 'single', 'ours').requestsPer10k).toBe(10_000)
    expect(rowOf(report, 'updateUser', 'single', 'floor').requestsPer10k).toBe(10_000)
    expect(rowOf(report, 'trackPurchase', 'single', 'ours').requestsPer10k).toBe(10_000)
    expect(rowOf(report, 'updateUser', 'batch', 'ours').requestsPer10k).toBe(
      (Math.ceil(EVENTS / 1001) / EVENTS) * 10_000
    )
    expect(rowOf(report, 'updateUser', 'batch', 'floor').requestsPer10k).toBe((1 / EVENTS) * 10_000)
  })

  it('measures bytes, CPU, time and memory', () => {
    for (const row of report.rows) {
      expect(row.bytesPerEvent).toBeGreaterThan(0)
      expect(row.eventsPerSecond).toBeGreaterThan(0)
      expect(row.cpuMicrosPerEvent).toBeGreaterThan(0)
      if (row.path === 'batch') {
        expect(row.performCpuMicrosPerEvent).toBeGreaterThanOrEqual(0)
        expect(row.performCpuMicrosPerEvent).toBeLessThanOrEqual(row.cpuMicrosPerEvent)
      } else {
        expect(row.performCpuMicrosPerEvent).toBeNull()
      }
      expect(row.peakRssMB).toBeGreaterThan(0)
      expect(row.runs).toBe(1)
    }
    // The floor sends the mapped payload; ours sends Iterable's body without the products in dataFields.
    expect(rowOf(report, 'trackPurchase', 'single', 'ours').bytesPerEvent).toBeLessThan(
      rowOf(report, 'trackPurchase', 'single', 'floor').bytesPerEvent
    )
  })

  it("puts Iterable's documented ceiling beside our rows only", () => {
    expect(rowOf(report, 'updateUser', 'single', 'ours').ceiling).toEqual({
      endpoint: '/api/users/update',
      requestsPerSecond: 500,
      eventsPerRequest: 1,
      eventsPerSecond: 500
    })
    expect(rowOf(report, 'updateUser', 'batch', 'ours').ceiling).toMatchObject({
      endpoint: '/api/users/bulkUpdate',
      requestsPerSecond: 5,
      eventsPerSecond: 5 * EVENTS
    })
    expect(rowOf(report, 'trackPurchase', 'single', 'ours').ceiling).toMatchObject({
      requestsPerSecond: null,
      eventsPerSecond: null
    })
    expect(rowOf(report, 'updateUser', 'batch', 'floor').ceiling).toBeUndefined()
  })

  it('gives our cost as a ratio to the floor per action and path, with the 15% target on the batch path', () => {
    expect(report.ratios.map((r) => `${r.action} ${r.path}`).sort()).toEqual([
      'trackPurchase single',
      'updateUser batch',
      'updateUser single'
    ])
    for (const ratio of report.ratios) {
      expect(ratio.cpuRatio).toBeGreaterThan(0)
      expect(ratio.eventsPerSecondRatio).toBeGreaterThan(0)
      expect(ratio.overheadPercent).toBeCloseTo((ratio.cpuRatio - 1) * 100)
      expect(ratio.targetPercent).toBe(ratio.path === 'batch' ? 15 : null)
      expect(ratio.failedEvents).toBe(0)
      expect(typeof ratio.withinTarget).toBe(ratio.path === 'batch' ? 'boolean' : 'object')
    }
  })

  it('records the machine, Node version, date and options, and prints every table', () => {
    expect(report.machine.cores).toBeGreaterThan(0)
    expect(report.machine.memoryBytes).toBeGreaterThan(0)
    expect(report.node).toBe(process.version)
    expect(Date.parse(report.date)).not.toBeNaN()
    expect(report.options.isolation).toBe('in-process')
    expect(report.rateLimits['/api/commerce/trackPurchase']).toBeNull()
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
    expect(report.samples).toHaveLength(report.rows.length)
    expect(report.summary).toMatchObject({ allAccounted: true, failedEvents: 0 })
    expect(Object.keys(report.summary.batchOverheadPercent)).toEqual(['updateUser'])
    expect(typeof report.summary.batchWithinTarget).toBe('boolean')

    const text = formatReport(report)
    for (const heading of [
      'events/s',
      'CPU µs/ev',
      'req/10k',
      'bytes/ev',
      'peak RSS MB',
      'CPU ratio',
      'ceiling ev/s',
      'Summary:'
    ]) {
      expect(text).toContain(heading)
    }
  })
})

it('sends a batch in ceil(n / batch_size) requests when batch_size is smaller than the batch; the floor sends one', async () => {
  const report = await runBench(
    options({ actions: ['trackEvent'], paths: ['batch'], batchSize: 20, warmupEvents: { single: 0, batch: 0 } }),
    'test'
  )
  expect(rowOf(report, 'trackEvent', 'batch', 'ours').requestsPer10k).toBe((Math.ceil(EVENTS / 20) / EVENTS) * 10_000)
  expect(rowOf(report, 'trackEvent', 'batch', 'floor').requestsPer10k).toBe((1 / EVENTS) * 10_000)
  expect(rowOf(report, 'trackEvent', 'batch', 'ours').accounted.ok).toBe(true)
})

describe('the scenarios', () => {
  it('know which actions have a batch path, as the destination does', () => {
    for (const action of BENCH_ACTIONS) {
      expect(Boolean(ACTIONS[action].endpoints.batch)).toBe(Boolean(destination.actions[action].performBatch))
    }
  })

  it('plan runs × sizes × both implementations, alternating which goes first', () => {
    const plan = planOf(options({ runs: 2, batchSizes: [10, 20], singleSizes: [5] }))
    // updateUser: single (1 size) + batch (2 sizes); trackPurchase: single (1 size); × 2 runs × 2 implementations.
    expect(plan).toHaveLength((1 + 2 + 1) * 2 * 2)
    expect(plan.slice(0, 4).map((spec) => spec.impl)).toEqual(['ours', 'floor', 'floor', 'ours'])
  })

  it('compute the ceiling from the events each request carried', () => {
    expect(ceilingFor('trackEvent', 'batch', 100_000, 100).eventsPerSecond).toBe(10 * 1000)
    expect(ceilingFor('trackPage', 'single', 10, 10).eventsPerSecond).toBe(2000)
  })

  it('take medians', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})

describe('the events', () => {
  it('are the same for the same seed and differ for another', () => {
    expect(generateEvents('identify', 5, 7)).toEqual(generateEvents('identify', 5, 7))
    expect(generateEvents('identify', 5, 7)).not.toEqual(generateEvents('identify', 5, 8))
  })

  it('look like Segment events: identify with ~20 traits, track with ~15 properties, named pages, 1–10 products', () => {
    const [identify] = generateEvents('identify', 1, 1)
    expect(identify.type).toBe('identify')
    expect(Object.keys(identify.traits ?? {}).length).toBeGreaterThanOrEqual(20)
    expect(identify.traits?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    expect(typeof identify.traits?.address).toBe('object')

    const [track] = generateEvents('track', 1, 1)
    expect(Object.keys(track.properties ?? {}).length).toBeGreaterThanOrEqual(15)

    for (const page of generateEvents('page', 20, 1)) {
      expect(page.type).toBe('page')
      expect(page.name).toEqual(expect.any(String))
      expect(page.properties?.category).toEqual(expect.any(String))
    }

    const counts = generateEvents('orderCompleted', 200, 1).map(
      (event) => (event.properties?.products as unknown[]).length
    )
    expect(Math.min(...counts)).toBe(1)
    expect(Math.max(...counts)).toBe(10)
  })
})

it('the sink answers like Iterable and counts requests, bytes and records per tag', async () => {
  const sink = await startSink()
  try {
    const post = (path: string, body: unknown) =>
      fetch(`${sink.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json())
    expect(await post('/a/api/users/update', { email: 'a@example.com' })).toEqual({
      msg: '',
      code: 'Success',
      params: null
    })
    const bulk = await post('/a/api/users/bulkUpdate', { users: [{ email: 'a@example.com' }, { userId: 'b' }] })
    expect(bulk).toMatchObject({
      successCount: 2,
      failCount: 0,
      failedUpdates: { invalidEmails: [], conflictUserIds: [] }
    })
    const events = await post('/b/api/events/trackBulk', [{}, {}, {}])
    expect(events).toMatchObject({ successCount: 3, disallowedEventNames: [] })
    expect(events.failedUpdates).not.toHaveProperty('conflictEmails')

    expect(sink.tally('a')).toMatchObject({ requests: 2, records: 3 })
    expect(sink.tally('a').bytes).toBeGreaterThan(0)
    expect(sink.tally('b')).toMatchObject({ requests: 1, records: 3, endpoints: { '/api/events/trackBulk': 1 } })
    sink.forget('a')
    expect(sink.tally('a').requests).toBe(0)
  } finally {
    await sink.close()
  }
})
