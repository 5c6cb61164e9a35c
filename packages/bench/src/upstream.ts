import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import type { DestinationDefinition } from '@segment/actions-core'
import type { Settings } from '@local/destination-actions/src/destinations/iterable/generated-types'
import { BENCH_ACTIONS, type BenchAction, type BenchPath } from './scenarios'

// Segment's published Iterable destination ("upstream"), measured beside ours in the same harness. Only its compiled
// Iterable folder (and the dayjs setup it requires) is taken from the npm tarball and cached under packages/bench/
// .upstream/<version>/ (gitignored, never committed). Its require('@segment/actions-core') walks up to the repository's
// node_modules, so it runs on the very framework instance our destination and the floor run on.
// This module loads no destination code at import time: the orchestrating process only downloads and probes.

export const UPSTREAM_PACKAGE = '@segment/action-destinations'
export const UPSTREAM_VERSION = '3.497.0'

/** Where extractions are cached, one folder per version. */
export const UPSTREAM_CACHE = path.resolve(__dirname, '../.upstream')

/** The tarball members taken: the destination and the dayjs module it requires as ../../../lib/dayjs. */
const ITERABLE_DIR = 'package/dist/destinations/iterable'
const DAYJS_FILE = 'package/dist/lib/dayjs.js'
const SOURCE_FILE = 'bench-source.json'

const NPM_TIMEOUT_MS = 120_000
const TSCONFIG = path.resolve(__dirname, '../../../tsconfig.json')

/** The actions an implementation has among the bench's, and their paths. */
export type PathsByAction = Partial<Record<BenchAction, BenchPath[]>>

/** Upstream, ready to measure: children load the definition from `dir`. */
export interface UpstreamTarget {
  package: string
  version: string
  /** The cached extraction (see ensureUpstream). */
  dir: string
  /** npm's integrity hash of the tarball it was extracted from, when known. */
  integrity?: string
  /** Read from its definition: which bench actions it has, and whether they have performBatch. */
  paths: PathsByAction
}

/** What the report says about upstream. */
export interface UpstreamStatus {
  package: string
  version: string
  measured: boolean
  /** Why it was not measured: disabled with --no-upstream, or the download failed. */
  skippedBecause?: string
  integrity?: string
  paths?: PathsByAction
}

/** What a run is told about upstream: always a status; a target only when it is measured. */
export interface UpstreamPlan {
  status: UpstreamStatus
  target?: UpstreamTarget
}

export const upstreamNotMeasured = (skippedBecause: string, version = UPSTREAM_VERSION): UpstreamPlan => ({
  status: { package: UPSTREAM_PACKAGE, version, measured: false, skippedBecause }
})

export const upstreamMeasured = (target: UpstreamTarget): UpstreamPlan => ({
  status: {
    package: target.package,
    version: target.version,
    measured: true,
    ...(target.integrity !== undefined && { integrity: target.integrity }),
    paths: target.paths
  },
  target
})

// Only plain versions: the string becomes a folder name and an npm argument.
const VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/

const isComplete = (dir: string) =>
  existsSync(path.join(dir, ITERABLE_DIR, 'index.js')) && existsSync(path.join(dir, DAYJS_FILE))

/** npm's own error lines ("npm error code ENOTFOUND", ...), without its warnings. */
function npmErrorOf(error: unknown): string {
  const { stderr, message } = error as { stderr?: string | Buffer; message?: string }
  const lines = String(stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^npm (error|ERR!)/.test(line))
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, ''))
    .filter(Boolean)
  return lines.length > 0 ? lines.slice(0, 4).join('; ') : (message ?? String(error))
}

/**
 * The cached extraction of `version`, downloading it first when absent (`npm pack` of the tarball only, not an
 * install; then the system tar). Returns the folder holding `package/dist/...`. Throws a readable Error when the
 * download or the extraction fails (offline, unknown version, no tar).
 */
export function ensureUpstream(
  version: string = UPSTREAM_VERSION,
  log: (line: string) => void = () => undefined,
  cacheRoot: string = UPSTREAM_CACHE
): string {
  if (!VERSION_PATTERN.test(version)) {
    throw new Error(`"${version}" is not a version of ${UPSTREAM_PACKAGE} (expected e.g. ${UPSTREAM_VERSION})`)
  }
  const dir = path.join(cacheRoot, version)
  if (isComplete(dir)) return dir

  const spec = `${UPSTREAM_PACKAGE}@${version}`
  mkdirSync(cacheRoot, { recursive: true })
  // Extract beside the cache and rename when complete, so an interrupted download never looks cached.
  const staging = mkdtempSync(path.join(cacheRoot, `.${version}-`))
  try {
    const shown = path.relative(process.cwd(), dir)
    log(`Downloading ${spec} (tarball only) into ${shown.startsWith('..') ? dir : shown}`)
    let packed: string
    try {
      packed = execFileSync('npm', ['pack', spec, '--pack-destination', staging, '--json'], {
        cwd: staging,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: NPM_TIMEOUT_MS
      })
    } catch (error) {
      throw new Error(`npm pack ${spec} failed (offline, or no such version?): ${npmErrorOf(error)}`)
    }
    let info: { filename?: string; integrity?: string } = {}
    try {
      info = (JSON.parse(packed) as (typeof info)[])[0] ?? {}
    } catch {
      // Older npm prints the file name only; the folder tells anyway.
    }
    const tarball = info.filename ?? readdirSync(staging).find((name) => name.endsWith('.tgz'))
    if (!tarball || !existsSync(path.join(staging, tarball))) {
      throw new Error(`npm pack ${spec} produced no tarball in ${staging}`)
    }
    try {
      execFileSync('tar', ['-xzf', path.join(staging, tarball), '-C', staging, ITERABLE_DIR, DAYJS_FILE], {
        stdio: ['ignore', 'ignore', 'pipe']
      })
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim()
      throw new Error(`Extracting ${ITERABLE_DIR} from ${tarball} failed: ${stderr || (error as Error).message}`)
    }
    rmSync(path.join(staging, tarball))
    if (!isComplete(staging)) throw new Error(`${tarball} has no ${ITERABLE_DIR}/index.js or ${DAYJS_FILE}`)
    writeFileSync(
      path.join(staging, SOURCE_FILE),
      `${JSON.stringify({ package: UPSTREAM_PACKAGE, version, integrity: info.integrity, tarball }, null, 2)}\n`
    )
    rmSync(dir, { recursive: true, force: true })
    try {
      renameSync(staging, dir)
    } catch (error) {
      // Another bench finished the same download first: use its copy.
      if (!isComplete(dir)) throw error
    }
    return dir
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** The tarball's integrity as npm reported it at download time, when recorded. */
export function upstreamIntegrity(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, SOURCE_FILE), 'utf8')) as { integrity?: string }).integrity
  } catch {
    return undefined
  }
}

/**
 * Upstream's destination definition, loaded from an extraction. Throws if it would get a different copy of
 * @segment/actions-core than the harness: the comparison is only fair on the same framework.
 */
export function loadUpstreamDefinition(dir: string): DestinationDefinition<Settings> {
  const entry = path.join(dir, ITERABLE_DIR)
  const theirs = require.resolve('@segment/actions-core', { paths: [entry] })
  const ours = require.resolve('@segment/actions-core')
  if (theirs !== ours) {
    throw new Error(`Upstream in ${dir} would load @segment/actions-core from ${theirs}, not the harness's ${ours}`)
  }
  // A plain require, not createRequire: under Jest it goes through Jest's module registry too, so upstream gets the
  // same @segment/actions-core instance as the harness in tests as well as in runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(entry) as { default?: DestinationDefinition<Settings> }
  if (!loaded.default?.actions) throw new Error(`${entry} exports no destination definition`)
  return loaded.default
}

/** The bench actions a definition has, each with `single`, and `batch` when it has performBatch. */
export function upstreamPathsOf(definition: Pick<DestinationDefinition<Settings>, 'actions'>): PathsByAction {
  const paths: PathsByAction = {}
  for (const action of BENCH_ACTIONS) {
    const found = definition.actions[action]
    if (found) paths[action] = found.performBatch ? ['single', 'batch'] : ['single']
  }
  return paths
}

/**
 * upstreamPathsOf(loadUpstreamDefinition(dir)), computed in a short-lived Node process so that the orchestrating
 * process never loads destination code.
 */
export function probeUpstreamPaths(dir: string): PathsByAction {
  const self = JSON.stringify(__filename)
  const script =
    `const u = require(${self}); ` +
    `process.stdout.write(JSON.stringify(u.upstreamPathsOf(u.loadUpstreamDefinition(${JSON.stringify(dir)}))))`
  try {
    const out = execFileSync(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
      {
        env: { ...process.env, TS_NODE_PROJECT: TSCONFIG },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    return JSON.parse(out) as PathsByAction
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim()
    throw new Error(`Loading upstream from ${dir} failed: ${stderr.split('\n').slice(0, 5).join(' ') || error}`)
  }
}

/** Download (or reuse) upstream and read what it has: everything a run needs to measure it. */
export function prepareUpstream(
  version: string = UPSTREAM_VERSION,
  log: (line: string) => void = () => undefined
): UpstreamTarget {
  const dir = ensureUpstream(version, log)
  const integrity = upstreamIntegrity(dir)
  return {
    package: UPSTREAM_PACKAGE,
    version,
    dir,
    ...(integrity !== undefined && { integrity }),
    paths: probeUpstreamPaths(dir)
  }
}
