import { readerError, useEmulator } from './helpers'

const SUCCESS = { msg: '', code: 'Success', params: null }
const ITERABLE_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+00:00$/

describe('POST /api/users/update and the user read endpoints', () => {
  const client = useEmulator({ forgottenEmails: ['Gone@Example.com'], forgottenUserIds: ['gone-1'] })

  it('creates a user and reads it back by email and by userId, in Iterable shapes', async () => {
    const update = await client.post('/api/users/update', {
      email: 'ada@example.com',
      userId: 'user-1815',
      dataFields: { firstName: 'Ada', plan: 'premium', visits: 3 }
    })
    expect(update).toMatchObject({ status: 200, body: SUCCESS })

    const byEmail = await client.get('/api/users/ada@example.com')
    expect(byEmail.status).toBe(200)
    expect(byEmail.body).toEqual({
      user: {
        email: 'ada@example.com',
        userId: 'user-1815',
        dataFields: {
          firstName: 'Ada',
          plan: 'premium',
          visits: 3,
          email: 'ada@example.com',
          userId: 'user-1815',
          signupDate: expect.stringMatching(ITERABLE_DATE),
          signupSource: 'API',
          profileUpdatedAt: expect.stringMatching(ITERABLE_DATE),
          itblInternal: {
            documentCreatedAt: expect.stringMatching(ITERABLE_DATE),
            documentUpdatedAt: expect.stringMatching(ITERABLE_DATE),
            emailDomain: 'example.com'
          }
        }
      }
    })
    const byUserId = await client.get('/api/users/byUserId/user-1815')
    expect(byUserId.body).toEqual(byEmail.body)
    expect((await client.get('/api/users/getByEmail?email=ada%40example.com')).body).toEqual(byEmail.body)
    expect((await client.get('/api/users/byUserId?userId=user-1815')).body).toEqual(byEmail.body)
    // Emails are found whatever their case.
    expect((await client.get('/api/users/ADA@Example.com')).body).toEqual(byEmail.body)
  })

  it('answers an unknown email with an empty object, and an unknown userId with a 400 in plain text, as Iterable does', async () => {
    expect(await client.get('/api/users/nobody@example.com')).toMatchObject({ status: 200, body: {} })
    const byUserId = await client.get('/api/users/byUserId/nobody')
    expect(byUserId).toMatchObject({ status: 400, body: 'No user with that id exists!' })
    expect(byUserId.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await client.get('/api/users/byUserId?userId=nobody')).toMatchObject({
      status: 400,
      body: 'No user with that id exists!'
    })
  })

  it('merges data: fields not sent are kept, null removes a field', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { a: 1, b: 'two', c: true } })
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { a: 2, c: null } })
    const { body } = await client.get('/api/users/ada@example.com')
    expect(body.user.dataFields).toMatchObject({ a: 2, b: 'two' })
    expect(body.user.dataFields).not.toHaveProperty('c')
  })

  describe('mergeNestedObjects', () => {
    beforeEach(async () => {
      await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { mySettings: { mobile: true, nested: { x: 1 } }, other: { keep: 'me' } }
      })
    })

    it('overwrites top-level objects by default', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { mySettings: { email: true } } })
      const { body } = await client.get('/api/users/ada@example.com')
      expect(body.user.dataFields.mySettings).toEqual({ email: true })
      expect(body.user.dataFields.other).toEqual({ keep: 'me' })
    })

    it('merges them when mergeNestedObjects is true', async () => {
      await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { mySettings: { email: true, nested: { y: 2 } } },
        mergeNestedObjects: true
      })
      const { body } = await client.get('/api/users/ada@example.com')
      expect(body.user.dataFields.mySettings).toEqual({ mobile: true, email: true, nested: { x: 1, y: 2 } })
    })
  })

  describe('identity in an email-based project', () => {
    it('lets the email win: a userId sent with it is stored on the user found by email', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', userId: 'old-id' })
      await client.post('/api/users/update', { email: 'ada@example.com', userId: 'new-id', dataFields: { x: 1 } })
      const { body } = await client.get('/api/users/ada@example.com')
      expect(body.user).toMatchObject({ email: 'ada@example.com', userId: 'new-id' })
      expect((await client.get('/api/users/byUserId/old-id')).status).toBe(400)
      expect(client.emulator.store.users.size).toBe(1)
    })

    it('sets the userId from dataFields.userId, as Iterable does', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { userId: 'from-fields' } })
      expect((await client.get('/api/users/byUserId/from-fields')).body.user.email).toBe('ada@example.com')
    })

    it('updates a known user from a userId-only call', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', userId: 'user-1815' })
      const update = await client.post('/api/users/update', { userId: 'user-1815', dataFields: { plan: 'basic' } })
      expect(update.body).toEqual(SUCCESS)
      expect((await client.get('/api/users/ada@example.com')).body.user.dataFields.plan).toBe('basic')
    })

    it('refuses a userId-only call for an unknown user', async () => {
      const update = await client.post('/api/users/update', { userId: 'stranger', dataFields: { plan: 'basic' } })
      expect(update.status).toBe(400)
      expect(update.body).toEqual({
        msg: expect.stringContaining('User does not exist'),
        code: 'BadParams',
        params: null
      })
      expect(update.body.msg).toContain('preferUserId')
      expect(client.emulator.store.users.size).toBe(0)
    })

    it('creates the user, with a placeholder email, when preferUserId is true', async () => {
      const update = await client.post('/api/users/update', {
        userId: 'stranger',
        preferUserId: true,
        dataFields: { plan: 'basic' }
      })
      expect(update.body).toEqual(SUCCESS)
      const { body } = await client.get('/api/users/byUserId/stranger')
      expect(body.user.userId).toBe('stranger')
      expect(body.user.email).toMatch(/^[0-9a-f]{32}@placeholder\.email$/)
      expect(body.user.dataFields.plan).toBe('basic')
    })

    it('refuses a request with neither email nor userId', async () => {
      const update = await client.post('/api/users/update', { dataFields: { plan: 'basic' } })
      expect(update.status).toBe(400)
      expect(update.body).toEqual({
        msg: 'Either email or userId must be set: send obj.email or obj.userId to identify the user.',
        code: 'BadParams',
        params: null
      })
    })

    it('refuses a malformed email with InvalidEmailAddressError', async () => {
      const update = await client.post('/api/users/update', { email: '000', dataFields: {} })
      expect(update).toMatchObject({
        status: 400,
        body: { msg: 'Invalid email: 000', code: 'InvalidEmailAddressError', params: null }
      })
    })

    it.each([
      ['too long', 'x'.repeat(53)],
      ['with a trailing space', 'user-1 '],
      ['non-ASCII', 'usér']
    ])('refuses a userId %s with InvalidUserIdError', async (_case, userId) => {
      const update = await client.post('/api/users/update', { email: 'ada@example.com', userId })
      expect(update).toMatchObject({ status: 400, body: { code: 'InvalidUserIdError', params: null } })
    })

    it('refuses forgotten users (GDPR) with 409 ForgottenUserError', async () => {
      const byEmail = await client.post('/api/users/update', { email: 'gone@example.com', dataFields: { a: 1 } })
      expect(byEmail).toMatchObject({ status: 409, body: { code: 'ForgottenUserError', params: null } })
      const byUserId = await client.post('/api/users/update', { userId: 'gone-1', preferUserId: true })
      expect(byUserId).toMatchObject({ status: 409, body: { code: 'ForgottenUserError' } })
    })
  })

  describe('validation of the body', () => {
    it('names every bad key by its JSON path (BadJsonBody)', async () => {
      const update = await client.post('/api/users/update', {
        email: 42,
        dataFields: 'not an object',
        mergeNestedObjects: 'yes'
      })
      expect(update).toEqual(
        expect.objectContaining({
          status: 400,
          body: {
            msg:
              '[/api/users/update] Invalid JSON body: obj.email: String value expected; ' +
              'obj.dataFields: Object value expected; obj.mergeNestedObjects: Boolean value expected',
            code: 'BadJsonBody',
            params: {
              'obj.email': readerError('error.expected.jsstring'),
              'obj.dataFields': readerError('error.expected.jsobject'),
              'obj.mergeNestedObjects': readerError('error.expected.jsboolean')
            }
          }
        })
      )
    })

    it('refuses a body that is not JSON, or not an object', async () => {
      const broken = await client.raw('POST', '/api/users/update', '{"email":')
      expect(broken).toMatchObject({
        status: 400,
        body: {
          code: 'BadJsonBody',
          msg: expect.stringContaining('Malformed JSON'),
          params: { obj: expect.any(Array) }
        }
      })
      const empty = await client.raw('POST', '/api/users/update', '')
      expect(empty).toMatchObject({ status: 400, body: { code: 'BadJsonBody' } })
      const array = await client.post('/api/users/update', [{ email: 'ada@example.com' }])
      expect(array).toMatchObject({ status: 400, body: { params: { obj: readerError('error.expected.jsobject') } } })
    })

    it('ignores unknown keys and treats null keys as absent, as Iterable reads bodies', async () => {
      const update = await client.post('/api/users/update', {
        email: 'ada@example.com',
        userId: null,
        somethingElse: true
      })
      expect(update.body).toEqual(SUCCESS)
    })

    it('refuses data it cannot store (an empty field name) with BadParams', async () => {
      const update = await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { '': 1 } })
      expect(update).toMatchObject({
        status: 400,
        body: { code: 'BadParams', msg: expect.stringContaining('obj.dataFields.'), params: null }
      })
    })
  })

  describe('field types fixed by first use', () => {
    it('refuses a value of another type with RequestFieldsTypesMismatched, in Iterable words', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { age: 36 } })
      const update = await client.post('/api/users/update', { email: 'bob@example.com', dataFields: { age: 'old' } })
      expect(update.status).toBe(400)
      expect(update.body).toEqual({
        msg:
          "Project 12345: The request does not have the same data types as the data previously submitted. Field 'age' " +
          "already exists for type 'user' and has a data type of 'long' but possible types 'string, keyword' in the request.",
        code: 'RequestFieldsTypesMismatched',
        params: {
          validationErrors: {
            age: {
              incomingTypes: ['string', 'keyword'],
              expectedType: 'long',
              _type: 'UnexpectedType',
              offendingValue: 'old',
              category: 'user'
            }
          }
        }
      })
      // Nothing of the refused request was stored.
      expect((await client.get('/api/users/bob@example.com')).body).toEqual({})
    })

    it('types Iterable date strings as dates, and refuses a non-date for a date field', async () => {
      await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { renewal: '2024-05-01 13:45:00 +00:00', birthday: '1815-12-10' }
      })
      expect(client.emulator.store.types.get('user', 'renewal')).toBe('date')
      expect(client.emulator.store.types.get('user', 'birthday')).toBe('date')
      const update = await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { renewal: 'soon' }
      })
      expect(update.body.params.validationErrors.renewal).toEqual({
        incomingTypes: ['string', 'keyword'],
        expectedType: 'date',
        _type: 'UnexpectedType',
        offendingValue: 'soon',
        category: 'user'
      })
    })

    it('gives signupDate the date type from the start, and stores ISO dates sent to it in Iterable format', async () => {
      const refused = await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { signupDate: 'GGG' }
      })
      expect(refused.body.params.validationErrors.signupDate).toMatchObject({
        expectedType: 'date',
        offendingValue: 'GGG'
      })
      await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { signupDate: '2020-08-19T20:50:04.000Z' }
      })
      const { body } = await client.get('/api/users/ada@example.com')
      expect(body.user.dataFields.signupDate).toBe('2020-08-19 20:50:04 +00:00')
    })

    it('accepts a date string in a string field (a date is also a string)', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { note: 'hello' } })
      const update = await client.post('/api/users/update', {
        email: 'ada@example.com',
        dataFields: { note: '2024-05-01 13:45:00 +00:00' }
      })
      expect(update.body).toEqual(SUCCESS)
    })

    it('types nested fields by their dotted path', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { address: { zip: 12345 } } })
      const update = await client.post('/api/users/update', {
        email: 'bob@example.com',
        dataFields: { address: { zip: 'SW1A 1AA' } }
      })
      expect(update.body.params.validationErrors).toEqual({
        'address.zip': expect.objectContaining({ expectedType: 'long', offendingValue: 'SW1A 1AA' })
      })
      const notAnObject = await client.post('/api/users/update', {
        email: 'bob@example.com',
        dataFields: { address: 'x' }
      })
      expect(notAnObject.body.params.validationErrors.address).toMatchObject({
        expectedType: 'object',
        incomingTypes: ['string', 'keyword']
      })
    })

    it('types an array by its elements', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { tags: ['a', 'b'] } })
      const update = await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { tags: [1] } })
      expect(update.body.params.validationErrors.tags).toMatchObject({ expectedType: 'string', offendingValue: 1 })
    })

    it('drops new fields when createNewFields is false', async () => {
      await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { known: 1 } })
      await client.post('/api/users/update', {
        email: 'ada@example.com',
        createNewFields: false,
        dataFields: { known: 2, unknown: 'x' }
      })
      const { body } = await client.get('/api/users/ada@example.com')
      expect(body.user.dataFields.known).toBe(2)
      expect(body.user.dataFields).not.toHaveProperty('unknown')
    })
  })
})

describe('POST /api/users/updateEmail', () => {
  const client = useEmulator({ forgottenEmails: ['gone@example.com'] })

  beforeEach(async () => {
    await client.post('/api/users/update', {
      email: 'old@example.com',
      userId: 'user-1',
      dataFields: { plan: 'pro' }
    })
    await client.post('/api/events/track', { email: 'old@example.com', eventName: 'Logged In' })
  })

  it('moves the whole profile, events included, to the new email', async () => {
    const change = await client.post('/api/users/updateEmail', {
      currentEmail: 'old@example.com',
      newEmail: 'new@example.com'
    })
    expect(change).toMatchObject({ status: 200, body: SUCCESS })
    expect((await client.get('/api/users/old@example.com')).body).toEqual({})
    const { body } = await client.get('/api/users/new@example.com')
    expect(body.user).toMatchObject({
      email: 'new@example.com',
      userId: 'user-1',
      dataFields: { plan: 'pro', email: 'new@example.com' }
    })
    const events = await client.get('/api/events/new@example.com')
    expect(events.body.events).toEqual([expect.objectContaining({ eventName: 'Logged In', email: 'new@example.com' })])
  })

  it('finds the user by currentUserId', async () => {
    const change = await client.post('/api/users/updateEmail', { currentUserId: 'user-1', newEmail: 'new@example.com' })
    expect(change.body).toEqual(SUCCESS)
    expect((await client.get('/api/users/byUserId/user-1')).body.user.email).toBe('new@example.com')
  })

  it('refuses an email another user has with 409 EmailAlreadyExists', async () => {
    await client.post('/api/users/update', { email: 'taken@example.com' })
    const change = await client.post('/api/users/updateEmail', {
      currentEmail: 'old@example.com',
      newEmail: 'taken@example.com'
    })
    expect(change).toMatchObject({ status: 409, body: { code: 'EmailAlreadyExists', params: null } })
    expect((await client.get('/api/users/old@example.com')).body.user.email).toBe('old@example.com')
  })

  it('refuses an unknown current user with 400, as Iterable answers', async () => {
    const change = await client.post('/api/users/updateEmail', {
      currentEmail: 'pilo.paz@example.com',
      currentUserId: 'user-1',
      newEmail: 'jake@example.com'
    })
    // currentEmail takes precedence over currentUserId.
    expect(change).toMatchObject({
      status: 400,
      body: {
        msg: 'Cannot change user Some(pilo.paz@example.com) to jake@example.com. User does not exist',
        code: 'BadParams',
        params: null
      }
    })
  })

  it('refuses a malformed new email, a missing current user, a forgotten new email', async () => {
    expect(
      await client.post('/api/users/updateEmail', { currentEmail: 'old@example.com', newEmail: 'nope' })
    ).toMatchObject({ status: 400, body: { code: 'InvalidEmailAddressError', msg: 'Invalid email: nope' } })
    expect(await client.post('/api/users/updateEmail', { newEmail: 'new@example.com' })).toMatchObject({
      status: 400,
      body: { code: 'BadParams' }
    })
    expect(
      await client.post('/api/users/updateEmail', { currentEmail: 'old@example.com', newEmail: 'gone@example.com' })
    ).toMatchObject({ status: 409, body: { code: 'ForgottenUserError' } })
    expect(await client.post('/api/users/updateEmail', { currentEmail: 'old@example.com' })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.newEmail': readerError('error.path.missing') } }
    })
  })
})

describe('subscription fields on the user answer', () => {
  const client = useEmulator()
  const SUBSCRIPTION_FIELDS = [
    'emailListIds',
    'subscribedMessageTypeIds',
    'unsubscribedChannelIds',
    'unsubscribedMessageTypeIds'
  ]
  /** Every user read the emulator serves, for ada@example.com / ada-1. */
  const READS = [
    '/api/users/ada@example.com',
    '/api/users/getByEmail?email=ada%40example.com',
    '/api/users/byUserId/ada-1',
    '/api/users/byUserId?userId=ada-1'
  ]
  const profile = (subscriptions: Record<string, number[]>) => ({
    user: {
      email: 'ada@example.com',
      userId: 'ada-1',
      dataFields: {
        email: 'ada@example.com',
        userId: 'ada-1',
        signupDate: expect.stringMatching(ITERABLE_DATE),
        signupSource: 'API',
        profileUpdatedAt: expect.stringMatching(ITERABLE_DATE),
        ...subscriptions,
        itblInternal: {
          documentCreatedAt: expect.stringMatching(ITERABLE_DATE),
          documentUpdatedAt: expect.stringMatching(ITERABLE_DATE),
          emailDomain: 'example.com'
        }
      }
    }
  })
  const expectEveryRead = async (subscriptions: Record<string, number[]>) => {
    for (const path of READS) expect((await client.get(path)).body).toEqual(profile(subscriptions))
  }

  beforeEach(async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
  })

  it('are absent from a profile never on a list and without preferences, as recorded from Iterable', async () => {
    await expectEveryRead({})
  })

  it('are all four, on every read, once the user is on a list: its memberships in emailListIds', async () => {
    const { listId } = (await client.post('/api/lists', { name: 'Newsletter' })).body
    await client.post('/api/lists/subscribe', { listId, subscribers: [{ email: 'ada@example.com' }] })
    await expectEveryRead({
      emailListIds: [listId],
      subscribedMessageTypeIds: [],
      unsubscribedChannelIds: [],
      unsubscribedMessageTypeIds: []
    })
    const { listId: other } = (await client.post('/api/lists', { name: 'Offers' })).body
    await client.post('/api/users/updateSubscriptions', {
      userId: 'ada-1',
      emailListIds: [listId, other],
      subscribedMessageTypeIds: [12],
      unsubscribedChannelIds: [3],
      unsubscribedMessageTypeIds: [45]
    })
    await expectEveryRead({
      emailListIds: [listId, other],
      subscribedMessageTypeIds: [12],
      unsubscribedChannelIds: [3],
      unsubscribedMessageTypeIds: [45]
    })
    // Leaving every list keeps the fields, empty.
    for (const id of [listId, other])
      await client.post('/api/lists/unsubscribe', { listId: id, subscribers: [{ userId: 'ada-1' }] })
    await expectEveryRead({
      emailListIds: [],
      subscribedMessageTypeIds: [12],
      unsubscribedChannelIds: [3],
      unsubscribedMessageTypeIds: [45]
    })
    const state = await client.get('/_emulator/state')
    expect(state.body.users[0].dataFields).toMatchObject({ emailListIds: [], unsubscribedMessageTypeIds: [45] })
  })

  it('are all four once the user has subscription preferences, without any list', async () => {
    await client.post('/api/users/updateSubscriptions', { email: 'ada@example.com', unsubscribedChannelIds: [3] })
    await expectEveryRead({
      emailListIds: [],
      subscribedMessageTypeIds: [],
      unsubscribedChannelIds: [3],
      unsubscribedMessageTypeIds: []
    })
    for (const field of SUBSCRIPTION_FIELDS) expect(client.emulator.store.types.get('user', field)).toBe('long')
  })
})

describe('subscription fields in a userID-based project', () => {
  const client = useEmulator({ projectType: 'userId' })

  it('list the static lists in userListIds, the field of userID-based and hybrid projects', async () => {
    const { listId } = (await client.post('/api/lists', { name: 'Newsletter' })).body
    await client.post('/api/lists/subscribe', { listId, subscribers: [{ userId: 'ada-1' }] })
    const { dataFields } = (await client.get('/api/users/byUserId/ada-1')).body.user
    expect(dataFields).toMatchObject({
      userListIds: [listId],
      subscribedMessageTypeIds: [],
      unsubscribedChannelIds: [],
      unsubscribedMessageTypeIds: []
    })
    expect(dataFields).not.toHaveProperty('emailListIds')
  })
})
