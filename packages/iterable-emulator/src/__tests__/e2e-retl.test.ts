import { createTestEvent } from '@segment/actions-core'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { startServedStack } from './served-stack'
import type { ServedStack } from './served-stack'

// End-to-end, the way a Reverse ETL user works: a warehouse model's rows (track events named new, updated or deleted,
// the row's columns in properties) through serve to the emulator, into an Iterable catalog and a static list.

const API_KEY = 'e2e-retl-key-5b2e'
const SETTINGS = { apiKey: API_KEY }
let catalogs: ServedStack
let lists: ServedStack

beforeAll(async () => {
  catalogs = await startServedStack({ apiKey: API_KEY })
  lists = await startServedStack({ apiKey: API_KEY, projectType: 'hybrid' }, { destination: 'iterable-audiences' })
})
afterAll(() => Promise.all([catalogs?.close(), lists?.close()]))

async function post(stack: ServedStack, path: string, body: object, status = 200): Promise<any> {
  const response = await fetch(`${stack.serve.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  expect(response.status).toBe(status)
  return response.json()
}

/** Rows of a model through an action, with `mapping`: each row's status, and the requests sent to Iterable. */
async function sync(stack: ServedStack, action: string, rows: SegmentEvent[], mapping: JSONObject) {
  const answer = (await post(stack, `/${action}`, { payload: rows, settings: SETTINGS, mapping })) as any[]
  return {
    statuses: answer.find((item) => 'multistatus' in item).multistatus as any[],
    requests: answer
      .filter((item) => 'request' in item)
      .map((item) => `${item.request.method as string} ${new URL(item.request.url as string).pathname}`)
  }
}

async function read(stack: ServedStack, path: string): Promise<any> {
  const response = await fetch(stack.emulator.url + path, { headers: { 'Api-Key': API_KEY } })
  return response.headers.get('content-type')?.includes('json') ? response.json() : response.text()
}

const row = (event: 'new' | 'updated' | 'deleted', properties: JSONObject) =>
  createTestEvent({ type: 'track', event, userId: undefined, anonymousId: 'retl', properties })
const product = (n: number) => ({
  id: `sku-${n}`,
  name: `Product ${n}`,
  price: n + 0.5,
  launchedAt: '2024-03-01T09:00:00Z'
})
/** The mapping of the model: its sync mode, and the catalog chosen when the mapping was saved. */
const catalogMapping = (syncMode: string) => ({
  __segment_internal_sync_mode: syncMode,
  onMappingSave: { outputs: { catalogName: 'products' } }
})
const itemCount = async () => (await read(catalogs, '/api/catalogs/products/items?pageSize=1')).params.totalItemsCount

describe('a warehouse table as an Iterable catalog', () => {
  it('creates the catalog and types its fields through the hook of the mapping', async () => {
    const saved = await post(catalogs, '/syncCatalogItems/hooks/onMappingSave', {
      settings: SETTINGS,
      hookInputs: {
        operation: 'create',
        newCatalog: 'products',
        fieldTypes: [
          { name: 'price', type: 'double' },
          { name: 'launchedAt', type: 'date' }
        ]
      }
    })

    expect(saved).toMatchObject({ savedData: { catalogName: 'products' } })
    expect((await read(catalogs, '/api/catalogs')).params.catalogNames).toEqual([{ name: 'products' }])
    expect((await read(catalogs, '/api/catalogs/products/fieldMappings')).params.definedMappings).toEqual({
      price: 'double',
      launchedAt: 'date'
    })
  })

  it('says, through the same hook, that a field type once set cannot change, and changes nothing', async () => {
    // serve answers a hook's error as upstream's does: 500 with the error.
    const [refused] = await post(
      catalogs,
      '/syncCatalogItems/hooks/onMappingSave',
      {
        settings: SETTINGS,
        hookInputs: {
          operation: 'select',
          existingCatalog: 'products',
          fieldTypes: [{ name: 'price', type: 'string' }]
        }
      },
      500
    )

    expect(refused.message).toMatch(
      /^The field "price" of the catalog products is already of type double, and Iterable never changes/
    )
    expect((await read(catalogs, '/api/catalogs/products/fieldMappings')).params.definedMappings.price).toBe('double')
  })

  it('upserts 2,500 rows in 3 requests, each row accepted, and Iterable holds them', async () => {
    const rows = Array.from({ length: 2500 }, (_, n) => row('new', product(n)))

    const { statuses, requests } = await sync(catalogs, 'syncCatalogItems', rows, catalogMapping('upsert'))

    expect(requests).toEqual(Array(3).fill('POST /api/catalogs/products/items'))
    expect(statuses).toHaveLength(2500)
    expect(statuses.every((entry) => entry.status === 202)).toBe(true)
    expect(await itemCount()).toBe(2500)
    expect((await read(catalogs, '/api/catalogs/products/items/sku-42')).params.value).toEqual({
      id: 'sku-42',
      name: 'Product 42',
      price: 42.5,
      launchedAt: '2024-03-01 09:00:00 +00:00'
    })
  })

  it('deletes 10 rows in one request', async () => {
    const rows = Array.from({ length: 10 }, (_, n) => row('deleted', { id: `sku-${n}` }))

    const { statuses, requests } = await sync(catalogs, 'syncCatalogItems', rows, catalogMapping('delete'))

    expect(requests).toEqual(['DELETE /api/catalogs/products/items'])
    expect(statuses.map((entry) => entry.status)).toEqual(Array(10).fill(202))
    expect(await itemCount()).toBe(2490)
  })

  it('mirrors the model: upserts and deletes in one run; a bad row is refused alone, its neighbours delivered', async () => {
    const rows = [
      row('updated', { ...product(100), name: 'Product 100, renamed' }),
      row('new', { id: 'sku-new/1', name: 'Bad id' }),
      row('deleted', { id: 'sku-101' }),
      row('new', { id: 'sku-9000', name: 'Dotted', 'size.cm': 40 }),
      row('new', { id: 'sku-9001', name: 'Huge', description: 'x'.repeat(40_000) }),
      row('new', product(9002))
    ]

    const { statuses, requests } = await sync(catalogs, 'syncCatalogItems', rows, catalogMapping('mirror'))

    expect(statuses.map((entry) => entry.status)).toEqual([202, 400, 202, 400, 400, 202])
    expect(statuses[1].errormessage).toMatch(/^The item id "sku-new\/1" is not one Iterable takes/)
    expect(statuses[3].errormessage).toMatch(/^The item field "size.cm" has a period in its name/)
    expect(statuses[4].errormessage).toMatch(/^This item is \d+ bytes of JSON, over the 30720 bytes Iterable takes/)
    expect(requests).toEqual(['POST /api/catalogs/products/items', 'DELETE /api/catalogs/products/items'])
    expect((await read(catalogs, '/api/catalogs/products/items/sku-100')).params.value.name).toBe(
      'Product 100, renamed'
    )
    expect((await read(catalogs, '/api/catalogs/products/items/sku-9002')).params.value.name).toBe('Product 9002')
    expect(await itemCount()).toBe(2490)
  })
})

describe('a model mirrored in a static list', () => {
  it('subscribes the users of new and updated rows, and unsubscribes them when their rows are deleted', async () => {
    const created = await post(lists, '/createAudience', {
      settings: { ...SETTINGS, iterableProjectType: 'hybrid' },
      audienceName: 'VIP customers',
      personas: { computation_key: 'vip-customers', computation_id: 'model-1', namespace: 'spa_1' }
    })
    const listId = String(created.externalId)
    const mapping = {
      __segment_internal_sync_mode: 'mirror',
      segmentAudienceId: listId,
      email: { '@path': '$.properties.email' },
      userId: { '@path': '$.properties.customer_id' }
    }
    const customer = (event: 'new' | 'updated' | 'deleted', n: number) =>
      row(event, { customer_id: `cust-${n}`, email: `customer${n}@example.com` })
    const members = async () =>
      String(await read(lists, `/api/lists/getUsers?listId=${listId}`))
        .split('\n')
        .filter(Boolean)
        .sort()

    const entered = await sync(lists, 'syncAudience', [customer('new', 1), customer('updated', 2)], mapping)
    expect(entered.statuses.map((entry) => entry.status)).toEqual([200, 200])
    expect(await members()).toEqual(['customer1@example.com', 'customer2@example.com'])

    const left = await sync(lists, 'syncAudience', [customer('deleted', 1)], mapping)
    expect(left.requests).toEqual(['POST /api/lists/unsubscribe'])
    expect(await members()).toEqual(['customer2@example.com'])
  })
})
