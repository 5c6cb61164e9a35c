import path from 'path'
import { promises as fs } from 'fs'
import { DESTINATIONS_DIR } from '../../lib/destinations'
import { GENERATED_BANNER, generatedTypesFor, typesFor } from '../../lib/generate-types'
import { readTree, runBin, temporaryCopy } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

// The command itself, run as a user runs it: ./bin/run in a child process.
describe('generate:types', () => {
  let copy: { dir: string; remove: () => Promise<void> }

  beforeEach(async () => {
    copy = await temporaryCopy(path.join(DESTINATIONS_DIR, 'iterable'))
  })
  afterEach(() => copy.remove())

  const generatedFiles = (tree: Record<string, string>) =>
    Object.fromEntries(Object.entries(tree).filter(([file]) => file.endsWith('generated-types.ts')))

  it('is idempotent: a second run writes nothing and changes no file', async () => {
    const first = await runBin(['generate:types', '--path', copy.dir])
    expect(first.exitCode).toBe(0)
    const afterFirst = await readTree(copy.dir)

    const second = await runBin(['generate:types', '--path', copy.dir])
    expect(second.exitCode).toBe(0)
    expect(second.stdout).toMatch(/no changes/)
    expect(await readTree(copy.dir)).toEqual(afterFirst)
  })

  it('writes one file for the settings and one per action, prettier-formatted in the repository style', async () => {
    await fs.rm(path.join(copy.dir, 'updateUser', 'generated-types.ts'))
    const { exitCode, stdout } = await runBin(['generate:types', '--path', copy.dir])
    expect(exitCode).toBe(0)
    expect(stdout).toMatch(/wrote .*updateUser[\\/]generated-types\.ts/)

    const files = generatedFiles(await readTree(copy.dir))
    expect(Object.keys(files)).toContain('generated-types.ts')
    expect(Object.keys(files)).toContain(path.join('updateUser', 'generated-types.ts'))
    expect(files['generated-types.ts']).toMatch(/export interface Settings \{/)
    for (const [file, contents] of Object.entries(files)) {
      expect(contents.startsWith(GENERATED_BANNER)).toBe(true)
      if (file !== 'generated-types.ts') expect(contents).toMatch(/export interface Payload \{/)
      expect(contents).not.toMatch(/;\n/) // prettier with the repository's "semi: false"
    }
  })

  it('--check passes on fresh files, and fails naming a stale one without writing it', async () => {
    await runBin(['generate:types', '--path', copy.dir])
    expect((await runBin(['generate:types', '--path', copy.dir, '--check'])).exitCode).toBe(0)

    const stale = path.join(copy.dir, 'trackEvent', 'generated-types.ts')
    await fs.appendFile(stale, '// edited by hand\n')
    const result = await runBin(['generate:types', '--path', copy.dir, '--check'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/Stale generated types/)
    expect(result.stderr).toMatch(/trackEvent[\\/]generated-types\.ts/)
    expect(await fs.readFile(stale, 'utf8')).toMatch(/edited by hand/)
  })
})

describe('the types action-destinations writes', () => {
  const style = { semi: false, singleQuote: true, trailingComma: 'none' as const, printWidth: 120 }

  it('types a field with choices as a string, as upstream (which drops enums) does, each field with its description', async () => {
    const types = await typesFor(
      {
        apiKey: { label: 'API Key', description: 'The key.', type: 'password', required: true },
        region: { label: 'Region', description: 'Where.', type: 'string', choices: [{ label: 'US', value: 'us' }] },
        tags: { label: 'Tags', description: 'Labels.', type: 'string', multiple: true, choices: ['a', 'b'] }
      },
      'Settings',
      style
    )

    expect(types).toBe(
      [
        GENERATED_BANNER,
        '',
        'export interface Settings {',
        '  /**',
        '   * The key.',
        '   */',
        '  apiKey: string',
        '  /**',
        '   * Where.',
        '   */',
        '  region?: string',
        '  /**',
        '   * Labels.',
        '   */',
        '  tags?: string[]',
        '}',
        ''
      ].join('\n')
    )
  })

  it("follows each action's Payload with its hooks' input and output types (named as json-schema-to-typescript capitalises them), each with the banner", async () => {
    const definition = {
      name: 'Hooked',
      mode: 'cloud' as const,
      actions: {
        sync: {
          title: 'Sync',
          description: 'Syncs.',
          fields: { id: { label: 'Id', description: 'The id.', type: 'string' as const, required: true } },
          hooks: {
            retlOnMappingSave: {
              label: 'Pick',
              description: 'Picks.',
              inputFields: { name: { label: 'Name', description: 'A name.', type: 'string' as const } },
              outputTypes: {
                chosen: { label: 'Chosen', description: 'What.', type: 'string' as const, required: true }
              },
              performHook: async () => ({ successMessage: 'ok', savedData: { chosen: 'x' } })
            }
          },
          perform: () => undefined
        }
      }
    }

    // A folder without the action's own folder: the action's types go in sync.types.ts beside index.ts.
    const dir = path.join(DESTINATIONS_DIR, 'hooked')
    const [, sync] = await generatedTypesFor(dir, definition as never)

    expect(sync.file).toBe(path.join(dir, 'sync.types.ts'))
    const interfaces = sync.contents.split(GENERATED_BANNER).slice(1)
    expect(interfaces.map((text) => /export interface (\w+)/.exec(text)?.[1])).toEqual([
      'Payload',
      'RetlOnMappingSaveInputs',
      'RetlOnMappingSaveOutputs'
    ])
    expect(interfaces[2]).toMatch(/\n {2}chosen: string\n/)
  })
})
