// Dry run: pushes sample Segment events through the Iterable destination with its presets' mappings and prints the
// request each one would send to Iterable. Nothing leaves this machine: HTTP is intercepted in-process.
import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import destination from '../packages/destination-actions/src/destinations/iterable'
import type { Settings } from '../packages/destination-actions/src/destinations/iterable/generated-types'
import { API_KEY_HEADER } from '../packages/destination-actions/src/destinations/iterable/iterable-api'
import { sampleEvents } from './sample-events'

const settings: Settings = { apiKey: 'dry-run-api-key', dataCenterLocation: 'united_states' }

/** Every automatic preset whose subscription takes `event`: Segment runs each of them. */
function presetsFor(event: SegmentEvent) {
  return (destination.presets ?? []).flatMap((preset) =>
    preset.type === 'automatic' && validate(parseFql(preset.subscribe), event) ? [preset] : []
  )
}

function describe(event: SegmentEvent): string {
  return event.type === 'track'
    ? `track "${event.event}"`
    : event.type === 'page' || event.type === 'screen'
    ? `${event.type} "${event.name}"`
    : event.type
}

async function main() {
  nock.disableNetConnect()
  nock(/iterable\.com/)
    .persist()
    .post(/.*/)
    .reply(200, { msg: '', code: 'Success', params: null })

  const integration = createTestIntegration(destination)
  for (const [event, preset] of sampleEvents.flatMap((event) =>
    presetsFor(event).map((each) => [event, each] as const)
  )) {
    console.log(`\n● ${describe(event)} → ${preset.name} → ${preset.partnerAction}`)
    try {
      const responses = await integration.testAction(preset.partnerAction, { event, mapping: preset.mapping, settings })
      for (const response of responses) {
        const headers = Object.fromEntries(response.options.headers as unknown as Headers)
        const shown = { ...headers, [API_KEY_HEADER.toLowerCase()]: '<redacted>' }
        console.log(`  ${response.options.method} ${response.url}`)
        console.log(`  headers: ${JSON.stringify(shown)}`)
        console.log(`  body: ${JSON.stringify(response.options.json, null, 2).replace(/\n/g, '\n  ')}`)
      }
    } catch (error) {
      console.log(`  not sent: ${(error as Error).message}`)
    }
    integration.responses = []
  }
  console.log('\nDry run: no request left this machine.')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
