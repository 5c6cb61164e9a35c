import GenerateMetadataPayload from './commands/generate/metadata-payload'
import GenerateTypes from './commands/generate/types'
import Serve from './commands/serve'
import Validate from './commands/validate'

// The commands, listed explicitly: oclif loads them from this module (see "oclif" in package.json), from the
// TypeScript sources, so `./bin/run` needs no build step.
export const COMMANDS = {
  serve: Serve,
  validate: Validate,
  'generate:types': GenerateTypes,
  'generate:metadata-payload': GenerateMetadataPayload
}

export { startServer, createApp } from './lib/server'
export { validateDefinition } from './lib/validate'
export { metadataFor, metadataJson } from './lib/metadata'
export { generatedTypesFor, writeGeneratedTypes, staleGeneratedTypes } from './lib/generate-types'
