import {
  normalizeBaseUrl,
  normalizeOrigin,
  parseApiUrls,
  rewriteApiUrl,
  rewriteUrl,
  withBaseUrlOverride
} from '../api-base-url'
import { fixtureDestination } from './fixtures'

const ITERABLE_ORIGINS = ['https://api.iterable.com', 'https://api.eu.iterable.com']
const override = { from: ITERABLE_ORIGINS, to: 'http://127.0.0.1:4010' }

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

describe('parseApiUrls (--api-url <origin>=<url>, repeatable)', () => {
  it('maps each origin to its local URL', () => {
    expect(
      parseApiUrls([
        'https://api.iterable.com=http://127.0.0.1:4010/',
        'https://API.eu.iterable.com=http://localhost:9/eu'
      ])
    ).toEqual({
      'https://api.iterable.com': 'http://127.0.0.1:4010',
      'https://api.eu.iterable.com': 'http://localhost:9/eu'
    })
  })

  it.each([
    ['http://127.0.0.1:4010', /has no "=": give <API origin>=<local URL>/],
    ['api.iterable.com=http://127.0.0.1:4010', /"api.iterable.com" is not an origin/],
    ['https://api.iterable.com/api=http://127.0.0.1:4010', /not an origin \(scheme and host only\)/],
    ['https://api.iterable.com=localhost:4010', /"localhost:4010" is not an http\(s\) URL/]
  ])('refuses %s, saying why', (value, message) => {
    expect(() => parseApiUrls([value])).toThrow(message)
  })

  it('normalizes an origin to scheme and host', () => {
    expect(normalizeOrigin('https://Api.Example.com/')).toBe('https://api.example.com')
  })
})

describe('rewriteApiUrl', () => {
  const apiUrls = {
    'https://api.iterable.com': 'http://127.0.0.1:4010',
    'https://api.eu.iterable.com': 'http://x.test'
  }

  it.each([
    ['https://api.iterable.com/api/users/a%40b.com?x=1', 'http://127.0.0.1:4010/api/users/a%40b.com?x=1'],
    ['https://api.eu.iterable.com/api/events/track', 'http://x.test/api/events/track'],
    ['https://api.example.com/api/users/update', 'https://api.example.com/api/users/update']
  ])('sends %s to %s', (url, expected) => {
    expect(rewriteApiUrl(url, apiUrls)).toBe(expected)
  })
})
