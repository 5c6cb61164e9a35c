// Dry run: pushes sample Segment events through the Iterable destination with its presets' mappings and prints the
// request each one would send to Iterable. Nothing leaves this machine: HTTP is intercepted in-process.
import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
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
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    nock(/iterable\.com/)
      .persist()
      .intercept(/.*/, method)
      .reply(200, { msg: '', code: 'Success', params: null })
  }

  const integration = createTestIntegration(destination)
  const run = async (title: string, action: string, event: SegmentEvent, mapping: JSONObject) => {
    console.log(`\n● ${title}`)
    try {
      const responses = await integration.testAction(action, { event, mapping, settings, useDefaultMappings: true })
      for (const response of responses) {
        const headers = Object.fromEntries(response.options.headers as unknown as Headers)
        const shown = { ...headers, [API_KEY_HEADER.toLowerCase()]: '<redacted>' }
        const body =
          response.options.body === undefined ? '' : JSON.stringify(JSON.parse(String(response.options.body)), null, 2)
        console.log(`  ${response.options.method} ${response.url}`)
        console.log(`  headers: ${JSON.stringify(shown)}`)
        if (body) console.log(`  body: ${body.replace(/\n/g, '\n  ')}`)
      }
    } catch (error) {
      console.log(`  not sent: ${(error as Error).message}`)
    }
    integration.responses = []
  }

  const isModelRow = (event: SegmentEvent) =>
    event.type === 'track' && ['new', 'updated', 'deleted'].includes(String(event.event))
  for (const event of sampleEvents.filter((each) => !isModelRow(each))) {
    for (const preset of presetsFor(event)) {
      await run(
        `${describe(event)} → ${preset.name} → ${preset.partnerAction}`,
        preset.partnerAction,
        event,
        preset.mapping ?? {}
      )
    }
  }
  // Reverse ETL rows have no preset: a model's mapping names the sync mode, and here the catalog.
  for (const event of sampleEvents.filter(isModelRow)) {
    await run(
      `Reverse ETL row "${event.event}" → syncCatalogItems (mirror, catalog products)`,
      'syncCatalogItems',
      event,
      {
        __segment_internal_sync_mode: 'mirror',
        catalogName: 'products'
      }
    )
  }
  console.log('\nDry run: no request left this machine.')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
