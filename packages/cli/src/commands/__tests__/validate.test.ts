import path from 'path'
import os from 'os'
import { promises as fs } from 'fs'
import type { DestinationDefinition } from '@segment/actions-core'
import { DESTINATIONS_DIR } from '../../lib/destinations'
import { validateDefinition, validateDestinations } from '../../lib/validate'
import { iterable } from '@local/destination-actions'
import { authenticationFields, fixtureDestination } from '../../lib/__tests__/fixtures'
import { runBin } from './run-command'

// Each ./bin/run (or npm start) is a new Node process compiling the TypeScript sources: seconds apiece, more on a
// busy machine.
jest.setTimeout(60_000)

/** The fixture destination, broken in every way validate knows. */
function brokenDestination(): DestinationDefinition<any> {
  const definition = fixtureDestination('Broken') as DestinationDefinition<any>
  definition.actions.single.description = ''
  definition.actions.batched.defaultSubscription = 'type = "identify" and ('
  definition.actions.batched.title = 'Single'
  authenticationFields(definition).clientSecret = { label: 'Client secret', description: 'Secret.', type: 'string' }
  definition.presets = [
    { name: 'Bad query', subscribe: 'event = "Signed Up', partnerAction: 'single', mapping: {}, type: 'automatic' },
    { name: 'Ghost action', subscribe: 'type = "track"', partnerAction: 'sendPigeon', mapping: {}, type: 'automatic' },
    {
      name: 'Stray field',
      subscribe: 'type = "identify"',
      partnerAction: 'single',
      mapping: { email: { '@path': '$.traits.email' }, nickname: { '@path': '$.traits.nickname' } },
      type: 'automatic'
    }
  ]
  return definition
}

describe('validateDefinition', () => {
  it('finds nothing wrong with the Iterable destination', () => {
    expect(validateDefinition(iterable)).toEqual([])
  })

  it('finds nothing wrong with the fixture destination', () => {
    expect(validateDefinition(fixtureDestination())).toEqual([])
  })

  it('lists every problem of a broken definition, one sentence each', () => {
    expect(validateDefinition(brokenDestination())).toEqual([
      'The action "single" has no description.',
      'The action "batched" has an invalid defaultSubscription, "type = \\"identify\\" and (": it is not valid FQL.',
      'The actions "single", "batched" share the title "Single"; titles must be unique.',
      'The preset "Bad query" has an invalid subscribe query, "event = \\"Signed Up": it is not valid FQL.',
      'The preset "Ghost action" names the action "sendPigeon", which does not exist.',
      'The preset "Stray field" maps the field "nickname", which the action "single" does not have.',
      expect.stringMatching(/^The setting "clientSecret" looks like a secret but is of type "string"/)
    ])
  })
})

describe('validate', () => {
  let root: string

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'actions-cli-validate-'))
    // A destination folder whose index.ts holds a preset that maps a field its action does not have.
    await fs.mkdir(path.join(root, 'broken'))
    await fs.writeFile(
      path.join(root, 'broken', 'index.ts'),
      `export default {
  name: 'Broken Preset',
  mode: 'cloud',
  authentication: { scheme: 'custom', fields: { apiKey: { label: 'API Key', description: 'Key.', type: 'password' } } },
  presets: [
    { name: 'Identify Calls', subscribe: 'type = "identify"', partnerAction: 'identify', mapping: { mail: 'x' }, type: 'automatic' }
  ],
  actions: {
    identify: {
      title: 'Identify',
      description: 'Identifies a user.',
      defaultSubscription: 'type = "identify"',
      fields: { email: { label: 'Email', description: 'Email.', type: 'string' } },
      perform: () => undefined
    }
  }
}
`
    )
  })
  afterAll(() => fs.rm(root, { recursive: true, force: true }))

  it('reports each destination in-process: valid, or its problems', () => {
    const lines: string[] = []
    const report = validateDestinations([path.join(DESTINATIONS_DIR, 'iterable'), path.join(root, 'broken')], (line) =>
      lines.push(line)
    )
    expect(report.count).toBe(1)
    expect(report.problems[path.join(root, 'broken')]).toEqual([
      'The preset "Identify Calls" maps the field "mail", which the action "identify" does not have.'
    ])
    expect(lines[0]).toMatch(/^✔ Iterable \(Actions\) .*: valid$/)
    expect(lines[1]).toMatch(/^✘ Broken Preset .*: 1 problem$/)
  })

  it('reports a destination that cannot be loaded as a problem', () => {
    const report = validateDestinations([path.join(root, 'missing')], () => undefined)
    expect(report.count).toBe(1)
    expect(Object.values(report.problems)[0][0]).toMatch(/could not be loaded: No destination at/)
  })

  // The command itself, as CI runs it: exit codes are what matters there.
  it('exits 0 on the Iterable destination', async () => {
    const result = await runBin(['validate', '--path', path.join(DESTINATIONS_DIR, 'iterable')])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/✔ Iterable \(Actions\).*: valid/)
  })

  it('exits 1 and lists the problem for a destination with a broken preset', async () => {
    const result = await runBin(['validate', '--path', path.join(root, 'broken')])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/✘ Broken Preset .*: 1 problem/)
    expect(result.stdout).toContain(
      '- The preset "Identify Calls" maps the field "mail", which the action "identify" does not have.'
    )
    expect(result.stderr).toMatch(/1 problem found/)
  })
})
