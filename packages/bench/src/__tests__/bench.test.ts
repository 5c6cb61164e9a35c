import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createTestIntegration } from '@segment/actions-core'
import destination from '@local/destination-actions/src/destinations/iterable'
import { BASE_URLS } from '@local/destination-actions/src/destinations/iterable/iterable-api'
import { runBench, pairedPlanOf, planOf } from '../bench'
import { generateEvents } from '../events'
import { definitionFor, push, redirected } from '../harness'
import { pairedResultOf, runPaired, spreadOf, type PairedResult } from '../paired'
import {
  accountingOf,
  buildReport,
  formatReport,
  median,
  quantile,
  toSample,
  type BenchOptions,
  type PairedOptions,
  type Report
} from '../report'
import type { PairedMeasurement } from '../run-paired'
import type { RunMeasurement } from '../run-scenario'
import {
  ACTIONS,
  BENCH_ACTIONS,
  ceilingFor,
  pathsOf,
  type Impl,
  type PairedSpec,
  type ScenarioSpec
} from '../scenarios'
import { startSink, type Sink, type Tally } from '../sink'
import {
  ensureUpstream,
  loadUpstreamDefinition,
  probeUpstreamPaths,
  upstreamMeasured,
  upstreamNotMeasured,
  upstreamPathsOf,
  UPSTREAM_CACHE,
  UPSTREAM_PACKAGE,
  UPSTREAM_VERSION,
  type PathsByAction
} from '../upstream'

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

  it('take quartiles, interpolating between ranks', () => {
    expect(quantile([4, 1, 3, 2, 5], 0.25)).toBe(2)
    expect(quantile([4, 1, 3, 2, 5], 0.75)).toBe(4)
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75)
    expect(quantile([7], 0.75)).toBe(7)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(median([1, 2, 3, 4]))
    expect(spreadOf([1.2, 1.0, 1.1])).toEqual({ median: 1.1, q1: 1.05, q3: expect.closeTo(1.15) })
  })
})

const PAIRED: PairedOptions = {
  batchSizes: [20],
  singleSizes: [5],
  rounds: 2,
  warmupEvents: { single: 2, batch: 5 }
}

describe('the paired plan', () => {
  it('has one measurement per action × path × size, upstream only where it has the path', () => {
    const plan = pairedPlanOf(options({ actions: [...BENCH_ACTIONS], paired: { ...PAIRED, batchSizes: [20, 40] } }), {
      dir: '/cache/3.497.0',
      paths: UPSTREAM_PATHS
    })
    expect(plan.map((spec) => `${spec.action} ${spec.path} ${spec.events} ${spec.upstreamDir ?? '-'}`)).toEqual([
      'updateUser single 5 /cache/3.497.0',
      'updateUser batch 20 /cache/3.497.0',
      'updateUser batch 40 /cache/3.497.0',
      'trackEvent single 5 /cache/3.497.0',
      'trackEvent batch 20 /cache/3.497.0',
      'trackEvent batch 40 /cache/3.497.0',
      'trackPage single 5 -',
      'trackPage batch 20 -',
      'trackPage batch 40 -',
      'trackPurchase single 5 /cache/3.497.0'
    ])
    expect(plan.every((spec) => spec.rounds === 2 && spec.seed === 1)).toBe(true)
    // Batch turns cover at least PAIRED_EVENTS_PER_TURN events: 250 × 20 and 125 × 40.
    expect(plan.map((spec) => spec.batchesPerTurn)).toEqual([1, 250, 125, 1, 250, 125, 1, 250, 125, 1])
    expect(plan.map((spec) => spec.warmupEvents)).toEqual([2, 5, 5, 2, 5, 5, 2, 5, 5, 2])
  })

  it('respects --actions and --paths, and is empty without paired options', () => {
    const plan = pairedPlanOf(options({ actions: ['trackPurchase', 'trackEvent'], paths: ['batch'], paired: PAIRED }))
    expect(plan.map((spec) => `${spec.action} ${spec.path}`)).toEqual(['trackEvent batch'])
    expect(plan[0].upstreamDir).toBeUndefined()
    expect(pairedPlanOf(options())).toEqual([])
  })
})

/** Pushes events through each implementation on every bench path it has and checks they come back untouched. */
async function expectEventsUnchanged(sink: Sink, impls: Impl[], upstreamDir?: string) {
  const override = { from: Object.values(BASE_URLS), to: `${sink.baseUrl}/unchanged` }
  for (const impl of impls) {
    for (const action of BENCH_ACTIONS) {
      for (const path of pathsOf(action)) {
        const spec = { action, path, impl, upstreamDir }
        if (impl === 'upstream' && !UPSTREAM_PATHS[action]?.includes(path)) continue
        const events = generateEvents(ACTIONS[action].kind, 5, 3)
        const before = JSON.stringify(events)
        const integration = createTestIntegration(redirected(definitionFor(spec), override))
        expect(await push(integration, spec, events)).toEqual({ succeeded: 5, failed: 0 })
        expect(JSON.stringify(events)).toBe(before)
      }
    }
  }
  sink.forget('unchanged')
}

describe('a tiny paired run in this process', () => {
  const ROUNDS = 2
  let sink: Sink
  let batch: PairedResult
  let single: PairedResult
  // Batch turns are two batches each, as the plan gives small batch sizes (see PAIRED_EVENTS_PER_TURN).
  const spec = (path: 'single' | 'batch', events: number): PairedSpec => ({
    action: 'updateUser',
    path,
    events,
    batchesPerTurn: path === 'batch' ? 2 : 1,
    rounds: ROUNDS,
    seed: 1,
    warmupEvents: 3
  })

  beforeAll(async () => {
    sink = await startSink()
    batch = await runPaired(spec('batch', 20), sink, { isolation: 'in-process', tag: 'pb' })
    single = await runPaired(spec('single', 10), sink, { isolation: 'in-process', tag: 'ps' })
  })

  afterAll(() => sink.close())

  it('gives ours and the floor every round, in rotated order, and no upstream without its folder', () => {
    for (const result of [batch, single]) {
      expect(Object.keys(result.impls)).toEqual(['ours', 'floor'])
      expect(result.vsUpstream).toBeNull()
      expect(result).toMatchObject({ action: 'updateUser', rounds: ROUNDS, warmupEvents: 3 })
      expect(result.impls.ours.rounds.map((r) => [r.round, r.position])).toEqual([
        [0, 0],
        [1, 1]
      ])
      expect(result.impls.floor.rounds.map((r) => [r.round, r.position])).toEqual([
        [0, 1],
        [1, 0]
      ])
      for (const impl of Object.values(result.impls)) {
        expect(impl.rounds).toHaveLength(ROUNDS)
        for (const round of impl.rounds) {
          expect(round.cpuMicros).toBeGreaterThan(0)
          expect(round.cpuMicrosPerEvent).toBe(round.cpuMicros / (result.events * result.batchesPerTurn))
        }
        expect(impl.medianCpuMicrosPerEvent).toBe(median(impl.rounds.map((r) => r.cpuMicrosPerEvent)))
      }
    }
  })

  it('takes ours ÷ floor round by round, with its median and quartiles', () => {
    for (const result of [batch, single]) {
      const { ours, floor } = result.impls
      expect(result.vsFloor.versus).toBe('floor')
      expect(result.vsFloor.perRound).toEqual(
        ours.rounds.map((round, index) => round.cpuMicrosPerEvent / floor.rounds[index].cpuMicrosPerEvent)
      )
      expect(result.vsFloor).toMatchObject(spreadOf(result.vsFloor.perRound))
      expect(result.vsFloor.q1).toBeLessThanOrEqual(result.vsFloor.median)
      expect(result.vsFloor.median).toBeLessThanOrEqual(result.vsFloor.q3)
      expect(result.vsFloor).toMatchObject({ comparable: true, failedEvents: 0 })
    }
  })

  it('accounts for every event of every round, at the sink too', () => {
    for (const result of [batch, single]) {
      expect(result.ok).toBe(true)
      for (const impl of Object.values(result.impls)) {
        const perTurn = result.events * result.batchesPerTurn
        expect(impl.accounted).toEqual({
          events: perTurn,
          succeeded: perTurn * ROUNDS,
          failed: 0,
          recordsAtSink: perTurn * ROUNDS,
          ok: true
        })
        for (const round of impl.rounds) {
          expect(round).toMatchObject({ succeeded: perTurn, failed: 0, recordsAtSink: perTurn })
          // Batch: one testBatchAction call per batch, one request each (20 < 1001); single: one per event.
          expect(round.requests).toBe(result.path === 'batch' ? result.batchesPerTurn : result.events)
          expect(round.bytes).toBeGreaterThan(0)
        }
      }
    }
    // The tags are forgotten once counted.
    expect(sink.tally('pb-ours-0').requests).toBe(0)
    expect(sink.tally('pb-warmup').requests).toBe(0)
    expect(JSON.parse(JSON.stringify(batch))).toEqual(batch)
  })

  it('leaves the events unchanged, so that a turn can be repeated on the same events', async () => {
    await expectEventsUnchanged(sink, ['ours', 'floor'])
  })

  it('runs every turn in this process when asked to', () => {
    for (const result of [batch, single]) {
      for (const impl of Object.values(result.impls))
        expect(impl.rounds.map((r) => r.pid)).toEqual([process.pid, process.pid])
    }
  })

  it('by default gives each implementation a process of its own, in which it takes all its turns', async () => {
    const result = await runPaired(spec('single', 5), sink, { tag: 'pc' })
    expect(result.ok).toBe(true)
    const pids = Object.values(result.impls).map((impl) => new Set(impl.rounds.map((r) => r.pid)))
    for (const processes of pids) expect(processes.size).toBe(1)
    const [ours, floor] = pids.map((processes) => [...processes][0])
    expect(ours).not.toBe(floor)
    expect([ours, floor]).not.toContain(process.pid)
    expect(result.impls.ours.rounds.map((r) => [r.round, r.position])).toEqual([
      [0, 0],
      [1, 1]
    ])
    expect(sink.tally('pc-ours-1').requests).toBe(0)
  }, 60_000)

  it('shows failed events: the result is not ok and gives no verdict', async () => {
    // Under a deeper path the sink finds no endpoint and answers 404.
    const lost = { ...sink, baseUrl: `${sink.baseUrl}/nowhere` }
    const result = await runPaired({ ...spec('batch', 20), rounds: 1 }, lost, { isolation: 'in-process' })
    expect(result.ok).toBe(false)
    expect(result.impls.ours.accounted).toMatchObject({ succeeded: 0, failed: 40, ok: true })
    expect(result.impls.ours.accounted.firstError).toEqual(expect.any(String))
    expect(result.vsFloor).toMatchObject({ comparable: false, failedEvents: 80 })
  })
})

it('runs the paired measurement first in a bench run and reports it', async () => {
  const report = await runBench(
    options({ actions: ['trackEvent'], paths: ['batch'], warmupEvents: { single: 0, batch: 0 }, paired: PAIRED }),
    'test'
  )
  expect(report.paired.map((row) => `${row.action} ${row.path} ${row.events} ${row.rounds}`)).toEqual([
    'trackEvent batch 20 2'
  ])
  expect(report.paired[0].ok).toBe(true)
  expect(report.summary.paired).toMatchObject({ batchEvents: [20], vsUpstream: null })
  expect(Object.keys(report.summary.paired?.batchOverheadPercent ?? {})).toEqual(['trackEvent'])
  expect(report.summary.allAccounted).toBe(true)
  const text = formatReport(report)
  expect(text).toContain(
    'Paired CPU ratios (implementations taking turns over 2 rounds on the same events, each in its own process'
  )
  expect(text.indexOf('Paired CPU ratios')).toBeLessThan(text.indexOf('Our cost relative to the floor'))
  expect(text).toContain('Summary: batch-path CPU overhead over the floor (paired medians at 20 events): trackEvent ')
  expect(text).toContain('Per-process medians: batch-path CPU overhead over the floor at the largest size: trackEvent')
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

/** What upstream 3.497.0 has among the bench's actions: no trackPage, and no batch path for trackPurchase. */
const UPSTREAM_PATHS: PathsByAction = {
  updateUser: ['single', 'batch'],
  trackEvent: ['single', 'batch'],
  trackPurchase: ['single']
}

describe('upstream in the plan', () => {
  it('runs upstream only on the action × path pairs it has, with its folder, rotating which implementation goes first', () => {
    const plan = planOf(options({ actions: [...BENCH_ACTIONS], runs: 3, batchSizes: [10], singleSizes: [5] }), {
      dir: '/cache/3.497.0',
      paths: UPSTREAM_PATHS
    })
    const upstream = plan.filter((spec) => spec.impl === 'upstream')
    expect([...new Set(upstream.map((spec) => `${spec.action} ${spec.path}`))].sort()).toEqual([
      'trackEvent batch',
      'trackEvent single',
      'trackPurchase single',
      'updateUser batch',
      'updateUser single'
    ])
    expect(upstream).toHaveLength(5 * 3)
    expect(upstream.every((spec) => spec.upstreamDir === '/cache/3.497.0')).toBe(true)
    expect(plan.filter((spec) => spec.impl !== 'upstream').every((spec) => spec.upstreamDir === undefined)).toBe(true)
    // Ours and the floor still run on every pair (7: trackPurchase has no batch path) × 3 runs.
    expect(plan.filter((spec) => spec.impl !== 'upstream')).toHaveLength(7 * 3 * 2)

    // Over 3 runs of a shared pair, each implementation takes each place once.
    const runsOf = (action: string, path: string) =>
      plan.filter((spec) => spec.action === action && spec.path === path).map((spec) => spec.impl)
    expect(runsOf('updateUser', 'batch')).toEqual([
      ...['ours', 'floor', 'upstream'],
      ...['floor', 'upstream', 'ours'],
      ...['upstream', 'ours', 'floor']
    ])
    // Without upstream the pair alternates as before.
    expect(runsOf('trackPage', 'batch')).toEqual(['ours', 'floor', 'floor', 'ours', 'ours', 'floor'])
  })

  it('reads which actions and paths a definition has: batch only with performBatch, bench actions only', () => {
    const perform = () => undefined
    const definition = {
      actions: {
        updateUser: { perform, performBatch: perform },
        trackEvent: { perform },
        updateCart: { perform, performBatch: perform }
      }
    } as unknown as Parameters<typeof upstreamPathsOf>[0]
    expect(upstreamPathsOf(definition)).toEqual({ updateUser: ['single', 'batch'], trackEvent: ['single'] })
  })
})

describe('ensureUpstream, without the network', () => {
  let cacheRoot: string
  const saved = { ...process.env }

  beforeEach(() => {
    cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'bench-upstream-'))
    // Should npm run at all, it can only reach a closed local port: nothing is downloaded.
    process.env.npm_config_registry = 'http://127.0.0.1:9/'
    process.env.npm_config_fetch_retries = '0'
    process.env.npm_config_update_notifier = 'false'
  })

  afterEach(() => {
    process.env = { ...saved }
    rmSync(cacheRoot, { recursive: true, force: true })
  })

  it('refuses what is not a version before running anything', () => {
    expect(() => ensureUpstream('../../etc', undefined, cacheRoot)).toThrow(/is not a version of/)
    expect(readdirSync(cacheRoot)).toEqual([])
  })

  it('reuses a cached extraction without downloading', () => {
    const dir = path.join(cacheRoot, '9.9.9')
    mkdirSync(path.join(dir, 'package/dist/destinations/iterable'), { recursive: true })
    mkdirSync(path.join(dir, 'package/dist/lib'), { recursive: true })
    writeFileSync(path.join(dir, 'package/dist/destinations/iterable/index.js'), '')
    writeFileSync(path.join(dir, 'package/dist/lib/dayjs.js'), '')
    const log = jest.fn()
    expect(ensureUpstream('9.9.9', log, cacheRoot)).toBe(dir)
    expect(log).not.toHaveBeenCalled()
  })

  it('says clearly when npm pack fails, and leaves nothing half-extracted', () => {
    expect(() => ensureUpstream('9.9.9', undefined, cacheRoot)).toThrow(
      `npm pack ${UPSTREAM_PACKAGE}@9.9.9 failed (offline, or no such version?)`
    )
    expect(readdirSync(cacheRoot)).toEqual([])
  })
})

/** Upstream as it is when it was downloaded and loaded, with UPSTREAM_PATHS. */
const MEASURED_UPSTREAM = upstreamMeasured({
  package: UPSTREAM_PACKAGE,
  version: UPSTREAM_VERSION,
  dir: '/cache',
  paths: UPSTREAM_PATHS
}).status

describe('ours vs upstream, from synthetic runs', () => {
  const EVENTS_PER_RUN = 1000

  /** A run of `impl` costing `cpuMicrosPerEvent`, with `failed` events failing (not reaching the sink). */
  const sample = (
    action: ScenarioSpec['action'],
    path: ScenarioSpec['path'],
    impl: Impl,
    cpuMicrosPerEvent: number,
    failed = 0
  ) => {
    const spec: ScenarioSpec = { action, path, impl, events: EVENTS_PER_RUN, seed: 1, warmupEvents: 0 }
    const run: RunMeasurement = {
      wallMs: (cpuMicrosPerEvent * EVENTS_PER_RUN) / 1000,
      cpuUserMicros: cpuMicrosPerEvent * EVENTS_PER_RUN,
      cpuSystemMicros: 0,
      performCpuMicros: path === 'batch' ? (cpuMicrosPerEvent * EVENTS_PER_RUN) / 2 : null,
      performWallMs: path === 'batch' ? 1 : null,
      gcPauseMs: 0,
      succeeded: EVENTS_PER_RUN - failed,
      failed,
      ...(failed > 0 && { firstError: 'Bad Request' }),
      rssBeforeBytes: 100 * 1024 * 1024,
      maxRssBytes: 120 * 1024 * 1024,
      peakScope: 'run',
      heapUsedAfterBytes: 0
    }
    const requests = path === 'batch' ? 1 : EVENTS_PER_RUN
    const succeeded = EVENTS_PER_RUN - failed
    return toSample(spec, run, {
      requests,
      bytes: succeeded * 500,
      records: succeeded,
      endpoints: {},
      newConnections: 1
    })
  }

  const status = MEASURED_UPSTREAM
  const opts = options({ actions: ['updateUser', 'trackEvent'], batchSizes: [EVENTS_PER_RUN] })

  it('compares per shared action, path and size, and says yes when ours costs no more CPU per event', () => {
    const report = buildReport(
      [
        sample('updateUser', 'batch', 'ours', 40),
        sample('updateUser', 'batch', 'floor', 30),
        sample('updateUser', 'batch', 'upstream', 50),
        sample('trackEvent', 'single', 'ours', 900),
        sample('trackEvent', 'single', 'floor', 900),
        sample('trackEvent', 'single', 'upstream', 900)
      ],
      opts,
      'test',
      status
    )
    expect(report.upstream).toMatchObject({ package: UPSTREAM_PACKAGE, version: UPSTREAM_VERSION, measured: true })
    expect(report.vsUpstream).toHaveLength(2)
    const batch = report.vsUpstream.find((c) => c.path === 'batch')!
    expect(batch).toMatchObject({
      action: 'updateUser',
      events: EVENTS_PER_RUN,
      oursCpuMicrosPerEvent: 40,
      upstreamCpuMicrosPerEvent: 50,
      oursRequestsPer10k: 10,
      upstreamRequestsPer10k: 10,
      oursBytesPerEvent: 500,
      upstreamBytesPerEvent: 500,
      atLeastAsFast: true,
      oursFailed: 0,
      upstreamFailed: 0,
      accounted: true
    })
    expect(batch.cpuRatio).toBeCloseTo(0.8)
    expect(batch.eventsPerSecondRatio).toBeCloseTo(1.25)
    // Equal cost counts as at least as fast.
    expect(report.vsUpstream.find((c) => c.path === 'single')!.atLeastAsFast).toBe(true)
    expect(report.summary.vsUpstream).toEqual({
      package: UPSTREAM_PACKAGE,
      version: UPSTREAM_VERSION,
      atLeastAsFastEverywhere: true,
      slower: [],
      notComparable: []
    })
    const text = formatReport(report)
    expect(text).toContain('Ours vs upstream')
    expect(text).toContain('CPU µs/ev ours / upstream')
    expect(text).toMatch(/updateUser +batch +1,000 +40\.0 \/ 50\.0 +0\.80 +1\.25 +10\.0 \/ 10\.0 +500 \/ 500 +yes/)
    expect(text).toContain(
      `vs upstream (${UPSTREAM_PACKAGE} ${UPSTREAM_VERSION}): at least as fast per event on every shared path: yes.`
    )
  })

  it('says NO, and where, when ours costs more CPU per event on some path', () => {
    const report = buildReport(
      [
        sample('updateUser', 'batch', 'ours', 60),
        sample('updateUser', 'batch', 'upstream', 50),
        sample('trackEvent', 'single', 'ours', 800),
        sample('trackEvent', 'single', 'upstream', 900)
      ],
      opts,
      'test',
      status
    )
    expect(report.vsUpstream.find((c) => c.path === 'batch')!.atLeastAsFast).toBe(false)
    expect(report.vsUpstream.find((c) => c.path === 'single')!.atLeastAsFast).toBe(true)
    expect(report.summary.vsUpstream).toMatchObject({
      atLeastAsFastEverywhere: false,
      slower: ['updateUser batch 1,000 (1.20×)'],
      notComparable: []
    })
    const text = formatReport(report)
    expect(text).toMatch(/updateUser +batch +1,000 +60\.0 \/ 50\.0 +1\.20 .* NO$/m)
    expect(text).toContain(
      'at least as fast per event on every shared path: NO (slower: updateUser batch 1,000 (1.20×))'
    )
  })

  it("marks a slower median whose runs overlap upstream's as within noise, and still answers NO", () => {
    const report = buildReport(
      [
        ...[48, 55, 62].map((cpu) => sample('updateUser', 'batch', 'ours', cpu)),
        ...[50, 51, 52].map((cpu) => sample('updateUser', 'batch', 'upstream', cpu)),
        ...[70, 71, 72].map((cpu) => sample('trackEvent', 'batch', 'ours', cpu)),
        ...[50, 51, 52].map((cpu) => sample('trackEvent', 'batch', 'upstream', cpu))
      ],
      opts,
      'test',
      status
    )
    const updateUser = report.vsUpstream.find((c) => c.action === 'updateUser')!
    const trackEvent = report.vsUpstream.find((c) => c.action === 'trackEvent')!
    expect(updateUser).toMatchObject({ atLeastAsFast: false, withinNoise: true })
    expect(trackEvent).toMatchObject({ atLeastAsFast: false, withinNoise: false })
    expect(report.summary.vsUpstream?.atLeastAsFastEverywhere).toBe(false)
    const text = formatReport(report)
    expect(text).toMatch(/updateUser +batch +1,000 +55\.0 \/ 51\.0 .* NO \(within noise\)$/m)
    expect(text).toMatch(/trackEvent +batch +1,000 +71\.0 \/ 51\.0 .* NO$/m)
    expect(text).toContain('updateUser batch 1,000 (1.08×, within run-to-run noise)')
  })

  it('shows upstream failures rather than calling a failed run fast', () => {
    const report = buildReport(
      [sample('updateUser', 'batch', 'ours', 60), sample('updateUser', 'batch', 'upstream', 50, 7)],
      opts,
      'test',
      status
    )
    expect(report.vsUpstream[0]).toMatchObject({ atLeastAsFast: null, upstreamFailed: 7, firstError: 'Bad Request' })
    expect(report.summary.vsUpstream).toMatchObject({
      atLeastAsFastEverywhere: false,
      notComparable: ['updateUser batch 1,000 (ours 0 / upstream 7 failed)']
    })
    const text = formatReport(report)
    expect(text).toMatch(/updateUser +batch +1,000 +upstream .* NO \(7 failed\)/)
    expect(text).toContain('n/a: failed ours 0 / upstream 7 (Bad Request)')
    expect(text).toContain('NO (events failed: updateUser batch 1,000 (ours 0 / upstream 7 failed))')
  })

  it('says why upstream was not measured', () => {
    const report = buildReport([sample('updateUser', 'batch', 'ours', 60)], opts, 'test', {
      package: UPSTREAM_PACKAGE,
      version: UPSTREAM_VERSION,
      measured: false,
      skippedBecause: 'npm pack failed'
    })
    expect(report.vsUpstream).toEqual([])
    expect(report.summary.vsUpstream).toBeNull()
    const text = formatReport(report)
    expect(text).not.toContain('Ours vs upstream')
    expect(text).toContain('vs upstream: not measured (npm pack failed)')
  })
})

describe('paired verdicts, from synthetic rounds', () => {
  const EVENTS_PER_ROUND = 1000
  const status = MEASURED_UPSTREAM
  const opts = options({ actions: ['updateUser', 'trackEvent', 'trackPage'], paired: { ...PAIRED, rounds: 3 } })

  /** A paired result whose implementations cost `cpu` µs/event round by round; `failed` events fail in round 0. */
  const paired = (
    action: PairedSpec['action'],
    path: PairedSpec['path'],
    cpu: Partial<Record<Impl, number[]>>,
    failed: Partial<Record<Impl, number>> = {}
  ): PairedResult => {
    const impls = Object.keys(cpu) as Impl[]
    const rounds = cpu.ours?.length ?? 0
    const spec: PairedSpec = {
      action,
      path,
      events: EVENTS_PER_ROUND,
      batchesPerTurn: 1,
      rounds,
      seed: 1,
      warmupEvents: 0
    }
    const measurement: PairedMeasurement = {}
    const tallies = new Map<string, Tally>()
    for (const impl of impls) {
      measurement[impl] = (cpu[impl] ?? []).map((micros, round) => {
        const lost = round === 0 ? (failed[impl] ?? 0) : 0
        const sinkTag = `${impl}-${round}`
        const records = EVENTS_PER_ROUND - lost
        tallies.set(sinkTag, { requests: 1, bytes: records * 500, records, endpoints: {}, newConnections: 1 })
        return {
          round,
          position: (impls.indexOf(impl) - (round % impls.length) + impls.length) % impls.length,
          cpuMicros: micros * EVENTS_PER_ROUND,
          wallMs: micros,
          succeeded: records,
          failed: lost,
          ...(lost > 0 && { firstError: 'Bad Request' }),
          sinkTag,
          pid: 1000 + impls.indexOf(impl)
        }
      })
    }
    return pairedResultOf(spec, measurement, (tag) => tallies.get(tag) as Tally)
  }

  it('prints the paired table first, and bases both verdicts on the paired medians: NOT met, NO', () => {
    const rows = [
      paired('updateUser', 'batch', { ours: [120, 110, 130], floor: [100, 100, 100], upstream: [130, 100, 120] }),
      paired('trackEvent', 'single', {
        ours: [900, 950, 1000],
        floor: [1000, 1000, 1000],
        upstream: [1000, 1000, 1000]
      }),
      paired('trackPage', 'batch', { ours: [50, 60, 55], floor: [50, 50, 50] })
    ]
    expect(rows[0].vsFloor.perRound).toEqual([1.2, 1.1, 1.3])
    expect(rows[0].vsFloor).toMatchObject({ median: 1.2, q1: 1.15, comparable: true })
    expect(rows[0].vsUpstream?.perRound.map((r) => Number(r.toFixed(3)))).toEqual([0.923, 1.1, 1.083])

    // Per process, ours looks cheaper than both: the paired verdicts must win.
    const report = buildReport(
      [
        ...(['ours', 'floor', 'upstream'] as Impl[]).map((impl) =>
          toSample(
            { action: 'updateUser', path: 'batch', impl, events: 1000, seed: 1, warmupEvents: 0 },
            {
              wallMs: 10,
              cpuUserMicros: impl === 'ours' ? 50_000 : 100_000,
              cpuSystemMicros: 0,
              performCpuMicros: 0,
              performWallMs: 0,
              gcPauseMs: 0,
              succeeded: 1000,
              failed: 0,
              rssBeforeBytes: 0,
              maxRssBytes: 0,
              peakScope: 'run',
              heapUsedAfterBytes: 0
            },
            { requests: 1, bytes: 500_000, records: 1000, endpoints: {}, newConnections: 1 }
          )
        )
      ],
      opts,
      'test',
      status,
      rows
    )
    expect(report.paired).toEqual(rows)
    expect(report.summary.batchWithinTarget).toBe(true)
    expect(report.summary.vsUpstream?.atLeastAsFastEverywhere).toBe(true)
    expect(report.summary.paired).toEqual({
      batchOverheadPercent: { updateUser: expect.closeTo(20), trackPage: expect.closeTo(10) },
      batchEvents: [1000],
      batchWithinTarget: false,
      vsUpstream: {
        package: UPSTREAM_PACKAGE,
        version: UPSTREAM_VERSION,
        atLeastAsFastEverywhere: false,
        slower: ['updateUser batch 1,000 (1.08× [1.00–1.09])'],
        notComparable: []
      }
    })

    const text = formatReport(report)
    expect(text).toContain(
      'Paired CPU ratios (implementations taking turns over 3 rounds on the same events, each in its own process unless --in-process; median [q1–q3] of per-round ratios)'
    )
    expect(text.indexOf('Paired CPU ratios')).toBeLessThan(text.indexOf('Our cost relative to the floor'))
    expect(text.indexOf('Paired CPU ratios')).toBeLessThan(text.indexOf('Ours vs upstream'))
    for (const heading of [
      'events per turn',
      'rounds',
      'ours µs/ev (median)',
      'floor µs/ev',
      'ours÷floor median [q1–q3]',
      'target ≤ 1.15',
      'upstream µs/ev',
      'ours÷upstream median [q1–q3]',
      'at least as fast',
      'ok'
    ]) {
      expect(text).toContain(heading)
    }
    expect(text).toMatch(
      /^updateUser +batch +1,000 +3 +120\.0 +100\.0 +1\.20 \[1\.15–1\.25\] +NOT met +120\.0 +1\.08 \[1\.00–1\.09\] +NO +yes$/m
    )
    // Single path: no target; 0.95 ≤ 1.
    expect(text).toMatch(
      /^trackEvent +single +1,000 +3 +950\.0 +1000\.0 +0\.95 \[0\.93–0\.97\] +1000\.0 +0\.95 .* +yes +yes$/m
    )
    expect(text).toMatch(
      /^trackPage +batch +1,000 +3 +55\.0 +50\.0 +1\.10 \[1\.05–1\.15\] +met +- +- +n\/a: upstream has no trackPage batch +yes$/m
    )
    expect(text).toContain(
      'Summary: batch-path CPU overhead over the floor (paired medians at 1,000 events): updateUser +20%, trackPage +10% (target ≤ 15%: NOT met); ' +
        `vs upstream (paired, ${UPSTREAM_PACKAGE} ${UPSTREAM_VERSION}): at least as fast per event on every shared path: NO (slower: updateUser batch 1,000 (1.08× [1.00–1.09])). ` +
        'Per-process medians: batch-path CPU overhead over the floor at the largest size: updateUser -50% (target ≤ 15%: met); '
    )
    expect(text).toContain(
      `vs upstream (${UPSTREAM_PACKAGE} ${UPSTREAM_VERSION}): at least as fast per event on every shared path: yes.`
    )
  })

  it('says met and yes when the paired medians are within the target and at most upstream', () => {
    const report = buildReport([], opts, 'test', status, [
      paired('updateUser', 'batch', { ours: [110, 90, 114], floor: [100, 100, 100], upstream: [120, 80, 115] }),
      paired('trackEvent', 'batch', { ours: [100, 100, 100], floor: [100, 100, 100], upstream: [100, 100, 100] })
    ])
    expect(report.summary.paired).toMatchObject({
      batchWithinTarget: true,
      vsUpstream: { atLeastAsFastEverywhere: true, slower: [], notComparable: [] }
    })
    const text = formatReport(report)
    // Median of ours ÷ upstream per round (0.92, 1.13, 0.99): 0.99, even though one round was slower.
    expect(text).toMatch(/^updateUser +batch .* +met +115\.0 +0\.99 \[0\.95–1\.06\] +yes +yes$/m)
    expect(text).toContain(
      'Summary: batch-path CPU overhead over the floor (paired medians at 1,000 events): updateUser +10%, trackEvent +0% (target ≤ 15%: met); ' +
        `vs upstream (paired, ${UPSTREAM_PACKAGE} ${UPSTREAM_VERSION}): at least as fast per event on every shared path: yes. Per-process medians: `
    )
  })

  it('never hides failed events: no verdict, the row is not ok, the summary says so', () => {
    const report = buildReport([], opts, 'test', status, [
      paired(
        'updateUser',
        'batch',
        { ours: [90, 90, 90], floor: [100, 100, 100], upstream: [100, 100, 100] },
        { upstream: 7 }
      ),
      paired('trackPage', 'batch', { ours: [90, 90, 90], floor: [100, 100, 100] }, { ours: 3 })
    ])
    const [updateUser, trackPage] = report.paired
    expect(updateUser).toMatchObject({ ok: false, vsFloor: { comparable: true }, vsUpstream: { comparable: false } })
    expect(trackPage).toMatchObject({ ok: false, vsFloor: { comparable: false, failedEvents: 3 } })
    expect(report.summary).toMatchObject({
      allAccounted: true,
      failedEvents: 10,
      paired: {
        batchWithinTarget: null,
        vsUpstream: {
          atLeastAsFastEverywhere: false,
          slower: [],
          notComparable: ['updateUser batch 1,000 (ours 0 / upstream 7 failed)']
        }
      }
    })
    const text = formatReport(report)
    expect(text).toMatch(
      /^updateUser +batch .* +met +100\.0 +0\.90 \[0\.90–0\.90\] +n\/a: ours 0 \/ upstream 7 failed +NO \(upstream 7 failed \(Bad Request\)\)$/m
    )
    expect(text).toMatch(
      /^trackPage +batch .* +n\/a: 3 events failed +- +- +n\/a: upstream has no trackPage batch +NO \(ours 3 failed \(Bad Request\)\)$/m
    )
    expect(text).toContain('(target ≤ 15%: n/a); ')
    expect(text).toContain('NO (events failed: updateUser batch 1,000 (ours 0 / upstream 7 failed))')
  })

  it('says when upstream was not measured, and keeps the per-process summary alone without paired rows', () => {
    const notMeasured = upstreamNotMeasured('disabled with --no-upstream').status
    const report = buildReport([], opts, 'test', notMeasured, [
      paired('updateUser', 'batch', { ours: [100, 100, 100], floor: [100, 100, 100] })
    ])
    const text = formatReport(report)
    expect(text).toMatch(/^updateUser +batch .* +met +- +- +n\/a: upstream not measured +yes$/m)
    expect(text).toContain('vs upstream (paired): not measured (disabled with --no-upstream). Per-process medians: ')

    const without = formatReport(buildReport([], options(), 'test', notMeasured))
    expect(without).not.toContain('Paired CPU ratios')
    expect(without).toContain('Paired CPU comparison: not run')
    expect(without).toContain('Summary: batch-path CPU overhead over the floor at the largest size: n/a')
  })
})

// Only where upstream was downloaded before (npm run bench does it): tests never download.
const upstreamDir = path.join(UPSTREAM_CACHE, UPSTREAM_VERSION)
const maybe = existsSync(upstreamDir) ? it : it.skip

maybe(`loads upstream ${UPSTREAM_VERSION} from the cache and accounts for every one of its events`, async () => {
  const paths = upstreamPathsOf(loadUpstreamDefinition(upstreamDir))
  expect(paths).toEqual(UPSTREAM_PATHS)
  expect(probeUpstreamPaths(upstreamDir)).toEqual(UPSTREAM_PATHS)

  const report = await runBench(
    options({ actions: [...BENCH_ACTIONS], batchSizes: [20], singleSizes: [10] }),
    'test',
    undefined,
    upstreamMeasured({ package: UPSTREAM_PACKAGE, version: UPSTREAM_VERSION, dir: upstreamDir, paths })
  )
  const upstreamRows = report.rows.filter((row) => row.impl === 'upstream')
  expect(upstreamRows.map((row) => `${row.action} ${row.path}`).sort()).toEqual([
    'trackEvent batch',
    'trackEvent single',
    'trackPurchase single',
    'updateUser batch',
    'updateUser single'
  ])
  for (const row of upstreamRows) {
    expect(row.accounted).toEqual({
      events: row.events,
      succeeded: row.events,
      failed: 0,
      recordsAtSink: row.events,
      ok: true
    })
    // Upstream sends the whole batch it is given in one request.
    expect(row.requestsPer10k).toBe(row.path === 'batch' ? (1 / row.events) * 10_000 : 10_000)
  }
  expect(report.vsUpstream).toHaveLength(5)
  expect(report.vsUpstream.every((c) => c.accounted && c.atLeastAsFast !== null)).toBe(true)
  expect(report.summary.vsUpstream).not.toBeNull()
  expect(formatReport(report)).toContain('Ours vs upstream')
})

maybe(`pairs ours with upstream ${UPSTREAM_VERSION} round by round, accounting for every event`, async () => {
  const sink = await startSink()
  try {
    for (const [action, path, events] of [
      ['updateUser', 'batch', 20],
      ['trackPurchase', 'single', 5]
    ] as const) {
      const spec = { action, path, events, batchesPerTurn: 1, rounds: 2, seed: 1, warmupEvents: 3, upstreamDir }
      const result = await runPaired(spec, sink, {
        isolation: 'in-process'
      })
      expect(Object.keys(result.impls)).toEqual(['ours', 'floor', 'upstream'])
      const { ours, upstream } = result.impls
      expect(upstream?.rounds.map((r) => [r.round, r.position])).toEqual([
        [0, 2],
        [1, 1]
      ])
      expect(result.vsUpstream?.perRound).toEqual(
        ours.rounds.map((round, index) => round.cpuMicrosPerEvent / (upstream?.rounds[index].cpuMicrosPerEvent ?? NaN))
      )
      expect(result.vsUpstream).toMatchObject({ versus: 'upstream', comparable: true, failedEvents: 0 })
      expect(result.ok).toBe(true)
      expect(upstream?.accounted).toEqual({
        events,
        succeeded: events * 2,
        failed: 0,
        recordsAtSink: events * 2,
        ok: true
      })
    }
    await expectEventsUnchanged(sink, ['upstream'], upstreamDir)
  } finally {
    await sink.close()
  }
})

describe('accounting for the events of runs and turns', () => {
  const run = (succeeded: number, failed: number, records = succeeded, firstError?: string) => ({
    succeeded,
    failed,
    records,
    ...(firstError !== undefined && { firstError })
  })

  it('sums the outcomes and is ok when every event has one and every success reached the sink once', () => {
    expect(accountingOf([run(10, 0), run(8, 2, 8, 'Bad Request')], 10)).toEqual({
      events: 10,
      succeeded: 18,
      failed: 2,
      recordsAtSink: 18,
      ok: true,
      firstError: 'Bad Request'
    })
  })

  it('is not ok when an event has no outcome, a success never reached the sink, or runs are missing', () => {
    expect(accountingOf([run(10, 0), run(9, 0)], 10).ok).toBe(false)
    expect(accountingOf([run(10, 0, 9)], 10).ok).toBe(false)
    expect(accountingOf([run(10, 0, 11)], 10).ok).toBe(false)
    expect(accountingOf([run(10, 0)], 10, false).ok).toBe(false)
  })

  it('makes a paired side with a missing round not ok, so that it gives no verdict', () => {
    const spec: PairedSpec = {
      action: 'trackEvent',
      path: 'single',
      events: 10,
      batchesPerTurn: 1,
      rounds: 2,
      seed: 1,
      warmupEvents: 0
    }
    const turn = (impl: Impl, round: number) => ({
      round,
      position: 0,
      cpuMicros: 1000,
      wallMs: 1,
      succeeded: 10,
      failed: 0,
      sinkTag: `${impl}-${round}`,
      pid: 1
    })
    const tally = { requests: 10, bytes: 5000, records: 10, endpoints: {}, newConnections: 1 }
    const result = pairedResultOf(
      spec,
      { ours: [turn('ours', 0)], floor: [turn('floor', 0), turn('floor', 1)] },
      () => tally
    )
    expect(result.impls.ours.accounted).toMatchObject({ succeeded: 10, ok: false })
    expect(result.impls.floor.accounted.ok).toBe(true)
    expect(result).toMatchObject({ ok: false, vsFloor: { comparable: false } })
  })
})
