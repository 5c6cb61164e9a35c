import path from 'path'
import { promises as fs } from 'fs'
import { DESTINATIONS_DIR } from '../../lib/destinations'
import { GENERATED_BANNER } from '../../lib/generate-types'
import { readTree, runBin, temporaryCopy } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

// Run as child processes: prettier, which formats the generated files, cannot load inside Jest.
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
