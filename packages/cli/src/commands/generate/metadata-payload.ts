import { Command, Flags } from '@oclif/core'
import { destinationDirsFor, displayPath } from '../../lib/destinations'
import { pathFlag } from '../../lib/flags'
import { generateMetadata } from '../../lib/metadata'
import type { GenerationResult } from '../../lib/metadata'

export default class GenerateMetadataPayload extends Command {
  static override summary = "Write metadata.json, the destination's public definition, beside its index.ts."

  static override description = `metadata.json holds what Segment's catalog publishes: name, slug, mode, description, the settings (with defaults and choices), each action (title, description, defaultSubscription, hasPerformBatch, fields) and the presets, in a stable order.

With --check nothing is written: the command fails when metadata.json differs from a fresh generation.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --check']

  static override flags = {
    path: pathFlag,
    check: Flags.boolean({ summary: 'Write nothing; fail if metadata.json is stale.', default: false })
  }

  async run(): Promise<GenerationResult> {
    const { flags } = await this.parse(GenerateMetadataPayload)
    const dirs = destinationDirsFor(flags.path)
    if (dirs.length === 0) this.error('No destination found.', { exit: 1 })

    const result = await generateMetadata(dirs, { check: flags.check })
    if (flags.check) {
      if (result.stale.length > 0) {
        // Listed unwrapped (oclif wraps error messages), one path a line.
        for (const file of result.stale) this.logToStderr(`stale: ${displayPath(file)}`)
        this.error(`Stale metadata: run npm run generate:metadata-payload and commit the result.`, { exit: 1 })
      }
      this.log(`metadata is current (${result.total} destination${result.total === 1 ? '' : 's'})`)
    } else {
      this.log(result.changed.length ? `wrote ${result.changed.map(displayPath).join(', ')}` : 'no changes')
    }
    return result
  }
}
