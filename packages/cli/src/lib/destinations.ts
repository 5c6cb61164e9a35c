import { existsSync, readdirSync, statSync } from 'fs'
import path from 'path'
import type { DestinationDefinition } from '@segment/actions-core'

// Where destinations live and how the CLI loads them. Commands take a destination by folder name (`iterable`) or by
// path (a folder, or its index.ts), so that tests can point them at a temporary copy.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any destination, whatever its settings
export type AnyDestinationDefinition = DestinationDefinition<any>

/** The repository root, found from this file rather than the working directory: `./bin/run` works from anywhere. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..')

export const DESTINATIONS_DIR = path.join(REPO_ROOT, 'packages/destination-actions/src/destinations')

/** The folder of a destination given by name (a folder of `directory`) or by path (its folder or its index.ts). */
export function resolveDestinationDir(nameOrPath: string, directory: string = DESTINATIONS_DIR): string {
  const asPath = path.resolve(nameOrPath)
  if (/[\\/]/.test(nameOrPath) || nameOrPath.startsWith('.')) {
    if (existsSync(asPath) && statSync(asPath).isFile()) return path.dirname(asPath)
    return asPath
  }
  return path.join(path.resolve(directory), nameOrPath)
}

/** Every destination folder (a folder with an index.ts) under `directory`, sorted by name. */
export function listDestinationDirs(directory: string = DESTINATIONS_DIR): string[] {
  if (!existsSync(directory)) return []
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, 'index.ts')))
    .map((entry) => path.join(directory, entry.name))
    .sort()
}

/** The folders named by `--path` values, or every destination when there are none. */
export function destinationDirsFor(paths: string[] | undefined, directory: string = DESTINATIONS_DIR): string[] {
  if (!paths || paths.length === 0) return listDestinationDirs(directory)
  return paths.map((value) => resolveDestinationDir(value, directory))
}

/**
 * The files of each destination's module graph (by its index.ts), node_modules aside: its folder's modules and those
 * it imports from elsewhere in the repository, such as iterable-audiences' `../iterable/iterable-api.ts`. serve's
 * reload forgets them all and its watcher watches them all.
 */
const modulesByEntry = new Map<string, Set<string>>()

/**
 * Loads a destination definition from its folder's index.ts. With `fresh`, every module the destination loaded
 * before (its folder's and any other module of its graph outside node_modules) is dropped from Node's require cache
 * first, so that an edited file is read again (serve's reload); packages (the framework, node_modules) stay loaded.
 */
export function loadDestination(dir: string, { fresh = false } = {}): AnyDestinationDefinition {
  const entry = path.join(dir, 'index.ts')
  if (!existsSync(entry)) throw new Error(`No destination at ${dir}: ${path.basename(entry)} not found`)
  if (fresh) forgetDestinationModules(dir)
  const cachedBefore = new Set(Object.keys(require.cache))
  let loaded: { default?: AnyDestinationDefinition } & AnyDestinationDefinition
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires -- a destination is chosen at run time
    loaded = require(entry) as typeof loaded
  } catch (error) {
    // The modules read before the failure are the destination's too: the next reload must forget them.
    const known = modulesByEntry.get(entry) ?? new Set<string>()
    for (const file of newSources(cachedBefore)) known.add(file)
    modulesByEntry.set(entry, known)
    throw error
  }
  modulesByEntry.set(entry, new Set([...newSources(cachedBefore), ...moduleGraph(entry)]))
  const definition = loaded.default ?? loaded
  if (!definition || typeof definition !== 'object' || !definition.actions) {
    throw new Error(`${entry} does not export a destination definition (an object with actions) as its default`)
  }
  return definition
}

/** Every file of the destination's module graph outside node_modules, as last loaded: what serve watches. */
export function destinationModules(dir: string): string[] {
  const entry = path.join(dir, 'index.ts')
  return [...new Set([...(modulesByEntry.get(entry) ?? []), ...moduleGraph(entry)])].sort()
}

/** Drops the destination's modules (its graph, and anything cached under its folder) from the require cache. */
export function forgetDestinationModules(dir: string): string[] {
  const forgotten = new Set([...destinationModules(dir), ...cachedUnder(dir)])
  for (const file of forgotten) delete require.cache[file]
  return [...forgotten].sort()
}

/** A module of the repository (or of a temporary copy), not of a package: a reload reads it again. */
function isOwnSource(file: string): boolean {
  return path.isAbsolute(file) && !file.split(/[\\/]/).includes('node_modules')
}

function newSources(cachedBefore: ReadonlySet<string>): string[] {
  return Object.keys(require.cache).filter((file) => !cachedBefore.has(file) && isOwnSource(file))
}

/** The modules `entry` requires, directly or not, through modules of its own (never into node_modules). */
function moduleGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (module: NodeModule | undefined) => {
    if (!module || seen.has(module.filename) || !isOwnSource(module.filename)) return
    seen.add(module.filename)
    for (const child of module.children ?? []) visit(child)
  }
  visit(require.cache[entry])
  return [...seen]
}

function cachedUnder(dir: string): string[] {
  const prefix = path.resolve(dir) + path.sep
  return Object.keys(require.cache).filter((file) => file.startsWith(prefix))
}

/** A path as the user would type it from where they are. */
export function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || '.'
}
