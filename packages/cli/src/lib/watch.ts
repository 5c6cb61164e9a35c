import path from 'path'
import chokidar from 'chokidar'

/** Files whose change can change the destination: sources and JSON, not tests, snapshots or dependencies. */
export function isWatchedSource(file: string): boolean {
  const parts = file.split(/[\\/]/)
  if (parts.some((part) => part === 'node_modules' || part === '__tests__' || part === '__snapshots__')) return false
  return /\.(ts|js|json)$/.test(file) && !/\.test\.ts$/.test(file) && path.basename(file) !== 'metadata.json'
}

export interface Watcher {
  close: () => Promise<void>
}

/**
 * Calls `onChange` once per burst of changes under `dir` (an editor's save often writes several times), with the
 * files that changed.
 */
export function watchSources(
  dir: string,
  onChange: (files: string[]) => void,
  { debounceMs = 150, onError }: { debounceMs?: number; onError?: (error: Error) => void } = {}
): Watcher {
  const pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const watcher = chokidar.watch(dir, {
    ignoreInitial: true,
    ignored: (file, stats) => Boolean(stats?.isFile()) && !isWatchedSource(file)
  })
  watcher.on('all', (_event, file) => {
    if (!isWatchedSource(file)) return
    pending.add(file)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const files = [...pending]
      pending.clear()
      onChange(files)
    }, debounceMs)
  })
  watcher.on('error', (error) => onError?.(error instanceof Error ? error : new Error(String(error))))
  return {
    close: async () => {
      clearTimeout(timer)
      await watcher.close()
    }
  }
}
