import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { DestinationDefinition } from '@segment/actions-core'

// The published destination the bench compares ours with: Segment's `@segment/action-destinations`, pinned, which
// `npm install` does not install. The bench installs it on first use, into packages/bench/.upstream (gitignored):
// npm fetches the package's tarball (`npm pack`, through npm's cache, so it works offline once cached), checked
// against the pinned integrity, and the bench unpacks it there, without its dependencies. Its Iterable destination
// requires only @segment/actions-core and dayjs, which Node finds in the repository's node_modules (from .upstream,
// it looks in every parent folder): both destinations run on the repository's one core, which upstream's
// `^3.170.0` accepts. Its other 70-odd dependencies (AWS SDK, ssh2, kafkajs, …) serve other destinations.

export const UPSTREAM = {
  name: '@segment/action-destinations',
  version: '3.497.0',
  integrity: 'sha512-b9DztTrR1XrfBu/0UyUgTXNfv7s5gpjBPO/w7C8aW6IHsSMSMte7wNdVHzGsujJ4P43g7cKsWb5zuV2BdVn/UA=='
} as const

export const UPSTREAM_DIR = path.resolve(__dirname, '../.upstream')
const PACKAGE_DIR = path.join(UPSTREAM_DIR, 'node_modules', ...UPSTREAM.name.split('/'))
const TARBALL = path.join(UPSTREAM_DIR, `${UPSTREAM.name.slice(1).replace('/', '-')}-${UPSTREAM.version}.tgz`)
const ITERABLE = path.join(PACKAGE_DIR, 'dist', 'destinations', 'iterable')

/** Whether the pinned version is unpacked in .upstream. */
export function upstreamInstalled(): boolean {
  const manifest = path.join(PACKAGE_DIR, 'package.json')
  if (!existsSync(manifest)) return false
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version === UPSTREAM.version
}

const integrityOf = (file: string) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`

/** Installs the pinned version in .upstream unless it is there; `log` says what it does. */
export function installUpstream(log: (line: string) => void = () => undefined): void {
  if (upstreamInstalled()) return
  mkdirSync(UPSTREAM_DIR, { recursive: true })
  if (!existsSync(TARBALL) || integrityOf(TARBALL) !== UPSTREAM.integrity) {
    log(`installing ${UPSTREAM.name}@${UPSTREAM.version} in ${path.relative(process.cwd(), UPSTREAM_DIR)} (once)`)
    const spec = `${UPSTREAM.name}@${UPSTREAM.version}`
    execFileSync('npm', ['pack', spec, '--pack-destination', UPSTREAM_DIR, '--prefer-offline', '--loglevel=error'], {
      cwd: UPSTREAM_DIR,
      stdio: ['ignore', 'ignore', 'inherit']
    })
  }
  const integrity = integrityOf(TARBALL)
  if (integrity !== UPSTREAM.integrity) {
    throw new Error(`${path.basename(TARBALL)} has integrity ${integrity}, not the pinned ${UPSTREAM.integrity}`)
  }
  // Unpacked beside, then moved in place: an interrupted run leaves no half package that looks installed.
  const unpacking = mkdtempSync(path.join(UPSTREAM_DIR, 'unpacking-'))
  try {
    execFileSync('tar', ['-xzf', TARBALL, '-C', unpacking], { stdio: ['ignore', 'ignore', 'inherit'] })
    rmSync(PACKAGE_DIR, { recursive: true, force: true })
    mkdirSync(path.dirname(PACKAGE_DIR), { recursive: true })
    renameSync(path.join(unpacking, 'package'), PACKAGE_DIR)
  } finally {
    rmSync(unpacking, { recursive: true, force: true })
  }
}

/** Upstream's `actions-iterable` definition, from .upstream; throws, saying how to install it, when it is not there. */
export function loadUpstream(): DestinationDefinition<unknown> {
  if (!upstreamInstalled()) {
    throw new Error(`${UPSTREAM.name}@${UPSTREAM.version} is not installed: \`npm run bench\` installs it (once)`)
  }
  return (createRequire(__filename)(ITERABLE) as { default: DestinationDefinition<unknown> }).default
}
