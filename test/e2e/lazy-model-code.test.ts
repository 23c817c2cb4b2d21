import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXAMPLE_REPO, issuesEvent, labeledEvent } from '../support/events.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { FakePlanner, taskPlanningPlan } from '../support/fake-planner.ts'
import { DIST_ENTRY, runAction } from '../support/run-action.ts'

const TOKEN = 'ghs_lazyLoadingTestToken000000000001'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`

/**
 * The AI SDK and its providers are bundled as chunk files that only LLM runs import. A copy of the
 * action with the main file alone proves it: every other run still works without the chunks.
 */
let mainOnly: string
let github: FakeGitHub
let planner: FakePlanner

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-planner-main-only-'))
  for (const file of ['index.js', 'package.json']) copyFileSync(join(dirname(DIST_ENTRY), file), join(dir, file))
  mainOnly = join(dir, 'index.js')
  github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
  planner = await FakePlanner.start()
  planner.respond('/task-planning/plan', { json: taskPlanningPlan(3) })
})

afterAll(async () => {
  await Promise.all([github.close(), planner.close()])
})

const run = (eventName: string, payload: Record<string, unknown>, inputs: Record<string, string>) =>
  runAction({ eventName, payload, inputs, apiUrl: github.url, repository: REPOSITORY, token: TOKEN, entry: mainOnly })

describe('runs that need no model load no model code', () => {
  it('the build has chunk files beside the main file', () => {
    expect(readdirSync(dirname(DIST_ENTRY)).filter((f) => /^\d+\.index\.js$/.test(f)).length).toBeGreaterThan(0)
  })

  it('a skipped event, an outline plan and a task-planning plan run from the main file alone', async () => {
    const skipped = await run('issues', issuesEvent('opened'), {})
    expect([skipped.code, skipped.outputs.status]).toEqual([0, 'skipped'])

    const outline = github.addIssue({ title: 'Checklist', body: '- [ ] one\n- [ ] two' })
    const planned = await run('issues', labeledEvent(outline), { planner: 'outline' })
    expect([planned.code, planned.outputs.status, planned.outputs['step-count']]).toEqual([0, 'planned', '2'])

    const remote = github.addIssue({ title: 'Remote', body: 'Plan it.' })
    const remoteRun = await run('issues', labeledEvent(remote), { planner: 'task-planning', 'planner-url': planner.url, stream: 'false' })
    expect([remoteRun.code, remoteRun.outputs.status, remoteRun.outputs['step-count']]).toEqual([0, 'planned', '3'])
  })

  it('an LLM run does need the chunks (so the check above means something), and fails cleanly without them', async () => {
    const issue = github.addIssue({ title: 'LLM', body: 'Plan it.' })
    const result = await run('issues', labeledEvent(issue), { planner: 'openai-compatible', model: 'llama3', 'planner-url': 'http://127.0.0.1:9/v1' })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/)
  })
})
