import { createTestEvent } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import destination from '../index'
import { presets } from '../presets'
import type { Settings } from '../generated-types'
import {
  acceptPost,
  BATCH_TIMESTAMP,
  BATCH_TIMESTAMP_SECONDS,
  freshTestDestination,
  SECRET_API_KEY,
  TRACK_PATH,
  UPDATE_USER_PATH,
  US,
  present,
  sentBody
} from './__helpers__/support'

type Preset = typeof presets[number]
type AutomaticPreset = Extract<Preset, { type: 'automatic' }>
type SpecificEventPreset = Extract<Preset, { type: 'specificEvent' }>

const automaticPresets = presets.filter((preset): preset is AutomaticPreset => preset.type === 'automatic')
const specificEventPresets = presets.filter((preset): preset is SpecificEventPreset => preset.type === 'specificEvent')

const presetNamed = (name: string): AutomaticPreset => {
  const preset = automaticPresets.find((candidate) => candidate.name === name)
  if (!preset) throw new Error(`No automatic preset named "${name}"`)
  return preset
}

/** Names of the automatic presets whose subscription takes this event. */
const presetsMatching = (event: SegmentEvent): string[] =>
  automaticPresets
    .filter((preset) => validate(parseFql(preset.subscribe), event))
    .map((preset) => present(preset.name, 'preset name'))

const settings: Settings = { apiKey: SECRET_API_KEY, dataCenterLocation: 'united_states' }

describe('Iterable presets', () => {
  it.each([
    ['Identify Calls', 'updateUser'],
    ['Track Calls', 'trackEvent'],
    ['Order Completed Calls', 'trackPurchase'],
    ['Update Cart Calls', 'updateCart'],
    ['Page Calls', 'trackPage'],
    ['Screen Calls', 'trackPage'],
    ['Email Updated Calls', 'updateEmail']
  ])('has the automatic preset "%s" for the action %s', (name: string, partnerAction: string) => {
    expect(presetNamed(name).partnerAction).toBe(partnerAction)
  })

  it('has the specific-event presets of the live destination, each with its event slug', () => {
    expect(
      specificEventPresets.map(({ name, partnerAction, eventSlug }) => ({ name, partnerAction, eventSlug }))
    ).toEqual([
      { name: 'Associated Entity Added', partnerAction: 'trackEvent', eventSlug: 'warehouse_entity_added_track' },
      { name: 'Associated Entity Removed', partnerAction: 'trackEvent', eventSlug: 'warehouse_entity_removed_track' },
      {
        name: 'Entities Audience Entered',
        partnerAction: 'trackEvent',
        eventSlug: 'warehouse_audience_entered_track'
      },
      { name: 'Entities Audience Exited', partnerAction: 'trackEvent', eventSlug: 'warehouse_audience_exited_track' },
      {
        name: 'Entities Audience Membership Changed',
        partnerAction: 'updateUser',
        eventSlug: 'warehouse_audience_membership_changed_identify'
      },
      {
        name: 'Journeys Step Transition Track',
        partnerAction: 'trackEvent',
        eventSlug: 'journeys_step_entered_track'
      }
    ])
  })

  it('never gives two specific-event presets the same event slug', () => {
    const slugs = specificEventPresets.map((preset) => preset.eventSlug)
    expect(new Set(slugs).size).toBe(slugs.length)
  })

  it('never gives two presets the same name', () => {
    const names = presets.map((preset) => preset.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it.each(presets.map((preset) => [preset.name, preset] as const))(
    'preset "%s" names an existing action and maps only fields of that action',
    (_name: string | undefined, preset: Preset) => {
      const action = destination.actions[preset.partnerAction]
      expect(action).toBeDefined()
      const fieldKeys = Object.keys(action.fields)
      const mappingKeys = Object.keys(preset.mapping ?? {})
      expect(mappingKeys.length).toBeGreaterThan(0)
      expect(fieldKeys).toEqual(expect.arrayContaining(mappingKeys))
    }
  )

  it.each(automaticPresets.map((preset) => [preset.name, preset.subscribe] as const))(
    'subscription of "%s" parses as FQL',
    (_name: string | undefined, subscribe: string) => {
      const parsed = parseFql(subscribe)
      expect(parsed).not.toHaveProperty('error')
      expect(parsed).toMatchObject({ type: 'group' })
    }
  )

  describe('routing', () => {
    it.each([
      ['Order Completed', 'Order Completed Calls'],
      ['Cart Updated', 'Update Cart Calls'],
      ['Product Added', 'Update Cart Calls'],
      ['Product Removed', 'Update Cart Calls'],
      ['Email Updated', 'Email Updated Calls']
    ])('sends the track event "%s" to "%s" only, not to Track Calls', (eventName: string, expectedPreset: string) => {
      const event = createTestEvent({ type: 'track', event: eventName })
      expect(presetsMatching(event)).toEqual([expectedPreset])
    })

    it('sends any other track event ("Signed Up") to Track Calls only', () => {
      const event = createTestEvent({ type: 'track', event: 'Signed Up' })
      expect(presetsMatching(event)).toEqual(['Track Calls'])
    })

    it.each([
      ['identify', 'Identify Calls'],
      ['page', 'Page Calls'],
      ['screen', 'Screen Calls']
    ] as const)('sends %s calls to "%s" only', (type: 'identify' | 'page' | 'screen', expectedPreset: string) => {
      const event = createTestEvent({ type, event: undefined, name: 'Home' })
      expect(presetsMatching(event)).toEqual([expectedPreset])
    })

    it('sends group and alias calls nowhere', () => {
      expect(presetsMatching(createTestEvent({ type: 'group', event: undefined }))).toEqual([])
      expect(presetsMatching(createTestEvent({ type: 'alias', event: undefined }))).toEqual([])
    })
  })

  describe('Engage audiences', () => {
    const testDestination = freshTestDestination()
    const personas = {
      computation_key: 'high_value_users',
      computation_class: 'audience',
      computation_id: 'aud_2abc',
      space_id: 'spa_9xyz'
    }

    /** Sends the event through the preset's action and mapping, with Iterable accepting the request at `path`. */
    function sendThrough(presetName: string, event: SegmentEvent, path: string) {
      const preset = presetNamed(presetName)
      acceptPost(path)
      return testDestination.testAction(preset.partnerAction, { event, mapping: preset.mapping, settings })
    }

    /** The identify call Engage sends when the user enters (true) or leaves (false) the audience. */
    const audienceIdentify = (inAudience: boolean) =>
      createTestEvent({
        type: 'identify',
        event: undefined,
        userId: 'user-42',
        traits: { email: 'ada@example.com', high_value_users: inAudience },
        context: { personas },
        timestamp: BATCH_TIMESTAMP
      })

    it('sends an Engage identify through Identify Calls with the audience as a boolean user field', async () => {
      const event = audienceIdentify(true)
      expect(validate(parseFql(presetNamed('Identify Calls').subscribe), event)).toBe(true)

      const responses = await sendThrough('Identify Calls', event, UPDATE_USER_PATH)

      expect(responses).toHaveLength(1)
      expect(responses[0].url).toBe(`${US}${UPDATE_USER_PATH}`)
      expect(responses[0].options.method).toBe('POST')
      expect(sentBody(responses[0])).toEqual({
        email: 'ada@example.com',
        userId: 'user-42',
        dataFields: { email: 'ada@example.com', high_value_users: true },
        mergeNestedObjects: false
      })
    })

    it('sends an Engage identify that removes the user from the audience with the field set to false', async () => {
      const responses = await sendThrough('Identify Calls', audienceIdentify(false), UPDATE_USER_PATH)

      expect(sentBody(responses[0])).toEqual({
        email: 'ada@example.com',
        userId: 'user-42',
        dataFields: { email: 'ada@example.com', high_value_users: false },
        mergeNestedObjects: false
      })
    })

    it.each([
      ['Audience Entered', true],
      ['Audience Exited', false]
    ])(
      'sends the Engage track "%s" through Track Calls as an Iterable custom event',
      async (eventName: string, inAudience: boolean) => {
        const event = createTestEvent({
          type: 'track',
          event: eventName,
          userId: 'user-42',
          messageId: `engage-${eventName.replace(' ', '-').toLowerCase()}`,
          properties: { audience_key: 'high_value_users', high_value_users: inAudience },
          context: { traits: { email: 'ada@example.com' }, personas },
          timestamp: BATCH_TIMESTAMP
        })
        expect(presetsMatching(event)).toEqual(['Track Calls'])

        const responses = await sendThrough('Track Calls', event, TRACK_PATH)

        expect(responses).toHaveLength(1)
        expect(responses[0].url).toBe(`${US}${TRACK_PATH}`)
        expect(responses[0].options.method).toBe('POST')
        expect(sentBody(responses[0])).toEqual({
          email: 'ada@example.com',
          userId: 'user-42',
          eventName,
          id: event.messageId,
          createdAt: BATCH_TIMESTAMP_SECONDS,
          dataFields: { audience_key: 'high_value_users', high_value_users: inAudience }
        })
      }
    )
  })
})
