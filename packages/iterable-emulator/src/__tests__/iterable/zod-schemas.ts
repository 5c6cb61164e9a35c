import { execFileSync } from 'node:child_process'
import path from 'node:path'

// The zod schemas of Iterable's own client (`@iterable/api`), from Jest: the package is ESM only, so the checks run
// in a node child process (`check-schemas.mjs`), all of a test's values in one call.

export interface SchemaCheck {
  /** The schema's name as `@iterable/api` exports it, e.g. `UserResponseSchema`. */
  schema: string
  value: unknown
  /** Also refuse keys the schema does not list (zod objects ignore them otherwise). Top-level keys only. */
  strict?: boolean
}

const SCRIPT = path.join(__dirname, 'check-schemas.mjs')

/** For each check, the schema's complaints about the value: none when it conforms. */
export function iterableSchemaErrors(checks: SchemaCheck[]): string[][] {
  const output = execFileSync(process.execPath, [SCRIPT], {
    input: JSON.stringify(checks),
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'error' }
  })
  return JSON.parse(output) as string[][]
}
