import fc from 'fast-check'
import nock from 'nock'
import { BAD_EVENTS, track } from '../../src/destinations/iterable/__tests__/__helpers__/bad-events'
import {
  freshTestDestination,
  settings,
  TRACK_BULK,
  US
} from '../../src/destinations/iterable/__tests__/__helpers__/support'
import type { Json } from '../../src/destinations/iterable/__tests__/__helpers__/support'

// Property-based (fast-check, which action-destinations does not install): poisoned batches of the bad events the
// destination's own tests name one by one.

const testDestination = freshTestDestination()

async function runBatch(events: ReturnType<typeof track>[]) {
  await testDestination.testBatchAction('trackEvent', { events, settings, useDefaultMappings: true })
  return testDestination.results[0].multistatus as Json[]
}

describe('poisoned batches, property-based', () => {
  // Good events, events the destination refuses itself (each kind above), and events only Iterable refuses (a rule it
  // applies to the whole body, naming nobody): every good one is delivered, every bad one gets its own 4xx.
  const kindArb = fc.oneof(
    { arbitrary: fc.constant<'good'>('good'), weight: 8 },
    { arbitrary: fc.constantFrom(...BAD_EVENTS.keys()), weight: 2 },
    { arbitrary: fc.constant<'refusedByIterable'>('refusedByIterable'), weight: 1 }
  )

  it('delivers every good event and gives every bad event its own 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(kindArb, { minLength: 1, maxLength: 40 }), async (kinds) => {
        fc.pre(kinds.filter((kind) => kind === 'refusedByIterable').length <= 2)
        nock.cleanAll()
        const delivered: string[] = []
        nock(US)
          .persist()
          .post(TRACK_BULK)
          .reply((_uri, body) => {
            const { events } = body as { events: Json[] }
            if (events.some(({ dataFields }) => (dataFields as Json).poison)) {
              return [400, { msg: 'Invalid event', code: 'BadParams', params: null }]
            }
            delivered.push(...events.map(({ id }) => String(id)))
            return [200, { successCount: events.length, failCount: 0 }]
          })
        const events = kinds.map((kind, n) =>
          kind === 'good'
            ? track(n)
            : kind === 'refusedByIterable'
            ? track(n, { properties: { poison: true } })
            : BAD_EVENTS[kind].event(n)
        )

        const multistatus = await runBatch(events)

        expect(multistatus).toHaveLength(kinds.length)
        kinds.forEach((kind, n) => {
          if (kind === 'good') expect(multistatus[n].status).toBe(200)
          else expect(multistatus[n]).toMatchObject({ status: 400, errormessage: expect.any(String) })
        })
        const good = kinds.flatMap((kind, n) => (kind === 'good' ? [`msg-${n}`] : []))
        expect(delivered.sort()).toEqual(good.sort())
      }),
      { numRuns: 60 }
    )
  })
})
