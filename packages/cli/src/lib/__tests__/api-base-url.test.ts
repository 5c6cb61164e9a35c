import { KNOWN_APIS, normalizeBaseUrl, rewriteUrl, withBaseUrlOverride } from '../api-base-url'
import { fixtureDestination } from './fixtures'

const override = { from: KNOWN_APIS.iterable.origins, to: 'http://127.0.0.1:4010' }

describe('rewriteUrl', () => {
  it.each([
    ['https://api.iterable.com/api/users/update', 'http://127.0.0.1:4010/api/users/update'],
    ['https://api.eu.iterable.com/api/events/track', 'http://127.0.0.1:4010/api/events/track'],
    ['https://api.iterable.com/api/users/byUserId/a?x=1', 'http://127.0.0.1:4010/api/users/byUserId/a?x=1'],
    ['https://API.Iterable.com/api/webhooks', 'http://127.0.0.1:4010/api/webhooks'],
    ['https://api.iterable.com', 'http://127.0.0.1:4010']
  ])('sends %s to the override', (url, expected) => {
    expect(rewriteUrl(url, override)).toBe(expected)
  })

  it.each([
    'https://api.iterable.com.evil.example/api/users/update',
    'https://links.iterable.com/api/x',
    'http://api.iterable.com/api/users/update'
  ])('leaves %s alone', (url) => {
    expect(rewriteUrl(url, override)).toBe(url)
  })

  it('keeps a path prefix of the override', () => {
    expect(rewriteUrl('https://api.iterable.com/api/x', { ...override, to: 'http://localhost:4010/iterable' })).toBe(
      'http://localhost:4010/iterable/api/x'
    )
  })
})

describe('normalizeBaseUrl', () => {
  it('drops a trailing slash', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010')
  })

  it.each(['localhost:4010', 'ftp://example.com', 'not a url', 'http://x.test/?a=1'])('refuses %s', (value) => {
    expect(() => normalizeBaseUrl(value)).toThrow(/base/)
  })
})

describe('withBaseUrlOverride', () => {
  it('returns the definition itself without an override, and never changes the original', () => {
    const definition = fixtureDestination()
    expect(withBaseUrlOverride(definition, undefined)).toBe(definition)
    const perform = definition.actions.single.perform
    const wrapped = withBaseUrlOverride(definition, override)
    expect(wrapped).not.toBe(definition)
    expect(definition.actions.single.perform).toBe(perform)
    expect(wrapped.actions.single.perform).not.toBe(perform)
    expect(wrapped.actions.single.performBatch).toBeUndefined()
    expect(typeof wrapped.actions.batched.performBatch).toBe('function')
  })
})
