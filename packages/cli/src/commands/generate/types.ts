import { Command, Flags } from '@oclif/core'
import { destinationDirsFor, displayPath } from '../../lib/destinations'
import { pathFlag } from '../../lib/flags'
import { generateTypes } from '../../lib/generate-types'
import type { GenerationResult } from '../../lib/metadata'

export default class GenerateTypes extends Command {
  static override summary =
    'Regenerate generated-types.ts (Settings, and each action Payload) from the field definitions.'

  static override description = `Fields become a JSON schema (the framework's fieldsToJsonSchema), the schema a TypeScript interface (json-schema-to-typescript), formatted by prettier with the repository's configuration. Only files whose contents change are written, so a second run changes nothing.

With --check nothing is written: the command fails when a committed file differs from a fresh generation.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --path packages/destination-actions/src/destinations/iterable',
    '<%= config.bin %> <%= command.id %> --check'
  ]

  static override flags = {
    path: pathFlag,
    check: Flags.boolean({ summary: 'Write nothing; fail if a committed file is stale.', default: false })
  }

  async run(): Promise<GenerationResult> {
    const { flags } = await this.parse(GenerateTypes)
    const dirs = destinationDirsFor(flags.path)
    if (dirs.length === 0) this.error('No destination found.', { exit: 1 })

    const result = await generateTypes(dirs, { check: flags.check })
    if (flags.check) {
      if (result.stale.length > 0) {
        // Listed unwrapped (oclif wraps error messages), one path a line.
        for (const file of result.stale) this.logToStderr(`stale: ${displayPath(file)}`)
        this.error(`Stale generated types: run npm run generate:types and commit the result.`, { exit: 1 })
      }
      this.log(`generated types are current (${result.total} files)`)
    } else {
      this.log(
        result.changed.length
          ? `wrote ${result.changed.map(displayPath).join(', ')}`
          : `no changes (${result.total} files current)`
      )
    }
    return result
  }
}
