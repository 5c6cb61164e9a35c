import nock from 'nock'
import { createTestEvent } from '@segment/actions-core'
import { freshTestDestination, settings, TRACK_BULK, TRACK_PATH, PURCHASE_PATH, US } from './__helpers__/support'

// Documenting the framework, not this destination: @segment/actions-core 3.170.0 fails on these inputs before the
// destination's code runs (README, "Known limitations"). Each test pins today's behaviour of core, so that a core
// upgrade that fixes one makes its test fail: then drop the test and the README line.

const testDestination = freshTestDestination()

function nestedArrays(levels: number): unknown {
  let value: unknown = 'leaf'
  for (let level = 0; level < levels; level++) value = [value]
  return value
}

describe('@segment/actions-core 3.170.0, documented limitations', () => {
  it('overflows the stack in removeUndefined on arrays nested 3,000+ deep, single and batch, sending nothing', async () => {
    const scope = nock(US).post(TRACK_PATH).reply(200, {}).post(TRACK_BULK).reply(200, {})
    const event = createTestEvent({
      type: 'track',
      userId: 'user-1',
      properties: { deep: nestedArrays(3500) as never }
    })

    await expect(
      testDestination.testAction('trackEvent', { event, settings, useDefaultMappings: true })
    ).rejects.toThrow(RangeError)
    await expect(
      testDestination.testBatchAction('trackEvent', { events: [event], settings, useDefaultMappings: true })
    ).rejects.toThrow(RangeError)
    expect(scope.isDone()).toBe(false)
  })

  it('throws in engageAudienceMembership on an event whose context is null, failing a whole batch', async () => {
    const scope = nock(US).post(TRACK_BULK).reply(200, {})
    const events = [
      createTestEvent({ type: 'track', userId: 'user-1', context: null as never }),
      createTestEvent({ type: 'track', userId: 'user-2' })
    ]

    await expect(
      testDestination.testBatchAction('trackEvent', { events, settings, useDefaultMappings: true })
    ).rejects.toThrow(/Cannot destructure property 'personas'/)
    expect(scope.isDone()).toBe(false)
  })

  it('says "must be a number but it was a number" of Infinity, and calls NaN "a number" too', async () => {
    nock(US).post(PURCHASE_PATH).reply(200, {})
    const order = createTestEvent({
      type: 'track',
      event: 'Order Completed',
      userId: 'user-1',
      properties: { total: Infinity, products: [] }
    })
    const nan = createTestEvent({ type: 'track', userId: 'user-1', properties: { campaignId: NaN } })

    await expect(
      testDestination.testAction('trackPurchase', { event: order, settings, useDefaultMappings: true })
    ).rejects.toThrow('Total must be a number but it was a number.')
    await expect(
      testDestination.testAction('trackEvent', { event: nan, settings, useDefaultMappings: true })
    ).rejects.toThrow('Campaign ID must be an integer but it was a number.')
  })
})
