import { setOwnKey } from '../own-keys'

describe('setOwnKey', () => {
  it('sets an ordinary key', () => {
    const target: { [key: string]: unknown } = {}
    setOwnKey(target, 'plan', 'pro')
    expect(target).toEqual({ plan: 'pro' })
  })

  it('sets "__proto__" as an own key that JSON keeps, and leaves the prototype alone', () => {
    const target: { [key: string]: unknown } = {}

    setOwnKey(target, '__proto__', { polluted: true })

    expect(Object.getPrototypeOf(target)).toBe(Object.prototype)
    expect(Object.keys(target)).toEqual(['__proto__'])
    expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}')
    expect((target as { polluted?: boolean }).polluted).toBeUndefined()
  })
})
