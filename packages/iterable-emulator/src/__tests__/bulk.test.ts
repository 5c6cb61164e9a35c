import { itWithSpec, loadSpec, specValidators, useEmulator, readerError } from './helpers'
import { iterableSchemaErrors } from './iterable/zod-schemas'

// The bulk endpoints: 200 with per-record outcomes named by email or userId, in exactly the shapes of Iterable's spec
// (UserBulkUpdateListResponse and BulkTrackResponse); a field type mismatch anywhere refuses the whole request.

const spec = loadSpec('Bulk answers in exactly the shapes of the Swagger spec')

const USER_LISTS = {
  invalidEmails: [],
  invalidUserIds: [],
  notFoundEmails: [],
  notFoundUserIds: [],
  forgottenEmails: [],
  forgottenUserIds: [],
  conflictEmails: [],
  conflictUserIds: [],
  invalidDataEmails: [],
  invalidDataUserIds: []
}
const EVENT_LISTS = {
  invalidEmails: [],
  invalidUserIds: [],
  notFoundEmails: [],
  notFoundUserIds: [],
  forgottenEmails: [],
  forgottenUserIds: []
}

type Definition = 'UserBulkUpdateListResponse' | 'BulkTrackResponse'

/**
 * Every 200 answer of the bulk endpoints in these tests, with the test that received it: checked after them all
 * against the schema of Iterable's client (`<definition>Schema`), and against the spec's definition where this
 * checkout has the spec (the last tests of this file).
 */
const answers: { test: string; definition: Definition; body: unknown }[] = []
function conforms(definition: Definition, body: unknown) {
  answers.push({ test: expect.getState().currentTestName ?? '', definition, body })
}

describe('POST /api/users/bulkUpdate', () => {
  const client = useEmulator({ forgottenEmails: ['gone@example.com'], forgottenUserIds: ['gone-id'] })
  const bulk = async (body: unknown) => {
    const reply = await client.post('/api/users/bulkUpdate', body)
    if (reply.status === 200) conforms('UserBulkUpdateListResponse', reply.body)
    return reply
  }

  it('updates every user and answers the counts and every list, empty', async () => {
    const reply = await bulk({
      users: [
        { email: 'ada@example.com', userId: 'u1', dataFields: { plan: 'pro' } },
        { email: 'bob@example.com', dataFields: { plan: 'basic', seats: 3 } }
      ]
    })
    expect(reply).toMatchObject({ status: 200 })
    expect(reply.body).toEqual({
      successCount: 2,
      failCount: 0,
      invalidEmails: [],
      invalidUserIds: [],
      failedUpdates: USER_LISTS,
      createdFields: ['plan', 'seats'],
      filteredOutFields: []
    })
    expect((await client.get('/api/users/byUserId/u1')).body.user.dataFields.plan).toBe('pro')
    expect((await client.get('/api/users/bob@example.com')).body.user.dataFields.seats).toBe(3)
  })

  it('lists each failed record by its email or userId, and applies the others', async () => {
    await client.post('/api/users/update', { email: 'known@example.com', userId: 'known-id' })
    const reply = await bulk({
      users: [
        { email: 'not-an-email', dataFields: { a: 1 } },
        { email: 'ok@example.com', dataFields: { a: 2 } },
        { userId: 'x'.repeat(60) },
        { userId: 'stranger' },
        { userId: 'known-id', dataFields: { a: 3 } },
        { userId: 'created-id', preferUserId: true },
        { email: 'gone@example.com' },
        { userId: 'gone-id' },
        { email: 'data@example.com', dataFields: { huge: 'x'.repeat(40_000) } },
        { email: 'bad-in-fields@example.com', dataFields: { email: 'also bad' } }
      ]
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      successCount: 3,
      failCount: 7,
      invalidEmails: ['not-an-email', 'gone@example.com', 'data@example.com', 'bad-in-fields@example.com'],
      invalidUserIds: ['x'.repeat(60), 'stranger', 'gone-id'],
      failedUpdates: {
        ...USER_LISTS,
        invalidEmails: ['not-an-email', 'also bad'],
        invalidUserIds: ['x'.repeat(60)],
        notFoundUserIds: ['stranger'],
        forgottenEmails: ['gone@example.com'],
        forgottenUserIds: ['gone-id'],
        invalidDataEmails: ['data@example.com']
      },
      createdFields: ['a'],
      filteredOutFields: []
    })
    expect((await client.get('/api/users/ok@example.com')).body.user.dataFields.a).toBe(2)
    expect((await client.get('/api/users/known@example.com')).body.user.dataFields.a).toBe(3)
    expect((await client.get('/api/users/byUserId/created-id')).body.user.email).toMatch(/@placeholder\.email$/)
    expect(client.emulator.store.findByEmail('not-an-email')).toBeUndefined()
  })

  it('with updateOnly, does not create users: unknown ones are not found', async () => {
    await client.post('/api/users/update', { email: 'known@example.com' })
    const reply = await bulk({
      updateOnly: true,
      users: [
        { email: 'known@example.com', dataFields: { a: 1 } },
        { email: 'new@example.com', dataFields: { a: 1 } },
        { userId: 'new-id', preferUserId: true }
      ]
    })
    expect(reply.body).toMatchObject({
      successCount: 1,
      failCount: 2,
      failedUpdates: { ...USER_LISTS, notFoundEmails: ['new@example.com'], notFoundUserIds: ['new-id'] }
    })
    expect((await client.get('/api/users/new@example.com')).body).toEqual({})
  })

  it('refuses the whole request when one record has a field of the wrong type', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { age: 36 } })
    const reply = await client.post('/api/users/bulkUpdate', {
      users: [
        { email: 'bob@example.com', dataFields: { age: 40, city: 'Paris' } },
        { email: 'cy@example.com', dataFields: { age: 'forty' } },
        // A new field gets its type from the first record that sends it, in this same request.
        { email: 'di@example.com', dataFields: { pets: 1 } },
        { email: 'ed@example.com', dataFields: { pets: ['cat'] } }
      ]
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      msg: expect.stringContaining("Field 'age' already exists for type 'user' and has a data type of 'long'"),
      code: 'RequestFieldsTypesMismatched',
      params: {
        validationErrors: {
          age: {
            incomingTypes: ['string', 'keyword'],
            expectedType: 'long',
            _type: 'UnexpectedType',
            offendingValue: 'forty',
            category: 'user'
          },
          pets: {
            incomingTypes: ['string', 'keyword'],
            expectedType: 'long',
            _type: 'UnexpectedType',
            offendingValue: 'cat',
            category: 'user'
          }
        }
      }
    })
    // Nothing was stored, not even the good records, and no field was created.
    expect((await client.get('/api/users/bob@example.com')).body).toEqual({})
    expect(client.emulator.store.types.get('user', 'city')).toBeUndefined()
  })

  it('reports fields dropped by createNewFields: false', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { plan: 'pro' } })
    const reply = await bulk({
      createNewFields: false,
      users: [{ email: 'ada@example.com', dataFields: { plan: 'basic', shoeSize: 42, prefs: { dark: true } } }]
    })
    expect(reply.body).toMatchObject({ successCount: 1, createdFields: [], filteredOutFields: ['shoeSize', 'prefs'] })
    const { body } = await client.get('/api/users/ada@example.com')
    expect(body.user.dataFields).toMatchObject({ plan: 'basic' })
    expect(body.user.dataFields).not.toHaveProperty('shoeSize')
  })

  it('applies mergeNestedObjects per record', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { prefs: { a: 1 } } })
    await client.post('/api/users/update', { email: 'bob@example.com', dataFields: { prefs: { a: 1 } } })
    await bulk({
      users: [
        { email: 'ada@example.com', dataFields: { prefs: { b: 2 } }, mergeNestedObjects: true },
        { email: 'bob@example.com', dataFields: { prefs: { b: 2 } } }
      ]
    })
    expect((await client.get('/api/users/ada@example.com')).body.user.dataFields.prefs).toEqual({ a: 1, b: 2 })
    expect((await client.get('/api/users/bob@example.com')).body.user.dataFields.prefs).toEqual({ b: 2 })
  })

  it('refuses a malformed body whole, naming the record at fault', async () => {
    const reply = await client.post('/api/users/bulkUpdate', {
      users: [{ email: 'ada@example.com' }, { email: 'bob@example.com', dataFields: [1] }]
    })
    expect(reply).toMatchObject({
      status: 400,
      body: {
        msg: expect.stringContaining('[/api/users/bulkUpdate] Invalid JSON body: '),
        code: 'BadJsonBody',
        params: { 'obj.users[1].dataFields': readerError('error.expected.jsobject') }
      }
    })
    expect((await client.post('/api/users/bulkUpdate', {})).body.params).toEqual({
      'obj.users': readerError('error.path.missing')
    })
  })
})

describe('POST /api/events/trackBulk', () => {
  const client = useEmulator({ disallowedEventNames: ['Blocked'], forgottenEmails: ['gone@example.com'] })
  const bulk = async (body: unknown) => {
    const reply = await client.post('/api/events/trackBulk', body)
    if (reply.status === 200) conforms('BulkTrackResponse', reply.body)
    return reply
  }

  it('tracks every event and answers the counts and every list, empty', async () => {
    const reply = await bulk({
      events: [
        { email: 'ada@example.com', eventName: 'Viewed', id: 'e1', dataFields: { page: '/a' } },
        { email: 'ada@example.com', eventName: 'Viewed', id: 'e2', dataFields: { page: '/b' } }
      ]
    })
    expect(reply.body).toEqual({
      successCount: 2,
      failCount: 0,
      invalidEmails: [],
      invalidUserIds: [],
      failedUpdates: EVENT_LISTS,
      disallowedEventNames: [],
      createdFields: ['page'],
      filteredOutFields: []
    })
    expect((await client.get('/api/events/ada@example.com')).body.events).toHaveLength(2)
  })

  it('lists failed events by email or userId, and disallowed names at the top level', async () => {
    await client.post('/api/users/update', { email: 'known@example.com', userId: 'known-id' })
    const reply = await bulk({
      events: [
        { email: 'nope', eventName: 'Viewed' },
        { userId: 'stranger', eventName: 'Viewed' },
        { userId: 'known-id', eventName: 'Viewed' },
        { userId: 'bad id ', eventName: 'Viewed' },
        { email: 'gone@example.com', eventName: 'Viewed' },
        { email: 'known@example.com', eventName: 'Blocked' },
        { email: 'new@example.com', eventName: 'Viewed' }
      ]
    })
    expect(reply.body).toEqual({
      successCount: 2,
      failCount: 5,
      invalidEmails: ['nope'],
      invalidUserIds: ['stranger'],
      failedUpdates: {
        ...EVENT_LISTS,
        invalidEmails: ['nope'],
        invalidUserIds: ['bad id '],
        notFoundUserIds: ['stranger'],
        forgottenEmails: ['gone@example.com']
      },
      disallowedEventNames: ['Blocked'],
      createdFields: [],
      filteredOutFields: []
    })
    expect((await client.get('/api/events/byUserId/known-id')).body.events).toHaveLength(1)
    expect((await client.get('/api/users/new@example.com')).body.user.email).toBe('new@example.com')
  })

  it('refuses the whole request when one event has a field of the wrong type', async () => {
    await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'Paid', dataFields: { amount: 5 } })
    const reply = await client.post('/api/events/trackBulk', {
      events: [
        { email: 'ada@example.com', eventName: 'Paid', dataFields: { amount: 7 } },
        { email: 'bob@example.com', eventName: 'Paid', dataFields: { amount: 'seven' } }
      ]
    })
    expect(reply).toMatchObject({
      status: 400,
      body: {
        code: 'RequestFieldsTypesMismatched',
        params: {
          validationErrors: {
            amount: {
              incomingTypes: ['string', 'keyword'],
              expectedType: 'long',
              _type: 'UnexpectedType',
              offendingValue: 'seven',
              category: 'event'
            }
          }
        }
      }
    })
    expect((await client.get('/api/events/ada@example.com')).body.events).toHaveLength(1)
  })

  it('refuses malformed bodies whole (BadJsonBody, BadParams), naming the event at fault', async () => {
    expect(
      await client.post('/api/events/trackBulk', {
        events: [
          { email: 'ada@example.com', eventName: 'A' },
          { email: 'ada@example.com', eventName: 'B', createdAt: 'x' }
        ]
      })
    ).toMatchObject({
      status: 400,
      body: {
        msg: expect.stringContaining('[/api/events/trackBulk] Invalid JSON body: '),
        code: 'BadJsonBody',
        params: { 'obj.events[1].createdAt': readerError('error.expected.jsnumber') }
      }
    })
    expect(await client.post('/api/events/trackBulk', { events: [{ email: 'ada@example.com' }] })).toMatchObject({
      body: { params: { 'obj.events[0].eventName': readerError('error.path.missing') } }
    })
    expect(
      await client.post('/api/events/trackBulk', {
        events: [{ email: 'ada@example.com', eventName: 'A', id: 'i'.repeat(513) }]
      })
    ).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('obj.events[0].id'), params: null }
    })
  })

  it('answers an empty batch with zero counts, as Iterable does (unlike an empty bulkUpdate)', async () => {
    expect(await client.post('/api/users/bulkUpdate', { users: [] })).toMatchObject({
      status: 400,
      body: { msg: 'Emails invalid: ', code: 'InvalidEmailAddressError', params: null }
    })
    const reply = await client.post('/api/events/trackBulk', { events: [] })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ successCount: 0, failCount: 0, invalidEmails: [], disallowedEventNames: [] })
    expect(
      Object.values(reply.body.failedUpdates as Record<string, unknown>).every(
        (list) => Array.isArray(list) && list.length === 0
      )
    ).toBe(true)
  })
})

describe('every bulk answer above', () => {
  it("conforms to the schema of Iterable's client, with no top-level key it does not list", () => {
    expect(answers.length).toBeGreaterThanOrEqual(7)
    const errors = iterableSchemaErrors(
      answers.map(({ definition, body }) => ({ schema: `${definition}Schema`, value: body, strict: true }))
    )
    expect(answers.flatMap(({ test }, index) => errors[index].map((error) => `${test}: ${error}`))).toEqual([])
  })

  // The client's schemas list only some of failedUpdates' lists; the spec lists them all.
  itWithSpec(spec)("has exactly the shape of the spec's definition: every list, no key it does not list", () => {
    if (!spec) throw new Error('This test runs only with the spec')
    const strictly = specValidators(spec, { strict: true })
    expect(answers.length).toBeGreaterThanOrEqual(7)
    expect(
      answers.flatMap(({ test, definition, body }) => strictly(definition, body).map((error) => `${test}: ${error}`))
    ).toEqual([])
  })

  itWithSpec(spec)('would be refused with a key the spec does not list', () => {
    if (!spec) throw new Error('This test runs only with the spec')
    const strictly = specValidators(spec, { strict: true })
    expect(strictly('UserBulkUpdateListResponse', { successCount: 1, failCount: 0, extra: true })).not.toEqual([])
    expect(
      strictly('BulkTrackResponse', { successCount: 1, failCount: 0, failedUpdates: { conflictEmails: [] } })
    ).not.toEqual([])
  })
})
