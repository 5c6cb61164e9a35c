import { promises as fs } from 'fs'
import path from 'path'
import type { AudienceDestinationDefinition } from '@segment/actions-core'
import { loadDestination } from './destinations'
import type { AnyDestinationDefinition } from './destinations'

// metadata.json: the public definition of a destination (what Segment's catalog shows and what customers map),
// written beside its index.ts so that a review sees every change to settings, actions, fields and presets as a diff.
// The output is deterministic: our own keys in a fixed order, actions and fields in definition order (the order the
// UI shows them), and the attributes of each field or setting sorted by name.

export const METADATA_FILE = 'metadata.json'
export const METADATA_COMMENT =
  'Generated from index.ts by `./bin/run generate:metadata-payload`. Do not edit by hand; CI fails when it is stale.'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export function metadataFor(definition: AnyDestinationDefinition): Record<string, Json> {
  const authentication = definition.authentication
  const { audienceConfig, audienceFields } = definition as Partial<AudienceDestinationDefinition>
  return {
    $comment: METADATA_COMMENT,
    name: definition.name,
    slug: definition.slug ?? null,
    mode: definition.mode,
    description: definition.description ?? null,
    authentication: authentication
      ? {
          scheme: authentication.scheme,
          hasTestAuthentication: typeof authentication.testAuthentication === 'function',
          fields: mapEntries(authentication.fields ?? {}, canonical)
        }
      : null,
    // Only an audience destination has audience settings and the functions that create and find its audiences.
    ...(audienceConfig && {
      audienceConfig: {
        mode: canonical(audienceConfig.mode),
        audienceFields: mapEntries(audienceFields ?? {}, canonical),
        supportsAudienceFunctions: 'createAudience' in audienceConfig && 'getAudience' in audienceConfig
      }
    }),
    actions: mapEntries(definition.actions, (action) => ({
      title: action.title,
      description: action.description ?? null,
      defaultSubscription: action.defaultSubscription ?? null,
      hasPerformBatch: typeof action.performBatch === 'function',
      fields: mapEntries(action.fields ?? {}, canonical)
    })),
    presets: (definition.presets ?? []).map(
      (preset): Json => ({
        name: preset.name ?? null,
        type: preset.type,
        partnerAction: preset.partnerAction,
        ...(preset.type === 'specificEvent' ? { eventSlug: preset.eventSlug } : { subscribe: preset.subscribe }),
        mapping: canonical(preset.mapping ?? {})
      })
    )
  }
}

export function metadataJson(definition: AnyDestinationDefinition): string {
  return `${JSON.stringify(metadataFor(definition), null, 2)}\n`
}

export function metadataPath(destinationDir: string): string {
  return path.join(destinationDir, METADATA_FILE)
}

/** Writes metadata.json when its contents differ; says whether it changed. */
export async function writeMetadata(destinationDir: string, definition: AnyDestinationDefinition): Promise<boolean> {
  const file = metadataPath(destinationDir)
  const contents = metadataJson(definition)
  if ((await fs.readFile(file, 'utf8').catch(() => undefined)) === contents) return false
  await fs.writeFile(file, contents)
  return true
}

export async function isMetadataCurrent(destinationDir: string, definition: AnyDestinationDefinition) {
  return (await fs.readFile(metadataPath(destinationDir), 'utf8').catch(() => undefined)) === metadataJson(definition)
}

function mapEntries<T>(record: Record<string, T>, fn: (value: T) => Json): { [key: string]: Json } {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]))
}

/** A JSON copy with object keys sorted; functions (dynamic choices) become `true`, undefined values disappear. */
function canonical(value: unknown): Json {
  if (typeof value === 'function') return true
  if (value === null || typeof value !== 'object') return (value ?? null) as Json
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonical(item)))
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])])
  )
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
