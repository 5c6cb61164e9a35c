import path from 'path'
import chokidar from 'chokidar'

/** Files whose change can change the destination: sources and JSON, not tests, snapshots or dependencies. */
export function isWatchedSource(file: string): boolean {
  const parts = file.split(/[\\/]/)
  if (parts.some((part) => part === 'node_modules' || part === '__tests__' || part === '__snapshots__')) return false
  return /\.(ts|js|json)$/.test(file) && !/\.test\.ts$/.test(file) && path.basename(file) !== 'metadata.json'
}

export interface Watcher {
  /**
   * Watches exactly these files besides the folder (the modules the destination imports from outside it), from now
   * on: files not given any more are let go.
   */
  setFiles: (files: readonly string[]) => void
  close: () => Promise<void>
}

/**
 * Calls `onChange` once per burst of changes under `dir` or to one of `files` (an editor's save often writes several
 * times), with the files that changed.
 */
export function watchSources(
  dir: string,
  onChange: (files: string[]) => void,
  {
    debounceMs = 150,
    onError,
    files = []
  }: { debounceMs?: number; onError?: (error: Error) => void; files?: readonly string[] } = {}
): Watcher {
  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const inDir = path.resolve(dir) + path.sep
  /** The files to watch one by one: those outside `dir`, which the folder's watch does not cover. */
  const outsideOf = (list: readonly string[]) =>
    new Set(list.map((file) => path.resolve(file)).filter((file) => !file.startsWith(inDir) && isWatchedSource(file)))
  let outside = outsideOf(files)
  const watcher = chokidar.watch([dir, ...outside], {
    ignoreInitial: true,
    ignored: (file, stats) => Boolean(stats?.isFile()) && !isWatchedSource(file)
  })
  watcher.on('all', (_event, file) => {
    if (!isWatchedSource(file)) return
    pending.add(file)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const changed = [...pending]
      pending.clear()
      onChange(changed)
    }, debounceMs)
  })
  watcher.on('error', (error) => onError?.(error instanceof Error ? error : new Error(String(error))))
  return {
    setFiles: (list) => {
      const next = outsideOf(list)
      const added = [...next].filter((file) => !outside.has(file))
      const removed = [...outside].filter((file) => !next.has(file))
      outside = next
      if (added.length > 0) watcher.add(added)
      if (removed.length > 0) watcher.unwatch(removed)
    },
    close: async () => {
      clearTimeout(timer)
      await watcher.close()
    }
  }
}
