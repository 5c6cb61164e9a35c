import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { SegmentEvent } from '@segment/actions-core'
import destination from '../../index'
import type { Settings } from '../../generated-types'
import { EU, US } from '../../__tests__/__helpers__/support'
import type { Json } from '../../__tests__/__helpers__/support'

// Rows of a Reverse ETL model as the items of an Iterable catalog. Segment sends a model's rows as track events named
// new, updated or deleted, the row's columns in properties; the sync mode chosen arrives in the mapping.

const settings: Settings = { apiKey: 'catalog-key' }
const ACCEPTED = { msg: 'Request to bulk upload items received', code: 'Success', params: null }

/** A row of the model, as Reverse ETL sends it. */
const row = (event: 'new' | 'updated' | 'deleted', properties: Json): SegmentEvent =>
  createTestEvent({ type: 'track', event, userId: undefined, anonymousId: 'retl', properties })

const chair = { id: 'sku-1', name: 'Chair', price: 120, launchedAt: '2024-03-01T12:00:00Z' }
const CHAIR_ITEM = { id: 'sku-1', name: 'Chair', price: 120, launchedAt: '2024-03-01 12:00:00 +00:00' }

/** The mapping of a model synced with `syncMode` to the catalog `catalog` chosen when the mapping was saved. */
const mappingFor = (syncMode: string, catalog = 'products', extra: Json = {}) => ({
  __segment_internal_sync_mode: syncMode,
  onMappingSave: { outputs: { catalogName: catalog } },
  ...extra
})

let testDestination = createTestIntegration(destination)
beforeEach(() => {
  testDestination = createTestIntegration(destination)
})

const runRow = (event: SegmentEvent, mapping: Json, rowSettings: Settings = settings) =>
  testDestination.testAction('syncCatalogItems', { event, settings: rowSettings, mapping, useDefaultMappings: true })

async function runRows(events: SegmentEvent[], mapping: Json) {
  await testDestination.testBatchAction('syncCatalogItems', { events, settings, mapping, useDefaultMappings: true })
  return testDestination.results[0].multistatus as Json[]
}

describe('Sync Catalog Items, one row', () => {
  it.each([
    ['US', settings, US],
    ['EU', { ...settings, dataCenterLocation: 'europe' }, EU]
  ])(
    'replaces the item of an upserted row with PUT, its dates in Iterable format (%s)',
    async (_dc: string, rowSettings: Settings, origin: string) => {
      const scope = nock(origin, { reqheaders: { 'api-key': 'catalog-key' } })
        .put('/api/catalogs/products/items/sku-1', { value: CHAIR_ITEM })
        .reply(202, ACCEPTED)

      const [response] = await runRow(row('new', chair), mappingFor('upsert'), rowSettings)

      expect(scope.isDone()).toBe(true)
      expect(response.status).toBe(202)
    }
  )

  it('merges the fields sent into the item with PATCH when Update Only the Fields Sent is on', async () => {
    const scope = nock(US).patch('/api/catalogs/products/items/sku-1', { update: CHAIR_ITEM }).reply(202, ACCEPTED)

    await runRow(row('updated', chair), mappingFor('upsert', 'products', { replaceUploadedFieldsOnly: true }))

    expect(scope.isDone()).toBe(true)
  })

  it.each([
    ['delete', 'deleted'],
    ['mirror', 'deleted']
  ] as const)(
    'deletes the item of a row with the %s sync mode (a %s row)',
    async (syncMode: string, event: 'deleted') => {
      const scope = nock(US).delete('/api/catalogs/products/items/sku-1').reply(202, ACCEPTED)

      await runRow(row(event, { id: 'sku-1' }), mappingFor(syncMode))

      expect(scope.isDone()).toBe(true)
    }
  )

  it('upserts a new or updated row with the mirror sync mode', async () => {
    const scope = nock(US).put('/api/catalogs/products/items/sku-1').times(2).reply(202, ACCEPTED)

    await runRow(row('new', chair), mappingFor('mirror'))
    await runRow(row('updated', chair), mappingFor('mirror'))

    expect(scope.isDone()).toBe(true)
  })

  it('takes the catalog chosen when the mapping was saved over the Catalog field, which serves when none was', async () => {
    const chosen = nock(US).put('/api/catalogs/chosen/items/sku-1').reply(202, ACCEPTED)
    const field = nock(US).put('/api/catalogs/from-field/items/sku-1').reply(202, ACCEPTED)

    await runRow(row('new', chair), mappingFor('upsert', 'chosen', { catalogName: 'from-field' }))
    await runRow(row('new', chair), { __segment_internal_sync_mode: 'upsert', catalogName: 'from-field' })

    expect(chosen.isDone() && field.isDone()).toBe(true)
  })

  it.each([
    [
      "an item id outside Iterable's rules",
      row('new', { ...chair, id: 'sku/1' }),
      mappingFor('upsert'),
      'The item id "sku/1" is not one Iterable takes: an item id has letters, digits and dashes only, at most 255 characters. Map Item ID to a column that holds such ids.'
    ],
    [
      "a catalog name outside Iterable's rules",
      row('new', chair),
      mappingFor('upsert', 'my catalog'),
      'The catalog name "my catalog" is not one Iterable takes: use letters, digits and dashes only, at most 255 characters.'
    ],
    [
      'no catalog at all',
      row('new', chair),
      { __segment_internal_sync_mode: 'upsert' },
      'No catalog is chosen: select or create one when saving the mapping (Select or Create a Catalog), or set Catalog to the name of an Iterable catalog.'
    ],
    [
      'a field name with a period',
      row('new', { ...chair, dimensions: { 'width.cm': 50 } }),
      mappingFor('upsert'),
      'The item field "dimensions.width.cm" has a period in its name, which Iterable catalog field names cannot have: rename the column, or leave it out of Item Fields.'
    ],
    [
      'an item of 40 KB',
      row('new', { ...chair, description: 'x'.repeat(40_000) }),
      mappingFor('upsert'),
      /^This item is 40\d{3} bytes of JSON, over the 30720 bytes Iterable takes for one catalog item: send fewer or smaller fields\.$/
    ]
  ])(
    'refuses %s with one sentence, and sends nothing',
    async (_case: string, event: SegmentEvent, mapping: Json, message: string | RegExp) => {
      const scope = nock(US).intercept(/.*/, 'PUT').reply(202, ACCEPTED)

      await expect(runRow(event, mapping)).rejects.toMatchObject({ name: 'PayloadValidationError', status: 400 })
      await expect(runRow(event, mapping)).rejects.toThrow(message)
      expect(scope.isDone()).toBe(false)
    }
  )
})

describe('Sync Catalog Items, a batch of rows', () => {
  it('upserts 2,500 rows in 3 requests of at most 1,000 documents keyed by id, each row accepted (202)', async () => {
    const bodies: Json[] = []
    nock(US)
      .post('/api/catalogs/products/items', (body: Json) => bodies.push(body) > 0)
      .times(3)
      .reply(202, ACCEPTED)
    const events = Array.from({ length: 2500 }, (_, n) => row('new', { id: `sku-${n}`, name: `Item ${n}`, price: n }))

    const multistatus = await runRows(events, mappingFor('upsert'))

    expect(bodies.map((body) => Object.keys(body.documents as Json).length)).toEqual([1000, 1000, 500])
    expect(bodies[0]).toMatchObject({ replaceUploadedFieldsOnly: false })
    expect((bodies[2].documents as Json)['sku-2499']).toEqual({ id: 'sku-2499', name: 'Item 2499', price: 2499 })
    expect(multistatus).toHaveLength(2500)
    expect(new Set(multistatus.map(({ status }) => status))).toEqual(new Set([202]))
    expect(multistatus[7]).toEqual({
      status: 202,
      sent: { id: 'sku-7', item: { id: 'sku-7', name: 'Item 7', price: 7 } },
      body: ACCEPTED
    })
  })

  it('mirrors a model: new and updated rows upserted, deleted rows deleted, each with its status; bad rows refused alone', async () => {
    const upserts: Json[] = []
    const deletes: Json[] = []
    nock(US)
      .post('/api/catalogs/products/items', (body: Json) => upserts.push(body) > 0)
      .reply(202, ACCEPTED)
      .delete('/api/catalogs/products/items', (body: Json) => deletes.push(body) > 0)
      .reply(202, ACCEPTED)
    const events = [
      row('new', chair),
      row('deleted', { id: 'sku-2' }),
      row('updated', { id: 'sku 3', name: 'Bad id' }),
      row('updated', { id: 'sku-4', name: 'Lamp', 'color.name': 'red' }),
      row('deleted', { id: 'sku-5' }),
      row('new', { id: 'sku-6', name: 'Desk' })
    ]

    const multistatus = await runRows(events, mappingFor('mirror'))

    expect(upserts).toEqual([
      { documents: { 'sku-1': CHAIR_ITEM, 'sku-6': { id: 'sku-6', name: 'Desk' } }, replaceUploadedFieldsOnly: false }
    ])
    expect(deletes).toEqual([{ itemIds: ['sku-2', 'sku-5'] }])
    expect(multistatus.map(({ status }) => status)).toEqual([202, 202, 400, 400, 202, 202])
    expect(multistatus[2].errormessage).toMatch(/^The item id "sku 3" is not one Iterable takes/)
    expect(multistatus[3].errormessage).toMatch(/^The item field "color.name" has a period in its name/)
    expect(multistatus[1]).toEqual({ status: 202, sent: { id: 'sku-2' }, body: ACCEPTED })
  })

  it("sends an item's latest row once when a batch holds several, and gives the earlier rows its status", async () => {
    const upserts: Json[] = []
    nock(US)
      .post('/api/catalogs/products/items', (body: Json) => upserts.push(body) > 0)
      .reply(202, ACCEPTED)
    const deletes = nock(US).delete('/api/catalogs/products/items').reply(202, ACCEPTED)

    const multistatus = await runRows(
      [row('deleted', { id: 'sku-1' }), row('new', { id: 'sku-1', name: 'Chair v2' })],
      mappingFor('mirror')
    )

    expect(upserts).toEqual([
      { documents: { 'sku-1': { id: 'sku-1', name: 'Chair v2' } }, replaceUploadedFieldsOnly: false }
    ])
    expect(deletes.isDone()).toBe(false)
    expect(multistatus.map(({ status }) => status)).toEqual([202, 202])
  })

  it("fails only the rows of a request Iterable refuses (404 for an unknown catalog), with Iterable's words", async () => {
    const answer = { msg: 'Catalog not found: nowhere', code: 'NotFound', params: null }
    nock(US).post('/api/catalogs/nowhere/items').reply(404, answer)
    nock(US).post('/api/catalogs/products/items').reply(202, ACCEPTED)

    const multistatus = await runRows(
      [row('new', chair), row('new', { id: 'sku-2', name: 'Table' })],
      mappingFor('upsert', 'nowhere', { catalogName: 'products' })
    )

    expect(multistatus.map(({ status }) => status)).toEqual([404, 404])
    expect(multistatus[0].errormessage).toBe('Iterable answered 404 NotFound: Catalog not found: nowhere.')
  })
})

describe('Select or Create a Catalog, when the mapping is saved', () => {
  const hook = (hookInputs: Json) =>
    testDestination.actions.syncCatalogItems.executeHook('onMappingSave', {
      settings,
      payload: {},
      hookInputs
    } as never)

  it('saves the catalog selected', async () => {
    await expect(hook({ operation: 'select', existingCatalog: 'products' })).resolves.toEqual({
      successMessage: 'Items will be synced to the catalog products.',
      savedData: { catalogName: 'products' }
    })
  })

  it('creates a catalog and types its fields before any item arrives', async () => {
    const created = nock(US).post('/api/catalogs/stores').reply(201, { msg: '', code: 'Success', params: null })
    nock(US)
      .get('/api/catalogs/stores/fieldMappings')
      .reply(200, { params: { definedMappings: {}, undefinedFields: [] } })
    const typed = nock(US)
      .put('/api/catalogs/stores/fieldMappings', {
        mappingsUpdates: [
          { fieldName: 'location', fieldType: 'geo_location' },
          { fieldName: 'openedAt', fieldType: 'date' }
        ]
      })
      .reply(200, { msg: '', code: 'Success', params: null })

    const result = await hook({
      operation: 'create',
      newCatalog: 'stores',
      fieldTypes: [
        { name: 'location', type: 'geo_location' },
        { name: 'openedAt', type: 'date' }
      ]
    })

    expect(created.isDone() && typed.isDone()).toBe(true)
    expect(result).toEqual({
      successMessage: 'Items will be synced to the catalog stores, created in Iterable.',
      savedData: { catalogName: 'stores' }
    })
  })

  it('says, changing nothing, that a field type once set cannot change', async () => {
    nock(US)
      .get('/api/catalogs/products/fieldMappings')
      .reply(200, { params: { definedMappings: { price: 'double' }, undefinedFields: [] } })
    const typed = nock(US).put('/api/catalogs/products/fieldMappings').reply(200, {})

    const result = await hook({
      operation: 'select',
      existingCatalog: 'products',
      fieldTypes: [{ name: 'price', type: 'string' }]
    })

    expect(result).toEqual({
      error: {
        message:
          'The field "price" of the catalog products is already of type double, and Iterable never changes a catalog field\'s type once set: keep double, or give the string values another field name.',
        code: 'PAYLOAD_VALIDATION_FAILED'
      }
    })
    expect(typed.isDone()).toBe(false)
  })

  it('lists the catalogs of the project to choose from', async () => {
    nock(US)
      .get('/api/catalogs')
      .query({ page: 1, pageSize: 100 })
      .reply(200, { params: { catalogNames: [{ name: 'products' }, { name: 'stores' }], totalCatalogsCount: 2 } })

    const choices = await testDestination.testDynamicField('syncCatalogItems', 'catalogName', { settings, payload: {} })

    expect(choices).toEqual({
      choices: [
        { label: 'products', value: 'products' },
        { label: 'stores', value: 'stores' }
      ]
    })
  })
})
