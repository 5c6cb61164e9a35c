import { useEmulator, readerError } from './helpers'

const ITERABLE_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+00:00$/

describe('POST /api/events/track and the event read endpoints', () => {
  const client = useEmulator({ disallowedEventNames: ['Blocked Event'], forgottenEmails: ['gone@example.com'] })

  it('stores the event, answers its id, and reads it back by email and by userId', async () => {
    await client.post('/api/users/update', { email: 'ada@example.com', userId: 'user-1815' })
    const track = await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Article Bookmarked',
      id: 'msg-track-1',
      createdAt: 1710408413,
      dataFields: { title: 'Notes', published: '1842-10-01 00:00:00 +00:00' },
      campaignId: 123,
      templateId: 456
    })
    expect(track).toMatchObject({ status: 200, body: { msg: '', code: 'Success', params: { id: 'msg-track-1' } } })

    const expected = {
      _id: 'msg-track-1',
      eventType: 'customEvent',
      eventName: 'Article Bookmarked',
      email: 'ada@example.com',
      userId: 'user-1815',
      createdAt: '2024-03-14 09:26:53 +00:00',
      campaignId: 123,
      templateId: 456,
      dataFields: { title: 'Notes', published: '1842-10-01 00:00:00 +00:00' }
    }
    expect((await client.get('/api/events/ada@example.com')).body).toEqual({ events: [expected] })
    expect((await client.get('/api/events/byUserId/user-1815')).body).toEqual({ events: [expected] })
  })

  it('generates an id when none is sent, and replaces an event sent again with the same id', async () => {
    const first = await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'Viewed' })
    expect(first.body.params.id).toMatch(/^[0-9a-f]{32}$/)
    await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Viewed',
      id: 'e1',
      dataFields: { n: 1 }
    })
    await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Viewed',
      id: 'e1',
      dataFields: { n: 2 }
    })
    const { body } = await client.get('/api/events/ada@example.com')
    expect(body.events).toHaveLength(2)
    expect(body.events.find((event: any) => event._id === 'e1').dataFields).toEqual({ n: 2 })
  })

  it('creates the user an event names by email', async () => {
    await client.post('/api/events/track', { email: 'new@example.com', userId: 'u-new', eventName: 'Signed Up' })
    const { body } = await client.get('/api/users/new@example.com')
    expect(body.user).toMatchObject({ email: 'new@example.com', userId: 'u-new' })
  })

  it('lists the most recent events first, `limit` of them (30 by default, at most 200)', async () => {
    for (let second = 1; second <= 35; second++) {
      await client.post('/api/events/track', {
        email: 'ada@example.com',
        eventName: 'Tick',
        createdAt: 1700000000 + second
      })
    }
    const all = await client.get('/api/events/ada@example.com')
    expect(all.body.events).toHaveLength(30)
    expect(all.body.events[0].createdAt).toBe('2023-11-14 22:13:55 +00:00')
    expect((await client.get('/api/events/ada@example.com?limit=2')).body.events).toHaveLength(2)
    expect(await client.get('/api/events/ada@example.com?limit=500')).toMatchObject({
      status: 400,
      body: { code: 'BadParams' }
    })
    expect((await client.get('/api/events/nobody@example.com')).body).toEqual({ events: [] })
  })

  it('reads createdAt as Unix seconds (and a value only milliseconds can be as milliseconds)', async () => {
    await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'A', createdAt: 1710408413 })
    await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'B', createdAt: 1710408414000 })
    const { body } = await client.get('/api/events/ada@example.com')
    expect(body.events.map((event: any) => event.createdAt)).toEqual([
      '2024-03-14 09:26:54 +00:00',
      '2024-03-14 09:26:53 +00:00'
    ])
    const now = await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'C' })
    expect(now.status).toBe(200)
    const latest = (await client.get('/api/events/ada@example.com?limit=1')).body.events[0]
    expect(latest.createdAt).toMatch(ITERABLE_DATE)
  })

  it('refuses a userId-only event for an unknown user', async () => {
    const track = await client.post('/api/events/track', { userId: 'stranger', eventName: 'Viewed' })
    expect(track).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('User does not exist') }
    })
    expect(client.emulator.store.events.size).toBe(0)
  })

  it('refuses invalid bodies with the path of each bad key', async () => {
    expect(await client.post('/api/events/track', { email: 'ada@example.com' })).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.eventName': readerError('error.path.missing') } }
    })
    expect(
      await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'A', createdAt: 'yesterday' })
    ).toMatchObject({
      status: 400,
      body: { code: 'BadJsonBody', params: { 'obj.createdAt': readerError('error.expected.jsnumber') } }
    })
    expect(
      await client.post('/api/events/track', {
        email: 'ada@example.com',
        eventName: 'A',
        createdAt: 1.5,
        campaignId: 'x'
      })
    ).toMatchObject({
      body: {
        params: {
          'obj.createdAt': readerError('error.expected.long'),
          'obj.campaignId': readerError('error.expected.jsnumber')
        }
      }
    })
    expect(
      await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'A', id: 'é'.repeat(257) })
    ).toMatchObject({ status: 400, body: { code: 'BadParams', msg: expect.stringContaining('512'), params: null } })
    expect(await client.post('/api/events/track', { email: 'ada@example.com', eventName: ' ' })).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('obj.eventName'), params: null }
    })
  })

  it('refuses disallowed event names and forgotten users', async () => {
    expect(
      await client.post('/api/events/track', { email: 'ada@example.com', eventName: 'Blocked Event' })
    ).toMatchObject({
      status: 400,
      body: { code: 'BadParams' }
    })
    expect(await client.post('/api/events/track', { email: 'gone@example.com', eventName: 'A' })).toMatchObject({
      status: 400,
      body: { code: 'ForgottenUserError' }
    })
  })

  it('fixes event field types per event name, with category "event"', async () => {
    await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Order Shipped',
      dataFields: { box: 3 }
    })
    // Another event name may use the same field with another type.
    const other = await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Box Chosen',
      dataFields: { box: 'large' }
    })
    expect(other.status).toBe(200)
    const refused = await client.post('/api/events/track', {
      email: 'ada@example.com',
      eventName: 'Order Shipped',
      dataFields: { box: 'large' }
    })
    expect(refused).toMatchObject({
      status: 400,
      body: {
        code: 'RequestFieldsTypesMismatched',
        params: {
          validationErrors: {
            box: {
              incomingTypes: ['string', 'keyword'],
              expectedType: 'long',
              _type: 'UnexpectedType',
              offendingValue: 'large',
              category: 'event'
            }
          }
        }
      }
    })
  })
})

describe('POST /api/commerce/updateCart and /api/commerce/trackPurchase', () => {
  const client = useEmulator()

  const monopoly = {
    id: 'sku-1',
    sku: 'G-32',
    name: 'Monopoly: 3rd Edition',
    price: 18.99,
    quantity: 1,
    categories: ['Games'],
    url: 'https://shop.example.com/monopoly',
    imageUrl: 'https://shop.example.com/monopoly.png',
    dataFields: { brand: 'Hasbro' }
  }
  const uno = { id: 'sku-2', name: 'Uno Card Game', price: 3.5, quantity: 2 }

  it('replaces the cart with the items sent, creating the user if needed', async () => {
    const first = await client.post('/api/commerce/updateCart', {
      user: { email: 'ada@example.com', dataFields: { plan: 'pro' } },
      items: [monopoly, uno]
    })
    expect(first).toMatchObject({ status: 200, body: { msg: '', code: 'Success', params: null } })
    let { body } = await client.get('/api/users/ada@example.com')
    expect(body.user.dataFields.shoppingCartItems).toEqual([monopoly, uno])
    expect(body.user.dataFields.plan).toBe('pro')

    await client.post('/api/commerce/updateCart', { user: { email: 'ada@example.com' }, items: [uno] })
    ;({ body } = await client.get('/api/users/ada@example.com'))
    expect(body.user.dataFields.shoppingCartItems).toEqual([uno])

    await client.post('/api/commerce/updateCart', { user: { email: 'ada@example.com' }, items: [] })
    ;({ body } = await client.get('/api/users/ada@example.com'))
    expect(body.user.dataFields.shoppingCartItems).toEqual([])
  })

  it('stores a purchase, answers its id, updates the user and empties the cart', async () => {
    await client.post('/api/commerce/updateCart', {
      user: { email: 'ada@example.com', userId: 'u1' },
      items: [monopoly]
    })
    const purchase = await client.post('/api/commerce/trackPurchase', {
      id: 'order-1',
      user: { email: 'ada@example.com', dataFields: { lastOrder: 'order-1' } },
      items: [monopoly, uno],
      total: 25.99,
      createdAt: 1710408413,
      dataFields: { coupon: 'SPRING' },
      campaignId: 7
    })
    expect(purchase).toMatchObject({ status: 200, body: { msg: '', code: 'Success', params: { id: 'order-1' } } })

    const { body } = await client.get('/api/users/ada@example.com')
    expect(body.user.dataFields.shoppingCartItems).toEqual([])
    expect(body.user.dataFields.lastOrder).toBe('order-1')
    expect((await client.get('/api/events/byUserId/u1')).body.events).toEqual([
      {
        _id: 'order-1',
        eventType: 'purchase',
        email: 'ada@example.com',
        userId: 'u1',
        createdAt: '2024-03-14 09:26:53 +00:00',
        campaignId: 7,
        total: 25.99,
        shoppingCartItems: [monopoly, uno],
        dataFields: { coupon: 'SPRING' }
      }
    ])
  })

  it('identifies the user as users/update does (userId only needs preferUserId)', async () => {
    const unknown = await client.post('/api/commerce/trackPurchase', { user: { userId: 'u9' }, items: [uno], total: 7 })
    expect(unknown).toMatchObject({
      status: 400,
      body: { code: 'BadParams', msg: expect.stringContaining('User does not exist'), params: null }
    })
    const created = await client.post('/api/commerce/trackPurchase', {
      user: { userId: 'u9', preferUserId: true },
      items: [uno],
      total: 7
    })
    expect(created.status).toBe(200)
    expect(created.body.params.id).toMatch(/^[0-9a-f]{32}$/)
    expect((await client.get('/api/users/byUserId/u9')).body.user.userId).toBe('u9')
    const invalid = await client.post('/api/commerce/updateCart', { user: { email: 'not-an-email' }, items: [] })
    expect(invalid).toMatchObject({ status: 400, body: { code: 'InvalidEmailAddressError' } })
  })

  it('refuses bodies that miss required keys or mistype items, naming each path', async () => {
    const purchase = await client.post('/api/commerce/trackPurchase', {
      user: { email: 'ada@example.com' },
      items: [{ id: 'sku-1', name: 'Monopoly', price: '18.99', quantity: 1.5, categories: 'Games' }]
    })
    expect(purchase).toMatchObject({
      status: 400,
      body: {
        msg: expect.stringContaining('[/api/commerce/trackPurchase] Invalid JSON body: '),
        code: 'BadJsonBody',
        params: {
          'obj.total': readerError('error.path.missing'),
          'obj.items[0].price': readerError('error.expected.jsnumber'),
          'obj.items[0].quantity': readerError('error.expected.long'),
          'obj.items[0].categories': readerError('error.expected.jsarray')
        }
      }
    })
    const cart = await client.post('/api/commerce/updateCart', {
      user: { email: 'ada@example.com' },
      items: [{ id: 'x' }]
    })
    expect(cart.body.params).toEqual({
      'obj.items[0].name': readerError('error.path.missing'),
      'obj.items[0].price': readerError('error.path.missing'),
      'obj.items[0].quantity': readerError('error.path.missing')
    })
    expect((await client.post('/api/commerce/updateCart', { items: [] })).body.params).toEqual({
      'obj.user': readerError('error.path.missing')
    })
  })

  it('fixes the types of purchase fields (category "purchase") and of the user fields it sends', async () => {
    await client.post('/api/commerce/trackPurchase', {
      user: { email: 'ada@example.com' },
      items: [uno],
      total: 7,
      dataFields: { giftWrap: true }
    })
    const refused = await client.post('/api/commerce/trackPurchase', {
      user: { email: 'ada@example.com', dataFields: { signupDate: 'never' } },
      items: [uno],
      total: 7,
      dataFields: { giftWrap: 'yes' }
    })
    expect(refused.status).toBe(400)
    expect(refused.body.params.validationErrors).toEqual({
      signupDate: expect.objectContaining({ expectedType: 'date', category: 'user' }),
      giftWrap: expect.objectContaining({ expectedType: 'boolean', category: 'purchase' })
    })
    expect((await client.get('/api/events/ada@example.com')).body.events).toHaveLength(1)
  })
})
