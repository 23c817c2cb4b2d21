import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EXAMPLE_REPO, labeledEvent } from '../support/events.ts'
import { FakeGitHub, type FakeIssue } from '../support/fake-github.ts'
import { FakePlanner, taskPlanningPlan } from '../support/fake-planner.ts'
import { type ActionRun, runAction } from '../support/run-action.ts'

const TOKEN = 'ghs_subIssuesTestToken0000000000000001'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`
const PLAN = '/task-planning/plan'

let github: FakeGitHub
let planner: FakePlanner
let parent: FakeIssue

beforeEach(async () => {
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  planner = await FakePlanner.start()
  parent = github.addIssue({ title: 'Rate-limit the public API', body: 'Add per-key limits.' })
})

afterEach(async () => {
  await Promise.all([github.close(), planner.close()])
})

// GitHub paces content creation (the throttling plugin spaces issue creates and links 3 s apart), so
// these runs take tens of seconds by design.
vi.setConfig({ testTimeout: 120_000 })

function label(extra: Record<string, string> = {}, onSpawn?: Parameters<typeof runAction>[0]['onSpawn'], body = parent.body): Promise<ActionRun> {
  return runAction({
    ...(onSpawn ? { onSpawn } : {}),
    eventName: 'issues',
    payload: labeledEvent({ number: parent.number, title: parent.title, body }),
    inputs: { planner: 'task-planning', 'planner-url': planner.url, stream: 'false', output: 'sub-issues', 'sub-issue-labels': 'planned, backend', ...extra },
    apiUrl: github.url,
    repository: REPOSITORY,
    token: TOKEN,
  })
}

const count = (op: string): number => github.requests.filter((r) => r.operationId === op).length
const planComment = (): string => github.comments(parent.number)[0]!.body

describe('output: sub-issues', () => {
  it('creates one linked child per step in plan order, lists them in the comment, and outputs their numbers', async () => {
    planner.respond(PLAN, { json: taskPlanningPlan(4) })
    const run = await label()
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')

    const children = github.subIssues(parent.number)
    expect(children.map((c) => c.title)).toEqual(['Step 1: Design the limits', 'Step 2: Add the middleware', 'Step 3: Write tests', 'Step 4: Roll out'])
    expect(JSON.parse(run.outputs['sub-issues']!)).toEqual(children.map((c) => c.number))
    expect(children[0]!.labels.map((l) => l.name).sort()).toEqual(['backend', 'planned'])
    expect(children[1]!.body).toContain(`#${parent.number}`)
    expect(children[1]!.body).toMatch(/<!-- issue-planner:step \{"parent":\d+,"key":"[^"]+","step":2\} -->/)
    // "@platform-team" in the planner's text must not ping anyone from the child either.
    expect(children[1]!.body).not.toMatch(/(^|[^&#\w])@platform-team/)
    expect(github.blockedBy(children[1]!.number).map((b) => b.number)).toEqual([children[0]!.number])

    for (const child of children) expect(planComment()).toContain(`- [ ] #${child.number}`)
    expect(run.summary).toContain('### Sub-issues')
  })

  it('a second run creates nothing and writes nothing to the children', async () => {
    planner.respond(PLAN, { json: taskPlanningPlan(4) })
    await label()
    github.reset()
    // Edited and labelled again: re-planned (an unchanged issue would be skipped before the planner).
    const run = await label({}, undefined, `${parent.body} Include the admin API.`)
    expect(run.outputs.status).toBe('planned')
    expect(count('issues/create')).toBe(0)
    expect(count('issues/update')).toBe(0)
    expect(count('issues/add-sub-issue')).toBe(0)
    expect(github.subIssues(parent.number)).toHaveLength(4)
  })

  it('a step removed from the plan is closed as not planned only when untouched', async () => {
    const full = taskPlanningPlan(4)
    planner.respond(PLAN, { json: full }, { json: { ...full, steps: (full.steps as unknown[]).slice(0, 2) } })
    await label()
    const [, , third, fourth] = github.subIssues(parent.number)
    github.addComment(fourth!.number, { body: 'I started on this already.' })
    const run = await label({}, undefined, `${parent.body} Keep it to the first two steps.`)
    expect(run.outputs.status).toBe('planned')
    expect(github.issue(third!.number)).toMatchObject({ state: 'closed', state_reason: 'not_planned' })
    expect(github.issue(fourth!.number).state).toBe('open')
    expect(planComment()).toContain(`- [ ] #${fourth!.number}`)
    expect(planComment()).toContain(`#${third!.number} (closed as not planned)`)
  })

  it('a failure midway fails the run with what to fix; a re-run completes it without duplicates', async () => {
    planner.respond(PLAN, { json: taskPlanningPlan(4) })
    // Refuse the third issue creation, as GitHub does when permissions or rate limits run out mid-run.
    const first = await label({}, (child) => {
      const poll = setInterval(() => {
        if (github.requests.filter((r) => r.operationId === 'issues/create').length >= 2) {
          github.failNext({ operationId: 'issues/create' }, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' })
          clearInterval(poll)
        }
      }, 20)
      child.on('close', () => clearInterval(poll))
    })
    expect(first.code).toBe(1)
    expect(first.outputs.status).toBe('failed')
    expect(first.stdout).toMatch(/::error::.*403/)
    expect(github.subIssues(parent.number)).toHaveLength(2)
    expect(planComment()).toContain('no issue yet')
    expect(JSON.parse(first.outputs['sub-issues']!)).toHaveLength(2)

    const second = await label()
    expect(second.code).toBe(0)
    const children = github.subIssues(parent.number)
    expect(children.map((c) => c.title)).toEqual(['Step 1: Design the limits', 'Step 2: Add the middleware', 'Step 3: Write tests', 'Step 4: Roll out'])
    expect(github.requests.filter((r) => r.operationId === 'issues/create' && r.status === 201)).toHaveLength(4)
  })

  it('degrades to a plain checklist with "Blocked by" lines where sub-issues and dependencies answer 404 (GHES 3.17, 3.18)', async () => {
    // Issue representations may still carry the summaries, so only the 404s tell what is missing.
    github.disable('sub-issues', { keepSummaries: true })
    github.disable('dependencies', { keepSummaries: true })
    planner.respond(PLAN, { json: taskPlanningPlan(3) })
    const run = await label()
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    const [first, second, third] = JSON.parse(run.outputs['sub-issues']!) as number[]
    expect(planComment()).toContain(`- [ ] #${first}\n- [ ] #${second}\n- [ ] #${third}`)
    expect(github.issue(second!).body).toContain(`- Blocked by #${first}`)
    expect(github.issue(third!).body).toContain(`- Blocked by #${second}`)
    // Learnt from the first refusal: not asked again.
    expect(count('issues/add-blocked-by-dependency')).toBe(1)
    expect(run.stdout).toMatch(/Warning: Sub-issues are not available/)
    expect(run.stdout).toMatch(/Warning: Issue dependencies are not available/)
    expect(run.summary).toContain('not linked')
    expect(run.summary).toContain('Issue dependencies are not available')

    github.reset()
    await label({}, undefined, `${parent.body} (edited)`)
    expect(count('issues/create')).toBe(0)
    expect(count('issues/update')).toBe(0)
  })

  it('links the children but writes "Blocked by" lines where only the dependencies API answers 404', async () => {
    github.disable('dependencies', { keepSummaries: true })
    planner.respond(PLAN, { json: taskPlanningPlan(2) })
    const run = await label()
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    const [first, second] = github.subIssues(parent.number).map((c) => c.number)
    expect(github.issue(second!).body).toContain(`- Blocked by #${first}`)
    expect(run.stdout).toMatch(/Warning: Issue dependencies are not available/)
    expect(run.summary).toContain('Issue dependencies are not available')
  })

  it('an unchanged issue labelled again is not re-planned: no planner call, no writes', async () => {
    planner.respond(PLAN, { json: taskPlanningPlan(2) })
    await label()
    github.reset()
    const again = await label()
    expect(again.outputs.status).toBe('skipped')
    expect(again.stdout).toContain('Nothing has changed since the last plan')
    expect(planner.requests).toHaveLength(1)
    expect(github.requests.filter((r) => r.method !== 'GET' && r.operationId !== 'issues/remove-label')).toEqual([])
  })

  it('dry-run previews the children in the summary and writes nothing', async () => {
    planner.respond(PLAN, { json: taskPlanningPlan(3) })
    const run = await label({ 'dry-run': 'true' })
    expect(run.outputs.status).toBe('planned')
    expect(github.requests.filter((r) => r.method !== 'GET')).toEqual([])
    expect(run.summary).toContain('would-create')
  })
})
