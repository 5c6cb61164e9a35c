// What other packages of this repository use of the CLI: the rewrite of a destination's API origins (the bench sends
// both destinations' calls to its sink with it). Light on purpose: the commands and the server load only with
// ./bin/run (src/commands/index.ts, where oclif finds the commands).
export { withBaseUrlOverride } from './lib/api-base-url'
export type { BaseUrlOverride } from './lib/api-base-url'
