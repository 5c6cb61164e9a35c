// Data from events is written onto objects we build, key by key. JSON can carry an own "__proto__" key: assigning it
// would set the object's prototype instead of a key, so that one key is defined rather than assigned.

const DATA_KEY = { enumerable: true, writable: true, configurable: true }

/** `target[key] = value` as an own, enumerable key, whatever the key. */
export function setOwnKey(target: { [key: string]: unknown }, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { ...DATA_KEY, value })
  else target[key] = value
}
