import { promises as fs } from 'fs'
import path from 'path'
import type { AudienceDestinationDefinition } from '@segment/actions-core'
import { hookTypeStrings } from '@segment/actions-core/destination-kit'
import { loadDestination } from './destinations'
import type { AnyDestinationDefinition } from './destinations'

// metadata.json: a destination's public definition (what Segment's catalog shows and what customers map), written
// beside its index.ts exactly as action-destinations' `./bin/run generate:metadata-payload` writes it, so that the file
// moves upstream as it is: the same keys in the same order, absent values as null (or false, or ''), functions
// reduced to whether they exist, `JSON.stringify` with two spaces and a final newline.

export const METADATA_FILE = 'metadata.json'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined }
// Definitions reach here as the framework's types or as anything a destination declares (a browser or warehouse
// destination's settings, a hook's outputTypes): read as plain objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read as plain objects, whatever their declared type
type Loose = { [key: string]: any }

/** `required`: a condition object as it is, otherwise whether it is `true`. */
const requiredOf = (field: Loose): Json =>
  typeof field.required === 'object' && field.required !== null ? field.required : field.required === true

/** Choices as `{ label, value }` objects; a bare value becomes its own label. None: null. */
function choicesOf(choices: unknown): Json {
  if (!Array.isArray(choices) || choices.length === 0) return null
  return choices.map((choice: Json) =>
    typeof choice === 'object' && choice !== null && 'label' in choice && 'value' in choice
      ? choice
      : { label: String(choice), value: choice }
  )
}

/** A setting (or an audience setting). */
function setting(field: Loose): Json {
  return {
    label: field.label,
    description: field.description,
    type: field.type,
    required: requiredOf(field),
    multiple: field.multiple ?? false,
    choices: choicesOf(field.choices),
    default: field.default ?? null,
    depends_on: field.depends_on ?? null
  }
}

/** An action's field, an object field's properties included. */
function actionField(field: Loose): Json {
  const properties =
    field.type === 'object' && field.properties && typeof field.properties === 'object'
      ? mapValues(field.properties as Record<string, Loose>, actionField)
      : null
  return {
    label: field.label,
    description: field.description,
    type: field.type,
    required: requiredOf(field),
    multiple: field.multiple ?? false,
    allowNull: field.allowNull ?? false,
    dynamic: typeof field.dynamic === 'function' ? true : field.dynamic ?? false,
    default: field.default ?? null,
    choices: choicesOf(field.choices),
    placeholder: field.placeholder ?? null,
    properties,
    category: field.category ?? null,
    depends_on: field.depends_on ?? null,
    readOnly: field.readOnly ?? null,
    hidden: field.unsafe_hidden ?? null,
    minimum: field.minimum ?? null,
    maximum: field.maximum ?? null,
    defaultObjectUI: field.defaultObjectUI ?? null,
    disabledInputMethods: field.disabledInputMethods ?? null,
    displayMode: field.displayMode ?? null,
    format: field.format ?? null,
    additionalProperties: field.additionalProperties ?? false
  }
}

function action(key: string, definition: Loose): Json {
  const syncMode = definition.syncMode as Loose | undefined
  const hooks = Object.entries((definition.hooks ?? {}) as Record<string, Loose>)
    .filter(([name]) => (hookTypeStrings as readonly string[]).includes(name))
    .map(([name, hook]): [string, Json] => [
      name,
      {
        label: hook.label ?? name,
        description: hook.description ?? '',
        inputFields: mapValues((hook.inputFields ?? {}) as Record<string, Loose>, actionField),
        outputFields: mapValues((hook.outputTypes ?? hook.outputFields ?? {}) as Record<string, Loose>, actionField)
      }
    ])
  // Only static dynamic fields (an object naming its __keys__ / __values__) are listed; functions are not.
  const dynamicFields = Object.entries((definition.dynamicFields ?? {}) as Record<string, unknown>)
    .filter(([, dynamic]) => typeof dynamic === 'object' && dynamic !== null)
    .map(([field, dynamic]): [string, Json] => [
      field,
      Object.keys(dynamic as object).filter((key) => key === '__keys__' || key === '__values__')
    ])
    .filter(([, keys]) => (keys as string[]).length > 0)
  return {
    title: definition.title ?? key,
    description: definition.description ?? '',
    platform: definition.platform === 'web' ? 'web' : 'cloud',
    defaultSubscription: definition.defaultSubscription ?? null,
    hidden: definition.hidden ?? false,
    hasPerformBatch: typeof definition.performBatch === 'function',
    syncMode: syncMode
      ? {
          default: syncMode.default,
          label: syncMode.label ?? 'Sync Mode',
          description: syncMode.description ?? '',
          choices: ((syncMode.choices ?? []) as Loose[]).map(({ value, label }) => ({ value, label }))
        }
      : null,
    hooks: hooks.length > 0 ? Object.fromEntries(hooks) : null,
    dynamicFields: dynamicFields.length > 0 ? Object.fromEntries(dynamicFields) : null,
    fields: mapValues((definition.fields ?? {}) as Record<string, Loose>, actionField)
  }
}

/** The public definition of a destination, as upstream's generator builds it. */
export function metadataFor(
  definition: AnyDestinationDefinition,
  slug = definition.slug
): Record<string, Json | undefined> {
  if (!slug) throw new Error(`metadata.json generation requires a slug but received: "${slug}"`)
  const loose = definition as Loose
  const fields = (definition.authentication?.fields ?? loose.settings) as Record<string, Loose> | undefined
  const { audienceConfig, audienceFields } = definition as Partial<AudienceDestinationDefinition>
  const mode = audienceConfig?.mode as { type: string; full_audience_sync?: boolean } | undefined
  return {
    slug,
    name: definition.name,
    mode: definition.mode ?? 'cloud',
    description: definition.description,
    authentication:
      definition.authentication || Object.keys(fields ?? {}).length > 0
        ? { scheme: definition.authentication?.scheme ?? 'custom', fields: mapValues(fields ?? {}, setting) }
        : null,
    audienceConfig: audienceConfig
      ? {
          mode:
            mode?.type === 'synced'
              ? { type: 'synced', full_audience_sync: mode.full_audience_sync ?? false }
              : { type: 'realtime' },
          audienceFields: mapValues((audienceFields ?? {}) as Record<string, Loose>, setting),
          supportsAudienceFunctions:
            typeof (audienceConfig as Loose).createAudience === 'function' &&
            typeof (audienceConfig as Loose).getAudience === 'function'
        }
      : null,
    actions: mapValues(definition.actions as Record<string, Loose>, (value, key) => action(key, value)),
    presets: ((definition.presets ?? []) as Loose[]).map((preset) => ({
      name: preset.name,
      type: preset.type,
      partnerAction: preset.partnerAction,
      subscribe: preset.subscribe,
      mapping: preset.mapping ?? {},
      eventSlug: preset.eventSlug ?? null
    }))
  }
}

/** The file's text: the payload as `JSON.stringify` lays it out with two spaces, and a final newline. */
export function metadataJson(definition: AnyDestinationDefinition, slug?: string): string {
  return `${JSON.stringify(metadataFor(definition, slug), null, 2)}\n`
}

export function metadataPath(destinationDir: string): string {
  return path.join(destinationDir, METADATA_FILE)
}

/** The text metadata.json of a destination folder must hold; a destination without a slug is named by its folder. */
const expectedJson = (destinationDir: string, definition: AnyDestinationDefinition) =>
  metadataJson(definition, definition.slug ?? path.basename(destinationDir))

/** Writes metadata.json when its contents differ; says whether it changed. */
export async function writeMetadata(destinationDir: string, definition: AnyDestinationDefinition): Promise<boolean> {
  const file = metadataPath(destinationDir)
  const contents = expectedJson(destinationDir, definition)
  if ((await fs.readFile(file, 'utf8').catch(() => undefined)) === contents) return false
  await fs.writeFile(file, contents)
  return true
}

export async function isMetadataCurrent(destinationDir: string, definition: AnyDestinationDefinition) {
  const current = await fs.readFile(metadataPath(destinationDir), 'utf8').catch(() => undefined)
  return current === expectedJson(destinationDir, definition)
}

function mapValues<T>(record: Record<string, T>, fn: (value: T, key: string) => Json): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value, key)]))
}

export interface GenerationResult {
  /** Files written (without --check). */
  changed: string[]
  /** Files that differ from a fresh generation (with --check; nothing is written then). */
  stale: string[]
  /** Files considered. */
  total: number
}

/** metadata.json for each destination folder: written when it changed, or with `check` only compared. */
export async function generateMetadata(dirs: string[], { check = false } = {}): Promise<GenerationResult> {
  const result: GenerationResult = { changed: [], stale: [], total: dirs.length }
  for (const dir of dirs) {
    const definition = loadDestination(dir)
    if (check) {
      if (!(await isMetadataCurrent(dir, definition))) result.stale.push(metadataPath(dir))
    } else if (await writeMetadata(dir, definition)) {
      result.changed.push(metadataPath(dir))
    }
  }
  return result
}
