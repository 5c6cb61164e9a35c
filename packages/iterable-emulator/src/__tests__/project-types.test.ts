import { optionsFromEnv } from '../config'
import { startEmulator } from '../server'
import { useEmulator } from './helpers'

// Iterable's three project types ("Project Types and Unique Identifiers"): which identifier is unique, which finds a
// user, and the answers when a request breaks the rules.

describe('a userID-based project', () => {
  const client = useEmulator({ projectType: 'userId' })

  it('identifies users by userId, which is required; an email is plain data, shared by any number of users', async () => {
    expect(await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { a: 1 } })).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('obj.userId must be set'), params: null }
    })
    // A new userId creates the user without preferUserId, and without a placeholder email.
    expect((await client.post('/api/users/update', { userId: 'u-1', dataFields: { a: 1 } })).status).toBe(200)
    expect((await client.get('/api/users/byUserId/u-1')).body.user).toMatchObject({ email: '', userId: 'u-1' })
    expect((await client.get('/api/users/byUserId/u-1')).body.user.dataFields).not.toHaveProperty('email')
    await client.post('/api/users/update', { userId: 'u-1', email: 'shared@example.com' })
    await client.post('/api/users/update', { userId: 'u-2', email: 'shared@example.com' })
    expect(client.emulator.store.users.size).toBe(2)
    expect((await client.get('/api/users/byUserId/u-2')).body.user.email).toBe('shared@example.com')
  })

  it('looks users up and deletes them by userId only', async () => {
    await client.post('/api/users/update', { userId: 'u-1', email: 'ada@example.com' })
    expect(await client.get('/api/users/ada@example.com')).toMatchObject({ status: 400, body: { code: 'BadParams' } })
    expect(await client.delete('/api/users/ada@example.com')).toMatchObject({
      status: 400,
      body: { code: 'BadParams' }
    })
    expect((await client.delete('/api/users/byUserId/u-1')).body.code).toBe('Success')
    expect(await client.get('/api/users/byUserId/u-1')).toMatchObject({
      status: 400,
      body: 'No user with that id exists!'
    })
  })

  it('changes the email through users/update with dataFields.email; updateEmail is for email-based projects', async () => {
    await client.post('/api/users/update', { userId: 'u-1', email: 'old@example.com' })
    const refused = await client.post('/api/users/updateEmail', { currentUserId: 'u-1', newEmail: 'new@example.com' })
    expect(refused).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringMatching(/users\/update/) }
    })
    await client.post('/api/users/update', { userId: 'u-1', dataFields: { email: 'new@example.com' } })
    expect((await client.get('/api/users/byUserId/u-1')).body.user.email).toBe('new@example.com')
  })

  it('changes a userId through dataFields.userId, unless another user has it (409)', async () => {
    await client.post('/api/users/update', { userId: 'u-1' })
    await client.post('/api/users/update', { userId: 'u-2' })
    expect(await client.post('/api/users/update', { userId: 'u-1', dataFields: { userId: 'u-2' } })).toMatchObject({
      status: 409,
      body: { code: 'UserIdAlreadyExists' }
    })
    expect((await client.post('/api/users/update', { userId: 'u-1', dataFields: { userId: 'u-3' } })).status).toBe(200)
    expect((await client.get('/api/users/byUserId/u-3')).body.user.userId).toBe('u-3')
    expect(await client.get('/api/users/byUserId/u-1')).toMatchObject({
      status: 400,
      body: 'No user with that id exists!'
    })
  })

  it('forgets by userId; a bulk update lists a record without a userId in invalidUserIds, by its email', async () => {
    expect((await client.post('/api/users/forget', { email: 'ada@example.com' })).body.code).toBe('BadParams')
    await client.post('/api/users/update', { userId: 'u-1' })
    expect((await client.post('/api/users/forget', { userId: 'u-1' })).body.code).toBe('Success')
    const bulk = await client.post('/api/users/bulkUpdate', {
      users: [{ userId: 'u-1' }, { email: 'ada@example.com' }, { userId: 'u-9', dataFields: { a: 1 } }]
    })
    expect(bulk.body).toMatchObject({
      successCount: 1,
      failCount: 2,
      failedUpdates: expect.objectContaining({ forgottenUserIds: ['u-1'], invalidUserIds: ['ada@example.com'] })
    })
  })
})

describe('a hybrid project', () => {
  const client = useEmulator({ projectType: 'hybrid' })

  it('finds a user by email or by userId, and creates one from either alone', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', dataFields: { a: 1 } })
    await client.post('/api/users/update', { userId: 'grace-1', dataFields: { g: 1 } })
    // The email's user gets the userId sent with it.
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
    expect((await client.get('/api/users/byUserId/ada-1')).body.user).toMatchObject({ email: 'ada@example.com' })
    expect((await client.get('/api/users/byUserId/grace-1')).body.user).toMatchObject({ email: '', userId: 'grace-1' })
    expect(client.emulator.store.users.size).toBe(2)
  })

  it('answers 409 when the email and the userId of a request belong to different users', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
    await client.post('/api/users/update', { email: 'grace@example.com', userId: 'grace-1' })
    const conflict = await client.post('/api/users/update', { email: 'ada@example.com', userId: 'grace-1' })
    expect(conflict).toMatchObject({ status: 409, body: { code: 'EmailAlreadyExists' } })
    const bulk = await client.post('/api/users/bulkUpdate', {
      users: [{ email: 'ada@example.com', userId: 'grace-1' }]
    })
    expect(bulk.body.failedUpdates.conflictEmails).toEqual(['ada@example.com'])
    const device = await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      userId: 'grace-1',
      device: { token: 't', platform: 'GCM', applicationName: 'app' }
    })
    expect(device.status).toBe(409)
  })

  it('changes the email through users/update with dataFields.email: 409 when another user has it', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
    await client.post('/api/users/update', { email: 'grace@example.com', userId: 'grace-1' })
    expect(
      await client.post('/api/users/update', { userId: 'ada-1', dataFields: { email: 'grace@example.com' } })
    ).toMatchObject({ status: 409, body: { code: 'EmailAlreadyExists' } })
    expect(
      (await client.post('/api/users/update', { userId: 'ada-1', dataFields: { email: 'ada@new.example' } })).status
    ).toBe(200)
    expect((await client.get('/api/users/ada@new.example')).body.user.userId).toBe('ada-1')
    expect((await client.get('/api/users/ada@example.com')).body).toEqual({})
    expect(
      (await client.post('/api/users/updateEmail', { currentEmail: 'ada@new.example', newEmail: 'x@example.com' }))
        .status
    ).toBe(400)
  })

  it('deletes by email or userId, and forgets by either', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'ada-1' })
    await client.post('/api/users/update', { email: 'grace@example.com', userId: 'grace-1' })
    expect((await client.delete('/api/users/ada@example.com')).body.code).toBe('Success')
    expect(await client.get('/api/users/byUserId/ada-1')).toMatchObject({
      status: 400,
      body: 'No user with that id exists!'
    })
    expect((await client.post('/api/users/forget', { userId: 'grace-1' })).body.code).toBe('Success')
    // Forgetting by userId forgets the user's email too.
    expect((await client.post('/api/users/update', { email: 'grace@example.com' })).body.code).toBe(
      'ForgottenUserError'
    )
  })

  it('events create the user by userId too', async () => {
    expect((await client.post('/api/events/track', { userId: 'new-1', eventName: 'Opened App' })).status).toBe(200)
    expect((await client.get('/api/events/byUserId/new-1')).body.events).toHaveLength(1)
  })
})

describe('choosing the project type', () => {
  it('reads EMULATOR_PROJECT_TYPE, whatever its case, and refuses anything else', () => {
    expect(optionsFromEnv({ EMULATOR_PROJECT_TYPE: 'hybrid' }).projectType).toBe('hybrid')
    expect(optionsFromEnv({ EMULATOR_PROJECT_TYPE: 'USERID' }).projectType).toBe('userId')
    expect(optionsFromEnv({}).projectType).toBeUndefined()
    expect(() => optionsFromEnv({ EMULATOR_PROJECT_TYPE: 'phone' })).toThrow(
      /EMULATOR_PROJECT_TYPE must be one of email, userId, hybrid/
    )
  })

  it('startEmulator refuses an unknown projectType and shows the type in its state', async () => {
    await expect(startEmulator({ projectType: 'phone' as never })).rejects.toThrow(/projectType must be one of/)
    const emulator = await startEmulator({ projectType: 'userId', rateLimits: false })
    try {
      expect(emulator.store.snapshot().projectType).toBe('userId')
    } finally {
      await emulator.close()
    }
  })
})
