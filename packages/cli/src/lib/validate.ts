import { parseFql } from '@segment/destination-subscriptions'
import type { ErrorCondition } from '@segment/destination-subscriptions'
import { displayPath, loadDestination } from './destinations'
import type { AnyDestinationDefinition } from './destinations'
import { SECRET_KEY_PATTERN } from './redact'

// Static checks of a destination definition: what Segment's platform would reject or mis-handle, found before a
// push. Each problem is one sentence naming the part at fault.

/** The problems of a definition; empty when it is valid. */
export function validateDefinition(definition: AnyDestinationDefinition): string[] {
  return [...actionProblems(definition), ...presetProblems(definition), ...settingProblems(definition)]
}

/** Why an FQL query does not parse, or undefined when it parses. */
export function fqlError(query: unknown): string | undefined {
  if (typeof query !== 'string' || query.trim() === '') return 'it is empty'
  let message: string | undefined
  try {
    message = (parseFql(query) as ErrorCondition).error?.message
  } catch (error) {
    message = (error as Error).message
  }
  if (message === undefined) return undefined
  // The parser reports most syntax errors as a TypeError of its own ("Cannot read properties of undefined").
  const reason = /cannot read propert/i.test(message) ? 'it is not valid FQL' : message
  return `${JSON.stringify(query)}: ${reason}`
}

function actionProblems(definition: AnyDestinationDefinition): string[] {
  const problems: string[] = []
  const actions = Object.entries(definition.actions ?? {})
  if (actions.length === 0) problems.push(`The destination "${definition.name}" defines no actions.`)

  const byTitle = new Map<string, string[]>()
  for (const [key, action] of actions) {
    if (!action.title?.trim()) problems.push(`The action "${key}" has no title.`)
    else byTitle.set(action.title, [...(byTitle.get(action.title) ?? []), key])
    if (!action.description?.trim()) problems.push(`The action "${key}" has no description.`)
    if (action.defaultSubscription !== undefined) {
      const error = fqlError(action.defaultSubscription)
      if (error) problems.push(`The action "${key}" has an invalid defaultSubscription, ${error}.`)
    }
  }
  for (const [title, keys] of byTitle) {
    if (keys.length > 1) {
      // The framework caches each action's compiled schema under "<destination name>:<action title>".
      problems.push(
        `The actions ${keys.map((k) => `"${k}"`).join(', ')} share the title "${title}"; titles must be unique.`
      )
    }
  }
  return problems
}

function presetProblems(definition: AnyDestinationDefinition): string[] {
  const problems: string[] = []
  for (const [index, preset] of (definition.presets ?? []).entries()) {
    const name = `The preset "${preset.name ?? `#${index + 1}`}"`
    const action = Object.prototype.hasOwnProperty.call(definition.actions, preset.partnerAction)
      ? definition.actions[preset.partnerAction]
      : undefined
    if (!action) {
      problems.push(`${name} names the action "${preset.partnerAction}", which does not exist.`)
    } else {
      const unknown = Object.keys(preset.mapping ?? {}).filter((field) => !(field in action.fields))
      for (const field of unknown) {
        problems.push(`${name} maps the field "${field}", which the action "${preset.partnerAction}" does not have.`)
      }
    }
    if (preset.type === 'specificEvent') {
      if (!preset.eventSlug) problems.push(`${name} is of type specificEvent but has no eventSlug.`)
    } else {
      const error = fqlError(preset.subscribe)
      if (error) problems.push(`${name} has an invalid subscribe query, ${error}.`)
    }
  }
  return problems
}

function settingProblems(definition: AnyDestinationDefinition): string[] {
  const problems: string[] = []
  for (const [key, field] of Object.entries(definition.authentication?.fields ?? {})) {
    if (SECRET_KEY_PATTERN.test(key) && field.type !== 'password') {
      problems.push(
        `The setting "${key}" looks like a secret but is of type "${field.type}"; make it type 'password' so that Segment encrypts and hides it.`
      )
    }
  }
  return problems
}

export interface ValidationReport {
  /** The problems of each destination folder that has any. */
  problems: Record<string, string[]>
  count: number
}

/** Validates each destination folder, reporting through `log` as it goes (✔ valid, or ✘ and the list). */
export function validateDestinations(dirs: string[], log: (line: string) => void): ValidationReport {
  const problems: Record<string, string[]> = {}
  for (const dir of dirs) {
    let found: string[]
    let name = displayPath(dir)
    try {
      const definition = loadDestination(dir)
      name = `${definition.name} (${displayPath(dir)})`
      found = validateDefinition(definition)
    } catch (error) {
      found = [`It could not be loaded: ${(error as Error).message}`]
    }
    if (found.length === 0) {
      log(`✔ ${name}: valid`)
      continue
    }
    problems[dir] = found
    log(`✘ ${name}: ${found.length} problem${found.length === 1 ? '' : 's'}`)
    for (const problem of found) log(`  - ${problem}`)
  }
  return { problems, count: Object.values(problems).flat().length }
}
