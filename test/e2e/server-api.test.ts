// The Task Planning Service's API over real HTTP on 127.0.0.1 (the service in this process, so the
// many error cases run quickly): both routes, every status with its body, auth, limits, questions,
// stream framing, metrics and what the logs may hold.
import { afterEach, describe, expect, it } from 'vitest'
import { FakeModelServer } from '../support/fake-models.ts'
import {
  CLIENT_SECRET,
  OTHER_SECRET,
  type RunningService,
  eventually,
  modelPlan,
  modelQuestions,
  printLikeThePythonClient,
  rawPost,
  readSse,
  startService,
} from '../support/service.ts'

const PROVIDER_KEY = 'sk-provider-key-must-never-be-logged-42'
const MODEL = 'gpt-5.4-mini'
/** A phrase only request bodies hold: it must never reach a log line. */
const BODY_PHRASE = 'the eu-west reporting cluster drops writes at 9000 rps'
const KEYS = ['--api-key', `ci=${CLIENT_SECRET}`, '--api-key', `chatbot=${OTHER_SECRET}`]
const AUTH = { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' }
const TASK = { task_description: `Rate-limit the public API\n\n- [ ] Measure traffic (2h)\n- [ ] Add a token bucket\n- [ ] Roll out behind a flag\n\nToday ${BODY_PHRASE}.`, context: { environment: 'production' } }

let running: RunningService | undefined
let models: FakeModelServer | undefined
const allLogs: string[] = []

afterEach(async () => {
  if (running) allLogs.push(running.logs.text)
  await running?.close()
  await models?.close()
  running = undefined
  models = undefined
})

async function outline(extra: string[] = []): Promise<RunningService> {
  running = await startService([...KEYS, ...extra])
  return running
}

async function llm(extra: string[] = []): Promise<{ service: RunningService; models: FakeModelServer }> {
  models = await FakeModelServer.start({ key: PROVIDER_KEY })
  running = await startService([...KEYS, '--planner', 'openai', '--model', MODEL, '--planner-url', models.baseURL('openai'), ...extra], { OPENAI_API_KEY: PROVIDER_KEY })
  return { service: running, models }
}

/** Scrapes /metrics until it holds `line`, and returns that scrape. */
async function untilMetric(service: RunningService, line: string): Promise<string> {
  for (;;) {
    const text = await (await fetch(`${service.url}/metrics`)).text()
    if (text.includes(line)) return text
    await new Promise((r) => setTimeout(r, 10))
  }
}

const post = (service: RunningService, path: string, body: unknown, headers: Record<string, string> = AUTH): Promise<Response> =>
  fetch(`${service.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

describe('POST /task-planning/plan', () => {
  it('answers the plan document, with a request id, and logs one line with the key name', async () => {
    const service = await outline()
    const response = await post(service, '/task-planning/plan', TASK, { ...AUTH, 'x-request-id': 'req-from-client-1' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('x-request-id')).toBe('req-from-client-1')
    const doc = (await response.json()) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual(['title', 'description', 'plan', 'steps'])
    expect(doc.title).toBe('Rate-limit the public API')
    expect(doc.steps).toEqual([
      expect.objectContaining({ name: 'Measure traffic', estimated_time: '2h', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], context: {}, acceptance_criteria: [], files: [] }),
      expect.objectContaining({ name: 'Add a token bucket', estimated_time: null }),
      expect.objectContaining({ name: 'Roll out behind a flag' }),
    ])
    expect(doc.plan).toMatch(/^# Rate-limit the public API\n\n## 1\. Measure traffic \(2h\)\n/)
    await eventually(() => service.logs.requests.length === 1, 'the access log line')
    expect(service.logs.requests[0]).toMatchObject({ level: 'info', request_id: 'req-from-client-1', method: 'POST', path: '/task-planning/plan', status: 200, key: 'ci', outcome: 'plan', remote: '127.0.0.1' })
    expect(service.logs.requests[0]!.duration_ms).toEqual(expect.any(Number))
  })

  it('plans with an LLM planner and reports its tokens in the document, the log and the metrics', async () => {
    const { service, models } = await llm()
    models.script({ text: JSON.stringify(modelPlan(3)), usage: { input: 1234, output: 321 } })
    const response = await post(service, '/task-planning/plan', TASK, { ...AUTH, authorization: `Bearer ${OTHER_SECRET}` })
    expect(response.status).toBe(200)
    const doc = (await response.json()) as { steps: { name: string; dependencies: string[] }[]; usage: unknown }
    expect(doc.steps.map((s) => s.name)).toEqual(['Step 1: Measure current traffic', 'Step 2: Add the token bucket', 'Step 3: Return 429 with Retry-After'])
    expect(doc.steps[1]!.dependencies).toEqual(['1'])
    expect(doc.usage).toEqual({ input_tokens: 1234, output_tokens: 321 })
    // The task reached the model quoted as data.
    expect(models.requests[0]!.prompt).toContain(`Today ${BODY_PHRASE}.`)
    expect(models.requests[0]!.prompt).toContain('The following is quoted user content from issue #0')
    await eventually(() => service.logs.requests.length === 1, 'the access log line')
    expect(service.logs.requests[0]).toMatchObject({ key: 'chatbot', status: 200, input_tokens: 1234, output_tokens: 321 })
    const metrics = await (await fetch(`${service.url}/metrics`)).text()
    expect(metrics).toContain('task_planning_tokens_total{key="chatbot",kind="input"} 1234')
    expect(metrics).toContain('task_planning_tokens_total{key="chatbot",kind="output"} 321')
  })

  it('answers questions with 422 and the documented detail shape', async () => {
    const { service, models } = await llm()
    models.script({ text: JSON.stringify(modelQuestions(['Which endpoints need limits?', 'Per key or per IP?'])) })
    const response = await post(service, '/task-planning/plan', { task_description: 'Make the API better' })
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      detail: { error: 'needs_info', message: 'The task is too vague to plan without guessing: answer the questions and ask again.', questions: ['Which endpoints need limits?', 'Per key or per IP?'] },
    })
    await eventually(() => service.logs.requests.length === 1, 'the access log line')
    expect(service.logs.requests[0]).toMatchObject({ status: 422, outcome: 'needs_info' })
  })

  it('answers the outline planner’s questions the same way', async () => {
    const service = await outline()
    const response = await post(service, '/task-planning/plan', { task_description: 'Make the dashboard faster' })
    expect(response.status).toBe(422)
    const { detail } = (await response.json()) as { detail: { error: string; questions: string[] } }
    expect(detail.error).toBe('needs_info')
    expect(detail.questions.length).toBeGreaterThan(0)
  })
})

describe('POST /task-planning/plan/stream', () => {
  it('sends Server-Sent Events whose data pieces print as the plan text, and a last update with the whole plan', async () => {
    const service = await outline()
    const response = await post(service, '/task-planning/plan/stream', TASK)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toContain('no-cache')
    const updates = await readSse(response)
    const printed = printLikeThePythonClient(updates)
    const last = updates.at(-1)!.update as { plan: { plan: string; steps: unknown[] } }
    expect(last.plan.steps).toHaveLength(3)
    expect(printed).toBe(last.plan.plan)
    expect(printed).toContain('## 2. Add a token bucket')
    // One update per step, each carrying the step as data for programs.
    expect(updates.filter(({ update }) => 'step' in update).map(({ update }) => (update.step as { name: string }).name)).toEqual(['Measure traffic', 'Add a token bucket', 'Roll out behind a flag'])
  })

  it('streams an LLM plan step by step while the model writes it, as readable Markdown', async () => {
    const { service, models } = await llm()
    const plan = modelPlan(4)
    models.script({ text: JSON.stringify(plan), pieceDelayMs: 5 })
    const response = await post(service, '/task-planning/plan/stream', TASK)
    const updates = await readSse(response)
    const printed = printLikeThePythonClient(updates)
    const last = updates.at(-1)!.update as { plan: { plan: string; steps: { name: string }[] } }
    expect(printed).toBe(last.plan.plan)
    expect(printed.startsWith('# Per-key rate limits\n\n## 1. Step 1: Measure current traffic (1h)\n\nWork for step 1.\n\n- Done when: Check 1 passes\n')).toBe(true)
    expect(printed).not.toMatch(/[{}"]/)
    expect(printed.endsWith('Summary: Add a token bucket per API key, behind a flag, then roll it out.\n')).toBe(true)
    // The first steps reached the client before the model had finished writing.
    const firstStep = updates.find(({ update }) => 'step' in update)!
    expect(firstStep.at).toBeLessThan(models.requests[0]!.endedAt!)
    expect(updates.filter(({ update }) => 'step' in update)).toHaveLength(4)
  })

  it('with --no-stream, asks the model once and sends the same pieces at the end', async () => {
    const { service, models } = await llm(['--no-stream'])
    models.script({ text: JSON.stringify(modelPlan(3)) })
    const updates = await readSse(await post(service, '/task-planning/plan/stream', TASK))
    expect(models.requests[0]!.stream).toBe(false)
    expect(updates.filter(({ update }) => 'step' in update)).toHaveLength(3)
    expect(printLikeThePythonClient(updates)).toBe((updates.at(-1)!.update as { plan: { plan: string } }).plan.plan)
  })

  it('ends with the questions when the model asks instead of planning', async () => {
    const { service, models } = await llm()
    models.script({ text: JSON.stringify(modelQuestions(['Which endpoints?'])) })
    const response = await post(service, '/task-planning/plan/stream', { task_description: 'Make the API better' })
    expect(response.status).toBe(200)
    const updates = await readSse(response)
    expect(updates.at(-1)!.update).toEqual({
      data: 'The task is too vague to plan without guessing: answer the questions and ask again.\n\n1. Which endpoints?\n',
      detail: { error: 'needs_info', message: 'The task is too vague to plan without guessing: answer the questions and ask again.', questions: ['Which endpoints?'] },
    })
  })

  it('ends with the failure when the model fails after the stream started (HTTP 200 already sent)', async () => {
    const { service, models } = await llm()
    models.script({ error: { kind: 'server' } })
    const response = await post(service, '/task-planning/plan/stream', TASK)
    expect(response.status).toBe(200)
    const updates = await readSse(response)
    const last = updates.at(-1)!.update as { data: string; detail: { error: string; message: string } }
    expect(last.detail.error).toBe('upstream_error')
    expect(last.detail.message).toMatch(/^The backing planner failed: OpenAI failed while planning \(HTTP 500\)/)
    expect(last.data).toBe(`Planning failed: ${last.detail.message}\n`)
  })

  it('refuses before the stream starts with the same JSON errors as the plain route', async () => {
    const service = await outline()
    const unauthorized = await post(service, '/task-planning/plan/stream', TASK, { 'content-type': 'application/json' })
    expect(unauthorized.status).toBe(401)
    const invalid = await post(service, '/task-planning/plan/stream', { context: {} })
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { detail: { loc: string[] }[] }).detail[0]!.loc).toEqual(['body', 'task_description'])
  })
})

describe('errors: JSON {"detail": …} with the right status', () => {
  it('401 for a missing or wrong key, with WWW-Authenticate; the secret sent is never logged', async () => {
    const service = await outline()
    const missing = await post(service, '/task-planning/plan', TASK, { 'content-type': 'application/json' })
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer')
    expect(await missing.json()).toEqual({ detail: 'Missing API key: send it as the header Authorization: Bearer <key>.' })
    const wrong = await post(service, '/task-planning/plan', TASK, { ...AUTH, authorization: 'Bearer wrong-key-that-is-long-enough-123' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ detail: 'Invalid API key: check the key you were given for this service.' })
    await eventually(() => service.logs.requests.length === 2, 'two access lines')
    expect(service.logs.requests.map((l) => [l.status, l.key, l.outcome])).toEqual([
      [401, null, 'unauthorized'],
      [401, null, 'unauthorized'],
    ])
    expect(service.logs.text).not.toContain('wrong-key-that-is-long-enough-123')
  })

  it('400 for invalid JSON, invalid UTF-8 and an empty body', async () => {
    const service = await outline()
    const bad = await post(service, '/task-planning/plan', '{"task_description": "x",')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/^The request body is not valid JSON \(.+\): send \{"task_description"/)
    const latin1 = await rawPost(`${service.url}/task-planning/plan`, Buffer.concat([Buffer.from('{"task_description": "Caf'), Buffer.from([0xe9]), Buffer.from('"}')]), AUTH)
    expect(latin1.status).toBe(400)
    expect(JSON.parse(latin1.body)).toEqual({ detail: 'The request body is not valid UTF-8: send JSON encoded as UTF-8.' })
    const empty = await post(service, '/task-planning/plan', '')
    expect(empty.status).toBe(400)
    expect(((await empty.json()) as { detail: string }).detail).toContain('The request body is empty')
    expect((await post(service, '/task-planning/plan', TASK)).status).toBe(200)
  })

  it('400 for a body that smuggles __proto__', async () => {
    const service = await outline()
    const response = await post(service, '/task-planning/plan', '{"task_description": "x", "context": {"__proto__": {"admin": true}}}')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { detail: string }).detail).toContain('not valid JSON')
  })

  it('413 for a 10 MB body, and the service keeps serving', async () => {
    const service = await outline()
    const huge = Buffer.from(JSON.stringify({ task_description: 'x'.repeat(10 * 1024 * 1024) }))
    const reply = await rawPost(`${service.url}/task-planning/plan`, huge, AUTH)
    expect(reply.status).toBe(413)
    expect(JSON.parse(reply.body)).toEqual({ detail: 'The request body is larger than the 1048576 bytes this service accepts (--max-body): send a shorter task and context.' })
    expect((await post(service, '/task-planning/plan', TASK)).status).toBe(200)
  })

  it('415 for a body that is not JSON', async () => {
    const service = await outline()
    const response = await post(service, '/task-planning/plan', 'task_description=x', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' })
    expect(response.status).toBe(415)
    expect(await response.json()).toEqual({ detail: 'Send the request body as JSON with the header Content-Type: application/json.' })
  })

  it('422 with field errors for a missing, empty or non-string description, a wrong context and deep nesting; then still serving', async () => {
    const service = await outline()
    const cases: [unknown, unknown][] = [
      [{ context: {} }, [{ type: 'missing', loc: ['body', 'task_description'], msg: expect.any(String) }]],
      [{ task_description: '' }, [{ type: 'string_too_short', loc: ['body', 'task_description'], msg: expect.any(String), input: '' }]],
      [{ task_description: 12 }, [{ type: 'string_type', loc: ['body', 'task_description'], msg: expect.any(String), input: 12 }]],
      [{ task_description: 'x', context: 'prod' }, [{ type: 'dict_type', loc: ['body', 'context'], msg: expect.any(String), input: 'prod' }]],
      [[1, 2], [{ type: 'model_attributes_type', loc: ['body'], msg: expect.any(String) }]],
    ]
    for (const [body, detail] of cases) {
      const response = await post(service, '/task-planning/plan', body)
      expect(response.status).toBe(422)
      expect(await response.json()).toEqual({ detail })
    }
    const deep = `{"task_description": "x", "context": {"a": ${'['.repeat(50_000)}${']'.repeat(50_000)}}}`
    const nested = await post(service, '/task-planning/plan', deep)
    expect(nested.status).toBe(422)
    expect(((await nested.json()) as { detail: { type: string }[] }).detail[0]!.type).toBe('too_deep')
    expect((await post(service, '/task-planning/plan', TASK)).status).toBe(200)
  })

  it('404 for an unknown path and 405 for another method on a plan route', async () => {
    const service = await outline()
    const missing = await fetch(`${service.url}/plan`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ detail: 'Not Found' })
    const get = await fetch(`${service.url}/task-planning/plan`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(await get.json()).toEqual({ detail: 'Method Not Allowed: plans are asked for with POST.' })
  })

  it('429 with Retry-After when every slot is busy and the queue is full', async () => {
    const { service, models } = await llm(['--concurrency', '1', '--queue', '1', '--queue-timeout', '60', '--shutdown-timeout', '0'])
    models.script({ hang: true })
    const busy = post(service, '/task-planning/plan', TASK)
    await models.waitForRequests(1)
    const queued = post(service, '/task-planning/plan', TASK)
    await untilMetric(service, 'task_planning_queued 1')
    const full = await post(service, '/task-planning/plan', TASK)
    expect(full.status).toBe(429)
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await full.json()).toEqual({ detail: expect.stringMatching(/^The service is busy: 1 plans are running and 1 waiting\. Retry after \d+ s\.$/) })
    const metrics = await untilMetric(service, 'task_planning_rejections_total{reason="queue_full"} 1')
    expect(metrics).toContain('task_planning_in_flight 1')
    // Shutting down: the waiting request is refused with 503, the running plan stopped.
    await service.service.shutdown()
    for (const reply of [await queued, await busy]) {
      expect(reply.status).toBe(503)
      expect(reply.headers.get('retry-after')).toBe('1')
      expect(await reply.json()).toEqual({ detail: expect.stringMatching(/^The service is shutting down/) })
    }
    running = undefined
  })

  it('429 with Retry-After when no slot comes free within --queue-timeout', async () => {
    const { service, models } = await llm(['--concurrency', '1', '--queue', '1', '--queue-timeout', '1'])
    models.script({ hang: true })
    const busy = post(service, '/task-planning/plan', TASK)
    await models.waitForRequests(1)
    const waited = await post(service, '/task-planning/plan', TASK)
    expect(waited.status).toBe(429)
    expect(waited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await waited.json()).toEqual({ detail: expect.stringMatching(/^The service is busy: no plan slot came free within 1 s\. Retry after \d+ s\.$/) })
    await untilMetric(service, 'task_planning_rejections_total{reason="queue_timeout"} 1')
    service.service.abortAll()
    expect((await busy).status).toBe(503)
  })

  it('502 when the model fails', async () => {
    const { service, models } = await llm()
    models.script({ error: { kind: 'auth' } })
    const response = await post(service, '/task-planning/plan', TASK)
    expect(response.status).toBe(502)
    const { detail } = (await response.json()) as { detail: string }
    expect(detail).toMatch(/^The backing planner failed: OpenAI rejected the API key \(HTTP 401\)/)
    expect(detail).toContain('--planner-api-key')
    expect(detail).not.toContain(PROVIDER_KEY)
  })

  it('502 when the model’s reply is not a plan; the client is told how it began, the log is not', async () => {
    const { service, models } = await llm()
    models.script({ text: 'I would rather not plan this; the launch codes are 0000.' })
    const response = await post(service, '/task-planning/plan', TASK)
    expect(response.status).toBe(502)
    expect(((await response.json()) as { detail: string }).detail).toContain('the launch codes are 0000')
    await eventually(() => service.logs.requests.length === 1, 'the access line')
    expect(service.logs.lines.find((l) => l.error === 'upstream_error')).toMatchObject({ level: 'error', msg: expect.stringContaining('invalid-reply') })
    expect(service.logs.text).not.toContain('launch codes')
  })

  it('504 when the plan takes longer than --timeout, and the model call is stopped', async () => {
    const { service, models } = await llm(['--timeout', '1'])
    models.script({ hang: true })
    const response = await post(service, '/task-planning/plan', TASK)
    expect(response.status).toBe(504)
    expect(await response.json()).toEqual({ detail: "The plan took longer than 1 s (the service's --timeout) and was stopped." })
    await eventually(() => models.requests[0]?.aborted === true, 'the model call to be aborted')
  })

  it('aborts the model call when the client disconnects while waiting for a plain reply', async () => {
    const { service, models } = await llm()
    models.script({ hang: true })
    const controller = new AbortController()
    const pending = fetch(`${service.url}/task-planning/plan`, { method: 'POST', headers: AUTH, body: JSON.stringify(TASK), signal: controller.signal }).catch(() => 'aborted')
    await models.waitForRequests(1)
    controller.abort()
    expect(await pending).toBe('aborted')
    await eventually(() => models.requests[0]!.aborted, 'the fake model to see the abort')
    await eventually(() => service.logs.requests.length === 1, 'the access line')
    expect(service.logs.requests[0]).toMatchObject({ status: 499, outcome: 'client_gone', key: 'ci' })
  })
})

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz without a key; on shutdown /readyz turns 503 while plans are still served, then plans in flight finish', async () => {
    const { service, models } = await llm(['--drain-delay', '1'])
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' })
    expect(await (await fetch(`${service.url}/readyz`)).json()).toEqual({ status: 'ready' })
    models.script({ text: JSON.stringify(modelPlan(2)), pieceDelayMs: 5 })
    const inFlight = post(service, '/task-planning/plan', TASK)
    await models.waitForRequests(1)
    const stopping = service.service.shutdown()
    const ready = await fetch(`${service.url}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ detail: 'The service is shutting down.' })
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200)
    // Still served while load balancers catch up, and told to reconnect for the next request.
    const during = await post(service, '/task-planning/plan', TASK)
    expect(during.status).toBe(200)
    expect(during.headers.get('connection')).toBe('close')
    expect((await inFlight).status).toBe(200)
    await stopping
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow()
    running = undefined
  })

  it('exposes Prometheus metrics: requests, latency, tokens, in-flight, rejections, process', async () => {
    const service = await outline()
    await post(service, '/task-planning/plan', TASK)
    await post(service, '/task-planning/plan', TASK, { 'content-type': 'application/json' })
    await post(service, '/task-planning/plan', { task_description: '' })
    const response = await fetch(`${service.url}/metrics`)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toContain('task_planning_requests_total{route="/task-planning/plan",status="200",outcome="plan",key="ci"} 1')
    expect(text).toContain('task_planning_requests_total{route="/task-planning/plan",status="401",outcome="unauthorized",key=""} 1')
    expect(text).toContain('task_planning_requests_total{route="/task-planning/plan",status="422",outcome="invalid",key="ci"} 1')
    expect(text).toMatch(/task_planning_request_duration_seconds_count\{route="\/task-planning\/plan",outcome="plan"\} 1/)
    expect(text).toContain('# TYPE task_planning_tokens_total counter')
    expect(text).toContain('task_planning_in_flight 0')
    expect(text).toContain('task_planning_queued 0')
    expect(text).toContain('task_planning_rejections_total{reason="unauthorized"} 1')
    expect(text).toContain('task_planning_rejections_total{reason="invalid"} 1')
    expect(text).toContain('process_resident_memory_bytes')
    expect(text).not.toContain(CLIENT_SECRET)
  })
})

describe('logs', () => {
  it('never hold a client key, the provider key or anything from a request body', () => {
    const text = allLogs.join('')
    expect(text.length).toBeGreaterThan(0)
    for (const secret of [CLIENT_SECRET, OTHER_SECRET, PROVIDER_KEY, BODY_PHRASE, 'Measure traffic', 'Make the API better']) expect(text).not.toContain(secret)
    for (const line of text.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow()
  })
})
