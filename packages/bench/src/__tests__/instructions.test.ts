import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  cycledTurns,
  buildInstructionReport,
  formatInstructionReport,
  gcInstructionsOf,
  INSTRUCTION_EVENTS,
  instructionPlanOf,
  instructionRowsOf,
  measuredDumpOf,
  totalOf,
  type InstructionCount,
  type InstructionSpec
} from '../instructions'
import { BENCH_ACTIONS, pathsOf, type Impl } from '../scenarios'
import { startSink } from '../sink'
import { upstreamNotMeasured } from '../upstream'

// The instruction counts' plan, parsing and table. valgrind itself is not run here (a count takes minutes); the child
// it runs is, natively, on a few events.

const dump = (totals: number) =>
  `version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: ${totals}\ntotals: ${totals}\n`

describe("reading callgrind's files", () => {
  it('takes the highest-numbered dump: the one callgrind wrote at the second marker, covering the measured part', () => {
    const names = ['callgrind.out', 'callgrind.out.1', 'callgrind.out.2', 'callgrind.out.10', 'callgrind.out.9']
    expect(measuredDumpOf(names, 'callgrind.out')).toBe('callgrind.out.10')
  })

  it('refuses files without both markers’ dumps, rather than report a wrong part', () => {
    expect(() => measuredDumpOf(['callgrind.out', 'callgrind.out.1'], 'callgrind.out')).toThrow(/1 dump/)
  })

  it("reads a dump's total, and refuses one without it", () => {
    expect(totalOf(dump(5_000), 'callgrind.out.10')).toBe(5_000)
    expect(() => totalOf('no totals here', 'callgrind.out.2')).toThrow(/No totals/)
  })

  it("counts the garbage collector's own instructions: not what it calls, nor the program's", () => {
    const profile = [
      'events: Ir',
      'fl=(1) ???',
      // A collector function, named at first sight; 100 + 20 of its own, and a call costing 1,000 that is not its own.
      'fn=(1) v8::internal::Scavenger::ScavengePage(v8::internal::MemoryChunk*)',
      '0 100',
      '+3 20',
      'cfn=(2) v8::internal::HeapObject::SizeFromMap(v8::internal::Map) const',
      'calls=40 0',
      '0 1000',
      // Named as a callee above; SizeFromMap is not the collector's alone, so not counted.
      'fn=(2)',
      '0 1000',
      'fn=(3) Builtins_JSONStringify',
      '0 5000',
      'cfn=(4) v8::internal::Sweeper::RawSweep(v8::internal::Page*)',
      'calls=1 0',
      '0 300',
      // Later sightings carry the id alone.
      'fn=(4)',
      '* 300',
      'fn=(1)',
      '-2 7',
      'fn=(5) void v8::internal::MarkingVisitorBase<v8::internal::MainMarkingVisitor>::VisitPointers()',
      '0 50',
      'totals: 6477'
    ].join('\n')
    expect(gcInstructionsOf(profile)).toBe(100 + 20 + 300 + 7 + 50)
    expect(gcInstructionsOf(dump(5_000))).toBe(0)
  })
})

describe('instructionPlanOf', () => {
  it('counts ours and the floor on every path, and upstream only on the paths it has', () => {
    const plan = instructionPlanOf(BENCH_ACTIONS, ['single', 'batch'], {
      dir: '/cache/3.497.0',
      paths: { updateUser: ['single', 'batch'], trackPurchase: ['single'] }
    })
    const describe = (spec: InstructionSpec) => `${spec.action} ${spec.path} ${spec.impl} ${spec.events}`
    expect(plan.map(describe)).toEqual(
      BENCH_ACTIONS.flatMap((action) =>
        pathsOf(action).flatMap((path) => {
          const impls: Impl[] =
            action === 'updateUser' || (action === 'trackPurchase' && path === 'single')
              ? ['ours', 'floor', 'upstream']
              : ['ours', 'floor']
          return impls.map((impl) => `${action} ${path} ${impl} ${INSTRUCTION_EVENTS[path]}`)
        })
      )
    )
    expect(plan.filter((spec) => spec.impl === 'upstream').every((spec) => spec.upstreamDir === '/cache/3.497.0')).toBe(
      true
    )
    expect(plan.filter((spec) => spec.impl !== 'upstream').every((spec) => spec.upstreamDir === undefined)).toBe(true)
  })

  it('counts the batch path once per batch size asked for, each over at least the usual number of events', () => {
    const plan = instructionPlanOf(['updateUser'], ['single', 'batch'], undefined, 1, [1_000, 10_000, 100_000])
    expect(plan.map((spec) => `${spec.path} ${spec.impl} ${spec.batchEvents} ${spec.events}`)).toEqual([
      `single ours undefined ${INSTRUCTION_EVENTS.single}`,
      `single floor undefined ${INSTRUCTION_EVENTS.single}`,
      `batch ours 1000 ${INSTRUCTION_EVENTS.batch}`,
      `batch floor 1000 ${INSTRUCTION_EVENTS.batch}`,
      `batch ours 10000 ${INSTRUCTION_EVENTS.batch}`,
      `batch floor 10000 ${INSTRUCTION_EVENTS.batch}`,
      'batch ours 100000 100000',
      'batch floor 100000 100000'
    ])
    expect(instructionPlanOf(['updateUser'], ['batch']).map((spec) => spec.batchEvents)).toEqual([1_000, 1_000])
  })

  it('keeps to the actions and paths asked for', () => {
    const plan = instructionPlanOf(['trackEvent'], ['batch'])
    expect(plan.map((spec) => `${spec.action} ${spec.path} ${spec.impl}`)).toEqual([
      'trackEvent batch ours',
      'trackEvent batch floor'
    ])
  })
})

function count(
  spec: Partial<InstructionSpec> & Pick<InstructionSpec, 'impl'>,
  perEvent: number,
  failed = 0,
  gcPerEvent = 0
) {
  const full: InstructionSpec = {
    action: 'updateUser',
    path: 'batch',
    events: 100,
    distinctEvents: 100,
    warmupEvents: 0,
    seed: 1,
    ...spec
  }
  const result: InstructionCount = {
    spec: full,
    succeeded: full.events - failed,
    failed,
    instructions: perEvent * full.events,
    perEvent,
    gcInstructions: gcPerEvent * full.events,
    gcPerEvent,
    requests: 1,
    records: full.events
  }
  return result
}

describe('instruction rows and table', () => {
  const counts = [
    count({ impl: 'ours' }, 290_000),
    count({ impl: 'floor' }, 250_000),
    count({ impl: 'upstream' }, 310_000),
    count({ impl: 'ours', action: 'trackPage' }, 200_000),
    count({ impl: 'floor', action: 'trackPage' }, 160_000)
  ]

  it('gives each action × path its implementations and ours ÷ floor and ÷ upstream', () => {
    const rows = instructionRowsOf(counts)
    expect(rows).toHaveLength(2)
    expect(rows[0]).toMatchObject({ action: 'updateUser', path: 'batch', ok: true })
    expect(rows[0].vsFloor).toBeCloseTo(290 / 250)
    expect(rows[0].vsUpstream).toBeCloseTo(290 / 310)
    expect(rows[1].vsFloor).toBeCloseTo(200 / 160)
    expect(rows[1].vsUpstream).toBeUndefined()
  })

  it('gives the ratios without the collector too, and a row per batch size', () => {
    const bySize = [
      count({ impl: 'ours', batchEvents: 1_000 }, 290_000, 0, 40_000),
      count({ impl: 'floor', batchEvents: 1_000 }, 250_000, 0, 20_000),
      count({ impl: 'upstream', batchEvents: 1_000 }, 310_000, 0, 10_000),
      count({ impl: 'ours', batchEvents: 10_000 }, 300_000, 0, 50_000),
      count({ impl: 'floor', batchEvents: 10_000 }, 240_000, 0, 15_000)
    ]
    const rows = instructionRowsOf(bySize)
    expect(rows.map((row) => row.batchEvents)).toEqual([1_000, 10_000])
    expect(rows[0].vsFloor).toBeCloseTo(290 / 250)
    expect(rows[0].vsFloorOutsideGc).toBeCloseTo(250 / 230)
    expect(rows[0].vsUpstreamOutsideGc).toBeCloseTo(250 / 300)
    expect(rows[1].vsFloorOutsideGc).toBeCloseTo(250 / 225)
    expect(rows[1].vsUpstreamOutsideGc).toBeUndefined()
    const text = formatInstructionReport(
      buildInstructionReport(bySize, 'valgrind-3.19.0', upstreamNotMeasured('t').status)
    )
    expect(text).toContain('outside GC ours/floor')
    expect(text).toMatch(
      /updateUser\s+batch\s+1,000\s+100\s+290,000\s+250,000\s+310,000\s+1\.160\s+0\.935\s+1\.087\s+0\.833\s+yes/
    )
    expect(text).toMatch(/updateUser\s+batch\s+10,000\s+100\s+300,000\s+240,000\s+-\s+1\.250\s+-\s+1\.111\s+-\s+yes/)
  })

  it('marks a row not ok when any implementation lost an event', () => {
    const rows = instructionRowsOf([count({ impl: 'ours' }, 290_000), count({ impl: 'floor' }, 250_000, 1)])
    expect(rows[0].ok).toBe(false)
  })

  it('prints every row and the verdict against upstream, whichever way it goes', () => {
    const report = buildInstructionReport(counts, 'valgrind-3.19.0', upstreamNotMeasured('test').status)
    const text = formatInstructionReport(report)
    expect(text).toMatch(
      /updateUser\s+batch\s+1,000\s+100\s+290,000\s+250,000\s+310,000\s+1\.160\s+0\.935\s+1\.160\s+0\.935\s+yes/
    )
    expect(text).toMatch(/trackPage\s+batch\s+1,000\s+100\s+200,000\s+160,000\s+-\s+1\.250\s+-\s+1\.250\s+-\s+yes/)
    expect(text).toContain(
      'Ours vs upstream: fewer instructions per event on every shared path (highest ours/upstream 0.935)'
    )

    const slower = buildInstructionReport(
      [count({ impl: 'ours' }, 320_000), count({ impl: 'floor' }, 250_000), count({ impl: 'upstream' }, 310_000)],
      'valgrind-3.19.0',
      upstreamNotMeasured('test').status
    )
    expect(formatInstructionReport(slower)).toContain('NOT fewer instructions per event')
  })
})

describe('cycledTurns', () => {
  it('takes the items in order, starts again from the first when they run out, and stops at the total', () => {
    expect(cycledTurns(['a', 'b', 'c'], 7, 3)).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a']])
    expect(cycledTurns(['a', 'b', 'c'], 5, 2)).toEqual([['a', 'b'], ['c', 'a'], ['b']])
    expect(cycledTurns(['a', 'b'], 2, 1000)).toEqual([['a', 'b']])
    expect(cycledTurns(['a'], 0, 10)).toEqual([])
  })
})

describe('count-child (run natively here; under callgrind by --instructions)', () => {
  it('pushes the measured events to its tag and prints their outcome', async () => {
    const sink = await startSink()
    try {
      const spec: InstructionSpec = {
        action: 'trackEvent',
        path: 'batch',
        impl: 'ours',
        events: 30,
        batchEvents: 10,
        distinctEvents: 12,
        warmupEvents: 5,
        seed: 3
      }
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          path.join(__dirname, '../count-child.ts'),
          JSON.stringify(spec),
          sink.baseUrl,
          'c'
        ],
        { env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '../../../../tsconfig.json') } }
      )
      expect(JSON.parse(stdout.trim())).toEqual({ succeeded: 30, failed: 0 })
      // 30 events, pushed from 12 distinct ones, in calls of 10: one bulk request each.
      expect(sink.tally('c')).toMatchObject({ records: 30, endpoints: { '/api/events/trackBulk': 3 } })
      expect(sink.tally('c-warmup').records).toBe(5)
    } finally {
      await sink.close()
    }
  }, 60_000)
})
