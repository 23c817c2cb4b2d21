import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_REPO, labeledEvent } from '../support/events.ts'
import { FakeGitHub, type FakeIssue } from '../support/fake-github.ts'
import { FakePlanner, type Frame, kubiyaPlanReply, kubiyaStreamFrames, taskPlanningPlan, taskPlanningStreamFrames } from '../support/fake-planner.ts'
import { type ActionRun, runAction } from '../support/run-action.ts'

const TOKEN = 'ghs_streamingTestToken000000000000001'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`
const KUBIYA_STREAM = '/api/v1/tasks/plan/stream'
const TP_STREAM = '/task-planning/plan/stream'

let github: FakeGitHub
let planner: FakePlanner
let issue: FakeIssue

beforeEach(async () => {
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  planner = await FakePlanner.start()
  issue = github.addIssue({ title: 'Rate-limit the public API', body: 'Clients can hammer `/v1/links`; add per-key limits.' })
})

afterEach(async () => {
  await Promise.all([github.close(), planner.close()])
})

function label(inputs: Record<string, string>, onSpawn?: Parameters<typeof runAction>[0]['onSpawn']): Promise<ActionRun> {
  return runAction({
    eventName: 'issues',
    // Applying the label updates the issue, which is how the run knows which comments came before it.
    payload: labeledEvent({ number: issue.number, title: issue.title, body: issue.body, labels: issue.labels, user: issue.user, updated_at: new Date().toISOString() } as never),
    inputs: { 'progress-interval': '1', ...inputs },
    apiUrl: github.url,
    repository: REPOSITORY,
    token: TOKEN,
    ...(onSpawn ? { onSpawn } : {}),
  })
}

const kubiya = (extra: Record<string, string> = {}): Record<string, string> => ({ planner: 'kubiya', 'planner-url': planner.url, 'planner-api-key': planner.kubiyaKey, ...extra })
const taskPlanning = (extra: Record<string, string> = {}): Record<string, string> => ({ planner: 'task-planning', 'planner-url': planner.url, ...extra })
/** Every body written to the plan comment, in order: the create, then each edit. */
const commentWrites = (): string[] =>
  github.requests
    .filter((r) => r.operationId === 'issues/create-comment' || r.operationId === 'issues/update-comment')
    .map((r) => (r.body as { body: string }).body)
const finalBody = (): string => github.comments(issue.number)[0]!.body

describe('Kubiya stream', () => {
  it('shows stage and percentage while planning, then the plan', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: kubiyaStreamFrames(5), frameDelayMs: 300 } })
    const run = await label(kubiya())
    expect(run.code).toBe(0)
    expect(run.outputs.status).toBe('planned')
    expect(planner.requests[0]!.headers.accept).toContain('text/event-stream')

    const writes = commentWrites()
    expect(writes[0]).toContain('Planning this issue')
    const progress = writes.slice(1, -1)
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.some((b) => /`█+░*` \d+%/.test(b))).toBe(true)
    expect(progress.every((b) => b.includes('"state":"planning"'))).toBe(true)
    expect(writes.length).toBeLessThanOrEqual(20)
    expect(finalBody()).toContain('- [ ] **5. Task 5: Implement token bucket**')
    expect(run.stdout).toMatch(/Planning: \w+ · \d+%/)
    expect(github.comments(issue.number)).toHaveLength(1)
  })

  it('an error frame followed by complete is still a plan (the stream is read to the end)', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: kubiyaStreamFrames(3, { errorsFirst: ['Plan validation failed, retrying'] }) } })
    const run = await label(kubiya())
    expect(run.outputs.status).toBe('planned')
    expect(finalBody()).toContain('**3. Task 3: Document**')
  })

  it('error frames only: fails with the collected messages, each once', async () => {
    const frames: Frame[] = [
      { event: 'progress', data: { stage: 'analyzing', message: 'Analyzing', progress: 10 } },
      { event: 'error', data: { message: 'Model provider timed out' } },
      { event: 'error', data: { message: 'Model provider timed out' } },
      { event: 'error', data: { message: 'Planning aborted after 3 attempts' } },
    ]
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames } })
    const run = await label(kubiya())
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('failed')
    expect(finalBody()).toContain('Kubiya planning failed: Model provider timed out; Planning aborted after 3 attempts')
  })

  it('an auth failure under HTTP 200 reads as a rejected key', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: [{ event: 'error', data: { message: 'Authentication failed: token has no organization claim', status_code: 401 } }] } })
    const run = await label(kubiya())
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error::The Kubiya API key was rejected: Authentication failed: token has no organization claim')
    expect(run.stdout).toContain('planner-api-key')
    // A configuration problem is the maintainers' business: the issue only hears that planning failed.
    expect(finalBody()).toContain('This issue could not be planned ([workflow run](https://github.com/Codertocat/Hello-World/actions/runs/4242)).')
    expect(finalBody()).not.toContain('API key')
  })

  it('an unterminated last frame still completes the plan', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: kubiyaStreamFrames(2), unterminated: true } })
    const run = await label(kubiya())
    expect(run.outputs.status).toBe('planned')
  })

  it('a stream cut mid-way is not retried: the comment says it was interrupted, the log how to re-run', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: kubiyaStreamFrames(4), cutAfter: 3, frameDelayMs: 50 } })
    const run = await label(kubiya())
    expect(run.code).toBe(1)
    expect(planner.requests).toHaveLength(1)
    expect(finalBody()).toMatch(/broke while it was answering .*not retried, to avoid paying for a second plan\./)
    expect(finalBody()).not.toContain('run the workflow again')
    expect(finalBody()).not.toContain('`plan-me`')
    expect(run.stdout).toMatch(/::error::.*not retried, to avoid paying for a second plan; run the workflow again\. To plan the issue again, add the `plan-me` label again, or comment `\/plan`\./)
  })

  it('503 with Retry-After before the stream is retried once it may be', async () => {
    planner.respond(KUBIYA_STREAM, { status: 503, json: { detail: 'busy' }, headers: { 'retry-after': '1' } }, { stream: { format: 'sse', frames: kubiyaStreamFrames(2) } })
    const run = await label(kubiya())
    expect(run.outputs.status).toBe('planned')
    expect(planner.requests).toHaveLength(2)
    expect(run.stdout).toContain('retrying in')
  })

  it('questions on the stream become needs-info and the label; a later plan removes the label', async () => {
    planner.respond(
      KUBIYA_STREAM,
      { stream: { format: 'sse', frames: [{ event: 'complete', data: { plan: { title: 'x', summary: '', team_breakdown: [], has_questions: true, questions: 'Which endpoints need limits?' }, progress: 100 } }] } },
      { stream: { format: 'sse', frames: kubiyaStreamFrames(2) } },
    )
    const asked = await label(kubiya())
    expect(asked.outputs.status).toBe('needs-info')
    expect(finalBody()).toContain('Which endpoints need limits?')
    const labelled = github.issue(issue.number).labels.map((l) => l.name)
    expect(labelled).toContain('plan-needs-info')

    // The author answers in a comment and labels again; the next event carries the issue as it is then,
    // with the needs-info label on it.
    github.addComment(issue.number, { body: 'All of /v1/links and /v1/stats, 100 requests a minute per key.', user: github.issue(issue.number).user })
    await new Promise((r) => setTimeout(r, 5))
    github.reset()
    issue = github.issue(issue.number)
    const planned = await label(kubiya())
    expect(planned.outputs.status).toBe('planned')
    const sent = planner.requests.at(-1)!.body as { conversation_context: string }
    expect(sent.conversation_context).toContain('100 requests a minute per key')
    expect(github.requests.map((r) => r.operationId)).toContain('issues/remove-label')
    expect(github.issue(issue.number).labels.map((l) => l.name)).not.toContain('plan-needs-info')
  })

  it('a very long stream makes no more edits than the throttle allows', async () => {
    const thinking = kubiyaStreamFrames(3, { thinking: 4000 })
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: thinking } })
    const started = Date.now()
    const run = await label(kubiya())
    const seconds = (Date.now() - started) / 1000
    expect(run.outputs.status).toBe('planned')
    const edits = commentWrites().length - 2
    // One edit per progress-interval (1 s) at most, plus the immediate first one.
    expect(edits).toBeLessThanOrEqual(Math.ceil(seconds) + 1)
    expect(commentWrites().length).toBeLessThanOrEqual(20)
  })
})

describe('Task Planning stream', () => {
  it('grows the checklist in the comment as steps complete, then posts the plan', async () => {
    planner.respond(TP_STREAM, { stream: { format: 'sse', frames: taskPlanningStreamFrames(6, { pieces: 12, fenced: true }), frameDelayMs: 250 } })
    const run = await label(taskPlanning())
    expect(run.code).toBe(0)
    const drafts = commentWrites().slice(1, -1)
    const counts = drafts.map((b) => (b.match(/^\d+\. Step \d+/gm) ?? []).length)
    expect(counts.length).toBeGreaterThanOrEqual(2)
    expect(counts.some((n) => n > 0)).toBe(true)
    expect([...counts].sort((a, b) => a - b)).toEqual(counts)
    expect(drafts.some((b) => b.includes('- [ ]'))).toBe(false)
    expect(finalBody()).toContain('- [ ] **6. Step 6: Add the middleware**')
  })

  it('accepts newline-delimited JSON and a last update carrying the whole plan', async () => {
    planner.respond(TP_STREAM, { stream: { format: 'ndjson', frames: taskPlanningStreamFrames(3, { finalObject: true }) } })
    const run = await label(taskPlanning())
    expect(run.outputs.status).toBe('planned')
    expect(finalBody()).toContain('**3. Step 3: Write tests**')
  })

  it('a stream that stalls hits the overall timeout, and the comment says how long it waited', async () => {
    planner.respond(TP_STREAM, { stream: { format: 'sse', frames: [...taskPlanningStreamFrames(3, { pieces: 3 }).slice(0, 1), { data: { data: '' } }], frameDelayMs: 3000 } })
    const run = await label(taskPlanning({ 'planner-timeout': '2' }))
    expect(run.code).toBe(1)
    expect(finalBody()).toContain('did not answer within 2 s.')
    expect(run.stdout).toMatch(/did not answer within 2 s \(input `planner-timeout` is 2 s\)/)
  })
})

describe('boxes ticked during a re-plan', () => {
  it('are all kept: the comment is read again right before each edit, not a write-pacing wait earlier', async () => {
    const names = (taskPlanningPlan(4).steps as Array<{ name: string }>).map((s) => s.name)
    const box = (i: number): string => `**${i + 1}. ${names[i]}**`
    const plan = github.addComment(issue.number, {
      body: ['<!-- issue-planner:plan {"state":"planned"} -->', '', '<!-- issue-planner:plan-section -->', '### Plan', '', ...names.map((_, i) => `- [ ] ${box(i)}`)].join('\n'),
      user: github.botUser,
      author_association: 'NONE',
    })
    // A reader ticks the next box right after the run has listed the comments, and 100 ms after
    // each time it reads the plan comment again (the old code then waited up to a second for GitHub's
    // write pacing before writing what it had read).
    const ticked: number[] = []
    const tickNext = (): void => {
      const i = ticked.length
      if (i >= names.length) return
      ticked.push(i)
      github.editComment(plan.id, finalBody().replace(`- [ ] ${box(i)}`, `- [x] ${box(i)}`))
    }
    github.onServed((request) => {
      if (request.status !== 200) return
      if (request.operationId === 'issues/list-comments' && ticked.length === 0) tickNext()
      if (request.operationId === 'issues/get-comment') setTimeout(tickNext, 100)
    })
    planner.respond(TP_STREAM, { stream: { format: 'sse', frames: taskPlanningStreamFrames(4, { pieces: 8 }), frameDelayMs: 250 } })
    const run = await label(taskPlanning())
    expect(run.outputs.status).toBe('planned')
    expect(commentWrites().length).toBeGreaterThanOrEqual(3)
    expect(ticked.length).toBeGreaterThanOrEqual(3)
    for (const i of ticked) expect(finalBody()).toContain(`- [x] ${box(i)}`)
  })
})

describe('cancellation', () => {
  it('SIGTERM mid-stream leaves a final "cancelled" comment and a failing exit', async () => {
    planner.respond(KUBIYA_STREAM, { stream: { format: 'sse', frames: kubiyaStreamFrames(3), frameDelayMs: 1000 } })
    const run = await label(kubiya(), (child) => {
      const poll = setInterval(() => {
        if (github.requests.some((r) => r.operationId === 'issues/create-comment')) {
          clearInterval(poll)
          setTimeout(() => child.kill('SIGTERM'), 300)
        }
      }, 50)
      child.on('close', () => clearInterval(poll))
    })
    expect(run.code).toBe(1)
    expect(run.outputs.status).toBe('cancelled')
    expect(run.stdout).toContain('Received SIGTERM')
    const body = finalBody()
    expect(body).toMatch(/^<!-- issue-planner:plan \{"state":"cancelled"\} -->/)
    expect(body).toContain('Planning was cancelled')
  })
})

describe('streaming off', () => {
  it('`stream: false` uses the plain route', async () => {
    planner.respond('/api/v1/tasks/plan', { json: kubiyaPlanReply(2) })
    const run = await label(kubiya({ stream: 'false' }))
    expect(run.outputs.status).toBe('planned')
    expect(planner.requests[0]!.path).toBe('/api/v1/tasks/plan')
    expect(commentWrites()).toHaveLength(2)
  })
})
