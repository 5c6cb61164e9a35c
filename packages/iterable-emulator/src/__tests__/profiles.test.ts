import { useEmulator } from './helpers'

// What Iterable adds to a profile, how updateEmail moves it, and the reads, deletes and GDPR forget of users.

const user = (client: ReturnType<typeof useEmulator>, email: string) =>
  client.get(`/api/users/${encodeURIComponent(email)}`).then((reply) => reply.body.user)

describe('profiles: what Iterable adds', () => {
  const client = useEmulator()

  it.each([
    ['+5583999999939', 'BR'],
    ['+14155552671', 'US'],
    ['+33 1 23 45 67 89', 'FR'],
    // A calling code several regions share, in a number that does not tell which: its main region.
    ['+441632960961', 'GB']
  ])('derives itblInternal.regionCode from the phone number %s: %s', async (phoneNumber, regionCode) => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { phoneNumber } })
    const { dataFields } = await user(client, 'ada@example.com')
    expect(dataFields.phoneNumber).toBe(phoneNumber)
    expect(dataFields.itblInternal).toEqual({
      regionCode,
      documentCreatedAt: expect.any(String),
      documentUpdatedAt: expect.any(String),
      emailDomain: 'example.com'
    })
  })

  it('has no regionCode without a phone number in international form', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { phoneNumber: '555-0100' } })
    expect((await user(client, 'ada@example.com')).dataFields.itblInternal).not.toHaveProperty('regionCode')
  })

  it('keeps the regionCode once derived, when the phone number is removed, as real profiles show', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { phoneNumber: '+5583999999999' } })
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { phoneNumber: null } })
    const { dataFields } = await user(client, 'ada@example.com')
    expect(dataFields).not.toHaveProperty('phoneNumber')
    expect(dataFields.itblInternal.regionCode).toBe('BR')
    // Another country's number changes it.
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { phoneNumber: '+33123456789' } })
    expect((await user(client, 'ada@example.com')).dataFields.itblInternal.regionCode).toBe('FR')
  })

  it('shows the subscription lists only once the user is on a list or has preferences', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { plan: 'pro' } })
    const before = (await user(client, 'ada@example.com')).dataFields
    for (const field of ['emailListIds', 'subscribedMessageTypeIds', 'unsubscribedChannelIds']) {
      expect(before).not.toHaveProperty(field)
    }
    const { body } = await client.post('/api/lists', { name: 'Newsletter' })
    await client.post('/api/lists/subscribe', { listId: body.listId, subscribers: [{ email: 'ada@example.com' }] })
    expect((await user(client, 'ada@example.com')).dataFields).toMatchObject({
      emailListIds: [body.listId],
      subscribedMessageTypeIds: [],
      unsubscribedChannelIds: [],
      unsubscribedMessageTypeIds: []
    })
  })
})

describe('POST /api/users/updateEmail', () => {
  const client = useEmulator()
  afterEach(() => jest.useRealTimers())

  it('moves the user to a new profile document, created at the time of the change; the old email finds no one', async () => {
    // Only Date is faked: the emulator's sockets and timers run as usual.
    jest.useFakeTimers({ now: new Date('2021-07-01T18:00:44Z'), advanceTimers: true })
    await client.post('/api/users/update', {
      email: 'caio@example.com',
      userId: 'caio-1',
      dataFields: { name: 'Caio', phoneNumber: '+5583999999999' }
    })
    const { body: list } = await client.post('/api/lists', { name: 'All' })
    await client.post('/api/lists/subscribe', { listId: list.listId, subscribers: [{ email: 'caio@example.com' }] })
    jest.setSystemTime(new Date('2021-07-01T18:08:09Z'))

    const reply = await client.post('/api/users/updateEmail', {
      currentEmail: 'caio@example.com',
      newEmail: 'lucas@example.com'
    })
    expect(reply.body).toEqual({ msg: '', code: 'Success', params: null })
    expect(await client.get('/api/users/caio@example.com')).toMatchObject({ status: 200, body: {} })
    const moved = await user(client, 'lucas@example.com')
    expect(moved).toMatchObject({ email: 'lucas@example.com', userId: 'caio-1' })
    expect(moved.dataFields).toMatchObject({
      name: 'Caio',
      email: 'lucas@example.com',
      emailListIds: [list.listId],
      signupDate: '2021-07-01 18:08:09 +00:00',
      profileUpdatedAt: '2021-07-01 18:08:09 +00:00',
      itblInternal: {
        regionCode: 'BR',
        documentCreatedAt: '2021-07-01 18:08:09 +00:00',
        documentUpdatedAt: '2021-07-01 18:08:09 +00:00',
        emailDomain: 'example.com'
      }
    })
  })

  it('the new document derives its regionCode afresh: none once the phone number was removed', async () => {
    await client.post('/api/users/update', { email: 'caio@example.com', dataFields: { phoneNumber: '+5583999999999' } })
    await client.post('/api/users/update', { email: 'caio@example.com', dataFields: { phoneNumber: null } })
    expect((await user(client, 'caio@example.com')).dataFields.itblInternal.regionCode).toBe('BR')
    await client.post('/api/users/updateEmail', { currentEmail: 'caio@example.com', newEmail: 'lucas@example.com' })
    expect((await user(client, 'lucas@example.com')).dataFields.itblInternal).not.toHaveProperty('regionCode')
  })

  it('refuses a malformed currentEmail or newEmail with InvalidEmailAddressError', async () => {
    for (const body of [
      { currentEmail: '000', newEmail: 'new@example.com' },
      { currentEmail: 'ada@example.com', newEmail: 'not an email' }
    ]) {
      const reply = await client.post('/api/users/updateEmail', body)
      expect(reply).toMatchObject({ status: 400, body: { code: 'InvalidEmailAddressError', params: null } })
    }
  })

  it('answers an unknown user as Iterable does', async () => {
    const reply = await client.post('/api/users/updateEmail', {
      currentEmail: 'pilo@example.com',
      newEmail: 'jake@example.com'
    })
    expect(reply).toMatchObject({
      status: 400,
      body: {
        msg: 'Cannot change user Some(pilo@example.com) to jake@example.com. User does not exist',
        code: 'BadParams',
        params: null
      }
    })
  })
})

describe('reads of users', () => {
  const client = useEmulator()

  it.each(['/api/users/000', '/api/users/getByEmail?email=000', '/api/events/000'])(
    '%s: a malformed email is 400 InvalidEmailAddressError, as Iterable answers',
    async (path) => {
      expect(await client.get(path)).toMatchObject({
        status: 400,
        body: { msg: 'Invalid email: 000', code: 'InvalidEmailAddressError', params: null }
      })
    }
  )

  it('GET /api/users/getFields lists every user field with its type, nested fields by dotted path', async () => {
    await client.post('/api/users/update', {
      email: 'ada@example.com',
      dataFields: { name: 'Ada', ltv: 10.5, visits: 3, vip: true, address: { city: 'London' }, since: '2024-05-01' }
    })
    const { status, body } = await client.get('/api/users/getFields')
    expect(status).toBe(200)
    expect(body.fields).toMatchObject({
      name: 'string',
      ltv: 'double',
      visits: 'long',
      vip: 'boolean',
      address: 'object',
      'address.city': 'string',
      since: 'date',
      email: 'string',
      userId: 'string',
      signupDate: 'date',
      profileUpdatedAt: 'date',
      emailListIds: 'long',
      'itblInternal.emailDomain': 'string'
    })
    expect(Object.values(body.fields as Record<string, unknown>).every((type) => typeof type === 'string')).toBe(true)
  })
})

describe('deleting and forgetting users', () => {
  const client = useEmulator()

  it('DELETE /api/users/{email} deletes the user and their events; an unknown address is still a success', async () => {
    await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'Signed In' })
    const reply = await client.delete('/api/users/ada@example.com')
    expect(reply).toMatchObject({ status: 200, body: { msg: '', code: 'Success', params: null } })
    expect((await client.get('/api/users/ada@example.com')).body).toEqual({})
    expect((await client.get('/api/events/ada@example.com')).body).toEqual({ events: [] })
    expect((await client.delete('/api/users/nobody@example.com')).body.code).toBe('Success')
    expect((await client.delete('/api/users/000')).body.code).toBe('InvalidEmailAddressError')
    // Not forgotten: the address can be used again.
    expect((await client.post('/api/users/update', { email: 'ada@example.com' })).status).toBe(200)
  })

  it('DELETE /api/users/byUserId/{userId} deletes every user with that userId (email-based projects)', async () => {
    await client.post('/api/users/update', { email: 'a@example.com', userId: 'shared' })
    await client.post('/api/users/update', { email: 'b@example.com', userId: 'shared' })
    await client.post('/api/users/update', { email: 'c@example.com', userId: 'other' })
    expect((await client.delete('/api/users/byUserId/shared')).body).toEqual({
      msg: 'All users associated with shared were successfully deleted',
      code: 'Success',
      params: null
    })
    expect(client.emulator.store.users.size).toBe(1)
    expect((await client.get('/api/users/c@example.com')).body.user.userId).toBe('other')
    expect(await client.delete('/api/users/byUserId/shared')).toMatchObject({
      status: 400,
      body: { msg: 'No users with userId shared exist', code: 'BadParams', params: null }
    })
  })

  it('POST /api/users/forget deletes the user; later writes about them are refused, reads find no one', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
    expect(await client.post('/api/users/forget', { email: 'ADA@example.com' })).toMatchObject({
      status: 200,
      body: { code: 'Success' }
    })
    expect((await client.get('/api/users/ada@example.com')).body).toEqual({})
    expect(await client.post('/api/users/update', { email: 'ada@example.com' })).toMatchObject({
      status: 409,
      body: { code: 'ForgottenUserError' }
    })
    expect(await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'A' })).toMatchObject({
      status: 400,
      body: { code: 'ForgottenUserError' }
    })
    // The forgotten user's userId is forgotten with them.
    const bulk = await client.post('/api/users/bulkUpdate', { users: [{ userId: 'ada-1', preferUserId: true }] })
    expect(bulk.body.failedUpdates.forgottenUserIds).toEqual(['ada-1'])
  })

  it('forgets by email in an email-based project: a userId alone, or a malformed email, is refused', async () => {
    expect(await client.post('/api/users/forget', { userId: 'ada-1' })).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('obj.email'), params: null }
    })
    expect((await client.post('/api/users/forget', { email: '000' })).body.code).toBe('InvalidEmailAddressError')
    expect((await client.post('/api/users/forget', { email: 7 })).body.code).toBe('BadJsonBody')
  })

  it('a reset restores the configured forgotten users only', async () => {
    await client.post('/api/users/forget', { email: 'ada@example.com' })
    client.emulator.reset()
    expect((await client.post('/api/users/update', { email: 'ada@example.com' })).status).toBe(200)
  })
})
