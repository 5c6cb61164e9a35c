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
 * Loads a destination definition from its folder's index.ts. With `fresh`, every module of that folder is dropped
 * from Node's require cache first, so that an edited file is read again (serve's reload); modules outside the
 * folder (the framework, other packages) stay loaded.
 */
export function loadDestination(dir: string, { fresh = false } = {}): AnyDestinationDefinition {
  const entry = path.join(dir, 'index.ts')
  if (!existsSync(entry)) throw new Error(`No destination at ${dir}: ${path.basename(entry)} not found`)
  if (fresh) forgetModulesUnder(dir)
  // eslint-disable-next-line @typescript-eslint/no-var-requires -- a destination is chosen at run time
  const loaded = require(entry) as { default?: AnyDestinationDefinition } & AnyDestinationDefinition
  const definition = loaded.default ?? loaded
  if (!definition || typeof definition !== 'object' || !definition.actions) {
    throw new Error(`${entry} does not export a destination definition (an object with actions) as its default`)
  }
  return definition
}

export function forgetModulesUnder(dir: string): string[] {
  const prefix = path.resolve(dir) + path.sep
  const forgotten = Object.keys(require.cache).filter((file) => file.startsWith(prefix))
  for (const file of forgotten) delete require.cache[file]
  return forgotten
}

/** A path as the user would type it from where they are. */
export function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || '.'
}
