// @ts-check
// The local tester page: sends an event to serve exactly as Segment's Actions Tester does (POST /<action> with
// {payload, settings, mapping}), then shows what serve answered: a failure's message first, the requests and their
// answers, each event's status, and what the send was about read back from the API. For an audience destination it
// creates or looks up the list the events go to. Plain DOM, no build step; every value from the server is written
// as text (textContent), never as HTML.

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id))

/** @type {any} */ let manifest
/** @type {any} */ let config

async function getJson(/** @type {string} */ url) {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`)
  return response.json()
}

async function postJson(/** @type {string} */ url, /** @type {unknown} */ body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  })
  const json = await response.json()
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${readable(json.error ?? json)}`)
  return json
}

/** A message as text: a string as it is, anything else (an API's JSON answer) as indented JSON. */
const readable = (/** @type {unknown} */ value) => (typeof value === 'string' ? value : pretty(value))

const pretty = (/** @type {unknown} */ value) => JSON.stringify(value, null, 2)

/** A request body as serve gives it (the text that was sent), indented when it is JSON. */
function prettyText(/** @type {unknown} */ text) {
  if (typeof text !== 'string') return pretty(text)
  try {
    return pretty(JSON.parse(text))
  } catch {
    return text
  }
}

function element(/** @type {string} */ tag, /** @type {Record<string, string>} */ attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  for (const child of children) node.append(child)
  return node
}

// Samples: the events serve offers each action, and for an action with a batch path, a batch made of one of them.

/** A copy of the event for another user: its userId and emails changed, a messageId of its own. */
function forUser(/** @type {any} */ event, /** @type {number} */ n) {
  const copy = structuredClone(event)
  const other = (/** @type {string} */ email) => email.replace('@', `+${n}@`)
  if (copy.userId) copy.userId = `${copy.userId}-${n}`
  if (copy.messageId) copy.messageId = `${copy.messageId}-${n}`
  for (const holder of [copy.traits, copy.context?.traits, copy.properties]) {
    if (holder && typeof holder.email === 'string') holder.email = other(holder.email)
  }
  return copy
}

/** A copy of the event with no one to attribute it to: the destination should refuse that event alone. */
function withoutUser(/** @type {any} */ event) {
  const copy = forUser(event, 3)
  delete copy.userId
  delete copy.anonymousId
  for (const holder of [copy.traits, copy.context?.traits, copy.properties]) if (holder) delete holder.email
  return copy
}

function samplesFor(/** @type {string} */ slug) {
  /** @type {{label: string, event: any}[]} */
  const samples = [...(config.samples[slug] ?? [])]
  // A batch of serve's samples (--samples) is offered as it is; otherwise one is made of the first event.
  const hasBatch = samples.some((sample) => Array.isArray(sample.event))
  if (config.actions[slug]?.batch && samples.length > 0 && !hasBatch) {
    const first = samples[0]
    samples.push({
      label: `batch: ${first.label} for 2 users, and one event without a user`,
      event: [first.event, forUser(first.event, 2), withoutUser(first.event)]
    })
  }
  return samples
}

function fillActions() {
  const select = $('action')
  const current = select.value
  select.replaceChildren(
    ...Object.entries(manifest.actions).map(([slug, action]) =>
      element('option', { value: slug }, `${/** @type {any} */ (action).title} (${slug})`)
    )
  )
  if (current && manifest.actions[current]) select.value = current
}

function fillSamples() {
  const slug = $('action').value
  $('action-description').textContent = manifest.actions[slug]?.description ?? ''
  $('sample').replaceChildren(
    ...samplesFor(slug).map((sample, index) => element('option', { value: String(index) }, sample.label))
  )
}

function useSample() {
  const sample = samplesFor($('action').value)[Number($('sample').value)]
  if (sample) $('event').value = pretty(withAudience(sample.event))
}

// The audience panel, for a destination with audienceConfig: creates a list (POST /createAudience) or looks one up
// (POST /getAudience), as Engage does when an audience is connected, and puts the list's id (and the audience key)
// in the events' context.personas, so that they are sent to that list.

/** The context.personas of the first Engage sample: the audience the samples are about. */
function samplePersonas() {
  for (const samples of Object.values(config.samples ?? {})) {
    for (const { event } of /** @type {any[]} */ (samples)) {
      const personas = (Array.isArray(event) ? event : [event]).find((item) => item?.context?.personas)?.context
        ?.personas
      if (personas) return personas
    }
  }
  return undefined
}

function fillAudience() {
  const routes = config.audience
  show('audience', Boolean(routes && (routes.create || routes.get)))
  if (!routes) return
  $('create-audience').hidden = !routes.create
  $('get-audience').hidden = !routes.get
  const personas = samplePersonas() ?? {}
  if ($('audience-key').value === '') $('audience-key').value = personas.computation_key ?? 'vip_customers'
  if ($('audience-name').value === '') $('audience-name').value = $('audience-key').value.replace(/_/g, ' ')
  if ($('audience-id').value === '') $('audience-id').value = String(personas.external_audience_id ?? '')
}

/**
 * The event (or each event of a batch) for the audience of the panel: context.personas names its key and its list id;
 * the membership the event carries under the old key (traits for an identify, properties for a track) moves to the
 * new one. An event without context.personas is not Engage's, and is left as it is.
 * @returns {any}
 */
function withAudience(/** @type {any} */ event) {
  if (Array.isArray(event)) return event.map(withAudience)
  if (!config.audience || !event?.context?.personas) return event
  const key = $('audience-key').value.trim()
  const id = $('audience-id').value.trim()
  const copy = structuredClone(event)
  const personas = copy.context.personas
  const old = personas.computation_key
  if (key && old && key !== old) {
    for (const holder of [copy.traits, copy.properties]) {
      if (holder && Object.prototype.hasOwnProperty.call(holder, old)) {
        holder[key] = holder[old]
        delete holder[old]
      }
    }
    if (copy.properties?.audience_key === old) copy.properties.audience_key = key
  }
  if (key) personas.computation_key = key
  if (id) personas.external_audience_id = id
  return copy
}

/** After a list was created or found: its id in the panel and in the event being edited. */
function useList(/** @type {string} */ externalId) {
  $('audience-id').value = externalId
  try {
    $('event').value = pretty(withAudience(JSON.parse($('event').value)))
    return true
  } catch {
    return false
  }
}

async function audienceCall(/** @type {'createAudience' | 'getAudience'} */ route) {
  const status = $('audience-status')
  const settings = readSettings()
  const personas = samplePersonas() ?? {}
  const key = $('audience-key').value.trim()
  const body =
    route === 'createAudience'
      ? {
          settings,
          audienceName: $('audience-name').value.trim() || key,
          personas: {
            computation_key: key,
            computation_id: personas.computation_id ?? `aud_${key}`,
            namespace: personas.namespace ?? 'spa_local_tester'
          }
        }
      : { settings, externalId: $('audience-id').value.trim() }
  status.textContent = `POST /${route}…`
  status.className = 'hint'
  try {
    const response = await fetch(`/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    })
    const answer = await response.json()
    if (!response.ok || typeof answer.externalId !== 'string') {
      const code = answer.code ? ` (${answer.code})` : ''
      throw new Error(`POST /${route} answered ${response.status}${code}: ${readable(answer.error ?? answer)}`)
    }
    const edited = useList(answer.externalId)
    const what =
      route === 'createAudience'
        ? `The list of ${key} is ${answer.externalId} (created, or found by its name).`
        : `The list ${answer.externalId} exists.`
    status.textContent = `${what} ${
      edited ? 'The event and the samples now use it: Send.' : 'The samples now use it (the event is not valid JSON).'
    }`
    status.className = 'ok'
  } catch (error) {
    status.textContent = /** @type {Error} */ (error).message
    status.className = 'bad'
  }
}

function resetMapping() {
  $('mapping').value = pretty(config.actions[$('action').value]?.defaultMapping ?? {})
}

function fillSettings() {
  const fields = manifest.authentication?.fields ?? {}
  const inputs = Object.entries(fields).map(([key, field]) => {
    const initial = config.settings[key] ?? field.default
    let input
    if (field.choices) {
      // A setting without a default may stay unset, which a destination can read differently from any choice.
      const unset = initial === undefined ? [element('option', { value: '' }, '(not set)')] : []
      input = element(
        'select',
        {},
        ...unset,
        ...field.choices.map((choice) =>
          element('option', { value: String(choice.value ?? choice) }, choice.label ?? String(choice))
        )
      )
    } else if (field.type === 'boolean') {
      input = element('input', { type: 'checkbox' })
      input.checked = Boolean(initial)
    } else {
      input = element('input', {
        autocomplete: 'off',
        type: field.type === 'password' ? 'password' : field.type === 'number' ? 'number' : 'text'
      })
    }
    input.id = `setting-${key}`
    input.dataset.setting = key
    input.dataset.type = field.type
    if (initial !== undefined && field.type !== 'boolean') input.value = String(initial)
    return element(
      'label',
      field.type === 'boolean' ? { class: 'checkbox' } : {},
      `${field.label ?? key}${field.required ? ' *' : ''}`,
      input
    )
  })
  $('settings').replaceChildren(element('legend', {}, 'Settings'), ...inputs)
}

function readSettings() {
  /** @type {Record<string, unknown>} */
  const settings = {}
  for (const input of /** @type {NodeListOf<any>} */ (document.querySelectorAll('[data-setting]'))) {
    const { setting, type } = input.dataset
    if (type === 'boolean') settings[setting] = input.checked
    else if (input.value !== '') settings[setting] = type === 'number' ? Number(input.value) : input.value
  }
  return settings
}

function readJson(/** @type {string} */ id, /** @type {string} */ what) {
  try {
    return JSON.parse($(id).value)
  } catch (error) {
    throw new Error(`The ${what} is not valid JSON: ${/** @type {Error} */ (error).message}`)
  }
}

// Output.

function show(/** @type {string} */ id, /** @type {boolean} */ visible) {
  $(id).hidden = !visible
}

function headersTable(/** @type {Record<string, string>} */ headers) {
  const rows = Object.entries(headers ?? {}).map(([name, value]) =>
    element('tr', {}, element('th', {}, name), element('td', {}, String(value)))
  )
  return element('table', { class: 'headers' }, element('tbody', {}, ...rows))
}

function renderExchanges(/** @type {any[]} */ exchanges) {
  $('exchanges').replaceChildren(
    ...exchanges.map(({ request, response }) =>
      element(
        'article',
        { class: 'exchange' },
        element('h3', {}, `${request.method} ${request.url}`),
        element(
          'details',
          { open: '' },
          element('summary', {}, 'Request'),
          headersTable(request.headers),
          element('pre', {}, prettyText(request.body))
        ),
        element(
          'details',
          { open: '' },
          element(
            'summary',
            { class: response.statusCode < 300 ? 'ok' : 'bad' },
            `Response ${response.statusCode} ${response.statusMessage ?? ''}`
          ),
          element('pre', {}, prettyText(response.body))
        )
      )
    )
  )
  show('exchanges-panel', exchanges.length > 0)
}

/** The action's fields an error names: those of its `fields`, and those its message names by key or by label. */
function namedFields(/** @type {any} */ failure, /** @type {string} */ slug) {
  const fields = manifest.actions[slug]?.fields ?? {}
  /** @type {Map<string, string | undefined>} */
  const named = new Map()
  const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  for (const [path, reason] of Object.entries(failure.fields ?? {})) {
    const key = path.split(/[.[]/)[0]
    if (Object.prototype.hasOwnProperty.call(fields, key)) named.set(key, String(reason))
  }
  const text = [readable(failure.message ?? ''), ...Object.values(failure.fields ?? {})].join('\n')
  for (const [key, field] of Object.entries(fields)) {
    if (named.has(key)) continue
    const byKey = new RegExp(`(^|[^\\w])${escape(key)}($|[^\\w])`).test(text)
    const label = typeof field.label === 'string' && field.label.length > 3 ? field.label : undefined
    const byLabel = label && new RegExp(`(^|[^\\w])${escape(label)}($|[^\\w])`, 'i').test(text)
    if (byKey || byLabel) named.set(key, undefined)
  }
  return [...named].map(([key, reason]) => ({ key, label: fields[key]?.label, reason }))
}

/** A failure, its message first (whole, wrapped), the fields it names and how each is mapped, the stack put away. */
function renderError(/** @type {any} */ failure, /** @type {string} */ slug, /** @type {any} */ mapping) {
  const { exchanges: _shown, multistatus: _listed, ...error } = failure
  const message = readable(error.message ?? '(no message)')
  $('error-message').textContent = message
  const fields = namedFields(error, slug)
  $('error-fields').replaceChildren(
    ...fields.map(({ key, label, reason }) => {
      const mapped = mapping?.[key] === undefined ? 'not mapped' : `mapped from ${JSON.stringify(mapping[key])}`
      return element(
        'li',
        {},
        element('code', {}, key),
        `${label && label !== key ? ` (${label})` : ''}: ${mapped}`,
        ...(reason && reason !== message ? [element('br'), reason] : [])
      )
    })
  )
  show('error-fields-panel', fields.length > 0)
  $('error-meta').textContent = [`status ${error.statusCode}`, error.code && `code ${error.code}`]
    .filter(Boolean)
    .join(' · ')
  $('error-stack').textContent = Array.isArray(error.stack) ? error.stack.join('\n') : String(error.stack ?? '')
  show('error-stack-details', Boolean(error.stack))
  $('error-body').textContent = pretty(error)
  for (const id of ['error-stack-details', 'error-body-details']) $(id).open = false
  show('error', true)
}

function renderEvents(/** @type {any[] | undefined} */ statuses) {
  const rows = (statuses ?? []).map((entry, index) => {
    const ok = entry.status < 300
    // For an accepted event, what the destination sent for it; for a refused one, why.
    const sent = typeof entry.sent === 'string' ? entry.sent : JSON.stringify(entry.sent ?? '')
    const result = ok
      ? [`sent ${sent.length > 160 ? `${sent.slice(0, 160)}…` : sent}`]
      : [element('span', { class: 'code' }, entry.errortype ?? ''), `: ${entry.errormessage ?? ''}`]
    return element(
      'tr',
      {},
      element('td', {}, String(index)),
      element('td', { class: ok ? 'ok' : 'bad' }, String(entry.status)),
      element('td', { class: 'result' }, ...result)
    )
  })
  $('events').tBodies[0].replaceChildren(...rows)
  show('events-panel', rows.length > 0)
}

function renderProfiles(/** @type {any[]} */ profiles, /** @type {string} */ note) {
  $('profiles-note').textContent = note
  $('profiles').replaceChildren(
    ...profiles.map((profile) =>
      element(
        'article',
        { class: 'profile' },
        element('h3', {}, `GET ${profile.url}`),
        element('p', { class: profile.statusCode === 200 ? 'ok' : 'bad' }, profile.error ?? String(profile.statusCode)),
        element('pre', {}, profile.body === undefined ? '' : prettyText(profile.body))
      )
    )
  )
  show('profiles-panel', true)
}

/**
 * Reads back what the send was about: the users (and lists) the requests named, as they are after them (after an
 * email change, the new address). When no request reached the API there is nothing to read: that is said instead.
 */
async function readBack(
  /** @type {unknown} */ payload,
  /** @type {unknown} */ settings,
  /** @type {any[]} */ exchanges
) {
  if (!config.canReadProfiles) return
  if (exchanges.length === 0) {
    renderProfiles([], 'Nothing was sent to the API, so nothing to read back.')
    return
  }
  const sent = exchanges.map(({ request, response }) => ({ body: request.body, accepted: response.statusCode < 300 }))
  const { profiles } = await postJson('/_tester/profiles', { payload, settings, sent })
  renderProfiles(
    profiles,
    profiles.length > 0
      ? 'The users (and lists) the requests were about, as the API has them now: after an email change, the new address.'
      : 'The requests named no user or list to read back.'
  )
}

function clearOutput() {
  for (const id of ['error', 'events-panel', 'mapped-panel', 'exchanges-panel', 'profiles-panel']) show(id, false)
}

async function send(/** @type {Event} */ submit) {
  submit.preventDefault()
  clearOutput()
  const slug = $('action').value
  const status = $('status')
  try {
    const payload = readJson('event', 'event')
    const mapping = readJson('mapping', 'mapping')
    const settings = readSettings()
    status.textContent = `Sending to POST /${slug}…`
    const { payloads } = await postJson('/_tester/map', { payload, mapping })
    $('mapped').textContent = pretty(Array.isArray(payload) ? payloads : payloads[0])
    show('mapped-panel', true)

    // As Segment's Actions Tester sends it; useDefaultMappings: false runs the mapping as edited here.
    const answer = await postJson(`/${slug}`, { payload, settings, mapping, useDefaultMappings: false })
    const failure = answer.find((item) => item.requestError)
    const exchanges = failure ? failure.exchanges ?? [] : answer
    renderExchanges(exchanges)
    if (failure) renderError(failure, slug, mapping)
    const requests = `${exchanges.length} request${exchanges.length === 1 ? '' : 's'} to the API`
    const statuses = failure ? failure.multistatus : exchanges[0]?.multistatus
    const refused = (statuses ?? []).filter((entry) => entry.status >= 300).length
    if (failure) status.textContent = `The action failed with ${failure.statusCode}; ${requests}.`
    else if (statuses)
      status.textContent = `${statuses.length - refused} of ${
        statuses.length
      } events accepted, ${refused} refused; ${requests}.`
    else status.textContent = `Sent: ${requests}.`
    status.className = failure || refused > 0 ? 'bad' : 'ok'
    renderEvents(statuses)

    await readBack(payload, settings, exchanges)
  } catch (error) {
    status.textContent = /** @type {Error} */ (error).message
    status.className = 'bad'
  }
}

/** The destination's own check of the settings, as the Actions Tester runs it. */
async function authenticate() {
  const status = $('status')
  try {
    const answer = await postJson('/authenticate', readSettings())
    status.textContent = answer.ok ? 'The settings are accepted.' : `The settings are refused: ${answer.error}`
    status.className = answer.ok ? 'ok' : 'bad'
  } catch (error) {
    status.textContent = /** @type {Error} */ (error).message
    status.className = 'bad'
  }
}

async function load() {
  ;[manifest, config] = await Promise.all([getJson('/manifest'), getJson('/_tester/config')])
  document.title = `${manifest.name}: tester`
  $('title').textContent = `${manifest.name}: local tester`
  fillActions()
}

/** On `change` from serve's live-reload WebSocket (the destination reloaded), read the definition again. */
function listenForReloads() {
  if (!config.liveReloadPort) return
  const socket = new WebSocket(`ws://${location.hostname}:${config.liveReloadPort}`)
  socket.addEventListener('message', async (message) => {
    if (message.data !== 'change') return
    await load()
    fillAudience()
    fillSamples()
    $('reloaded').textContent = `Reloaded at ${new Date().toLocaleTimeString()}`
  })
}

async function start() {
  try {
    await load()
  } catch (error) {
    $('status').textContent = `Could not read the destination from serve: ${/** @type {Error} */ (error).message}`
    return
  }
  fillSettings()
  fillAudience()
  fillSamples()
  useSample()
  resetMapping()
  $('action').addEventListener('change', () => {
    fillSamples()
    useSample()
    resetMapping()
  })
  $('sample').addEventListener('change', useSample)
  $('reset-mapping').addEventListener('click', resetMapping)
  $('input').addEventListener('submit', send)
  $('authenticate').addEventListener('click', authenticate)
  $('create-audience').addEventListener('click', () => audienceCall('createAudience'))
  $('get-audience').addEventListener('click', () => audienceCall('getAudience'))
  listenForReloads()
  document.body.dataset.ready = 'true'
}

void start()
