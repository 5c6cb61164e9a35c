import { Command } from '@oclif/core'
import { destinationDirsFor } from '../lib/destinations'
import { pathFlag } from '../lib/flags'
import { validateDestinations } from '../lib/validate'
import type { ValidationReport } from '../lib/validate'

export default class Validate extends Command {
  static override summary = 'Check destination definitions statically; exit 1 with the list of problems if any.'

  static override description = `Checks, for each destination:
  - every action has a title (unique) and a description;
  - every action's defaultSubscription and every preset's subscribe is a valid FQL query;
  - every preset names an existing action and maps only fields that action has;
  - every setting whose key looks secret (key, secret, token, password) is of type 'password'.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --path packages/destination-actions/src/destinations/iterable'
  ]

  static override flags = { path: pathFlag }

  async run(): Promise<ValidationReport> {
    const { flags } = await this.parse(Validate)
    const dirs = destinationDirsFor(flags.path)
    if (dirs.length === 0) this.error('No destination found to validate.', { exit: 1 })

    const report = validateDestinations(dirs, (line) => this.log(line))
    if (report.count > 0) {
      this.error(`${report.count} problem${report.count === 1 ? '' : 's'} found; fix the definitions listed above.`, {
        exit: 1
      })
    }
    return report
  }
}
