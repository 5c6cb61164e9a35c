import GenerateMetadataPayload from './generate/metadata-payload'
import GenerateTypes from './generate/types'
import Serve from './serve'
import Validate from './validate'

// The commands, listed explicitly: oclif loads them from this module ("oclif" in package.json), from the
// TypeScript sources, so `./bin/run` needs no build step.
export const COMMANDS = {
  serve: Serve,
  validate: Validate,
  'generate:types': GenerateTypes,
  'generate:metadata-payload': GenerateMetadataPayload
}
