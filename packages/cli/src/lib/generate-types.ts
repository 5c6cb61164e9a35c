import { promises as fs } from 'fs'
import path from 'path'
import { fieldsToJsonSchema } from '@segment/actions-core'
import type { AudienceDestinationDefinition, DestinationDefinition, InputField } from '@segment/actions-core'
import type { JSONSchema } from 'json-schema-to-typescript'
import { loadDestination, REPO_ROOT } from './destinations'
import type { GenerationResult } from './metadata'

const REPO_PRETTIER_ANCHOR = path.join(REPO_ROOT, 'package.json')

export const GENERATED_BANNER = '// Generated file. DO NOT MODIFY IT BY HAND.'

type Fields = Record<string, InputField>

/** The TypeScript interface for a set of fields, as upstream's actions-cli writes it. */
export async function typesFor(fields: Fields, interfaceName: string, prettierConfigFrom: string): Promise<string> {
  // Loaded here rather than at the top: they are heavy, only generation needs them, and prettier's dynamic imports
  // cannot load inside Jest, where the other commands are tested in-process.
  const { compile } = await import('json-schema-to-typescript')
  const { default: prettier } = await import('prettier')
  const schema = withoutTitles(fieldsToJsonSchema(fields, { tsType: true }) as JSONSchema)
  const source = await compile(schema, interfaceName, {
    bannerComment: GENERATED_BANNER,
    unknownAny: true,
    format: false
  })
  // A copy outside the repository (a test's temporary folder) is still formatted in the repository's style.
  const options =
    (await prettier.resolveConfig(prettierConfigFrom)) ?? (await prettier.resolveConfig(REPO_PRETTIER_ANCHOR)) ?? {}
  return prettier.format(source, { ...options, parser: 'typescript' })
}

/** Titles would become named type aliases; without them each field reads inline, with its description as a comment. */
function withoutTitles(schema: JSONSchema): JSONSchema {
  const { title: _title, ...rest } = schema
  if (rest.properties) {
    rest.properties = Object.fromEntries(
      Object.entries(rest.properties).map(([key, property]) => [key, withoutTitles(property)])
    )
  }
  if (rest.items && !Array.isArray(rest.items)) rest.items = withoutTitles(rest.items)
  return rest
}

export interface GeneratedFile {
  file: string
  contents: string
}

/** Every generated-types.ts of a destination folder: Settings at the root, Payload per action. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any destination, whatever its settings
export async function generatedTypesFor(destinationDir: string, definition: DestinationDefinition<any>) {
  const files: GeneratedFile[] = []
  const settingsFile = path.join(destinationDir, 'generated-types.ts')
  let settingsTypes = await typesFor((definition.authentication?.fields ?? {}) as Fields, 'Settings', settingsFile)
  // An audience destination's audience settings follow its settings in the same file, as upstream's CLI writes them.
  const audienceFields = (definition as Partial<AudienceDestinationDefinition>).audienceFields
  if (audienceFields && Object.keys(audienceFields).length > 0) {
    settingsTypes += await typesFor(audienceFields as Fields, 'AudienceSettings', settingsFile)
  }
  files.push({ file: settingsFile, contents: settingsTypes })
  for (const [key, action] of Object.entries(definition.actions)) {
    const file = path.join(destinationDir, key, 'generated-types.ts')
    files.push({ file, contents: await typesFor(action.fields as Fields, 'Payload', file) })
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
