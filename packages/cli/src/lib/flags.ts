import { Flags } from '@oclif/core'
import { DESTINATIONS_DIR, displayPath } from './destinations'

/** `--path`, shared by the commands that work on one or more destinations. */
export const pathFlag = Flags.string({
  char: 'p',
  summary: 'Destination folder, or its index.ts (repeatable). Default: every destination.',
  description: `Every folder with an index.ts under ${displayPath(DESTINATIONS_DIR)} when not given.`,
  multiple: true
})
