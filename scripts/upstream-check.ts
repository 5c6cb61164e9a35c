// `npm run upstream:check -- <path to an installed action-destinations checkout> [--quick]`: what the pull requests to
// segmentio/action-destinations will meet. Copies the two Iterable folders into the checkout, runs upstream's own
// checks there with upstream's own tools, prints one verdict line, and restores the checkout. docs/upstream.md says
// how to prepare a checkout.
import { spawnSync } from 'child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'fs'
import os from 'os'
import path from 'path'

const FOLDERS = ['iterable', 'iterable-audiences']
const DESTINATIONS = 'packages/destination-actions/src/destinations'
const ours = path.resolve(__dirname, '..', DESTINATIONS)

interface Outcome {
  name: string
  ok: boolean
  figure: string
}

interface Ran {
  status: number | null
  stdout: string
  /** stdout and stderr. */
  output: string
}

const MINUTE = 60_000

/** Runs a command of the checkout, its output kept for the figures (and shown when the check fails). */
function run(command: string, args: string[], cwd: string, timeout = 20 * MINUTE, env: NodeJS.ProcessEnv = {}): Ran {
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, TZ: 'UTC', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    timeout,
    maxBuffer: 512 * 1024 * 1024
  })
  const stdout = result.stdout ?? ''
  return { status: result.status, stdout, output: `${stdout}${result.stderr ?? ''}${result.error?.message ?? ''}` }
}

/** A problem with how the check was called: the checkout or Node cannot run it. */
export class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(`upstream:check: ${message}`)
}

export function checkoutFrom(argv: string[]): { checkout: string; quick: boolean } {
  const positional = argv.filter((arg) => !arg.startsWith('--'))
  if (positional.length !== 1) fail('give the path of an installed action-destinations checkout (docs/upstream.md).')
  const checkout = path.resolve(positional[0])
  for (const needed of [DESTINATIONS, 'node_modules', 'bin/run', 'yarn.lock']) {
    if (!existsSync(path.join(checkout, needed))) {
      fail(`${checkout} is not an installed action-destinations checkout: ${needed} is missing (docs/upstream.md).`)
    }
  }
  return { checkout, quick: argv.includes('--quick') }
}

/** action-destinations runs on Node ^18.17 or ^22.13 only (its `yarn run` refuses others). */
export function requireUpstreamNode(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number)
  if (!((major === 18 && minor >= 17) || (major === 22 && minor >= 13))) {
    fail(`action-destinations needs Node ^18.17 or ^22.13, and this is ${version}: put Node 22 first on PATH.`)
  }
}

const git = (checkout: string, ...args: string[]) => run('git', args, checkout).stdout.trim()
const folderPaths = FOLDERS.map((folder) => `${DESTINATIONS}/${folder}`)

/** Files the last step changed in the two folders, against the copy staged before it. */
function changedFiles(checkout: string): string[] {
  const changed = git(checkout, 'diff', '--name-only', '--', ...folderPaths)
  const added = git(checkout, 'ls-files', '--others', '--exclude-standard', '--', ...folderPaths)
  return [...changed.split('\n'), ...added.split('\n')].filter(Boolean)
}

type RequiredFields = Record<string, Record<string, string[]>>

/** `./bin/run list-required-fields` of the checkout for the two folders: what its Required Field Check compares. */
function requiredFields(checkout: string): RequiredFields {
  const listed = run(
    './bin/run',
    ['list-required-fields', ...folderPaths.flatMap((folder) => ['-p', `${folder}/index.ts`])],
    checkout
  )
  return JSON.parse(listed.stdout.slice(listed.stdout.indexOf('{'))) as RequiredFields
}

/**
 * What the Required Field Check workflow of action-destinations will comment on the pull request: fields required now
 * that were not before, in actions that already had required fields (it skips new destinations and new actions).
 */
export function requiredFieldComments(before: RequiredFields, after: RequiredFields): string[] {
  const comments: string[] = []
  for (const [destination, actions] of Object.entries(after)) {
    for (const [action, fields] of Object.entries(actions)) {
      const earlier = before[destination]?.[action]
      const added = earlier ? fields.filter((field) => !earlier.includes(field)) : []
      if (added.length > 0) comments.push(`${destination} ${action}: ${added.join(',')}`)
    }
  }
  return comments
}

interface JestSummary {
  passed: number
  total: number
  failedSuites: string[]
}

/** Jest's own count, from its --json report: a suite that failed to run counts as failed. */
function jest(cwd: string, patterns: string[], timeout: number): JestSummary & { output: string } {
  const report = path.join(mkdtempSync(path.join(os.tmpdir(), 'upstream-jest-')), 'report.json')
  const { output } = run('npx', ['jest', '--ci', '--json', `--outputFile=${report}`, ...patterns], cwd, timeout)
  if (!existsSync(report)) return { passed: 0, total: 0, failedSuites: ['(Jest did not run)'], output }
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number
    numTotalTests: number
    testResults: { name: string; status: string }[]
  }
  const failedSuites = json.testResults
    .filter((suite) => suite.status !== 'passed')
    .map((suite) => path.relative(cwd, suite.name))
  return { passed: json.numPassedTests, total: json.numTotalTests, failedSuites, output }
}

function main() {
  const { checkout, quick } = checkoutFrom(process.argv.slice(2))
  requireUpstreamNode()
  if (git(checkout, 'status', '--porcelain', '--', ...folderPaths) !== '') {
    fail(`${checkout} has local changes in ${folderPaths.join(' or ')}: commit or stash them first.`)
  }
  const packageDir = path.join(checkout, 'packages/destination-actions')
  const outcomes: Outcome[] = []
  const record = (name: string, ok: boolean, figure: string, output?: string) => {
    outcomes.push({ name, ok, figure })
    console.log(`${ok ? '✔' : '✘'} ${name}: ${figure}`)
    if (!ok && output) console.log(output.trim().split('\n').slice(-40).join('\n'))
  }

  const requiredBefore = requiredFields(checkout)
  copyIn(checkout)

  try {
    // tsc -b trusts its build info: without it, the build really checks.
    rmSync(path.join(packageDir, 'tsconfig.build.tsbuildinfo'), { force: true })
    const build = run(
      'yarn',
      ['nx', 'run', '@segment/action-destinations:build', '--skip-nx-cache'],
      checkout,
      30 * MINUTE,
      {
        NODE_ENV: 'production'
      }
    )
    const typeErrors = (build.output.match(/error TS\d+/g) ?? []).length
    record('build', build.status === 0 && typeErrors === 0, `${typeErrors} type errors`, build.output)

    const globs = folderPaths.map((folder) => `${folder}/**/*.ts`)
    const lint = run('npx', ['eslint', '-f', 'json', ...globs], checkout)
    const files = JSON.parse(lint.stdout || '[]') as { errorCount: number; warningCount: number }[]
    const errors = files.reduce((sum, file) => sum + file.errorCount, 0)
    const warnings = files.reduce((sum, file) => sum + file.warningCount, 0)
    const clean = lint.status === 0 && errors === 0 && warnings === 0
    record(
      'lint',
      clean,
      `${errors} errors, ${warnings} warnings`,
      clean ? '' : run('npx', ['eslint', ...globs], checkout).output
    )

    // What lint-staged formats: TypeScript, and the folders' Markdown and JSON (metadata.json is in .prettierignore).
    const prettier = run(
      'npx',
      ['prettier', '--check', ...folderPaths.map((folder) => `${folder}/**/*.{ts,md,json}`)],
      checkout
    )
    const unformatted = prettier.output.split('\n').filter((line) => /^\[(warn|error)\] (?!Code style)/.test(line))
    record('prettier', prettier.status === 0, `${unformatted.length} files not formatted`, prettier.output)

    const folders = jest(
      packageDir,
      FOLDERS.map((folder) => `src/destinations/${folder}/`),
      20 * MINUTE
    )
    record(
      'jest (the two folders)',
      folders.failedSuites.length === 0 && folders.passed === folders.total && folders.total > 0,
      `${folders.passed}/${folders.total} tests${
        folders.failedSuites.length ? `, failed: ${folders.failedSuites.join(', ')}` : ''
      }`,
      folders.output
    )

    const types = run(
      './bin/run',
      ['generate:types', ...folderPaths.flatMap((folder) => ['-p', `./${folder}/index.ts`])],
      checkout
    )
    const typesChanged = changedFiles(checkout)
    record(
      'generate:types',
      types.status === 0 && typesChanged.length === 0,
      `${typesChanged.length} files changed ${typesChanged.join(' ')}`.trim(),
      types.output
    )
    git(checkout, 'add', '-A', '--', ...folderPaths)

    const metadata = run(
      './bin/run',
      ['generate:metadata-payload', ...folderPaths.flatMap((folder) => ['-p', folder])],
      checkout
    )
    const metadataChanged = changedFiles(checkout)
    record(
      'generate:metadata-payload',
      metadata.status === 0 && metadataChanged.length === 0,
      `${metadataChanged.length} files changed ${metadataChanged.join(' ')}`.trim(),
      metadata.output
    )

    // Informational: upstream's workflow comments; a reviewer decides.
    const comments = requiredFieldComments(requiredBefore, requiredFields(checkout))
    console.log(`ℹ Required Field Check will comment on: ${comments.length ? comments.join('; ') : 'nothing'}`)

    const validate = run('./bin/run', ['validate'], checkout)
    record(
      'validate',
      validate.status === 0,
      validate.status === 0 ? 'passes' : `exit ${validate.status}`,
      validate.output
    )

    if (!quick) {
      const suite = jest(packageDir, [], 90 * MINUTE)
      const ofOurs = (name: string) => FOLDERS.some((folder) => name.startsWith(`src/destinations/${folder}/`))
      const elsewhere = suite.failedSuites.filter((name) => !ofOurs(name))
      // A suite of another destination that also fails without our folders is upstream's own, not ours.
      restore(checkout)
      const preexisting = elsewhere.length > 0 ? jest(packageDir, elsewhere, 20 * MINUTE).failedSuites : []
      const caused = elsewhere.filter((name) => !preexisting.includes(name))
      record(
        'destination-actions suite',
        suite.total > 0 && caused.length === 0,
        `${suite.passed}/${suite.total} tests; other destinations failing with our folders only: ${
          caused.length ? caused.join(', ') : 'none'
        }${preexisting.length ? `; failing at upstream's HEAD too: ${preexisting.join(', ')}` : ''}`
      )
    }
  } finally {
    restore(checkout)
  }

  const verdict = outcomes.every((outcome) => outcome.ok) ? 'PASS' : 'FAIL'
  console.log(
    `\nupstream:check ${verdict} · ${outcomes.map((outcome) => `${outcome.name} ${outcome.figure}`).join(' · ')}`
  )
  process.exit(verdict === 'PASS' ? 0 : 1)
}

/** Upstream's folders out, ours in, staged: the generators' changes are then a plain `git diff`. */
export function copyIn(checkout: string, from = ours) {
  for (const folder of FOLDERS) {
    rmSync(path.join(checkout, DESTINATIONS, folder), { recursive: true, force: true })
    cpSync(path.join(from, folder), path.join(checkout, DESTINATIONS, folder), { recursive: true })
  }
  git(checkout, 'add', '-A', '--', ...folderPaths)
}

/** The checkout as it was: upstream's folders back, nothing of ours left; the next build compiles them again. */
export function restore(checkout: string) {
  git(checkout, 'reset', '-q', '--', ...folderPaths)
  git(checkout, 'checkout', '--', ...folderPaths)
  git(checkout, 'clean', '-fdq', '--', ...folderPaths)
  rmSync(path.join(checkout, 'packages/destination-actions/tsconfig.build.tsbuildinfo'), { force: true })
}

if (require.main === module) {
  try {
    main()
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(error.message)
    process.exit(2)
  }
}
