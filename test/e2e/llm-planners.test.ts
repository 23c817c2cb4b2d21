import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_REPO, labeledEvent } from '../support/events.ts'
import { FakeGitHub, type FakeIssue } from '../support/fake-github.ts'
import { FakeModelServer, type Reply, fencedJson } from '../support/fake-models.ts'
import { type ActionRun, runAction } from '../support/run-action.ts'

const TOKEN = 'ghs_llmPlannersTestToken0000000000001'
const KEY = 'sk-llm-test-key-that-must-never-be-printed-42'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`
/** A phrase only the issue body holds: it must reach the model, and never the log. */
const ISSUE_PHRASE = 'clients hammer the shortener with 9000 requests a minute'

let github: FakeGitHub
let models: FakeModelServer
let issue: FakeIssue

beforeEach(async () => {
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  models = await FakeModelServer.start({ key: KEY })
  github.setTree(['src/', 'src/app.ts', 'src/limits/', 'src/limits/config.ts', 'README.md'])
  issue = github.addIssue({ title: 'Rate-limit the public API', body: `Today ${ISSUE_PHRASE}. Add per-key limits to \`/v1/links\`.` })
})

afterEach(async () => {
  await Promise.all([github.close(), models.close()])
})

/** The plan the model writes, in the flat shape the prompt's schema asks for. */
function modelPlan(steps = 4): Record<string, unknown> {
  return {
    kind: 'plan',
    title: 'Per-key rate limits',
    summary: 'Add a token bucket per API key, behind a flag, then roll it out.',
    questions: [],
    steps: Array.from({ length: steps }, (_, i) => ({
      title: `Step ${i + 1}: ${['Measure current traffic', 'Add the token bucket', 'Return 429 with Retry-After', 'Roll out behind a flag', 'Document the limits'][i % 5]}`,
      description: `Work for step ${i + 1}; @platform-team reviews.`,
      acceptance_criteria: [`Check ${i + 1} passes`],
      estimate: i === 0 ? null : `${i + 1}h`,
      depends_on: i === 0 ? [] : [i],
      risks: i === 1 ? ['Redis latency under load'] : [],
      files: i === 1 ? ['src/limits/config.ts', 'src/limits/bucket.ts'] : [],
      subtasks: [],
    })),
  }
}

const PROVIDERS = ['openai', 'anthropic', 'google', 'azure', 'openai-compatible'] as const
type Provider = (typeof PROVIDERS)[number]
const MODELS: Record<Provider, string> = { openai: 'gpt-5.4-mini', anthropic: 'claude-sonnet-5', google: 'gemini-3.7-flash', azure: 'plans-gpt-5-mini', 'openai-compatible': 'llama3.1:8b' }

function inputsFor(provider: Provider, extra: Record<string, string> = {}): Record<string, string> {
  return { planner: provider, model: MODELS[provider], 'planner-url': models.baseURL(provider), 'planner-api-key': KEY, 'progress-interval': '1', ...extra }
}

function label(inputs: Record<string, string>, env: Record<string, string> = {}, onSpawn?: Parameters<typeof runAction>[0]['onSpawn']): Promise<ActionRun> {
  return runAction({
    eventName: 'issues',
    payload: labeledEvent({ number: issue.number, title: issue.title, body: issue.body }),
    inputs,
    env,
    apiUrl: github.url,
    repository: REPOSITORY,
    token: TOKEN,
    ...(onSpawn ? { onSpawn } : {}),
  })
}

/** Every body written to the plan comment, in order: the create, then each edit. */
const commentWrites = (): string[] =>
  github.requests.filter((r) => r.operationId === 'issues/create-comment' || r.operationId === 'issues/update-comment').map((r) => (r.body as { body: string }).body)
const finalBody = (): string => github.comments(issue.number)[0]!.body
/** The log as the runner keeps it, without the `::add-mask::` commands that register secrets for masking. */
const log = (run: ActionRun): string => (run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, '')

/** A configuration problem reaches the issue only as one neutral line with a link to the run. */
function expectNeutralLine(): void {
  const shown = finalBody().replace(/<!--[\s\S]*?-->/g, '').trim()
  expect(shown).toBe('This issue could not be planned ([workflow run](https://github.com/Codertocat/Hello-World/actions/runs/4242)).')
}

/** Neither the key nor the issue text may reach the log (both are in the request the SDK built). */
function expectNoLeak(run: ActionRun): void {
  expect(log(run)).not.toContain(KEY)
  expect(log(run)).not.toContain(ISSUE_PHRASE)
}

/** A streamed plan: small pieces, slow enough that the comment shows steps before the end. */
const streamed = (plan = modelPlan(), extra: Partial<Reply> = {}): Reply => ({ text: JSON.stringify(plan), pieceDelayMs: 10, usage: { input: 1234, output: 567 }, ...extra }) as Reply

describe.each(PROVIDERS)('%s', (provider) => {
  it('streams a plan: the comment grows step by step, then holds the plan; usage is an output; nothing leaks', async () => {
    models.script(streamed())
    const run = await label(inputsFor(provider))

    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    // What the model was asked: its model, the key in the provider's header, the schema in the provider's own
    // field, and the issue inside its quoted block.
    const request = models.requests[0]!
    expect(request.provider).toBe({ google: 'gemini', 'openai-compatible': 'openai' }[provider as string] ?? provider)
    expect(request.model).toBe(MODELS[provider])
    expect(request.stream).toBe(true)
    expect(request.output).toBe('json-schema')
    expect(request.schema).toMatchObject({ properties: { kind: {}, steps: {} } })
    expect(request.prompt).toMatch(new RegExp(`quoted user content from issue #${issue.number}[^\\n]*\\n\`\`\`text\\nRate-limit the public API\\n\\nToday ${ISSUE_PHRASE}`))

    const writes = commentWrites()
    expect(writes[0]).toContain('Planning this issue')
    const progress = writes.slice(1, -1)
    expect(progress.some((body) => body.includes('Step 1: Measure current traffic') && !body.includes('Step 4: Roll out behind a flag'))).toBe(true)
    expect(writes.length).toBeLessThanOrEqual(20)

    const body = finalBody()
    expect(body).toContain('### 🗺️ Per-key rate limits')
    expect(body).toContain('- [ ] **2. Step 2: Add the token bucket** · ⏱ 2h · after 1\n')
    expect(body).toContain('  ⚠️ Redis latency under load · ✅ **Done when:** Check 2 passes\n')
    expect(body).toContain('<li><b>Files:</b> <code>src/limits/config.ts</code>, <code>src/limits/bucket.ts</code> (not in the repository)</li>')
    expect(body).not.toMatch(/(^|[^&#\w])@platform-team/)

    expect(JSON.parse(run.outputs.usage!)).toEqual({ inputTokens: 1234, outputTokens: 567 })
    expect(JSON.parse(run.outputs.steps!)).toHaveLength(4)
    expect(run.summary).toContain('Tokens: 1,234 input, 567 output.')
    expect(run.stdout).toContain('The model used 1234 input and 567 output tokens.')
    expectNoLeak(run)
  })
})

describe('LLM planners: replies', () => {
  it('`stream: false` makes one non-streamed call', async () => {
    models.script({ text: JSON.stringify(modelPlan(3)) })
    const run = await label(inputsFor('anthropic', { stream: 'false' }))
    expect(run.outputs.status).toBe('planned')
    expect(models.requests).toHaveLength(1)
    expect(models.requests[0]!.stream).toBe(false)
    expect(commentWrites()).toHaveLength(2)
    expect(finalBody()).toContain('**3. Step 3: Return 429 with Retry-After**')
  })

  it('a local model that wraps its JSON in a ```json fence still plans (no key needed)', async () => {
    await models.close()
    models = await FakeModelServer.start({ keyless: true })
    models.script({ text: fencedJson(modelPlan(2)) })
    const run = await label({ ...inputsFor('openai-compatible'), 'planner-api-key': '' })
    expect(run.outputs.status).toBe('planned')
    expect(models.requests[0]!.headers.authorization).toBeUndefined()
    expect(finalBody()).toContain('**2. Step 2: Add the token bucket**')
  })

  it('questions become needs-info, with the label', async () => {
    models.script({ text: JSON.stringify({ kind: 'questions', title: '', summary: '', questions: ['Which endpoints need limits?', 'Per key or per IP?'], steps: [] }) })
    const run = await label(inputsFor('google'))
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('needs-info')
    expect(finalBody()).toContain('1. Which endpoints need limits?')
    expect(github.issue(issue.number).labels.map((l) => l.name)).toContain('plan-needs-info')
  })

  it.each([
    ['openai', 'OpenAI model gpt-5.4-mini refused to plan this issue (content filter): "I cannot help with planning this request."'],
    ['anthropic', 'Anthropic model claude-sonnet-5 refused to plan this issue (content filter): "I cannot help with planning this request."'],
    ['google', 'Google Gemini model gemini-3.7-flash refused to plan this issue (content filter): "blocked for HARM_CATEGORY_DANGEROUS_CONTENT (HIGH)"'],
  ] as const)('a refusal by %s ends in a failure that quotes the provider\'s reason', async (provider, said) => {
    models.script({ refusal: 'I cannot help with planning this request.' })
    const run = await label(inputsFor(provider))
    expect(run.outputs.status).toBe('failed')
    expect(finalBody()).toContain(said)
  })

  it('a reply that does not match the schema fails, quoting its start', async () => {
    models.script({ text: '{"kind":"plan","title":"T","summary":"S","questions":[],"steps":"none"}' })
    const run = await label(inputsFor('openai'))
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(finalBody()).toContain('did not reply with a plan in the expected shape. It began: "{"kind":"plan"')
    expectNoLeak(run)
  })
})

describe('LLM planners: HTTP errors', () => {
  it('401: the key was rejected, naming the input and the variable in the log; the issue only hears it failed', async () => {
    const run = await label(inputsFor('anthropic', { 'planner-api-key': 'sk-wrong-key-0000' }))
    expect(run.outputs.status).toBe('failed')
    expect(log(run)).toMatch(/::error::Anthropic rejected the API key \(HTTP 401\)/)
    expect(log(run)).toContain('ANTHROPIC_API_KEY')
    expect(run.summary).toContain('ANTHROPIC_API_KEY')
    expectNeutralLine()
    expect(log(run)).not.toContain('sk-wrong-key-0000')
  })

  it('404 model: names `model` and `planner-url` in the log and summary; the issue gets one neutral line', async () => {
    models.script({ error: { kind: 'not-found-model' } })
    const run = await label(inputsFor('openai'))
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(log(run)).toMatch(/::error::OpenAI has no model gpt-5.4-mini at http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\).*Check input `model`.*input `planner-url`/)
    expect(run.summary).toMatch(/\*\*Error:\*\* OpenAI has no model gpt-5.4-mini .*Check input `model`/)
    expectNeutralLine()
    expect(finalBody()).not.toContain('gpt-5.4-mini')
    expect(models.requests).toHaveLength(1)
  })

  it('429 with Retry-After is waited out and retried once; the plan is made', async () => {
    models.script({ error: { kind: 'rate-limit' }, retryAfter: 1 }, streamed(modelPlan(2)))
    const run = await label(inputsFor('openai-compatible'))
    expect(run.outputs.status).toBe('planned')
    expect(models.requests.map((r) => r.status)).toEqual([429, 200])
    // The Retry-After (1 s) or the backoff with jitter, whichever is longer.
    expect(run.stdout).toMatch(/Planner request failed \(HTTP 429\); retrying in \d\.\d s\./)
  })

  it('500 is not retried (a plan may have started)', async () => {
    models.script({ error: { kind: 'server' } })
    const run = await label(inputsFor('google'))
    expect(run.outputs.status).toBe('failed')
    expect(models.requests).toHaveLength(1)
    expect(finalBody()).toMatch(/Google Gemini failed while planning \(HTTP 500\)/)
  })

  it('a prompt too long for the model suggests a lower context-budget', async () => {
    models.script({ error: { kind: 'context-length' } })
    const run = await label(inputsFor('azure'))
    expect(run.outputs.status).toBe('failed')
    expect(log(run)).toMatch(/The prompt is too long for Azure OpenAI model plans-gpt-5-mini/)
    expect(log(run)).toContain('Lower input `context-budget`')
    expectNeutralLine()
  })

  it('a missing model fails before any call, with example ids', async () => {
    const run = await label({ ...inputsFor('anthropic'), model: '' })
    expect(run.outputs.status).toBe('failed')
    expect(models.requests).toHaveLength(0)
    expect(log(run)).toContain('needs input `model`')
    expect(log(run)).toContain('`claude-sonnet-5`')
    expectNeutralLine()
  })

  it('the key comes from the provider\'s variable when the input is empty, and is masked', async () => {
    models.script(streamed(modelPlan(2)))
    const run = await label({ ...inputsFor('anthropic'), 'planner-api-key': '' }, { ANTHROPIC_API_KEY: KEY })
    expect(run.outputs.status).toBe('planned')
    expect(models.requests[0]!.headers['x-api-key']).toBe(KEY)
    expect(run.stdout).toContain(`::add-mask::${KEY}`)
  })
})

describe('LLM planners: broken streams', () => {
  it('a stream cut mid-way is not retried; the comment says it was interrupted', async () => {
    models.script(streamed(modelPlan(), { cutAfter: 60 }))
    const run = await label(inputsFor('openai'))
    expect(run.outputs.status).toBe('failed')
    expect(models.requests).toHaveLength(1)
    expect(finalBody()).toContain('broke while the model was writing the plan. It was not retried')
    expectNoLeak(run)
  })

  it('a model too slow for planner-timeout: the comment says how long it waited', async () => {
    models.script({ hang: true })
    const run = await label(inputsFor('anthropic', { 'planner-timeout': '2' }))
    expect(run.outputs.status).toBe('failed')
    expect(finalBody()).toMatch(/did not answer within \d s\. Plans usually take one to two minutes\./)
    expect(log(run)).toMatch(/did not answer within \d s \(input `planner-timeout` is 2 s\)/)
  })

  it('SIGTERM while the model writes: a final "cancelled" comment and the model call aborted', async () => {
    models.script(streamed(modelPlan(), { pieceDelayMs: 50 }))
    const run = await label(inputsFor('google'), {}, (child) => {
      void models.waitForRequests(1).then(() => setTimeout(() => child.kill('SIGTERM'), 300))
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('cancelled')
    expect(finalBody()).toContain('"state":"cancelled"')
    await expect.poll(() => models.requests[0]!.aborted).toBe(true)
  })
})
