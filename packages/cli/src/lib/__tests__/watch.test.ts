import path from 'path'
import os from 'os'
import { promises as fs } from 'fs'
import { isWatchedSource, watchSources } from '../watch'

describe('isWatchedSource', () => {
  it.each([
    ['iterable/index.ts', true],
    ['iterable/updateUser/index.ts', true],
    ['iterable/choices.json', true],
    ['iterable/metadata.json', false],
    ['iterable/updateUser/__tests__/index.test.ts', false],
    ['iterable/__snapshots__/snapshot.test.ts.snap', false],
    ['iterable/README.md', false],
    ['iterable/node_modules/x/index.js', false]
  ])('%s → %s', (file, watched) => {
    expect(isWatchedSource(file)).toBe(watched)
  })
})

describe('watchSources', () => {
  it('reports a burst of source changes once, and ignores test files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actions-cli-watch-'))
    await fs.writeFile(path.join(dir, 'index.ts'), 'export default {}\n')
    const bursts: string[][] = []
    const watcher = watchSources(dir, (files) => bursts.push(files), { debounceMs: 100 })
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)) // let the watcher start
      await fs.writeFile(path.join(dir, 'index.ts'), 'export default { changed: true }\n')
      await fs.writeFile(path.join(dir, 'fields.ts'), 'export const x = 1\n')
      await fs.mkdir(path.join(dir, '__tests__'))
      await fs.writeFile(path.join(dir, '__tests__', 'index.test.ts'), '')
      const deadline = Date.now() + 5000
      while (bursts.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(bursts).toHaveLength(1)
      expect(bursts[0].map((file) => path.basename(file)).sort()).toEqual(['fields.ts', 'index.ts'])
    } finally {
      await watcher.close()
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})

describe('watchSources, modules outside the folder', () => {
  /** Waits for the first burst the watcher reports; edits again until it does (the watcher may still be starting). */
  async function burstAfter(bursts: string[][], edit: () => Promise<void>): Promise<string[]> {
    const deadline = Date.now() + 10_000
    while (bursts.length === 0 && Date.now() < deadline) {
      await edit()
      const until = Date.now() + 500
      while (bursts.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return bursts.shift() ?? []
  }

  it('reports a change to an imported module of a sibling folder, and to one added later with setFiles', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'actions-cli-watch-'))
    const dir = path.join(root, 'iterable-audiences')
    const sibling = path.join(root, 'iterable')
    await fs.mkdir(dir)
    await fs.mkdir(sibling)
    await fs.writeFile(path.join(dir, 'index.ts'), "export * from '../iterable/iterable-api'\n")
    const api = path.join(sibling, 'iterable-api.ts')
    const bulk = path.join(sibling, 'bulk.ts')
    const notImported = path.join(sibling, 'index.ts')
    for (const file of [api, bulk, notImported]) await fs.writeFile(file, 'export const x = 1\n')
    const bursts: string[][] = []
    const watcher = watchSources(dir, (files) => bursts.push(files), { debounceMs: 50, files: [api] })
    try {
      let edits = 0
      expect(await burstAfter(bursts, () => fs.appendFile(api, `// edit ${++edits}\n`))).toEqual([api])

      watcher.setFiles([bulk])
      await new Promise((resolve) => setTimeout(resolve, 300))
      bursts.length = 0
      expect(await burstAfter(bursts, () => fs.appendFile(bulk, `// edit ${++edits}\n`))).toEqual([bulk])

      // A file of the sibling folder the destination does not import, and one it no longer imports: no reload.
      await fs.appendFile(notImported, '// edit\n')
      await fs.appendFile(api, '// edit\n')
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(bursts).toEqual([])
    } finally {
      await watcher.close()
      await fs.rm(root, { recursive: true, force: true })
    }
  })
})
