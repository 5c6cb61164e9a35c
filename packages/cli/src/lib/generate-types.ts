import { existsSync, promises as fs } from 'fs'
import path from 'path'
import { fieldsToJsonSchema } from '@segment/actions-core'
import type { AudienceDestinationDefinition, GlobalSetting, InputField } from '@segment/actions-core'
import { hookTypeStrings } from '@segment/actions-core/destination-kit'
import type { JSONSchema4 } from 'json-schema'
import { compile } from 'json-schema-to-typescript'
import prettier from 'prettier'
import { loadDestination, REPO_ROOT } from './destinations'
import type { AnyDestinationDefinition } from './destinations'
import type { GenerationResult } from './metadata'

// generated-types.ts exactly as action-destinations' `./bin/run generate:types` writes it, so that the files move
// upstream as they are: the same schema (the framework's fieldsToJsonSchema without titles and enums, so a field with
// choices is typed `string`), the same json-schema-to-typescript (10.1.5) and the same Prettier (2.4.1), given the
// repository's Prettier configuration as its `style`.

export const GENERATED_BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

type Fields = Record<string, InputField | GlobalSetting>

/** Titles and enums removed at every level, as upstream's generator removes them. */
function withoutTitlesAndEnums(schema: JSONSchema4): JSONSchema4 {
  const { title: _title, enum: _enum, ...copy } = schema
  if (copy.type === 'object' && copy.properties) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([key, property]) => [key, withoutTitlesAndEnums(property)])
    )
  } else if (copy.type === 'array' && copy.items && !Array.isArray(copy.items)) {
    copy.items = withoutTitlesAndEnums(copy.items)
  }
  return copy
}

/** The TypeScript interface `name` for a set of fields, with the banner. */
export function typesFor(fields: Fields, name: string, style: prettier.Options | null): Promise<string> {
  const schema = withoutTitlesAndEnums(fieldsToJsonSchema(fields as Record<string, InputField>, { tsType: true }))
  return compile(schema, name, { bannerComment: GENERATED_BANNER, style: style ?? undefined })
}

export interface GeneratedFile {
  file: string
  contents: string
}

/**
 * Every generated-types.ts of a destination folder: Settings (and AudienceSettings) at the root; per action its
 * Payload, followed by the input and output types of each of its hooks.
 */
export async function generatedTypesFor(destinationDir: string, definition: AnyDestinationDefinition) {
  // A copy outside the repository (a test's temporary folder) is still formatted in the repository's style.
  const style =
    prettier.resolveConfig.sync(destinationDir) ?? prettier.resolveConfig.sync(path.join(REPO_ROOT, 'package.json'))
  const settings = {
    ...(definition as { settings?: Fields }).settings,
    ...(definition.authentication?.fields as Fields | undefined)
  }
  let settingsTypes = await typesFor(settings, 'Settings', style)
  const audienceFields = (definition as Partial<AudienceDestinationDefinition>).audienceFields ?? {}
  if (Object.keys(audienceFields).length > 0) {
    settingsTypes += await typesFor(audienceFields as Fields, 'AudienceSettings', style)
  }
  const files: GeneratedFile[] = [{ file: path.join(destinationDir, 'generated-types.ts'), contents: settingsTypes }]
  for (const [key, action] of Object.entries(definition.actions)) {
    let types = await typesFor(action.fields as Fields, 'Payload', style)
    for (const [hookName, hook] of Object.entries(action.hooks ?? {})) {
      if (!(hookTypeStrings as readonly string[]).includes(hookName)) {
        throw new Error(`Hook name ${hookName} is not a valid ActionHookType`)
      }
      const { inputFields, outputTypes } = hook as { inputFields?: Fields; outputTypes?: Fields }
      if (inputFields) types += await typesFor(inputFields, `${hookName}Inputs`, style)
      if (outputTypes) types += await typesFor(outputTypes, `${hookName}Outputs`, style)
    }
    // An action without a folder of its own (a single file) gets `<action>.types.ts` beside it, as upstream writes it.
    const folder = path.join(destinationDir, key)
    const file = existsSync(folder) ? path.join(folder, 'generated-types.ts') : `${folder}.types.ts`
    files.push({ file, contents: types })
  }
  return files
}

/** Writes the files; returns those whose contents changed. */
export async function writeGeneratedTypes(files: GeneratedFile[]): Promise<string[]> {
  const changed: string[] = []
  for (const { file, contents } of files) {
    const current = await fs.readFile(file, 'utf8').catch(() => undefined)
    if (current !== contents) {
      await fs.writeFile(file, contents)
      changed.push(file)
    }
  }
  return changed
}

/** The files whose committed contents differ from a fresh generation (missing files included); writes nothing. */
export async function staleGeneratedTypes(files: GeneratedFile[]): Promise<string[]> {
  const stale: string[] = []
  for (const { file, contents } of files) {
    if ((await fs.readFile(file, 'utf8').catch(() => undefined)) !== contents) stale.push(file)
  }
  return stale
}

/** The generated types of each destination folder: written when they changed, or with `check` only compared. */
export async function generateTypes(dirs: string[], { check = false } = {}): Promise<GenerationResult> {
  const result: GenerationResult = { changed: [], stale: [], total: 0 }
  for (const dir of dirs) {
    const files = await generatedTypesFor(dir, loadDestination(dir))
    result.total += files.length
    if (check) result.stale.push(...(await staleGeneratedTypes(files)))
    else result.changed.push(...(await writeGeneratedTypes(files)))
  }
  return result
}
