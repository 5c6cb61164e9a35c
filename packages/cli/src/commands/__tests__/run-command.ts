import { execFile } from 'child_process'
import path from 'path'
import { existsSync, promises as fs } from 'fs'
import os from 'os'
import { REPO_ROOT } from '../../lib/destinations'

// Helpers for command tests. The commands run as child processes (`./bin/run <command>`): oclif loads its
// configuration with dynamic imports, which cannot run inside Jest. Their logic is also exported by lib/ and
// tested in-process.

export interface CommandResult {
  stdout: string
  stderr: string
  exitCode: number
}

/**
 * A copy of a destination folder in a temporary directory, laid out as in the repository (`destinations/<name>`, with
 * the shared `lib` folder the destinations import beside it, linked). Its imports of packages (the framework) resolve
 * through a node_modules link to the repository's, as they would inside the repository.
 */
export async function temporaryCopy(sourceDir: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'actions-cli-'))
  await fs.symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  const sharedLib = path.resolve(sourceDir, '../../lib')
  if (existsSync(sharedLib)) await fs.symlink(sharedLib, path.join(root, 'lib'), 'dir')
  const dir = path.join(root, 'destinations', path.basename(sourceDir))
  await fs.cp(sourceDir, dir, { recursive: true, filter: (file) => !/__tests__|__snapshots__/.test(file) })
  return { dir, remove: () => fs.rm(root, { recursive: true, force: true }) }
}

/** Every file under `dir` with its contents, keyed by relative path. */
export async function readTree(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {}
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)
    tree[path.relative(dir, file)] = await fs.readFile(file, 'utf8')
  }
  return tree
}

/** Runs `./bin/run <args>` in a child process, from the repository root. */
export function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin/run'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ stdout, stderr, exitCode })
      }
    )
  })
}
