import { itWithSpec, loadSpec, specValidators, useEmulator, readerError } from './helpers'

// Push devices and browser tokens on the profile, and the subscription endpoints that overwrite preferences.

const spec = loadSpec("bulkUpdateSubscriptions' answer against the Swagger spec")
const SUCCESS = { msg: '', code: 'Success', params: null }

describe('POST /api/users/registerDeviceToken and /registerBrowserToken', () => {
  const client = useEmulator()
  const device = { token: 'apns-1', platform: 'APNS', applicationName: 'com.example.app' }
  const profile = async () => (await client.get('/api/users/ada@example.com')).body.user.dataFields

  it("puts the device on the profile's devices, its dataFields beside its own keys; a new email creates the user", async () => {
    const reply = await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: { ...device, dataFields: { appVersion: '2.1', deviceId: 'd-1' } }
    })
    expect(reply).toMatchObject({ status: 200, body: SUCCESS })
    expect((await profile()).devices).toEqual([
      { appVersion: '2.1', deviceId: 'd-1', ...device, endpointEnabled: true }
    ])
    const { body } = await client.get('/api/users/getFields')
    expect(body.fields).toMatchObject({
      devices: 'object',
      'devices.token': 'string',
      'devices.endpointEnabled': 'boolean',
      'devices.appVersion': 'string'
    })
  })

  it('the same token again updates its device, merging its data; another token adds a device', async () => {
    await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: { ...device, dataFields: { appVersion: '2.1', deviceId: 'd-1' } }
    })
    await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: { ...device, dataFields: { appVersion: '2.2' } }
    })
    await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: { token: 'fcm-1', platform: 'GCM', applicationName: 'com.example.app' }
    })
    const { devices } = await profile()
    expect(devices).toEqual([
      { appVersion: '2.2', deviceId: 'd-1', ...device, endpointEnabled: true },
      { token: 'fcm-1', platform: 'GCM', applicationName: 'com.example.app', endpointEnabled: true }
    ])
  })

  it('checks the device as Iterable documents it, and its fields against their types', async () => {
    expect(
      await client.post('/api/users/registerDeviceToken', {
        email: 'ada@example.com',
        device: { ...device, platform: 'IOS' }
      })
    ).toMatchObject({
      status: 400,
      body: {
        code: 'BadJsonBody',
        params: { 'obj.device.platform': readerError('error.expected.validenumvalue') }
      }
    })
    expect(await client.post('/api/users/registerDeviceToken', { email: 'ada@example.com' })).toMatchObject({
      status: 400,
      body: { params: { 'obj.device': readerError('error.path.missing') } }
    })
    await client.post('/api/users/registerDeviceToken', {
      email: 'ada@example.com',
      device: { ...device, dataFields: { build: 12 } }
    })
    expect(
      await client.post('/api/users/registerDeviceToken', {
        email: 'ada@example.com',
        device: { ...device, dataFields: { build: 'twelve' } }
      })
    ).toMatchObject({ status: 400, body: { code: 'RequestFieldsTypesMismatched' } })
    // An empty token is a server error at Iterable (recorded), an empty email a malformed one.
    expect(
      await client.post('/api/users/registerDeviceToken', {
        email: 'ada@example.com',
        device: { ...device, token: '' }
      })
    ).toMatchObject({
      status: 500,
      body: { code: 'GenericError', msg: expect.stringContaining('Some(ada@example.com)') }
    })
    expect(await client.post('/api/users/registerDeviceToken', { email: '', device })).toMatchObject({
      status: 400,
      body: { msg: 'Invalid email: ', code: 'InvalidEmailAddressError', params: null }
    })
    // A userId alone must name a known user, unless preferUserId (email-based projects).
    expect((await client.post('/api/users/registerDeviceToken', { userId: 'nobody', device })).status).toBe(400)
    expect(
      (await client.post('/api/users/registerDeviceToken', { userId: 'nobody', preferUserId: true, device })).status
    ).toBe(200)
  })

  it('keeps browser tokens in browserTokens, once each', async () => {
    for (const browserToken of ['web-1', 'web-2', 'web-1']) {
      expect(
        await client.post('/api/users/registerBrowserToken', { email: 'ada@example.com', browserToken })
      ).toMatchObject({
        status: 200,
        body: SUCCESS
      })
    }
    expect((await profile()).browserTokens).toEqual(['web-1', 'web-2'])
    expect(await client.post('/api/users/registerBrowserToken', { email: 'ada@example.com' })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.browserToken': readerError('error.path.missing') } }
    })
  })
})

describe('POST /api/users/updateSubscriptions and /bulkUpdateSubscriptions', () => {
  const client = useEmulator()
  const profile = async (email: string) => (await client.get(`/api/users/${email}`)).body.user.dataFields

  it('overwrites each list sent and keeps those not sent; lists must exist to be joined', async () => {
    const one = (await client.post('/api/lists', { name: 'One' })).body.listId
    const two = (await client.post('/api/lists', { name: 'Two' })).body.listId
    const first = await client.post('/api/users/updateSubscriptions', {
      email: 'ada@example.com',
      emailListIds: [one, two, 999],
      unsubscribedChannelIds: [5, 6],
      subscribedMessageTypeIds: [10]
    })
    expect(first).toMatchObject({ status: 200, body: SUCCESS })
    await client.post('/api/users/updateSubscriptions', {
      email: 'ada@example.com',
      emailListIds: [two],
      unsubscribedChannelIds: null,
      unsubscribedMessageTypeIds: [11],
      campaignId: 1234
    })
    expect(await profile('ada@example.com')).toMatchObject({
      emailListIds: [two],
      unsubscribedChannelIds: [5, 6],
      unsubscribedMessageTypeIds: [11],
      subscribedMessageTypeIds: [10]
    })
    expect((await client.get(`/api/lists/getUsers?listId=${two}`)).body).toBe('ada@example.com\n')
  })

  it('refuses malformed bodies and users as users/update does', async () => {
    expect(
      await client.post('/api/users/updateSubscriptions', { email: 'ada@example.com', emailListIds: ['1'] })
    ).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.emailListIds[0]': readerError('error.expected.jsnumber') } }
    })
    expect((await client.post('/api/users/updateSubscriptions', { email: '000' })).body.code).toBe(
      'InvalidEmailAddressError'
    )
    expect((await client.post('/api/users/updateSubscriptions', {})).body.code).toBe('BadParams')
  })

  /** The answer of the next test, checked against the spec after it (Iterable's client has no schema for it). */
  let bulkAnswer: unknown
  it("bulkUpdateSubscriptions answers the spec's counts and lists, per record", async () => {
    await client.post('/api/users/update', { email: 'grace@example.com', userId: 'grace-1' })
    const reply = await client.post('/api/users/bulkUpdateSubscriptions', {
      updateSubscriptionsRequests: [
        { email: 'ada@example.com', unsubscribedChannelIds: [5] },
        { userId: 'grace-1', unsubscribedMessageTypeIds: [7] },
        { email: 'not-an-email', unsubscribedChannelIds: [5] },
        { userId: 'nobody', unsubscribedChannelIds: [5] }
      ]
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      successCount: 2,
      failCount: 2,
      invalidEmails: ['not-an-email'],
      invalidUserIds: [],
      validEmailFailures: [],
      validUserIdFailures: ['nobody']
    })
    bulkAnswer = reply.body
    expect((await profile('ada@example.com')).unsubscribedChannelIds).toEqual([5])
    expect((await profile('grace@example.com')).unsubscribedMessageTypeIds).toEqual([7])
    expect(await client.post('/api/users/bulkUpdateSubscriptions', { updateSubscriptionsRequests: {} })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody' }
    })
  })

  itWithSpec(spec)("bulkUpdateSubscriptions' answer above has exactly the shape of the spec's definition", () => {
    if (!spec) throw new Error('This test runs only with the spec')
    expect(bulkAnswer).toBeDefined()
    expect(specValidators(spec, { strict: true })('BulkUpdateSubscriptionsResponse', bulkAnswer)).toEqual([])
  })
})
