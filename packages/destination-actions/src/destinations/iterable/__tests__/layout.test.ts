import { readdirSync, readFileSync } from 'fs'
import { dirname, join, relative, resolve } from 'path'

// The folder's import graph: shared modules never import an action, and no module imports itself back.

const ROOT = resolve(__dirname, '..')
const ACTIONS = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== '__tests__')
  .map((entry) => entry.name)

const sourceFiles = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sourceFiles(join(folder, entry.name))
    return entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []
  })

const resolveImport = (file: string, specifier: string) => {
  const target = resolve(dirname(file), specifier)
  return ACTIONS.includes(relative(ROOT, target)) ? join(target, 'index.ts') : `${target}.ts`
}

/** Each module (relative to the folder) → the modules of this folder it imports, types included. */
const graph = new Map(
  sourceFiles(ROOT).map((file) => {
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']*)'/g)].map((match) => match[1])
    const inFolder = specifiers.map((specifier) => relative(ROOT, resolveImport(file, specifier)))
    return [relative(ROOT, file), inFolder.filter((target) => !target.startsWith('..'))]
  })
)

const isActionModule = (module: string) => ACTIONS.some((action) => module.startsWith(`${action}/`))

describe('the iterable folder', () => {
  it('finds the actions and the shared modules', () => {
    expect(ACTIONS).toEqual(expect.arrayContaining(['updateUser', 'trackEvent', 'updateCart']))
    expect(graph.get('updateUser/index.ts')).toEqual(expect.arrayContaining(['bulk.ts', 'iterable-api.ts']))
  })

  it('has shared modules that import no action (only the definition and its presets list them)', () => {
    const backwards = [...graph]
      .filter(([module]) => !isActionModule(module) && !['index.ts', 'presets.ts'].includes(module))
      .flatMap(([module, imports]) => imports.filter(isActionModule).map((target) => `${module} → ${target}`))
    expect(backwards).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const visit = (module: string, path: string[]) => {
      if (path.includes(module)) return cycles.push([...path.slice(path.indexOf(module)), module].join(' → '))
      for (const target of graph.get(module) ?? []) visit(target, [...path, module])
    }
    for (const module of graph.keys()) visit(module, [])
    expect(cycles).toEqual([])
  })
})

describe('the two destinations', () => {
  const AUDIENCES = resolve(ROOT, '../iterable-audiences')
  const importsOf = (folder: string) =>
    sourceFiles(folder).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']*)'/g)].map((match) => ({
        file: relative(resolve(ROOT, '..'), file),
        target: relative(resolve(ROOT, '..'), resolve(dirname(file), match[1]))
      }))
    )

  it("share code one way only: the Lists destination imports the Iterable folder's shared modules, never its actions", () => {
    const fromAudiences = importsOf(AUDIENCES).filter(({ target }) => target.startsWith('iterable/'))
    expect(fromAudiences.map(({ target }) => target)).toEqual(
      expect.arrayContaining(['iterable/iterable-api', 'iterable/bulk', 'iterable/identity'])
    )
    const intoActionsOrDefinition = fromAudiences.filter(
      ({ target }) => target === 'iterable/index' || ACTIONS.some((action) => target.startsWith(`iterable/${action}`))
    )
    expect(intoActionsOrDefinition).toEqual([])
    expect(importsOf(ROOT).filter(({ target }) => target.startsWith('iterable-audiences'))).toEqual([])
  })
})
