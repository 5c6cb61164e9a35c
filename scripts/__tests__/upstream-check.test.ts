import { execFileSync } from 'child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import os from 'os'
import path from 'path'
import {
  checkoutFrom,
  copyIn,
  requiredFieldComments,
  requireUpstreamNode,
  restore,
  UsageError
} from '../upstream-check'

const DESTINATIONS = 'packages/destination-actions/src/destinations'

function write(root: string, file: string, text: string) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
  writeFileSync(path.join(root, file), text)
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' })

describe('upstream:check', () => {
  let scratch: string
  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'upstream-check-'))
  })
  afterEach(() => rmSync(scratch, { recursive: true, force: true }))

  describe('what it is given', () => {
    it('wants the path of a checkout', () => {
      expect(() => checkoutFrom([])).toThrow(UsageError)
      expect(() => checkoutFrom(['--quick'])).toThrow(/give the path of an installed action-destinations checkout/)
    })

    it('names what an installed checkout lacks', () => {
      write(scratch, `${DESTINATIONS}/.keep`, '')
      expect(() => checkoutFrom([scratch])).toThrow(/is not an installed action-destinations checkout: node_modules/)
    })

    it('takes an installed checkout, and --quick', () => {
      for (const file of [`${DESTINATIONS}/.keep`, 'node_modules/.keep', 'bin/run', 'yarn.lock'])
        write(scratch, file, '')
      expect(checkoutFrom([scratch, '--quick'])).toEqual({ checkout: scratch, quick: true })
      expect(checkoutFrom([scratch])).toEqual({ checkout: scratch, quick: false })
    })

    it.each(['18.17.0', '22.13.1', '22.23.5'])('runs on Node %s, as action-destinations does', (version: string) => {
      expect(() => requireUpstreamNode(version)).not.toThrow()
    })

    it.each(['20.20.2', '22.12.0', '18.16.1', '24.1.0'])('refuses Node %s, naming Node 22', (version: string) => {
      expect(() => requireUpstreamNode(version)).toThrow(`and this is ${version}: put Node 22 first on PATH`)
    })
  })

  it("says what upstream's Required Field Check comments: fields newly required in actions it already knew", () => {
    const before = {
      'Iterable (Actions)': {
        settings: ['apiKey'],
        trackEvent: ['eventName'],
        trackPurchase: ['user', 'items', 'total']
      }
    }
    const after = {
      'Iterable (Actions)': {
        settings: ['apiKey'],
        trackEvent: ['email', 'userId', 'eventName'],
        // An action the live destination had without required fields, and a new one: the workflow skips both.
        updateUser: ['email', 'userId'],
        trackPage: ['email', 'userId'],
        trackPurchase: ['user', 'total']
      },
      'A New Destination': { settings: ['token'] }
    }

    expect(requiredFieldComments(before, after)).toEqual(['Iterable (Actions) trackEvent: email,userId'])
    expect(requiredFieldComments(before, before)).toEqual([])
  })

  it('swaps the two folders into a checkout, and restores the checkout exactly', () => {
    const checkout = path.join(scratch, 'checkout')
    write(checkout, `${DESTINATIONS}/iterable/index.ts`, 'upstream index\n')
    write(checkout, `${DESTINATIONS}/iterable/utils.ts`, 'upstream utils\n')
    write(checkout, `${DESTINATIONS}/iterable-audiences/index.ts`, 'upstream audiences\n')
    write(checkout, `${DESTINATIONS}/other/index.ts`, 'another destination\n')
    git(checkout, 'init', '-q')
    git(checkout, 'add', '-A')
    git(checkout, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'upstream')
    const ours = path.join(scratch, 'ours')
    write(ours, 'iterable/index.ts', 'our index\n')
    write(ours, 'iterable/iterable-api.ts', 'our api\n')
    write(ours, 'iterable-audiences/index.ts', 'our audiences\n')

    copyIn(checkout, ours)

    const destinations = path.join(checkout, DESTINATIONS)
    expect(readFileSync(path.join(destinations, 'iterable/index.ts'), 'utf8')).toBe('our index\n')
    expect(existsSync(path.join(destinations, 'iterable/iterable-api.ts'))).toBe(true)
    // Upstream's files that ours do not have are gone, so nothing stale is built or linted.
    expect(existsSync(path.join(destinations, 'iterable/utils.ts'))).toBe(false)
    expect(readFileSync(path.join(destinations, 'other/index.ts'), 'utf8')).toBe('another destination\n')

    restore(checkout)

    expect(git(checkout, 'status', '--porcelain')).toBe('')
    expect(readFileSync(path.join(destinations, 'iterable/utils.ts'), 'utf8')).toBe('upstream utils\n')
    expect(existsSync(path.join(destinations, 'iterable/iterable-api.ts'))).toBe(false)
  })
})
