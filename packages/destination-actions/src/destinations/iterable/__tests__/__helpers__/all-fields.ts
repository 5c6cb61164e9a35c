import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import type { DestinationDefinition, InputField, JSONObject, JSONValue } from '@segment/actions-core'

// Upstream's "all fields" snapshot tests (its lib/test-data.ts), without their randomness: every field of an action,
// required or optional, nested properties included, mapped to a value made from its definition (type, format,
// choices), the action run once with those values as the mapping, and what it sent to Iterable snapshotted. A value
// is read after its field (`userId value`, `newemail@example.com`, an integer from the key's letters), so that a
// snapshot shows where each field lands, and which fields never reach Iterable. Used by both destinations' tests.

/** A field's definition, at the top of an action's fields or among an object field's properties. */
type Field = Omit<InputField, 'description'>

/** The time every date-time field gets. */
export const ALL_FIELDS_TIME = '2024-03-01T12:34:56.000Z'

/** A number from the key's letters, 1000–9999: the same for a key wherever the field sits among the others. */
function numberOf(key: string): number {
  let hash = 0
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) % 9000
  return 1000 + hash
}

const within = (value: number, { minimum, maximum }: Field) =>
  Math.min(maximum ?? Infinity, Math.max(minimum ?? -Infinity, value))

/** One value of the field's type, for the field named `key`. */
function oneValue(key: string, field: Field): JSONValue {
  const [choice] = field.choices ?? []
  if (choice !== undefined) return typeof choice === 'string' ? choice : choice.value
  switch (field.type) {
    case 'boolean':
      return true
    case 'integer':
      return within(numberOf(key), field)
    case 'number':
      return within(numberOf(key) + 0.25, field)
    case 'datetime':
      return ALL_FIELDS_TIME
    case 'object':
      return field.properties
        ? allFieldValues(field.properties)
        : { [`${key}Text`]: `${key} text`, [`${key}Number`]: 1.5, [`${key}At`]: ALL_FIELDS_TIME }
    default:
      // A field named email is one, with or without the format (upstream's helper does the same).
      switch (/email$/i.test(key) ? 'email' : field.format) {
        case 'email':
          return `${key.toLowerCase()}@example.com`
        case 'uri':
          return `https://www.example.com/${key}`
        case 'date-time':
          return ALL_FIELDS_TIME
        case 'date':
          return ALL_FIELDS_TIME.slice(0, 10)
        default:
          return `${key} value`
      }
  }
}

/** A value for every field (a list of one for a `multiple` field), nested properties too. */
export function allFieldValues(fields: Record<string, Field>): JSONObject {
  return Object.fromEntries(
    Object.entries(fields).map(([key, field]) => {
      const value = oneValue(key, field)
      return [key, field.multiple ? [value] : value]
    })
  )
}

/** A request the action sent: method, URL and JSON body, as Iterable receives them. */
export interface SentRequest {
  method: string
  url: string
  body: unknown
}

/**
 * Runs `action` of `destination` once, every field mapped to its value from allFieldValues (with `overrides` for the
 * fields whose values the action checks beyond their type, such as a platform name), Iterable answering `answer` to
 * every request; gives each request sent.
 */
export async function allFieldsRequests(
  destination: DestinationDefinition<any>,
  action: string,
  options: { settings: object; overrides?: JSONObject; answer?: object }
): Promise<SentRequest[]> {
  const mapping: JSONObject = { ...allFieldValues(destination.actions[action].fields), ...options.overrides }
  const answer = options.answer ?? { msg: '', code: 'Success', params: null }
  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    nock(/iterable\.com/)
      .persist()
      [method](/.*/)
      .reply(200, answer)
  }
  const responses = await createTestIntegration(destination).testAction(action, {
    event: createTestEvent({ properties: mapping }),
    mapping,
    settings: options.settings
  })
  return responses.map(({ url, options: { method, body } }) => ({
    method: method ?? 'GET',
    url,
    body: typeof body === 'string' ? JSON.parse(body) : body
  }))
}
