import { itWithSpec, loadSpec, specValidators, strictClientErrors, useEmulator, readerError } from './helpers'

// Static lists: Iterable's answers as recorded (`{ listId }`, lists newest first, the delete message), the bulk
// subscribe/unsubscribe answers, and their effect on profiles.

const spec = loadSpec('The subscribe answer in exactly the shape of the Swagger spec')

describe('lists', () => {
  const client = useEmulator({ projectId: 10216 })
  const createList = async (name: string, description?: string) =>
    (await client.post('/api/lists', { name, ...(description && { description }) })).body.listId as number
  const profile = async (email: string) => (await client.get(`/api/users/${email}`)).body.user.dataFields

  it('POST /api/lists creates a static list and answers its id; GET /api/lists lists them newest first', async () => {
    const first = await client.post('/api/lists', { name: 'List One' })
    expect(first).toMatchObject({ status: 200, body: { listId: expect.any(Number) } })
    expect(Object.keys(first.body as object)).toEqual(['listId'])
    const second = await createList('List Two', 'The second')
    const { status, body } = await client.get('/api/lists')
    expect(status).toBe(200)
    expect(body).toEqual({
      lists: [
        {
          id: second,
          name: 'List Two',
          description: 'The second',
          createdAt: expect.any(Number),
          listType: 'Standard'
        },
        { id: first.body.listId, name: 'List One', createdAt: expect.any(Number), listType: 'Standard' }
      ]
    })
    // Epoch milliseconds.
    expect(body.lists[0].createdAt).toBeGreaterThan(1e12)
    expect(strictClientErrors('GetListsResponseSchema', body)).toEqual([])
  })

  it('refuses a list without a name', async () => {
    expect(await client.post('/api/lists', {})).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.name': readerError('error.path.missing') } }
    })
    expect(await client.post('/api/lists', { name: ' ' })).toMatchObject({ status: 400, body: { code: 'BadParams' } })
  })

  it("DELETE /api/lists/{listId} answers Iterable's message and takes the list off its users' profiles", async () => {
    const listId = await createList('Gone soon')
    await client.post('/api/lists/subscribe', { listId, subscribers: [{ email: 'ada@example.com' }] })
    expect(await client.delete(`/api/lists/${listId}`)).toMatchObject({
      status: 200,
      body: { msg: `List ${listId} in Project 10216 was successfully deleted.`, code: 'Success', params: null }
    })
    expect((await client.get('/api/lists')).body).toEqual({ lists: [] })
    expect((await profile('ada@example.com')).emailListIds).toEqual([])
    expect(await client.delete(`/api/lists/${listId}`)).toMatchObject({
      status: 400,
      body: {
        msg: `Unable to delete list ${listId} in Project 10216, which does not exist.`,
        code: 'BadParams',
        params: null
      }
    })
    expect(await client.delete('/api/lists/abc')).toMatchObject({ status: 400, body: { code: 'BadParams' } })
  })

  /** The answer of the next test, checked against the spec after it. */
  let subscribeAnswer: unknown
  it('subscribe: bulk counts and lists; creates users by email, puts them on the list, and applies their data', async () => {
    const listId = await createList('Newsletter')
    const reply = await client.post('/api/lists/subscribe', {
      listId,
      subscribers: [
        { email: 'ada@example.com', dataFields: { plan: 'pro' } },
        { email: 'not-an-email' },
        { userId: 'unknown-user' },
        { userId: 'new-user', preferUserId: true }
      ]
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      successCount: 2,
      failCount: 2,
      invalidEmails: ['not-an-email'],
      invalidUserIds: ['unknown-user'],
      failedUpdates: expect.objectContaining({ invalidEmails: ['not-an-email'], notFoundUserIds: ['unknown-user'] })
    })
    expect(strictClientErrors('UserBulkUpdateListResponseSchema', reply.body)).toEqual([])
    subscribeAnswer = reply.body
    expect(await profile('ada@example.com')).toMatchObject({
      plan: 'pro',
      emailListIds: [listId],
      subscribedMessageTypeIds: [],
      unsubscribedChannelIds: [],
      unsubscribedMessageTypeIds: []
    })
    expect((await client.get('/api/users/byUserId/new-user')).body.user.dataFields.emailListIds).toEqual([listId])
    // Subscribing again keeps one membership.
    await client.post('/api/lists/subscribe', { listId, subscribers: [{ email: 'ada@example.com' }] })
    expect((await profile('ada@example.com')).emailListIds).toEqual([listId])
  })

  // The client's schema lists only some of failedUpdates' lists; the spec lists them all.
  itWithSpec(spec)("subscribe's answer above has exactly the shape of the spec's UserBulkUpdateListResponse", () => {
    if (!spec) throw new Error('This test runs only with the spec')
    expect(subscribeAnswer).toBeDefined()
    expect(specValidators(spec, { strict: true })('UserBulkUpdateListResponse', subscribeAnswer)).toEqual([])
  })

  it('subscribe refuses an unknown list and a body without listId or subscribers', async () => {
    expect(await client.post('/api/lists/subscribe', { listId: 999, subscribers: [] })).toMatchObject({
      status: 400,
      body: { code: 'BadParams' }
    })
    expect(await client.post('/api/lists/subscribe', { subscribers: [] })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.listId': readerError('error.path.missing') } }
    })
    expect(await client.post('/api/lists/subscribe', { listId: '1', subscribers: {} })).toMatchObject({
      status: 400,
      body: {
        params: {
          'obj.listId': readerError('error.expected.jsnumber'),
          'obj.subscribers': readerError('error.expected.jsarray')
        }
      }
    })
  })

  it('unsubscribe takes users off the list, never creates one, and with channelUnsubscribe unsubscribes the channel', async () => {
    const listId = await createList('Offers')
    const other = await createList('News')
    await client.post('/api/lists/subscribe', { listId, subscribers: [{ email: 'ada@example.com' }] })
    await client.post('/api/lists/subscribe', { listId: other, subscribers: [{ email: 'ada@example.com' }] })
    const reply = await client.post('/api/lists/unsubscribe', {
      listId,
      subscribers: [{ email: 'ada@example.com' }, { email: 'nobody@example.com' }],
      channelUnsubscribe: true,
      campaignId: 1234
    })
    expect(reply.body).toMatchObject({
      successCount: 1,
      failCount: 1,
      invalidEmails: ['nobody@example.com'],
      failedUpdates: expect.objectContaining({ notFoundEmails: ['nobody@example.com'] })
    })
    expect(await profile('ada@example.com')).toMatchObject({ emailListIds: [other], unsubscribedChannelIds: [1] })
    expect((await client.get('/api/users/nobody@example.com')).body).toEqual({})
    expect(await client.post('/api/lists/unsubscribe', { listId, subscribers: [], campaignId: 'x' })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.campaignId': readerError('error.expected.jsnumber') } }
    })
  })

  it('GET /api/lists/getUsers answers plain text, one user per line', async () => {
    const listId = await createList('Members')
    await client.post('/api/lists/subscribe', {
      listId,
      subscribers: [{ email: 'ada@example.com' }, { email: 'grace@example.com', userId: 'grace-1' }]
    })
    const reply = await client.get(`/api/lists/getUsers?listId=${listId}`)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(reply.body).toBe('ada@example.com\ngrace@example.com\n')
    expect((await client.get(`/api/lists/getUsers?listId=${listId}&preferUserId=true`)).body).toBe(
      'ada@example.com\ngrace-1\n'
    )
    expect((await client.get(`/api/lists/getUsers?listId=${await createList('Empty')}`)).body).toBe('')
    expect(await client.get('/api/lists/getUsers')).toMatchObject({ status: 400, body: { code: 'BadParams' } })
    expect(await client.get('/api/lists/getUsers?listId=424242')).toMatchObject({
      status: 400,
      body: { msg: 'Invalid email list id', code: 'BadParams', params: { projectId: '10216', listId: '424242' } }
    })
  })
})

describe('lists in a hybrid project', () => {
  const client = useEmulator({ projectType: 'hybrid' })

  it('subscribe with updateExistingUsersOnly skips unknown users; profiles list lists in userListIds', async () => {
    const { listId } = (await client.post('/api/lists', { name: 'Known only' })).body
    await client.post('/api/users/update', { userId: 'known-1' })
    const reply = await client.post('/api/lists/subscribe', {
      listId,
      subscribers: [{ userId: 'known-1' }, { userId: 'stranger' }, { email: 'stranger@example.com' }],
      updateExistingUsersOnly: true
    })
    expect(reply.body).toMatchObject({
      successCount: 1,
      failCount: 2,
      failedUpdates: expect.objectContaining({
        notFoundUserIds: ['stranger'],
        notFoundEmails: ['stranger@example.com']
      })
    })
    const { dataFields } = (await client.get('/api/users/byUserId/known-1')).body.user
    expect(dataFields.userListIds).toEqual([listId])
    expect(dataFields).not.toHaveProperty('emailListIds')
    expect(client.emulator.store.users.size).toBe(1)
  })
})
