import path from 'path'
import { promises as fs } from 'fs'
import { DESTINATIONS_DIR } from '../../lib/destinations'
import { generateMetadata, metadataFor, metadataJson } from '../../lib/metadata'
import { iterable } from '@local/destination-actions'
import type { AudienceDestinationDefinition, InputField } from '@segment/actions-core'
import { fixtureDestination } from '../../lib/__tests__/fixtures'
import { runBin, temporaryCopy } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

/** An action field as upstream's generator writes it: every attribute, absent ones as null, false or {}. */
const field = (attributes: Record<string, unknown>) => ({
  label: undefined,
  description: undefined,
  type: undefined,
  required: false,
  multiple: false,
  allowNull: false,
  dynamic: false,
  default: null,
  choices: null,
  placeholder: null,
  properties: null,
  category: null,
  depends_on: null,
  readOnly: null,
  hidden: null,
  minimum: null,
  maximum: null,
  defaultObjectUI: null,
  disabledInputMethods: null,
  displayMode: null,
  format: null,
  additionalProperties: false,
  ...attributes
})

const EMAIL_FIELD = field({
  label: 'Email',
  description: 'The user email.',
  type: 'string',
  required: true,
  default: { '@path': '$.traits.email' },
  format: 'email'
})
const PLAN_FIELD = field({
  label: 'Plan',
  description: 'The plan.',
  type: 'string',
  default: { '@path': '$.traits.plan' }
})
const action = (title: string, description: string, hasPerformBatch: boolean) => ({
  title,
  description,
  platform: 'cloud',
  defaultSubscription: 'type = "identify"',
  hidden: false,
  hasPerformBatch,
  syncMode: null,
  hooks: null,
  dynamicFields: null,
  fields: { email: EMAIL_FIELD, plan: PLAN_FIELD }
})

/** A destination with what the fixture lacks: an audience config, sync modes, a hook, dynamic fields, choices. */
function richDestination(): AudienceDestinationDefinition<{ apiKey: string; region?: string }, { listName?: string }> {
  const catalog: InputField = {
    label: 'Catalog',
    description: 'Where items go.',
    type: 'string',
    required: { conditions: [{ fieldKey: 'mode', operator: 'is', value: 'upsert' }] },
    choices: ['products', 'stores'],
    dynamic: true
  }
  return {
    name: 'Rich',
    slug: 'actions-rich',
    mode: 'cloud',
    authentication: {
      scheme: 'custom',
      fields: {
        apiKey: { label: 'API Key', description: 'The key.', type: 'password', required: true },
        region: {
          label: 'Region',
          description: 'Where.',
          type: 'string',
          choices: [{ label: 'US', value: 'us' }],
          default: 'us'
        }
      }
    },
    audienceFields: { listName: { label: 'List', description: 'The list.', type: 'string' } },
    audienceConfig: { mode: { type: 'realtime' } },
    actions: {
      sync: {
        title: 'Sync',
        description: 'Syncs rows.',
        fields: {
          catalog,
          item: {
            label: 'Item',
            description: 'The item.',
            type: 'object',
            unsafe_hidden: true,
            properties: { id: { label: 'Id', description: 'The id.', type: 'string', maximum: 255 } }
          }
        },
        syncMode: {
          description: 'How rows sync.',
          label: 'How to sync',
          default: 'upsert',
          choices: [
            { label: 'Upsert', value: 'upsert' },
            { label: 'Delete', value: 'delete' }
          ]
        },
        hooks: {
          retlOnMappingSave: {
            label: 'Pick a catalog',
            description: 'Chooses the catalog.',
            inputFields: { name: { label: 'Name', description: 'The name.', type: 'string' } },
            outputTypes: { catalogName: { label: 'Catalog', description: 'Chosen.', type: 'string', required: true } },
            performHook: async () => ({ successMessage: 'ok', savedData: { catalogName: 'products' } })
          }
        },
        dynamicFields: { catalog: async () => ({ choices: [] }) } as never,
        perform: () => undefined
      }
    },
    presets: [
      {
        name: 'Rows',
        partnerAction: 'sync',
        mapping: {},
        type: 'specificEvent',
        eventSlug: 'warehouse_entity_added_track'
      }
    ]
  }
}

describe('metadata', () => {
  it("is action-destinations' public payload: its keys in its order, absent values as null", () => {
    expect(metadataJson(fixtureDestination())).toBe(
      JSON.stringify(
        {
          slug: 'fixture',
          name: 'Fixture',
          mode: 'cloud',
          description: 'A destination for tests.',
          authentication: {
            scheme: 'custom',
            fields: {
              apiKey: {
                label: 'API Key',
                description: 'The key.',
                type: 'password',
                required: true,
                multiple: false,
                choices: null,
                default: null,
                depends_on: null
              }
            }
          },
          audienceConfig: null,
          actions: {
            single: action('Single', 'Sends one user.', false),
            batched: action('Batched', 'Sends users in bulk.', true)
          },
          presets: [
            {
              name: 'Identify Calls',
              type: 'automatic',
              partnerAction: 'single',
              subscribe: 'type = "identify"',
              mapping: { email: { '@path': '$.traits.email' } },
              eventSlug: null
            }
          ]
        },
        null,
        2
      ) + '\n'
    )
  })

  it('writes audience config, sync modes, hooks, static choices and conditions as upstream does', () => {
    const metadata: Record<string, any> = JSON.parse(metadataJson(richDestination()))

    expect(Object.keys(metadata)).toEqual([
      'slug',
      'name',
      'mode',
      'authentication',
      'audienceConfig',
      'actions',
      'presets'
    ])
    expect(metadata.authentication.fields.region).toEqual({
      label: 'Region',
      description: 'Where.',
      type: 'string',
      required: false,
      multiple: false,
      choices: [{ label: 'US', value: 'us' }],
      default: 'us',
      depends_on: null
    })
    expect(metadata.audienceConfig).toEqual({
      mode: { type: 'realtime' },
      audienceFields: {
        listName: {
          label: 'List',
          description: 'The list.',
          type: 'string',
          required: false,
          multiple: false,
          choices: null,
          default: null,
          depends_on: null
        }
      },
      // A realtime audience without createAudience and getAudience.
      supportsAudienceFunctions: false
    })
    const sync = metadata.actions.sync
    expect(sync.syncMode).toEqual({
      default: 'upsert',
      label: 'How to sync',
      description: 'How rows sync.',
      choices: [
        { value: 'upsert', label: 'Upsert' },
        { value: 'delete', label: 'Delete' }
      ]
    })
    expect(Object.keys(sync.syncMode.choices[0] as object)).toEqual(['value', 'label'])
    expect(sync.hooks).toEqual({
      retlOnMappingSave: {
        label: 'Pick a catalog',
        description: 'Chooses the catalog.',
        inputFields: { name: field({ label: 'Name', description: 'The name.', type: 'string' }) },
        outputFields: {
          catalogName: field({ label: 'Catalog', description: 'Chosen.', type: 'string', required: true })
        }
      }
    })
    // A dynamic field given as a function is not listed; the field says it is dynamic.
    expect(sync.dynamicFields).toBeNull()
    expect(sync.defaultSubscription).toBeNull()
    expect(sync.fields.catalog).toEqual(
      field({
        label: 'Catalog',
        description: 'Where items go.',
        type: 'string',
        required: { conditions: [{ fieldKey: 'mode', operator: 'is', value: 'upsert' }] },
        dynamic: true,
        choices: [
          { label: 'products', value: 'products' },
          { label: 'stores', value: 'stores' }
        ]
      })
    )
    expect(sync.fields.item).toEqual(
      field({
        label: 'Item',
        description: 'The item.',
        type: 'object',
        hidden: true,
        properties: { id: field({ label: 'Id', description: 'The id.', type: 'string', maximum: 255 }) }
      })
    )
    expect(metadata.presets).toEqual([
      {
        name: 'Rows',
        type: 'specificEvent',
        partnerAction: 'sync',
        mapping: {},
        eventSlug: 'warehouse_entity_added_track'
      }
    ])
  })

  it('refuses a destination without a slug, as upstream does', () => {
    const { slug: _slug, ...withoutSlug } = fixtureDestination()
    expect(() => metadataFor(withoutSlug)).toThrow('metadata.json generation requires a slug')
  })

  it("lists the Iterable destination's actions and fields in the definition's order", () => {
    const metadata = metadataFor(iterable) as Record<string, any>
    expect(Object.keys(metadata.actions as object)).toEqual(Object.keys(iterable.actions))
    for (const [key, definition] of Object.entries(iterable.actions)) {
      expect(Object.keys(metadata.actions[key].fields as object)).toEqual(Object.keys(definition.fields))
    }
    expect(metadata.presets).toHaveLength(iterable.presets?.length ?? -1)
  })
})

describe('generate:metadata-payload', () => {
  let copy: { dir: string; remove: () => Promise<void> }

  beforeEach(async () => {
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable'))
    await fs.rm(path.join(copy.dir, 'metadata.json'), { force: true })
  })
  afterEach(() => copy.remove())

  it('writes metadata.json beside index.ts; a second run changes nothing', async () => {
    const file = path.join(copy.dir, 'metadata.json')
    expect(await generateMetadata([copy.dir])).toEqual({ changed: [file], stale: [], total: 1 })
    const written = await fs.readFile(file, 'utf8')
    expect(JSON.parse(written)).toMatchObject({ name: 'Iterable (Actions)', slug: 'actions-iterable' })
    expect(written).toBe(metadataJson(iterable))

    expect(await generateMetadata([copy.dir])).toEqual({ changed: [], stale: [], total: 1 })
    expect(await fs.readFile(file, 'utf8')).toBe(written)
  })

  it('with check, finds a missing or stale metadata.json and writes nothing', async () => {
    const file = path.join(copy.dir, 'metadata.json')
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([file])
    await expect(fs.access(file)).rejects.toThrow()

    await generateMetadata([copy.dir])
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([])
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('"Upsert User"', '"Renamed"'))
    expect((await generateMetadata([copy.dir], { check: true })).stale).toEqual([file])
  })

  it('--check exits 1 naming the stale file, 0 once it is regenerated', async () => {
    const stale = await runBin(['generate:metadata-payload', '--path', copy.dir, '--check'])
    expect(stale.exitCode).toBe(1)
    expect(stale.stderr).toMatch(/Stale metadata/)
    expect(stale.stderr).toContain('metadata.json')

    expect((await runBin(['generate:metadata-payload', '--path', copy.dir])).exitCode).toBe(0)
    expect((await runBin(['generate:metadata-payload', '--path', copy.dir, '--check'])).exitCode).toBe(0)
  })
})
