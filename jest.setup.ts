import nock from 'nock'

// Tests never reach the internet; servers the tests start themselves listen on 127.0.0.1.
nock.disableNetConnect()
nock.enableNetConnect('127.0.0.1')

afterEach(() => {
  nock.cleanAll()
})
