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
