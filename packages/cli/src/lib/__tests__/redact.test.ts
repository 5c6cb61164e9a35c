import { RecentSecrets, REDACTED, redactDeep, redactText, secretValues } from '../redact'
import { authenticationFields, fixtureDestination } from './fixtures'

describe('secretValues', () => {
  const definition = fixtureDestination()
  authenticationFields(definition).region = { label: 'Region', description: 'Region.', type: 'string' }

  it('takes password settings, secret-looking keys and auth tokens; not other settings', () => {
    const settings = { apiKey: 'abc-123-key', region: 'eu', clientToken: 'tok-999', empty: '' }
    const auth = { accessToken: 'access-1', refreshToken: 'refresh-1' }
    expect(secretValues(definition, settings, auth).sort()).toEqual(['abc-123-key', 'access-1', 'refresh-1', 'tok-999'])
  })

  it('puts a secret that contains another first, so that the longer one is hidden whole', () => {
    expect(secretValues(definition, { apiKey: 'abc', secretKey: 'abc-def' })).toEqual(['abc-def', 'abc'])
  })

  it('ignores settings that are not an object', () => {
    expect(secretValues(definition, 'abc')).toEqual([])
  })
})

describe('redactDeep', () => {
  const secrets = ['s3cr3t-key']

  it('replaces secrets inside strings, at any depth, and hides credential headers whatever their value', () => {
    const value = {
      url: 'https://api.example.com/?key=s3cr3t-key',
      headers: { 'Api-Key': 'anything', authorization: 'Bearer x', accept: 'application/json' },
      body: [{ msg: 'bad key s3cr3t-key', nested: { again: 's3cr3t-key' } }, 42, null, true]
    }
    expect(redactDeep(value, secrets)).toEqual({
      url: `https://api.example.com/?key=${REDACTED}`,
      headers: { 'Api-Key': REDACTED, authorization: REDACTED, accept: 'application/json' },
      body: [{ msg: `bad key ${REDACTED}`, nested: { again: REDACTED } }, 42, null, true]
    })
  })

  it('leaves the original untouched', () => {
    const value = { msg: 's3cr3t-key' }
    redactDeep(value, secrets)
    expect(value.msg).toBe('s3cr3t-key')
  })

  it('redactText hides every occurrence', () => {
    expect(redactText('s3cr3t-key and s3cr3t-key', secrets)).toBe(`${REDACTED} and ${REDACTED}`)
  })
})

describe('RecentSecrets', () => {
  it('redacts the secrets of the latest requests, forgetting the oldest beyond its limit', () => {
    const recent = new RecentSecrets(2)
    recent.remember(['key-a'])
    recent.remember(['key-b'])
    recent.remember(['key-a'])
    recent.remember(['key-c'])

    expect(recent.redact('key-a key-b key-c')).toBe(`${REDACTED} key-b ${REDACTED}`)
  })
})
