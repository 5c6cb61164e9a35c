import destination from '../index'
import { allFieldsRequests } from '../../iterable/__tests__/__helpers__/all-fields'
import { API_KEY, AUDIENCE_KEY, LIST_ID, listAnswer } from './__helpers__/support'

// Every field of the action, each mapped to a value made from its definition: the snapshot shows where each lands in
// what is sent to Iterable (method, URL, body), and which fields never reach it.

const actionSlug = 'syncAudience'

describe(`Testing snapshot for Iterable Lists' ${actionSlug} destination action:`, () => {
  it('all fields', async () => {
    // The list is named by its numeric id, and the audience key's value in the traits says the user entered it.
    const overrides = {
      segmentAudienceId: String(LIST_ID),
      segmentAudienceKey: AUDIENCE_KEY,
      traitsOrProperties: { [AUDIENCE_KEY]: true, traitsOrPropertiesText: 'traitsOrProperties text' }
    }
    const settings = { apiKey: API_KEY }
    expect(
      await allFieldsRequests(destination, actionSlug, { settings, overrides, answer: listAnswer(1) })
    ).toMatchSnapshot()
  })
})
