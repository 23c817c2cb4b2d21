// The action and the service together: dist/index.js with `planner: task-planning` points at
// `issue-planner serve` (the built CLI), which is backed by an LLM planner against the fake model
// server. One organisation-wide planner, as the README sets it up.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_REPO, labeledEvent } from '../support/events.ts'
import { FakeGitHub, type FakeIssue } from '../support/fake-github.ts'
import { FakeModelServer } from '../support/fake-models.ts'
import { type ActionRun, runAction } from '../support/run-action.ts'
import { CLIENT_SECRET, type ServeProcess, modelPlan, modelQuestions, startCli } from '../support/service.ts'

const TOKEN = 'ghs_serviceTestToken00000000000000000001'
const PROVIDER_KEY = 'sk-org-provider-key-kept-in-the-service-only'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`
const ISSUE_PHRASE = 'clients hammer the shortener with 9000 requests a minute'

let github: FakeGitHub
let models: FakeModelServer
let service: ServeProcess
let issue: FakeIssue

beforeAll(async () => {
  models = await FakeModelServer.start({ key: PROVIDER_KEY })
  // The provider key lives in the service's environment only; each repository has a client key.
  service = await startCli(['--planner', 'anthropic', '--model', 'claude-sonnet-5', '--planner-url', models.baseURL('anthropic')], {
    ANTHROPIC_API_KEY: PROVIDER_KEY,
    ISSUE_PLANNER_API_KEYS: `acme-snip=${CLIENT_SECRET}`,
  })
})

afterAll(async () => {
  service.child.kill('SIGTERM')
  expect(await service.exited).toBe(0)
  await models.close()
})

beforeEach(async () => {
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  github.setTree(['src/', 'src/app.ts', 'src/limits/', 'src/limits/config.ts', 'README.md'])
  models.requests.length = 0
  issue = github.addIssue({ title: 'Rate-limit the public API', body: `Today ${ISSUE_PHRASE}. Add per-key limits to \`/v1/links\`.` })
  return () => github.close()
})

function label(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    eventName: 'issues',
    payload: labeledEvent({ number: issue.number, title: issue.title, body: issue.body }),
    inputs: { planner: 'task-planning', 'planner-url': service.url, 'planner-api-key': CLIENT_SECRET, 'progress-interval': '1', ...inputs },
    apiUrl: github.url,
    repository: REPOSITORY,
    token: TOKEN,
  })
}

const commentWrites = (): string[] =>
  github.requests.filter((r) => r.operationId === 'issues/create-comment' || r.operationId === 'issues/update-comment').map((r) => (r.body as { body: string }).body)
const finalBody = (): string => github.comments(issue.number)[0]!.body
const log = (run: ActionRun): string => (run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, '')

describe('the action with planner: task-planning, against issue-planner serve', () => {
  it('streams: the comment shows the steps as the model writes them, then the plan; tokens reach the job', async () => {
    models.script({ text: JSON.stringify(modelPlan(4)), pieceDelayMs: 15, usage: { input: 2100, output: 640 } })
    const run = await label({})
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')

    // The model was asked about this issue, quoted as data, by the service.
    expect(models.requests).toHaveLength(1)
    expect(models.requests[0]!.stream).toBe(true)
    expect(models.requests[0]!.prompt).toContain(`Plan the work for GitHub issue #${issue.number} in ${REPOSITORY}.`)
    expect(models.requests[0]!.prompt).toMatch(new RegExp(`quoted user content from issue #${issue.number}[^\\n]*\\n\`\`\`text\\nRate-limit the public API\\n\\nToday ${ISSUE_PHRASE}`))

    const writes = commentWrites()
    expect(writes[0]).toContain('Planning this issue')
    expect(writes.slice(1, -1).some((body) => body.includes('Step 1: Measure current traffic') && !body.includes('Step 4: Roll out behind a flag'))).toBe(true)
    const body = finalBody()
    expect(body).toContain('### 🗺️ Per-key rate limits')
    expect(body).toContain('- [ ] **2. Step 2: Add the token bucket** · ⏱ 2h · after 1')
    expect(JSON.parse(run.outputs.usage!)).toEqual({ inputTokens: 2100, outputTokens: 640 })
    expect(log(run)).not.toContain(CLIENT_SECRET)

    const access = service.stdout().split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>).at(-1)!
    expect(access).toMatchObject({ path: '/task-planning/plan/stream', status: 200, key: 'acme-snip', outcome: 'plan', input_tokens: 2100, output_tokens: 640 })
  })

  it('with stream: false, uses the plain route and posts the same plan', async () => {
    models.script({ text: JSON.stringify(modelPlan(3)) })
    const run = await label({ stream: 'false' })
    expect(run.outputs.status).toBe('planned')
    expect(finalBody()).toContain('- [ ] **3. Step 3: Return 429 with Retry-After** · ⏱ 3h')
    const access = service.stdout().split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>).at(-1)!
    expect(access).toMatchObject({ path: '/task-planning/plan', status: 200, key: 'acme-snip' })
  })

  it.each([['streaming', 'true'], ['plain', 'false']])('turns the model’s questions into needs-info (%s)', async (_mode, stream) => {
    models.script({ text: JSON.stringify(modelQuestions(['Which endpoints need limits?', 'Per key or per IP?'])) })
    const run = await label({ stream })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('needs-info')
    const body = finalBody()
    expect(body).toContain('**Could you tell us:**')
    expect(body).toContain('1. Which endpoints need limits?')
    expect(body).toContain('2. Per key or per IP?')
  })

  it('fails with the service’s reason when the client key is wrong', async () => {
    const run = await label({ 'planner-api-key': 'not-the-key-of-this-repository-000' })
    expect(run.outputs.status).toBe('failed')
    // A configuration problem: the issue gets one neutral line, the log the reason.
    expect(finalBody()).toContain('This issue could not be planned')
    expect(run.stdout).toContain('The task-planning service rejected the credentials (HTTP 401): Invalid API key')
    expect(models.requests).toHaveLength(0)
  })
})
