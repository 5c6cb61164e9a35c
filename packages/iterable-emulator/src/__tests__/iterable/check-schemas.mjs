// Checks values against the zod schemas of Iterable's own client, `@iterable/api`. The package is ESM only and Jest
// (ts-jest, CommonJS) cannot load it, so Jest runs this script with node: a JSON array of `{ schema, value }` on
// stdin, a JSON array of error lists (empty when the value conforms) on stdout. `schema` is the name the package
// exports, e.g. `UserResponseSchema`; `strict: true` also refuses keys the schema does not list (zod strips them).
import * as iterable from '@iterable/api'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const checks = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const results = checks.map(({ schema, value, strict }) => {
  const zodSchema = iterable[schema]
  if (!zodSchema || typeof zodSchema.safeParse !== 'function') return [`@iterable/api exports no schema ${schema}`]
  const result = (strict ? zodSchema.strict() : zodSchema).safeParse(value)
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '/'}: ${issue.message}`)
})
process.stdout.write(JSON.stringify(results))
