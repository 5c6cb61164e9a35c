import { RATE_LIMITS } from '../rate-limits'
import { startEmulator } from '../server'
import type { Emulator } from '../server'
import { MAX_CATALOG_ITEM_BYTES } from '../validation'
import { fakeDateOnly, readerError, request, strictClientErrors, useEmulator } from './helpers'

// Catalogs: Iterable's answers as recorded (reads inside `params`, 201 on create, 202 on item writes and deletes, its
// messages), the rules of its API reference (names, ids, field names, 30 KB items, 1,000 per bulk request, field types
// fixed once set), and the emulator applying asynchronous writes at once.

const SUCCESS = { msg: '', code: 'Success', params: null }
const notFound = (name: string) => ({ msg: `Catalog not found: ${name}`, code: 'NotFound', params: null })
const badParams = (msg: string) => ({ msg, code: 'BadParams', params: null })
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8')

describe('catalogs', () => {
  const client = useEmulator()
  const create = async (name: string) => expect((await client.post(`/api/catalogs/${name}`, {})).status).toBe(201)

  it('POST /api/catalogs/{catalogName} creates a catalog: 201 with its id, name and path', async () => {
    const reply = await client.raw('POST', '/api/catalogs/Restaurants')
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      msg: '',
      code: 'Success',
      params: { id: expect.any(Number), name: 'Restaurants', url: '/api/catalogs/Restaurants' }
    })
    expect(strictClientErrors('IterableSuccessResponseSchema', reply.body)).toEqual([])
    // Names are unique without regard to case.
    expect(await client.raw('POST', '/api/catalogs/restaurants')).toMatchObject({
      status: 400,
      body: badParams(
        'Catalog Restaurants already exists: catalog names are unique in a project, without regard to case'
      )
    })
  })

  it('refuses catalog names that are not 1 to 255 letters, digits and dashes', async () => {
    for (const name of ['bad_name', 'bad%20name', 'caf%C3%A9', 'x'.repeat(256)]) {
      const decoded = decodeURIComponent(name)
      expect(await client.raw('POST', `/api/catalogs/${name}`)).toMatchObject({
        status: 400,
        body: badParams(`Invalid catalog name "${decoded}": a catalog name is 1 to 255 letters, digits and dashes`)
      })
    }
    expect((await client.raw('POST', `/api/catalogs/${'x'.repeat(255)}`)).status).toBe(201)
    expect((await client.raw('POST', '/api/catalogs/Key-Test-2')).status).toBe(201)
    expect(await client.get('/api/catalogs/bad_name/items')).toMatchObject({ status: 400, body: { code: 'BadParams' } })
  })

  it('GET /api/catalogs answers the names, newest first, and the count, in params', async () => {
    for (const name of ['restaurants', 'campsites', 'keyTest']) await create(name)
    const reply = await client.get('/api/catalogs')
    expect(reply).toMatchObject({ status: 200 })
    expect(reply.body).toEqual({
      msg: '',
      code: 'Success',
      params: {
        catalogNames: [{ name: 'keyTest' }, { name: 'campsites' }, { name: 'restaurants' }],
        totalCatalogsCount: 3
      }
    })
    expect(strictClientErrors('GetCatalogsResponseSchema', reply.body.params)).toEqual([])
  })

  it('pages the catalogs with page and pageSize, linking the pages before and after', async () => {
    for (const name of ['a-1', 'a-2', 'a-3', 'a-4', 'a-5']) await create(name)
    expect((await client.get('/api/catalogs?page=1&pageSize=2')).body.params).toEqual({
      catalogNames: [{ name: 'a-5' }, { name: 'a-4' }],
      totalCatalogsCount: 5,
      nextPageUrl: '/api/catalogs?page=2&pageSize=2'
    })
    const middle = (await client.get('/api/catalogs?page=2&pageSize=2')).body.params
    expect(middle).toEqual({
      catalogNames: [{ name: 'a-3' }, { name: 'a-2' }],
      totalCatalogsCount: 5,
      previousPageUrl: '/api/catalogs?page=1&pageSize=2',
      nextPageUrl: '/api/catalogs?page=3&pageSize=2'
    })
    expect(strictClientErrors('GetCatalogsResponseSchema', middle)).toEqual([])
    expect((await client.get('/api/catalogs?page=3&pageSize=2')).body.params).toEqual({
      catalogNames: [{ name: 'a-1' }],
      totalCatalogsCount: 5,
      previousPageUrl: '/api/catalogs?page=2&pageSize=2'
    })
    expect((await client.get('/api/catalogs?page=9')).body.params).toEqual({
      catalogNames: [],
      totalCatalogsCount: 5,
      previousPageUrl: '/api/catalogs?page=8&pageSize=10'
    })
    expect(await client.get('/api/catalogs?page=0')).toMatchObject({
      status: 400,
      body: badParams(`Invalid page: 0. page must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}.`)
    })
    expect(await client.get('/api/catalogs?pageSize=101')).toMatchObject({
      status: 400,
      body: badParams('Invalid pageSize: 101. pageSize must be an integer from 1 to 100.')
    })
    expect((await client.get('/api/catalogs?pageSize=abc')).status).toBe(400)
  })

  it('DELETE /api/catalogs/{catalogName} deletes the catalog and its items; an unknown catalog is 404', async () => {
    await create('Restaurants')
    await client.put('/api/catalogs/restaurants/items/duke', { value: { name: 'The Duke' } })
    expect(await client.delete('/api/catalogs/RESTAURANTS')).toMatchObject({
      status: 200,
      body: { msg: 'Successfully deleted catalog Restaurants', code: 'Success', params: null }
    })
    expect((await client.get('/api/catalogs')).body.params).toEqual({ catalogNames: [], totalCatalogsCount: 0 })
    expect(await client.delete('/api/catalogs/restaurants')).toMatchObject({
      status: 404,
      body: notFound('restaurants')
    })
    // A new catalog of the same name starts empty.
    await create('restaurants')
    expect((await client.get('/api/catalogs/restaurants/items/duke')).status).toBe(404)
  })

  it('answers 404 NotFound on every route of an unknown catalog', async () => {
    const replies = [
      await client.delete('/api/catalogs/nope'),
      await client.get('/api/catalogs/nope/fieldMappings'),
      await client.put('/api/catalogs/nope/fieldMappings', { mappingsUpdates: [] }),
      await client.get('/api/catalogs/nope/items'),
      await client.post('/api/catalogs/nope/items', { documents: { a: {} }, replaceUploadedFieldsOnly: false }),
      await client.raw('DELETE', '/api/catalogs/nope/items', JSON.stringify({ itemIds: ['a'] })),
      await client.get('/api/catalogs/nope/items/a'),
      await client.put('/api/catalogs/nope/items/a', { value: {} }),
      await client.patch('/api/catalogs/nope/items/a', { update: {} }),
      await client.delete('/api/catalogs/nope/items/a')
    ]
    for (const reply of replies) expect(reply).toMatchObject({ status: 404, body: notFound('nope') })
    expect(client.emulator.store.catalogs.size).toBe(0)
  })
})

describe('catalog field mappings', () => {
  const client = useEmulator()
  const mappings = async () => (await client.get('/api/catalogs/products/fieldMappings')).body
  beforeEach(async () => {
    await client.raw('POST', '/api/catalogs/products')
  })

  it('PUT sets the types (children by their dotted path); GET answers them and the fields without a type', async () => {
    const reply = await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [
        { fieldName: 'price', fieldType: 'double' },
        { fieldName: 'inStock', fieldType: 'boolean' },
        { fieldName: 'details', fieldType: 'object', children: [{ fieldName: 'color', fieldType: 'string' }] },
        { fieldName: 'store', fieldType: 'geo_location' },
        { fieldName: 'launched', fieldType: 'date' },
        { fieldName: 'stock', fieldType: 'long' },
        { fieldName: 'name', fieldType: 'string' }
      ]
    })
    expect(reply).toMatchObject({ status: 200, body: SUCCESS })
    await client.post('/api/catalogs/products/items', {
      documents: { 'burger-1': { name: 'Burger', vegan: false, details: { color: 'brown', size: 'L' } } },
      replaceUploadedFieldsOnly: false
    })
    const body = await mappings()
    expect(body).toEqual({
      msg: '',
      code: 'Success',
      params: {
        definedMappings: {
          price: 'double',
          inStock: 'boolean',
          details: 'object',
          'details.color': 'string',
          store: 'geo_location',
          launched: 'date',
          stock: 'long',
          name: 'string'
        },
        undefinedFields: ['details.size', 'vegan']
      }
    })
    expect(strictClientErrors('CatalogFieldMappingsResponseSchema', body.params)).toEqual([])
  })

  it("refuses to change a field's type, naming the field and its type; the same type again is fine", async () => {
    await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [{ fieldName: 'price', fieldType: 'double' }]
    })
    const change = await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [
        { fieldName: 'rating', fieldType: 'long' },
        { fieldName: 'price', fieldType: 'long' }
      ]
    })
    expect(change).toMatchObject({
      status: 400,
      body: badParams(
        "Field price of catalog products already has the type double; a catalog field's type cannot be changed " +
          'once set (requested: long)'
      )
    })
    // Nothing of the refused request was set.
    expect((await mappings()).params.definedMappings).toEqual({ price: 'double' })
    const again = await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [
        { fieldName: 'price', fieldType: 'double' },
        { fieldName: 'rating', fieldType: 'long' }
      ]
    })
    expect(again).toMatchObject({ status: 200, body: SUCCESS })
    expect((await mappings()).params.definedMappings).toEqual({ price: 'double', rating: 'long' })
  })

  it('refuses unknown types, names with periods, children of a field that is not an object, malformed bodies', async () => {
    const put = (mappingsUpdates: unknown) => client.put('/api/catalogs/products/fieldMappings', { mappingsUpdates })
    expect(await put([{ fieldName: 'price', fieldType: 'integer' }])).toMatchObject({
      status: 400,
      body: badParams(
        'Invalid type "integer" for field price: the types are boolean, date, geo_location, long, double, object, string'
      )
    })
    expect(await put([{ fieldName: 'a.b', fieldType: 'string' }])).toMatchObject({
      status: 400,
      body: badParams('Invalid field name "a.b": catalog field names must not be empty or contain periods')
    })
    expect(
      await put([{ fieldName: 'size', fieldType: 'string', children: [{ fieldName: 'x', fieldType: 'long' }] }])
    ).toMatchObject({ status: 400, body: badParams('Field size has children: its type must be object, not string') })
    expect(
      await put([
        { fieldName: 'x', fieldType: 'long' },
        { fieldName: 'x', fieldType: 'string' }
      ])
    ).toMatchObject({ status: 400, body: badParams('Field x is given two types in one request: long and string') })
    expect(await client.put('/api/catalogs/products/fieldMappings', {})).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.mappingsUpdates': readerError('error.path.missing') } }
    })
    expect(await put([{ fieldName: 'price' }])).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.mappingsUpdates[0].fieldType': readerError('error.path.missing') } }
    })
    expect((await mappings()).params.definedMappings).toEqual({})
  })

  it('refuses a type that items already in the catalog disagree with, naming the item', async () => {
    await client.put('/api/catalogs/products/items/fries', { value: { price: 'cheap' } })
    expect(
      await client.put('/api/catalogs/products/fieldMappings', {
        mappingsUpdates: [{ fieldName: 'price', fieldType: 'double' }]
      })
    ).toMatchObject({
      status: 400,
      body: badParams('Field price of catalog products cannot be given the type double: item fries holds "cheap" there')
    })
  })
})

describe('catalog items', () => {
  const client = useEmulator()
  const item = async (itemId: string, catalog = 'products') =>
    (await client.get(`/api/catalogs/${catalog}/items/${itemId}`)).body
  const value = async (itemId: string) => (await item(itemId)).params?.value
  const upload = (documents: Record<string, unknown>, replaceUploadedFieldsOnly?: boolean) =>
    client.post('/api/catalogs/products/items', {
      documents,
      ...(replaceUploadedFieldsOnly !== undefined && { replaceUploadedFieldsOnly })
    })
  const ACCEPTED = { msg: 'Request to bulk-upload documents into products processed successfully', code: 'Success' }

  beforeEach(async () => {
    await client.raw('POST', '/api/catalogs/products')
    await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [
        { fieldName: 'price', fieldType: 'double' },
        { fieldName: 'store', fieldType: 'geo_location' },
        { fieldName: 'launched', fieldType: 'date' },
        { fieldName: 'details', fieldType: 'object', children: [{ fieldName: 'weight', fieldType: 'long' }] }
      ]
    })
  })

  it('POST …/items creates items (202) and a GET right after reads them, with their properties', async () => {
    const documents = {
      'burger-1': { name: 'Burger', price: 9.5, tags: ['beef', 'grill'], store: { lat: 37.77, lon: -122.42 } },
      fries: { name: 'Fries', price: 3, launched: '2024-05-01 13:45:00 +00:00', details: { weight: 150 } }
    }
    const reply = await upload(documents, false)
    expect(reply).toMatchObject({ status: 202, body: { ...ACCEPTED, params: null } })
    const read = await item('burger-1')
    expect(read).toEqual({
      msg: '',
      code: 'Success',
      params: {
        catalogName: 'products',
        itemId: 'burger-1',
        size: bytes(documents['burger-1']),
        lastModified: expect.any(Number),
        value: documents['burger-1']
      }
    })
    // Epoch milliseconds, as recorded from Iterable.
    expect(read.params.lastModified).toBeGreaterThan(1e12)
    expect(await value('fries')).toEqual(documents.fries)
    // Catalog names are case-insensitive; item ids are not.
    expect((await item('fries', 'PRODUCTS')).params.catalogName).toBe('products')
    expect(await client.get('/api/catalogs/products/items/Fries')).toMatchObject({
      status: 404,
      body: { msg: 'No catalog item Fries in catalog products', code: 'NotFound', params: null }
    })
  })

  it('replaces an item whole unless replaceUploadedFieldsOnly is true, which merges the fields sent', async () => {
    await upload({ burger: { name: 'Burger', price: 9.5, spicy: false }, fries: { name: 'Fries', price: 3 } }, false)
    await upload({ burger: { name: 'Cheeseburger' } }, false)
    expect(await value('burger')).toEqual({ name: 'Cheeseburger' })
    // Absent counts as false.
    await upload({ fries: { name: 'Curly fries' } })
    expect(await value('fries')).toEqual({ name: 'Curly fries' })
    await upload({ burger: { price: 11, spicy: true }, salad: { name: 'Salad' } }, true)
    expect(await value('burger')).toEqual({ name: 'Cheeseburger', price: 11, spicy: true })
    expect(await value('salad')).toEqual({ name: 'Salad' })
  })

  it('GET …/items lists the items a page at a time, by orderBy and sortAscending', async () => {
    await upload({ a: { name: 'Alpha', price: 5 }, b: { name: 'Bravo', price: 1 }, c: { name: 'Charlie' } }, false)
    const all = await client.get('/api/catalogs/products/items')
    expect(all.status).toBe(200)
    expect(all.body).toEqual({
      msg: '',
      code: 'Success',
      params: {
        catalogItemsWithProperties: ['a', 'b', 'c'].map((itemId) => ({
          catalogName: 'products',
          itemId,
          size: expect.any(Number),
          lastModified: expect.any(Number),
          value: expect.any(Object)
        })),
        totalItemsCount: 3
      }
    })
    // Iterable's client reads the page as recorded answers have it: each item's value a plain object, lastModified in
    // epoch milliseconds (the Swagger spec has a Scala `JsObject` and a date-time string there).
    expect(strictClientErrors('GetCatalogItemsResponseSchema', all.body.params)).toEqual([])
    const ids = async (query: string) =>
      (await client.get(`/api/catalogs/products/items?${query}`)).body.params.catalogItemsWithProperties.map(
        (entry: { itemId: string }) => entry.itemId
      )
    // Descending by default; items without the field last. sortAscending needs a field with a type.
    expect(await ids('orderBy=price')).toEqual(['a', 'b', 'c'])
    expect(await ids('orderBy=price&sortAscending=true')).toEqual(['b', 'a', 'c'])
    expect(await ids('orderBy=name&sortAscending=true')).toEqual(['c', 'b', 'a'])
    const paged = await client.get('/api/catalogs/products/items?page=2&pageSize=1&orderBy=price&sortAscending=true')
    expect(paged.body.params).toEqual({
      catalogItemsWithProperties: [expect.objectContaining({ itemId: 'a' })],
      totalItemsCount: 3,
      previousPageUrl: '/api/catalogs/products/items?page=1&pageSize=1&orderBy=price&sortAscending=true',
      nextPageUrl: '/api/catalogs/products/items?page=3&pageSize=1&orderBy=price&sortAscending=true'
    })
    expect(await client.get('/api/catalogs/products/items?pageSize=1001')).toMatchObject({
      status: 400,
      body: badParams('Invalid pageSize: 1001. pageSize must be an integer from 1 to 1000.')
    })
    expect(await client.get('/api/catalogs/products/items?sortAscending=yes')).toMatchObject({
      status: 400,
      body: badParams('Invalid sortAscending: yes. sortAscending must be true or false.')
    })
  })

  it('DELETE …/items deletes the items named (202), unknown ones included', async () => {
    await upload({ a: { name: 'A' }, b: { name: 'B' }, c: { name: 'C' } }, false)
    const reply = await client.raw(
      'DELETE',
      '/api/catalogs/products/items',
      JSON.stringify({ itemIds: ['a', 'b', 'z'] })
    )
    expect(reply).toMatchObject({
      status: 202,
      body: {
        msg: 'Successfully received request to delete 3 items from catalog products',
        code: 'Success',
        params: null
      }
    })
    expect((await client.get('/api/catalogs/products/items')).body.params.totalItemsCount).toBe(1)
    expect((await client.get('/api/catalogs/products/items/a')).status).toBe(404)
    expect(
      await client.raw('DELETE', '/api/catalogs/products/items', JSON.stringify({ itemIds: ['c', 'no way'] }))
    ).toMatchObject({
      status: 400,
      body: badParams(
        'Invalid catalog item id "no way": an item id is 1 to 255 letters, digits and dashes (case-sensitive)'
      )
    })
    expect((await client.get('/api/catalogs/products/items/c')).status).toBe(200)
    expect(await client.raw('DELETE', '/api/catalogs/products/items')).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody' }
    })
    expect(await client.raw('DELETE', '/api/catalogs/products/items', JSON.stringify({ itemIds: 'c' }))).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.itemIds': readerError('error.expected.jsarray') } }
    })
  })

  it('PUT replaces one item, PATCH merges into it (both create it), DELETE deletes it; all 202', async () => {
    const where = { catalogName: 'products', itemId: 'salad', url: '/api/catalogs/products/items/salad' }
    expect(
      await client.put('/api/catalogs/products/items/salad', { value: { name: 'Salad', price: 7 } })
    ).toMatchObject({ status: 202, body: { msg: '', code: 'Success', params: where } })
    expect(await value('salad')).toEqual({ name: 'Salad', price: 7 })
    await client.put('/api/catalogs/products/items/salad', { value: { name: 'Greek salad' } })
    expect(await value('salad')).toEqual({ name: 'Greek salad' })
    expect(await client.patch('/api/catalogs/products/items/salad', { update: { price: 8 } })).toMatchObject({
      status: 202,
      body: { msg: '', code: 'Success', params: where }
    })
    expect(await value('salad')).toEqual({ name: 'Greek salad', price: 8 })
    await client.patch('/api/catalogs/products/items/soup', { update: { name: 'Soup' } })
    expect(await value('soup')).toEqual({ name: 'Soup' })

    expect(await client.delete('/api/catalogs/products/items/salad')).toMatchObject({
      status: 202,
      body: { msg: 'Received request to deleted item ID salad from catalog products', code: 'Success', params: null }
    })
    expect(await client.get('/api/catalogs/products/items/salad')).toMatchObject({
      status: 404,
      body: { msg: 'No catalog item salad in catalog products', code: 'NotFound', params: null }
    })
    expect((await client.delete('/api/catalogs/products/items/salad')).status).toBe(202)

    expect(await client.put('/api/catalogs/products/items/salad', { update: {} })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.value': readerError('error.path.missing') } }
    })
    expect(await client.patch('/api/catalogs/products/items/salad', { update: [] })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.update': readerError('error.expected.jsobject') } }
    })
    for (const reply of [
      await client.put('/api/catalogs/products/items/bad_id', { value: {} }),
      await client.patch('/api/catalogs/products/items/bad_id', { update: {} }),
      await client.get('/api/catalogs/products/items/bad_id'),
      await client.delete('/api/catalogs/products/items/bad_id')
    ]) {
      expect(reply).toMatchObject({
        status: 400,
        body: badParams(
          'Invalid catalog item id "bad_id": an item id is 1 to 255 letters, digits and dashes (case-sensitive)'
        )
      })
    }
  })

  describe('refusals (400, nothing of the request stored)', () => {
    afterEach(async () => {
      expect((await client.get('/api/catalogs/products/items')).body.params.totalItemsCount).toBe(0)
    })

    it.each([
      ['an id with other characters than letters, digits and dashes', 'item_1'],
      ['an id of 256 characters', 'x'.repeat(256)]
    ])('an item id: %s', async (_case, itemId) => {
      expect(await upload({ ok: { name: 'Fine' }, [itemId]: { name: 'Bad' } }, false)).toMatchObject({
        status: 400,
        body: badParams(
          `Invalid catalog item id "${itemId}": an item id is 1 to 255 letters, digits and dashes (case-sensitive)`
        )
      })
    })

    it('a field name with a period, at any depth', async () => {
      expect(await upload({ a: { 'size.cm': 3 } }, false)).toMatchObject({
        status: 400,
        body: badParams('Invalid field name "size.cm" in item a: catalog field names must not contain periods')
      })
      expect(await upload({ a: { details: [{ 'size.cm': 3 }] } }, false)).toMatchObject({
        status: 400,
        body: badParams('Invalid field name "details.size.cm" in item a: catalog field names must not contain periods')
      })
      expect(await client.patch('/api/catalogs/products/items/a', { update: { 'x.y': 1 } })).toMatchObject({
        status: 400,
        body: { code: 'BadParams' }
      })
    })

    it(`an item over ${MAX_CATALOG_ITEM_BYTES} bytes of JSON (30 KB); one of exactly that size is taken`, async () => {
      const padding = MAX_CATALOG_ITEM_BYTES - bytes({ text: '' })
      const over = { text: 'x'.repeat(padding + 1) }
      expect(await upload({ big: over }, false)).toMatchObject({
        status: 400,
        body: badParams(
          `Item big is ${MAX_CATALOG_ITEM_BYTES + 1} bytes of JSON; a catalog item may be at most ` +
            `${MAX_CATALOG_ITEM_BYTES} bytes (30 KB)`
        )
      })
      expect(await client.put('/api/catalogs/products/items/big', { value: over })).toMatchObject({ status: 400 })
      const exact = { text: 'x'.repeat(padding) }
      expect(bytes(exact)).toBe(MAX_CATALOG_ITEM_BYTES)
      expect((await upload({ big: exact }, false)).status).toBe(202)
      await client.delete('/api/catalogs/products/items/big')
    })

    it('more than 1,000 documents in one request; exactly 1,000 are taken', async () => {
      const documents = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, index) => [`item-${index}`, { n: index }]))
      expect(await upload(documents(1001), false)).toMatchObject({
        status: 400,
        body: badParams('obj.documents holds 1001 items; a bulk upload takes at most 1000 items')
      })
      expect((await upload(documents(1000), false)).status).toBe(202)
      await client.raw(
        'DELETE',
        '/api/catalogs/products/items',
        JSON.stringify({ itemIds: Object.keys(documents(1000)) })
      )
    })

    it('no documents, or a body that does not match the spec', async () => {
      expect(await upload({}, false)).toMatchObject({
        status: 400,
        body: badParams('obj.documents holds no items: send at least one item id and its fields')
      })
      expect(await upload({ a: 'not an object' }, false)).toMatchObject({
        status: 400,
        body: { code: 'BadJsonBody', params: { 'obj.documents.a': readerError('error.expected.jsobject') } }
      })
      expect(
        await client.post('/api/catalogs/products/items', { documents: { a: {} }, replaceUploadedFieldsOnly: 'yes' })
      ).toMatchObject({
        status: 400,
        body: {
          code: 'BadJsonBody',
          params: { 'obj.replaceUploadedFieldsOnly': readerError('error.expected.jsboolean') }
        }
      })
      expect(await client.post('/api/catalogs/products/items', { items: [] })).toMatchObject({
        status: 400,
        body: { code: 'BadJsonBody', params: { 'obj.documents': readerError('error.path.missing') } }
      })
    })

    it("values that disagree with their fields' types: RequestFieldsTypesMismatched, naming item and field", async () => {
      const reply = await upload(
        {
          good: { price: 2.5, store: { lat: 37.77, lon: -122.42 }, launched: '2024-05-01', details: { weight: 1 } },
          fries: { price: 'cheap', details: { weight: 'heavy' } },
          stall: { store: { lat: 120, lon: 0 } }
        },
        false
      )
      expect(reply.status).toBe(400)
      expect(reply.body).toEqual({
        msg:
          "Catalog products: the request does not have the same data types as the catalog's field mappings. " +
          "Item fries: field 'price' has a data type of 'double' but possible types 'string, keyword' in the request. " +
          "Item fries: field 'details.weight' has a data type of 'long' but possible types 'string, keyword' in the " +
          'request. ' +
          "Item stall: field 'store' has a data type of 'geo_location' but possible types 'object' in the request.",
        code: 'RequestFieldsTypesMismatched',
        params: {
          validationErrors: {
            price: {
              itemId: 'fries',
              incomingTypes: ['string', 'keyword'],
              expectedType: 'double',
              _type: 'UnexpectedType',
              offendingValue: 'cheap',
              category: 'catalog'
            },
            'details.weight': {
              itemId: 'fries',
              incomingTypes: ['string', 'keyword'],
              expectedType: 'long',
              _type: 'UnexpectedType',
              offendingValue: 'heavy',
              category: 'catalog'
            },
            store: {
              itemId: 'stall',
              incomingTypes: ['object'],
              expectedType: 'geo_location',
              _type: 'UnexpectedType',
              offendingValue: { lat: 120, lon: 0 },
              category: 'catalog'
            }
          }
        }
      })
      expect(await client.put('/api/catalogs/products/items/x', { value: { launched: 'next spring' } })).toMatchObject({
        status: 400,
        body: {
          code: 'RequestFieldsTypesMismatched',
          params: { validationErrors: { launched: expect.objectContaining({ expectedType: 'date' }) } }
        }
      })
      expect(await client.patch('/api/catalogs/products/items/x', { update: { price: [1, 'two'] } })).toMatchObject({
        status: 400,
        body: {
          code: 'RequestFieldsTypesMismatched',
          params: { validationErrors: { price: expect.objectContaining({ offendingValue: 'two' }) } }
        }
      })
    })
  })
})

describe('catalogs in the emulator state', () => {
  const client = useEmulator()

  it('GET /_emulator/state shows catalogs, their mappings and items; reset forgets them', async () => {
    await client.raw('POST', '/api/catalogs/products')
    await client.put('/api/catalogs/products/fieldMappings', {
      mappingsUpdates: [{ fieldName: 'price', fieldType: 'double' }]
    })
    await client.put('/api/catalogs/products/items/fries', { value: { price: 3 } })
    const state = await client.get('/_emulator/state')
    expect(state.body.catalogs).toEqual([
      {
        id: expect.any(Number),
        name: 'products',
        createdAt: expect.any(Number),
        fieldMappings: { price: 'double' },
        items: [
          {
            catalogName: 'products',
            itemId: 'fries',
            size: bytes({ price: 3 }),
            lastModified: expect.any(Number),
            value: { price: 3 }
          }
        ]
      }
    ])
    const firstId = state.body.catalogs[0].id
    await request(`${client.emulator.url}/_emulator/reset`, { method: 'POST' })
    expect((await client.get('/_emulator/state')).body.catalogs).toEqual([])
    expect((await client.get('/api/catalogs')).body.params).toEqual({ catalogNames: [], totalCatalogsCount: 0 })
    // Ids start again after a reset.
    expect((await client.raw('POST', '/api/catalogs/products')).body.params.id).toBe(firstId)
  })
})

describe('catalog rate limits', () => {
  let emulator: Emulator
  beforeEach(() => {
    fakeDateOnly(new Date('2024-05-01T12:00:00Z'))
  })
  afterEach(async () => {
    jest.useRealTimers()
    await emulator?.close()
  })

  it("follow Iterable's spec: 100/s to list catalogs and items and to bulk-upload, 1,000/s to put one item", () => {
    expect(RATE_LIMITS).toMatchObject({
      'GET /api/catalogs': 100,
      'GET /api/catalogs/{catalogName}/items': 100,
      'POST /api/catalogs/{catalogName}/items': 100,
      'PUT /api/catalogs/{catalogName}/items/{itemId}': 1000
    })
  })

  it('answer the 101st bulk upload in a second 429 RateLimitExceeded when limits are on', async () => {
    emulator = await startEmulator({ faults: {} })
    const call = (method: string, path: string, body?: unknown) =>
      request(`${emulator.url}${path}`, {
        method,
        headers: { 'Api-Key': emulator.apiKey },
        ...(body !== undefined && { body: JSON.stringify(body) })
      })
    expect((await call('POST', '/api/catalogs/products')).status).toBe(201)
    const upload = () =>
      call('POST', '/api/catalogs/products/items', { documents: { a: { n: 1 } }, replaceUploadedFieldsOnly: false })
    const replies = await Promise.all(Array.from({ length: 101 }, upload))
    const statuses = replies.map((reply) => reply.status)
    expect(statuses.filter((status) => status === 202)).toHaveLength(100)
    expect(replies.find((reply) => reply.status === 429)).toMatchObject({
      body: {
        code: 'RateLimitExceeded',
        params: null,
        msg: 'Rate limit exceeded: POST /api/catalogs/{catalogName}/items allows 100 requests per second per project'
      }
    })
    // Another route has its own bucket.
    expect((await call('GET', '/api/catalogs/products/items/a')).status).toBe(200)
  })
})
