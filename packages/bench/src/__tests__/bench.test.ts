import { parseFql, validate } from '@segment/destination-subscriptions'
import { generateEvents } from '../events'
import { IMPLS, PATHS, destinationOf, integrationFor, pathNamed, push } from '../harness'
import type { Impl } from '../harness'
import { median, summarizeCpu, table, worstCpuRatio } from '../report'
import type { PathResult } from '../report'
import { startSink } from '../sink'
import type { Sink } from '../sink'
import { UPSTREAM, upstreamInstalled } from '../upstream'

// The published destination is installed by the bench, not by npm install: without it, its tests are skipped.
const withUpstream = upstreamInstalled()
if (!withUpstream) {
  console.warn(
    `bench: the published destination's tests are skipped: ${UPSTREAM.name}@${UPSTREAM.version} is not installed ` +
      '(`npm run bench -- --install-only` installs it)'
  )
}
const itWithUpstream = withUpstream ? it : it.skip
const itWith = (impl: Impl) => (impl === 'upstream' ? itWithUpstream : it)

const wire = (requests: number, bytes: number) => ({ requests, bytes, records: 10, largestBody: bytes, events: 10 })
const result = (path: string, ours: number[], upstream: number[]): PathResult => ({
  path,
  wire: { ours: wire(1, 5000), upstream: wire(2, 6000) },
  cpu: { ours, upstream }
})

describe('ratios', () => {
  it('divides round by round, then takes the median, lowest and highest of those ratios', () => {
    const summary = summarizeCpu({ ours: [10, 30, 12], upstream: [10, 20, 16] })
    expect(summary).toEqual({ ours: 12, upstream: 16, ratio: 1, low: 0.75, high: 1.5 })
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it('refuses rounds missing on one side', () => {
    expect(() => summarizeCpu({ ours: [1, 2], upstream: [1] })).toThrow(RangeError)
  })

  it('finds the worst path and puts every figure in the table', () => {
    const results = [result('a single', [1, 1], [1, 1]), result('b batch', [12, 11], [10, 10])]
    expect(worstCpuRatio(results)).toEqual({ path: 'b batch', ratio: expect.closeTo(1.15) })
    expect(table(results).split('\n')[3]).toBe(
      '| b batch | 11.5 / 10.0 | **1.15** (1.10–1.20) | 1 / 2 of 10 | 500 / 600 | 5.0 / 6.0 |  |'
    )
  })
})

describe('events', () => {
  it('are the same for a seed and differ between seeds', () => {
    expect(generateEvents('identify', 5, 1)).toEqual(generateEvents('identify', 5, 1))
    expect(generateEvents('identify', 5, 1)).not.toEqual(generateEvents('identify', 5, 2))
  })

  it('carry dates in UTC, with an offset and date-only, and nested objects', () => {
    const [{ traits }] = generateEvents('identify', 1, 1) as { traits: Record<string, unknown> }[]
    expect(traits.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(traits.lastLogin).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:00$/)
    expect(traits.birthday).toMatch(/^\d{4}-\d\d-\d\d$/)
    expect(traits.company).toEqual(expect.objectContaining({ name: expect.any(String) }))
  })

  // Upstream's commerce subscriptions are written with `==`, which Segment's FQL parser does not read: ours stand in.
  it.each(PATHS)("$name: every event is in the action's default subscription", ({ action, kind }) => {
    const { defaultSubscription } = destinationOf('ours').actions[action]
    if (!defaultSubscription) throw new Error(`${action} has no default subscription`)
    const subscription = parseFql(defaultSubscription)
    expect(generateEvents(kind, 20, 3).filter((event) => !validate(subscription, event))).toEqual([])
  })
})

describe('sink', () => {
  let sink: Sink
  beforeAll(async () => (sink = await startSink()))
  afterAll(() => sink.close())

  const post = (url: string, body: object) =>
    fetch(`${sink.baseUrl}${url}`, { method: 'POST', body: JSON.stringify(body) }).then((res) => res.json())

  it('counts requests, body bytes, records and the largest body, apart for each tag', async () => {
    await post('/a/api/users/update', { email: 'a@example.com' })
    const answer = await post('/a/api/users/bulkUpdate', { users: [{ email: 'b@example.com' }, { userId: 'c' }] })
    await post('/b/api/events/track', { eventName: 'x' })
    expect(answer).toEqual(expect.objectContaining({ successCount: 2, failCount: 0 }))
    const bulk = JSON.stringify({ users: [{ email: 'b@example.com' }, { userId: 'c' }] }).length
    const single = JSON.stringify({ email: 'a@example.com' }).length
    expect(sink.tally('a')).toEqual({ requests: 2, bytes: single + bulk, records: 3, largestBody: bulk })
    expect(sink.tally('b')).toEqual(expect.objectContaining({ requests: 1, records: 1 }))
  })

  for (const impl of IMPLS) {
    itWith(impl)(`receives every event of a batch and of single calls from ${impl}, once`, async () => {
      const [single, batch] = [pathNamed('updateUser single'), pathNamed('updateUser batch')]
      const outcomes = [
        await push(integrationFor(impl, `${sink.baseUrl}/${impl}-1`), single, generateEvents('identify', 3, 1)),
        await push(integrationFor(impl, `${sink.baseUrl}/${impl}-2`), batch, generateEvents('identify', 5, 1))
      ]
      expect(outcomes).toEqual([
        { succeeded: 3, failed: 0 },
        { succeeded: 5, failed: 0 }
      ])
      expect(sink.tally(`${impl}-1`)).toEqual(expect.objectContaining({ requests: 3, records: 3 }))
      expect(sink.tally(`${impl}-2`)).toEqual(expect.objectContaining({ requests: 1, records: 5 }))
    })
  }

  itWithUpstream("validates each destination's events against its own fields, whichever ran first", async () => {
    const batch = pathNamed('updateUser batch')
    // No email and no userId: our fields require one of them, upstream's fields do not (it sends the user as it is).
    const [anonymous] = generateEvents('identify', 1, 1).map((event) => ({ ...event, userId: null, traits: {} }))
    for (const impl of IMPLS) await push(integrationFor(impl, `${sink.baseUrl}/first-${impl}`), batch, [anonymous])
    expect(sink.tally('first-ours').records).toBe(0)
    expect(sink.tally('first-upstream').records).toBe(1)
  })
})
