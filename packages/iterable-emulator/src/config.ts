import type { Faults } from './faults'
import { PROJECT_TYPES } from './project'
import type { ProjectType } from './project'

// Settings from the environment, for the CLI and for `startEmulator` options left unset.

type Env = Record<string, string | undefined>

const TRUE = new Set(['1', 'true', 'on', 'yes'])
const FALSE = new Set(['0', 'false', 'off', 'no'])

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase()
  if (!raw) return undefined
  if (TRUE.has(raw)) return true
  if (FALSE.has(raw)) return false
  throw new Error(`${name} must be one of on/off, true/false, 1/0 (got "${env[name]}")`)
}

function number(env: Env, name: string, check: (value: number) => boolean, expected: string): number | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${expected} (got "${raw}")`)
  return value
}

function list(env: Env, name: string): string[] | undefined {
  const raw = env[name]
  if (!raw || raw.trim() === '') return undefined
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

const share = (value: number) => value >= 0 && value <= 1

/** Faults from `EMULATOR_LATENCY_MS`, `EMULATOR_ERROR_RATE`, … ; undefined when none is set. */
export function faultsFromEnv(env: Env): Faults | undefined {
  const statuses = list(env, 'EMULATOR_ERROR_STATUSES')?.map(Number)
  if (statuses?.some((status) => !Number.isInteger(status) || status < 500 || status > 599)) {
    throw new Error(
      `EMULATOR_ERROR_STATUSES must be a comma-separated list of 5xx statuses (got "${env.EMULATOR_ERROR_STATUSES}")`
    )
  }
  const faults: Faults = {
    latencyMs: number(env, 'EMULATOR_LATENCY_MS', (value) => value >= 0, 'a number of milliseconds'),
    errorRate: number(env, 'EMULATOR_ERROR_RATE', share, 'a share from 0 to 1'),
    errorStatuses: statuses,
    dropRate: number(env, 'EMULATOR_DROP_RATE', share, 'a share from 0 to 1'),
    force429: flag(env, 'EMULATOR_FORCE_429'),
    seed: number(env, 'EMULATOR_FAULT_SEED', Number.isInteger, 'an integer'),
    paths: list(env, 'EMULATOR_FAULT_PATHS')
  }
  const set = Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined)) as Faults
  return Object.keys(set).length > 0 ? set : undefined
}

/** `EMULATOR_RATE_LIMITS=off` turns the rate limits off. */
export const rateLimitsFromEnv = (env: Env): boolean | undefined => flag(env, 'EMULATOR_RATE_LIMITS')

/** `EMULATOR_PROJECT_TYPE`: `email` (the default), `userId` or `hybrid`. */
function projectType(env: Env): ProjectType | undefined {
  const raw = env.EMULATOR_PROJECT_TYPE?.trim()
  if (!raw) return undefined
  const type = PROJECT_TYPES.find((candidate) => candidate.toLowerCase() === raw.toLowerCase())
  if (!type) throw new Error(`EMULATOR_PROJECT_TYPE must be one of ${PROJECT_TYPES.join(', ')} (got "${raw}")`)
  return type
}

/** Everything `startEmulator` can take from the environment (the CLI's configuration). */
export function optionsFromEnv(env: Env) {
  const port = number(env, 'EMULATOR_PORT', isPort, 'a port number') ?? number(env, 'PORT', isPort, 'a port number')
  return {
    port,
    host: env.EMULATOR_HOST?.trim() || undefined,
    apiKey: env.EMULATOR_API_KEY?.trim() || undefined,
    rateLimits: rateLimitsFromEnv(env),
    faults: faultsFromEnv(env),
    projectId: number(env, 'EMULATOR_PROJECT_ID', Number.isInteger, 'an integer'),
    projectType: projectType(env),
    createNewFields: flag(env, 'EMULATOR_CREATE_NEW_FIELDS'),
    disallowedEventNames: list(env, 'EMULATOR_DISALLOWED_EVENTS'),
    forgottenEmails: list(env, 'EMULATOR_FORGOTTEN_EMAILS'),
    forgottenUserIds: list(env, 'EMULATOR_FORGOTTEN_USER_IDS')
  }
}

const isPort = (value: number) => Number.isInteger(value) && value >= 0 && value <= 65535
