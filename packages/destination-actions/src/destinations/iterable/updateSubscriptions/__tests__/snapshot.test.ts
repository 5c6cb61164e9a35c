import destination from '../../index'
import { allFieldsRequests } from '../../__tests__/__helpers__/all-fields'
import { settings, snapshotSuite } from '../../__tests__/__helpers__/support'

// Every field of the action, each mapped to a value made from its definition: the snapshot shows where each lands in
// what is sent to Iterable (method, URL, body), and which fields never reach it.

const actionSlug = 'updateSubscriptions'

describe(snapshotSuite(actionSlug), () => {
  it('all fields', async () => {
    expect(await allFieldsRequests(destination, actionSlug, { settings })).toMatchSnapshot()
  })
})
