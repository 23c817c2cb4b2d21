import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatchEvent, EXAMPLE_REPO, issuesEvent, labeledEvent } from '../support/events.ts'
import { FakeGitHub, type FakeIssue, type RecordedRequest, validationError } from '../support/fake-github.ts'
import { FakePlanner, kubiyaPlanReply, taskPlanningPlan } from '../support/fake-planner.ts'
import { closedPort } from '../support/closed-port.ts'
import { type ActionRun, declaredOutputs, runAction } from '../support/run-action.ts'

const TOKEN = 'ghs_e2eTokenThatMustNeverBePrinted0001'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`

let github: FakeGitHub
let planner: FakePlanner
let issue: FakeIssue

beforeEach(async () => {
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  planner = await FakePlanner.start()
  issue = github.addIssue({
    title: 'Add rate limiting to the public API',
    body: '<!-- Please describe the problem -->\nClients can hammer `/v1/links`.\n\n## Tasks\n- [ ] Pick limits\n- [ ] Add middleware (2h)\n- [ ] Load-test\n',
  })
})

afterEach(async () => {
  await Promise.all([github.close(), planner.close()])
})

function label(inputs: Record<string, string> = {}, labelName = 'plan-me', env: Record<string, string> = {}, body = issue.body): Promise<ActionRun> {
  return runAction({
    eventName: 'issues',
    payload: labeledEvent({ number: issue.number, title: issue.title, body }, labelName),
    // These tests cover the plain plan routes; streaming has its own file.
    inputs: { stream: 'false', ...inputs },
    env,
    apiUrl: github.url,
    repository: REPOSITORY,
    token: TOKEN,
  })
}

const taskPlanning = (extra: Record<string, string> = {}): Record<string, string> => ({ planner: 'task-planning', 'planner-url': planner.url, ...extra })
/** What people see: the comment without its hidden markers. */
const visible = (body: string): string => body.replace(/<!--[\s\S]*?-->/g, '').trim()
const writes = (): string[] => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.operationId}`)
/** Requests GitHub refused, apart from reads that may 404 (no parent, no README): those are not errors. */
const OPTIONAL_READS = new Set(['issues/get-parent', 'repos/get-readme', 'git/get-tree'])
const refused = (): unknown[] => github.requests.filter((r) => r.status >= 400 && !(r.status === 404 && OPTIONAL_READS.has(r.operationId ?? '')))
/** Every output action.yml declares, with the values of a run that made no plan and wrote no comment. */
const emptyOutputs = (status: string): Record<string, string> => {
  const values: Record<string, string> = { status, plan: '', steps: '[]', 'step-count': '0', 'comment-id': '', 'comment-url': '', 'sub-issues': '[]', usage: '' }
  expect(Object.keys(values).sort()).toEqual(declaredOutputs().sort())
  return values
}

describe('label → plan comment', () => {
  it('posts "planning started", then replaces it with the plan from the task-planning service', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(4) })
    const run = await label(taskPlanning())

    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(writes()).toEqual(['POST issues/create-comment', 'PATCH issues/update-comment'])
    const created = github.requests.find((r) => r.operationId === 'issues/create-comment')!.body as { body: string }
    expect(created.body).toContain('Planning this issue')
    expect(created.body).toContain('https://github.com/Codertocat/Hello-World/actions/runs/4242')

    const [comment] = github.comments(issue.number)
    expect(github.comments(issue.number)).toHaveLength(1)
    expect(comment!.body).toMatch(/^<!-- issue-planner:plan \{"state":"planned","hash":"[0-9a-f]{16}"\} -->/)
    expect(comment!.body).toContain('### 🗺️ Add rate limiting to the public API')
    expect(comment!.body).toContain('- [ ] **1. Step 1: Design the limits** · ⏱ 1h')
    expect(comment!.body).toContain('- [ ] **2. Step 2: Add the middleware** · ⏱ 2h · after 1\n')
    expect(comment!.body).toContain('**4 steps** · ⏱ ≈ 7 hours in total · ⚠️ 4 risks · critical path 1 → 2 → 3 → 4 (≈ 7 hours)')
    // The planner wrote "@platform-team": it must not ping anyone.
    expect(comment!.body).not.toMatch(/(^|[^&#\w])@platform-team/)
    expect(comment!.body).toContain('@&#8203;platform-team')

    // What the planner was sent: the issue without its template comment, and the repository.
    const sent = planner.requests[0]!.body as { task_description: string; context: Record<string, unknown> }
    expect(sent.task_description).toContain('Add rate limiting to the public API')
    expect(sent.task_description).not.toContain('Please describe the problem')
    expect(sent.context.repository).toMatchObject({ full_name: REPOSITORY, default_branch: github.repository.default_branch })

    expect(run.outputs['step-count']).toBe('4')
    const steps = JSON.parse(run.outputs.steps!) as { number: number; name: string; dependencies: number[] }[]
    expect(steps.map((s) => [s.number, s.dependencies])).toEqual([[1, []], [2, [1]], [3, [2]], [4, [3]]])
    expect(steps[1]!.name).toBe('Step 2: Add the middleware')
    // The plan output keeps the Task Planning shape: dependencies as the planner wrote them.
    expect(JSON.parse(run.outputs.plan!).steps[1].dependencies).toEqual(['1'])
    expect(JSON.parse(run.outputs.plan!).title).toBe('Add rate limiting to the public API')
    expect(run.outputs['comment-id']).toBe(String(comment!.id))
    expect(run.outputs['comment-url']).toBe(comment!.html_url)
    expect(run.summary).toContain('### 🗺️ Add rate limiting to the public API')
    expect(run.summary).toContain('What the planner was sent')
    expect(refused()).toEqual([])
  })

  it('plans offline with the outline planner in one write', async () => {
    const run = await label({ planner: 'outline' })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(writes()).toEqual(['POST issues/create-comment'])
    const body = github.comments(issue.number)[0]!.body
    expect(body).toContain('- [ ] **2. Add middleware** · ⏱ 2h')
    expect(planner.requests).toHaveLength(0)
  })

  it('plans with Kubiya: UserKey auth, tasks as steps, nothing else written', async () => {
    planner.respond('/api/v1/tasks/plan', { json: kubiyaPlanReply(6) })
    const run = await label({ planner: 'kubiya', 'planner-url': planner.url }, 'Plan-Me', { KUBIYA_API_KEY: planner.kubiyaKey })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(planner.requests[0]!.headers.authorization).toBe(`UserKey ${planner.kubiyaKey}`)
    const sent = planner.requests[0]!.body as Record<string, string>
    expect(sent.priority).toBe('medium')
    expect(sent.conversation_context).toContain(`Repository: ${REPOSITORY}`)
    const body = github.comments(issue.number)[0]!.body
    expect(body).toContain('- [ ] **6. Task 6: Load-test**')
    expect(body).toContain('**Complexity:** 8 story points')
    expect(run.outputs['step-count']).toBe('6')
  })
})

describe('re-planning', () => {
  it('updates the same comment and keeps the reader’s ticks', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(3) })
    await label(taskPlanning())
    const [first] = github.comments(issue.number)

    // The reader ticks step 2 in the GitHub UI, which edits the comment body.
    const ticked = first!.body.replace('- [ ] **2. Step 2: Add the middleware**', '- [x] **2. Step 2: Add the middleware**')
    expect(ticked).not.toBe(first!.body)
    await fetch(`${github.url}/repos/${REPOSITORY}/issues/comments/${first!.id}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: ticked }),
    })
    github.addComment(issue.number, { body: 'Looks good, thanks!' })
    github.reset()

    // The author edits the issue and labels it again: the context changed, so it is re-planned.
    const run = await label(taskPlanning(), 'plan-me', {}, `${issue.body}\n- [ ] Document the limits`)
    expect(run.code).toBe(0)
    const comments = github.comments(issue.number)
    expect(comments).toHaveLength(2)
    expect(comments[0]!.id).toBe(first!.id)
    expect(comments[0]!.body).toContain('- [x] **2. Step 2: Add the middleware**')
    expect(comments[0]!.body).toContain('- [ ] **1. Step 1: Design the limits**')
    expect(comments[1]!.body).toBe('Looks good, thanks!')
    expect(writes()).toEqual(['PATCH issues/update-comment', 'PATCH issues/update-comment'])
  })

  it('finds its comment among 120 others (pagination) and ignores a stranger’s copy of the marker', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(2) })
    const stranger = github.addComment(issue.number, { body: '<!-- issue-planner:plan {"state":"planned"} -->\nhijack', author_association: 'NONE' })
    for (let i = 0; i < 60; i++) github.addComment(issue.number, { body: `comment ${i}` })
    const ours = github.addComment(issue.number, { body: '<!-- issue-planner:plan {"state":"planned"} -->\n\n<!-- issue-planner:plan-section -->\n### old plan\n\n- [x] **1. Step 1: Design the limits**', user: github.botUser, author_association: 'NONE' })
    for (let i = 0; i < 60; i++) github.addComment(issue.number, { body: `comment ${60 + i}` })

    const run = await label(taskPlanning())
    expect(run.code).toBe(0)
    expect(github.comments(issue.number)).toHaveLength(122)
    const after = github.comments(issue.number)
    expect(after.find((c) => c.id === stranger.id)!.body).toContain('hijack')
    const plan = after.find((c) => c.id === ours.id)!.body
    expect(plan).toContain('- [x] **1. Step 1: Design the limits**')
    expect(plan).toContain('- [ ] **2. Step 2: Add the middleware**')
    expect(run.outputs['comment-id']).toBe(String(ours.id))
  })
})

describe('events that do not ask for a plan', () => {
  it('skips another label without writing anything', async () => {
    const run = await label(taskPlanning(), 'bug')
    expect(run.code).toBe(0)
    expect(run.outputs).toEqual(emptyOutputs('skipped'))
    expect(run.stdout).toContain('Nothing to plan: the label "bug" was applied, not "plan-me"')
    expect(github.requests).toEqual([])
    expect(planner.requests).toEqual([])
  })

  it('skips other issue actions', async () => {
    const run = await runAction({ eventName: 'issues', payload: issuesEvent('opened'), apiUrl: github.url, repository: REPOSITORY, token: TOKEN, inputs: taskPlanning() })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('skipped')
    expect(github.requests).toEqual([])
  })
})

describe('workflow_dispatch', () => {
  const dispatch = (inputs: Record<string, string>, form: Record<string, string> = {}): Promise<ActionRun> =>
    runAction({ eventName: 'workflow_dispatch', payload: dispatchEvent(form), inputs: { stream: 'false', ...inputs }, apiUrl: github.url, repository: REPOSITORY, token: TOKEN })

  it('plans the issue named by `issue-number`, fetched through the API', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(3) })
    const run = await dispatch(taskPlanning({ 'issue-number': String(issue.number) }))
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(github.requests.map((r) => r.operationId)).toContain('issues/get')
    expect(github.comments(issue.number)[0]!.body).toContain('**3. Step 3: Write tests**')
  })

  it('falls back to the dispatch form’s issue-number', async () => {
    const run = await dispatch({ planner: 'outline' }, { 'issue-number': String(issue.number) })
    expect(run.outputs.status).toBe('planned')
  })

  it('fails with an error naming the input when the number is not a number', async () => {
    const run = await dispatch(taskPlanning({ 'issue-number': 'abc' }))
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual(emptyOutputs('failed'))
    expect(run.stdout).toContain('::error::Input `issue-number` must be an issue number such as 42; got "abc".')
    expect(github.requests).toEqual([])
  })

  it('fails clearly for an issue that does not exist', async () => {
    const run = await dispatch(taskPlanning({ 'issue-number': '999' }))
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual(emptyOutputs('failed'))
    expect(run.stdout).toContain('Issue #999 was not found in Codertocat/Hello-World')
    expect(planner.requests).toEqual([])
  })
})

describe('final states', () => {
  it('a planner error ends in an error comment and exit 1', async () => {
    planner.respond('/task-planning/plan', { status: 500, json: { detail: 'model overloaded' } })
    const run = await label(taskPlanning())
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    const body = github.comments(issue.number)[0]!.body
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"failed"\} -->/)
    expect(body).toContain('**Planning failed.** The task-planning service failed (HTTP 500): model overloaded')
    expect(run.stdout).toContain('::error::The task-planning service failed (HTTP 500): model overloaded')
    expect(planner.requests).toHaveLength(1)
  })

  it('a reply that is not a plan is quoted in the error, never posted as a plan', async () => {
    planner.respond('/task-planning/plan', { json: { title: 'x', steps: 'just do it' } })
    const run = await label(taskPlanning())
    expect(run.code).toBe(1)
    const body = github.comments(issue.number)[0]!.body
    expect(body).toContain('not a usable plan (steps:')
    expect(body).not.toContain('plan-section')
  })

  it('retries 502 then plans; never retries a 4xx', async () => {
    planner.respond('/task-planning/plan', { status: 502, text: 'Bad Gateway' }, { json: taskPlanningPlan(2) })
    const ok = await label(taskPlanning())
    expect(ok.outputs.status).toBe('planned')
    expect(planner.requests).toHaveLength(2)
  })

  it('questions become a needs-info comment, exit 0', async () => {
    planner.respond('/api/v1/tasks/plan', { json: { plan: { title: 'x', summary: '', team_breakdown: [], has_questions: true, questions: '1. Which endpoints?\n2. What limits per key?' } } })
    const run = await label({ planner: 'kubiya', 'planner-url': planner.url, 'planner-api-key': planner.kubiyaKey })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('needs-info')
    const body = github.comments(issue.number)[0]!.body
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"needs-info","hash":"[0-9a-f]{16}"\} -->/)
    expect(body).toContain('1. Which endpoints?')
    expect(body).toContain('2. What limits per key?')
    expect(body).toContain('Answer in a comment on this issue: that is all it takes. A new plan is made from your reply.')
    expect(body).not.toContain('`plan-me`')
  })

  it('a refusal (422) from the task-planning service asks for more detail', async () => {
    planner.respond('/task-planning/plan', { status: 422, json: { detail: 'Task description is too vague to plan' } })
    const run = await label(taskPlanning())
    expect(run.outputs.status).toBe('needs-info')
    expect(github.comments(issue.number)[0]!.body).toContain('> Task description is too vague to plan')
  })

  it('a timeout ends in an error comment that says how long it waited; the setting to raise is in the log', async () => {
    planner.respond('/task-planning/plan', { hang: true })
    const run = await label(taskPlanning({ 'planner-timeout': '1' }))
    expect(run.code).toBe(1)
    const body = github.comments(issue.number)[0]!.body
    expect(body).toContain('**Planning failed.** The task-planning planner did not answer within 1 s. Plans usually take one to two minutes.')
    expect(body).not.toContain('planner-timeout')
    expect(body).not.toContain('`plan-me`')
    expect(run.stdout).toMatch(/::error::The task-planning planner did not answer within 1 s \(input `planner-timeout` is 1 s\)\. .*raise the timeout\. To plan the issue again, add the `plan-me` label again, or comment `\/plan`\./)
    expect(run.summary).toContain('(input `planner-timeout` is 1 s)')
  })

  it('a failed re-plan keeps the previous plan and its ticks', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(2) }, { status: 500, json: { detail: 'boom' } })
    await label(taskPlanning())
    const [comment] = github.comments(issue.number)
    const ticked = comment!.body.replace('- [ ] **1.', '- [x] **1.')
    await fetch(`${github.url}/repos/${REPOSITORY}/issues/comments/${comment!.id}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: ticked }),
    })
    const run = await label(taskPlanning(), 'plan-me', {}, `${issue.body}\nAlso cover the admin API.`)
    expect(run.code).toBe(1)
    const body = github.comments(issue.number)[0]!.body
    expect(body).toContain('**Planning failed.**')
    expect(body).toContain('The previous plan is kept below.')
    expect(body).toContain('- [x] **1. Step 1: Design the limits**')
  })
})

describe('GitHub faults', () => {
  it('a GitHub that cannot be reached is reported as such, with where and what to check', async () => {
    const port = await closedPort()
    const run = await runAction({
      eventName: 'issues',
      payload: labeledEvent({ number: issue.number, title: issue.title, body: issue.body }),
      inputs: { planner: 'outline' },
      apiUrl: `http://127.0.0.1:${port}`,
      repository: REPOSITORY,
      token: TOKEN,
    })
    expect(run.code).toBe(1)
    expect(run.outputs).toEqual(emptyOutputs('failed'))
    const errors = run.stdout.split('\n').filter((line) => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain(`GitHub could not be reached at 127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); it never answered.`)
    expect(errors[0]).toContain('GITHUB_API_URL')
    expect(run.stdout).not.toContain('answered HTTP')
  }, 60_000)

  it('a context section that cannot be read is logged once, and noted once in the comment', async () => {
    // The first try and the three retries of a 500.
    github.failNext({ operationId: 'repos/get-readme' }, 500, undefined, 4)
    const run = await label({ planner: 'outline' })
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(run.stdout.split('\n').filter((line) => /README/.test(line))).toEqual(['The README could not be read: Internal Server Error - https://docs.github.com/rest'])
    expect(github.comments(issue.number)[0]!.body.match(/README/g)).toEqual(['README'])
    expect(github.comments(issue.number)[0]!.body).toContain('The README could not be read (HTTP 500).')
  }, 60_000)
})

describe('GitHub refuses the final comment', () => {
  const TOO_LONG = validationError({ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' })
  const planBody = (request: RecordedRequest): boolean => String((request.body as { body?: unknown }).body).includes('"state":"planned"')

  it('the plan is written again without step details, and the run succeeds', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(4) })
    github.failNext({ operationId: 'issues/update-comment', when: planBody }, 422, TOO_LONG)
    const run = await label(taskPlanning())
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    const body = github.comments(issue.number)[0]!.body
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"planned","hash":"[0-9a-f]{16}"\} -->/)
    expect(body).toContain('GitHub refused the full plan comment, so this one is shortened')
    expect(body).toContain('- [ ] **4. Step 4: Roll out**')
    expect(body).not.toContain('<details>')
    expect(run.stdout).toContain('GitHub refused the final comment (HTTP 422: Validation Failed: Body is too long (maximum is 65536 characters))')
  })

  it('refused even shortened: an error notice keeps the reader’s ticks, and the run fails', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(2) }, { json: taskPlanningPlan(3) })
    await label(taskPlanning())
    const [comment] = github.comments(issue.number)
    github.editComment(comment!.id, comment!.body.replace('- [ ] **2. Step 2', '- [x] **2. Step 2'))
    github.failNext({ operationId: 'issues/update-comment', when: planBody }, 422, TOO_LONG, Infinity)

    const run = await label(taskPlanning(), 'plan-me', {}, `${issue.body}\nAlso cover the admin API.`)
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(run.stdout).toMatch(/::error::The plan was made, but GitHub refused to store it in this comment, even shortened \(HTTP 422/)
    const body = github.comments(issue.number)[0]!.body
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"failed"\} -->/)
    expect(body).toContain('**Planning failed.** The plan was made, but GitHub refused')
    expect(body).toContain('**Ticked in an earlier plan** (kept so no progress is lost):\n\n- [x] Step 2: Add the middleware')
    // The plan itself is not lost: the outputs carry it.
    expect(JSON.parse(run.outputs.steps!)).toHaveLength(3)
  })
})

describe('dry run and secrets', () => {
  it('dry-run plans, fills outputs and summary, writes nothing', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(5) })
    const run = await label(taskPlanning({ 'dry-run': 'true' }))
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(run.outputs['step-count']).toBe('5')
    expect(run.outputs['comment-id']).toBe('')
    expect(writes()).toEqual([])
    expect(run.summary).toContain('dry run: nothing was written to the issue')
    expect(run.summary).toContain('**5. Step 5: Design the limits**')
  })

  it('never prints the token or the planner key, even when the planner echoes the key', async () => {
    const key = planner.kubiyaKey
    planner.respond('/api/v1/tasks/plan', { status: 500, json: { detail: `Task planning failed: key ${key} has no org claim` } })
    const run = await label({ planner: 'kubiya', 'planner-url': planner.url, 'planner-api-key': key })
    expect(run.code).toBe(1)
    const everything = [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), ...github.comments(issue.number).map((c) => c.body)].join('\n')
    const masked = everything.replace(new RegExp(`::add-mask::(${TOKEN}|${key})`, 'g'), '')
    expect(masked).not.toContain(key)
    expect(masked).not.toContain(TOKEN)
    expect(github.comments(issue.number)[0]!.body).toContain('key *** has no org claim')
    expect(run.stdout).toContain(`::add-mask::${key}`)
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`)
  })

  it('a missing Kubiya key fails the run with the explanation in the log and summary; the issue gets one neutral line', async () => {
    const run = await label({ planner: 'kubiya', 'planner-url': planner.url })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(visible(github.comments(issue.number)[0]!.body)).toBe('This issue could not be planned ([workflow run](https://github.com/Codertocat/Hello-World/actions/runs/4242)).')
    expect(run.stdout).toContain('::error::The kubiya planner needs an API key: set input `planner-api-key`')
    expect(run.summary).toContain('The kubiya planner needs an API key')
    expect(planner.requests).toEqual([])
  })

  it('an invalid `context` input: the same, and the previous plan with its ticks stays below the line', async () => {
    planner.respond('/task-planning/plan', { json: taskPlanningPlan(2) })
    await label(taskPlanning())
    const [comment] = github.comments(issue.number)
    github.editComment(comment!.id, comment!.body.replace('- [ ] **1.', '- [x] **1.'))
    const run = await label(taskPlanning({ context: '- production\n- eu-west-1' }), 'plan-me', {}, `${issue.body}\nAlso cover the admin API.`)
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    const body = github.comments(issue.number)[0]!.body
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"failed"\} -->/)
    expect(visible(body).split('\n')[0]).toBe('This issue could not be planned ([workflow run](https://github.com/Codertocat/Hello-World/actions/runs/4242)). The previous plan is kept below.')
    expect(body).not.toContain('`context`')
    expect(body).toContain('- [x] **1. Step 1: Design the limits**')
    expect(run.stdout).toContain('::error::Input `context` must be a YAML or JSON mapping of keys to values, e.g. "environment: production"; got a list.')
    expect(run.summary).toContain('Input `context` must be a YAML or JSON mapping')
    expect(planner.requests).toHaveLength(1)
  })
})
