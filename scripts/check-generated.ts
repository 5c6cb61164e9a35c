// CI check: fails when a committed generated-types.ts differs from a fresh generation (`npm run generate:types`
// rewrites them). The generation itself is the CLI's (packages/cli/src/lib/generate-types.ts).
// Usage: ts-node scripts/check-generated.ts [destination folder ...]   (default: every destination)
import { destinationDirsFor, displayPath } from '../packages/cli/src/lib/destinations'
import { generateTypes } from '../packages/cli/src/lib/generate-types'

async function main() {
  const dirs = destinationDirsFor(process.argv.slice(2))
  const { stale, total } = await generateTypes(dirs, { check: true })
  if (stale.length > 0) {
    console.error(
      `Stale generated types (run npm run generate:types and commit the result):\n  ${stale.map(displayPath).join('\n  ')}`
    )
    process.exit(1)
  }
  console.log(
    `generated types are current (${total} files in ${dirs.length} destination${dirs.length === 1 ? '' : 's'})`
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
