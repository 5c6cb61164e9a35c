// @ts-check
// The local tester page: sends an event to serve exactly as Segment's Actions Tester does (POST /<action> with
// {payload, settings, mapping}), then shows what serve answered. Plain DOM, no build step; every value from the
// server is written as text (textContent), never as HTML.

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
  if (!response.ok) throw new Error(json.error ?? `POST ${url} answered ${response.status}`)
  return json
}

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
  /** @type {{label: string, event: unknown}[]} */
  const samples = [...(config.samples[slug] ?? [])]
  if (config.actions[slug]?.batch && samples.length > 0) {
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
  if (sample) $('event').value = pretty(sample.event)
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

function renderEvents(/** @type {any[] | undefined} */ statuses) {
  const rows = (statuses ?? []).map((entry, index) => {
    const ok = entry.status < 300
    // For an accepted event, what the destination sent for it; for a refused one, why.
    const sent = typeof entry.sent === 'string' ? entry.sent : JSON.stringify(entry.sent ?? '')
    const result = ok
      ? `sent ${sent.length > 100 ? `${sent.slice(0, 100)}…` : sent}`
      : `${entry.errortype ?? ''}: ${entry.errormessage ?? ''}`
    return element(
      'tr',
      {},
      element('td', {}, String(index)),
      element('td', { class: ok ? 'ok' : 'bad' }, String(entry.status)),
      element('td', {}, result)
    )
  })
  $('events').tBodies[0].replaceChildren(...rows)
  show('events-panel', rows.length > 0)
}

function renderProfiles(/** @type {any[]} */ profiles) {
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
  show('profiles-panel', profiles.length > 0)
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
    if (failure) {
      const { exchanges: _shown, multistatus: _listed, ...error } = failure
      $('error-body').textContent = pretty(error)
      show('error', true)
    }
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

    if (config.canReadProfiles) {
      const { profiles } = await postJson('/_tester/profiles', { payload, settings })
      renderProfiles(profiles)
    }
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
  listenForReloads()
  document.body.dataset.ready = 'true'
}

void start()
