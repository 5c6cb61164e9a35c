// Dry run: pushes sample Segment events through every action of the Iterable destination and prints the request each
// one would send to Iterable: with the mapping of each automatic preset that takes the event, an action no such preset
// covers with its default mapping on the events its default subscription takes, and the catalog action with the rows
// of a Reverse ETL model. Nothing leaves this machine: HTTP is intercepted in-process.
import nock from 'nock'
import { createTestIntegration, defaultValues } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { parseFql, validate } from '@segment/destination-subscriptions'
import { API_KEY_HEADER, iterable as destination } from '@local/destination-actions'
import type { IterableSettings as Settings } from '@local/destination-actions'
import { sampleEvents } from './sample-events'

const settings: Settings = { apiKey: 'dry-run-api-key', dataCenterLocation: 'united_states' }

/** The catalog action, which Reverse ETL rows reach through a model's mapping (sync mode and catalog), never a preset. */
const CATALOG_ACTION = 'syncCatalogItems'

const takes = (subscription: string | undefined, event: SegmentEvent) =>
  subscription !== undefined && validate(parseFql(subscription), event)

/** Every automatic preset whose subscription takes `event`: Segment runs each of them. */
function presetsFor(event: SegmentEvent) {
  return (destination.presets ?? []).flatMap((preset) =>
    preset.type === 'automatic' && takes(preset.subscribe, event) ? [preset] : []
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

  const exercised = new Set<string>()
  const isModelRow = (event: SegmentEvent) =>
    event.type === 'track' && ['new', 'updated', 'deleted'].includes(String(event.event))
  const events = sampleEvents.filter((each) => !isModelRow(each))
  for (const event of events) {
    for (const preset of presetsFor(event)) {
      exercised.add(preset.partnerAction)
      await run(
        `${describe(event)} → ${preset.name} → ${preset.partnerAction}`,
        preset.partnerAction,
        event,
        preset.mapping ?? {}
      )
    }
  }
  // Actions without an automatic preset for these events (Register Browser Push Token, Update Subscriptions): their
  // default mapping, as the Segment UI pre-fills it, on the events their default subscription takes.
  for (const [slug, action] of Object.entries(destination.actions)) {
    if (exercised.has(slug) || slug === CATALOG_ACTION) continue
    for (const event of events.filter((each) => takes(action.defaultSubscription, each))) {
      exercised.add(slug)
      await run(`${describe(event)} → ${action.title} (default mapping) → ${slug}`, slug, event, {
        ...(defaultValues(action.fields) as JSONObject)
      })
    }
  }
  // Reverse ETL rows have no preset: a model's mapping names the sync mode, and here the catalog.
  for (const event of sampleEvents.filter(isModelRow)) {
    exercised.add(CATALOG_ACTION)
    await run(
      `Reverse ETL row "${event.event}" → ${CATALOG_ACTION} (mirror, catalog products)`,
      CATALOG_ACTION,
      event,
      {
        __segment_internal_sync_mode: 'mirror',
        catalogName: 'products'
      }
    )
  }
  const missed = Object.keys(destination.actions).filter((slug) => !exercised.has(slug))
  if (missed.length > 0) {
    console.error(`\nDry run: no sample event reaches ${missed.join(', ')}: add one to scripts/sample-events.ts.`)
    process.exitCode = 1
    return
  }
  console.log(`\nDry run: all ${exercised.size} actions exercised; no request left this machine.`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
