import nock from 'nock'

// As in action-destinations' destination-actions package: no test reaches the internet, servers on 127.0.0.1 may be
// reached, and no interceptor outlives its test.

beforeAll(() => {
  nock.disableNetConnect()
  nock.enableNetConnect('127.0.0.1')
  if (!nock.isActive()) nock.activate()
})

beforeEach(() => {
  nock.cleanAll()
})

afterAll(() => {
  nock.restore()
  nock.enableNetConnect()
  nock.cleanAll()
})
