// Regenerates every generated-types.ts of the Iterable destination from its field definitions.
// Usage: ts-node scripts/generate-types.ts [--check]   (--check: fail if a committed file is stale, write nothing)
import path from 'path'
import { promises as fs } from 'fs'
import destination from '../packages/destination-actions/src/destinations/iterable'
import { generatedTypesFor, writeGeneratedTypes } from '../packages/cli/src/lib/generate-types'

const destinationDir = path.join(__dirname, '../packages/destination-actions/src/destinations/iterable')

async function main() {
  const files = await generatedTypesFor(destinationDir, destination)
  if (process.argv.includes('--check')) {
    const stale = []
    for (const { file, contents } of files) {
      if ((await fs.readFile(file, 'utf8').catch(() => '')) !== contents) stale.push(path.relative(process.cwd(), file))
    }
    if (stale.length > 0) {
      console.error(`Stale generated types (run npm run generate:types):\n  ${stale.join('\n  ')}`)
      process.exit(1)
    }
    console.log(`generated types are current (${files.length} files)`)
    return
  }
  const changed = await writeGeneratedTypes(files)
  console.log(changed.length ? `wrote ${changed.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'no changes')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
