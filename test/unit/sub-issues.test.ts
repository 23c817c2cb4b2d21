// `output: sub-issues` against the fake GitHub, which validates every request against GitHub's
// OpenAPI description and enforces the sub-issue and dependency rules (ids not numbers, one parent,
// 100 children).
import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { scanMarkdown } from '../../src/markdown/scan.ts'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { type ChildReport, type SubIssueOptions, type SubIssuesResult, parseChildMarker, publishSubIssues } from '../../src/publish/sub-issues.ts'
import { FakeGitHub, type FakeIssue } from '../support/fake-github.ts'

const owner = 'octo-org'
const repo = 'octo-repo'
const FORBIDDEN = { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' }

let fake: FakeGitHub
let octokit: ReturnType<typeof getOctokit>
let parent: FakeIssue

beforeEach(async () => {
  fake = await FakeGitHub.start({ token: 't' })
  octokit = getOctokit('t', { baseUrl: fake.url })
  parent = fake.addIssue({ title: 'Epic: rate limiting' })
})

afterEach(async () => {
  await fake.close()
})

function step(name: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { name, description: `Work on ${name.toLowerCase()}.`, prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra }
}

const planOf = (...steps: PlanStep[]): Plan => ({ title: 'Rate limiting', description: '', steps })

const plan = planOf(
  step('Audit current limits', { subtasks: ['List endpoints', 'Measure traffic'], estimated_time: '2h', risks: ['Hidden callers'] }),
  step('Implement token bucket', { dependencies: ['1'], required_skills: ['Go'] }),
  step('Roll out', { dependencies: ['Audit current limits', 'step 2'] }),
)

async function publish(p: Plan, options: Partial<SubIssueOptions> = {}): Promise<SubIssuesResult> {
  fake.reset()
  const ref = { owner, repo, issue_number: parent.number }
  const target = { number: parent.number, title: parent.title, html_url: parent.html_url }
  return publishSubIssues(octokit, ref, target, p, { labels: ['planned'], dryRun: false, log: () => {}, previousChildNumbers: [], ...options })
}

const writes = () => fake.requests.filter((r) => r.method !== 'GET')
const calls = (operationId: string) => fake.requests.filter((r) => r.operationId === operationId)
const actions = (result: SubIssuesResult) => result.children.map((c) => c.action)
const numbersOf = (children: ChildReport[]) => children.map((c) => c.number)
const linkedNumbers = () => fake.subIssues(parent.number).map((i) => i.number)
const blockers = (number: number) => fake.blockedBy(number).map((i) => i.number)

/** What the reader does in the browser. */
async function edit(number: number, change: { body?: string; state?: 'closed'; assignees?: string[] }): Promise<void> {
  await octokit.rest.issues.update({ owner, repo, issue_number: number, ...change })
}

describe('first run', () => {
  it('creates and links one child per step, in plan order, with bodies, labels, markers and dependencies', async () => {
    const result = await publish(plan)
    expect(result).toMatchObject({ linked: true, dependencies: 'recorded', warnings: [] })
    expect(result.error).toBeUndefined()
    expect(actions(result)).toEqual(['created', 'created', 'created'])
    const [audit, bucket, rollout] = numbersOf(result.children) as [number, number, number]
    expect(linkedNumbers()).toEqual([audit, bucket, rollout])

    const first = fake.issue(audit)
    expect(first.title).toBe('Audit current limits')
    expect(first.labels.map((l) => l.name)).toEqual(['planned'])
    expect(parseChildMarker(first.body)).toEqual({ parent: parent.number, key: 'audit current limits', step: 1 })
    expect(first.body).toContain('- [ ] List endpoints\n- [ ] Measure traffic')
    expect(first.body).toContain('- **Estimate:** 2h')
    expect(first.body).toContain(`Part of #${parent.number} (step 1 of 3)`)
    expect(fake.issue(rollout).body).toContain(`Part of #${parent.number} (step 3 of 3)`)

    expect(blockers(audit)).toEqual([])
    expect(blockers(bucket)).toEqual([audit])
    expect(blockers(rollout)).toEqual([audit, bucket])
    // Links and dependencies name issues by id: the fake refuses numbers.
    expect(calls('issues/add-sub-issue').map((r) => r.body)).toEqual([audit, bucket, rollout].map((n) => ({ sub_issue_id: fake.issue(n).id })))
  })

  it('gives two steps with the same name a child each, and finds them again', async () => {
    const twins = planOf(step('Write tests'), step('Ship'), step('Write tests'))
    const first = await publish(twins)
    expect(new Set(numbersOf(first.children)).size).toBe(3)
    const second = await publish(twins)
    expect(numbersOf(second.children)).toEqual(numbersOf(first.children))
    expect(actions(second)).toEqual(['unchanged', 'unchanged', 'unchanged'])
  })
})

describe('re-runs', () => {
  it('writes nothing when nothing changed', async () => {
    const first = await publish(plan)
    const second = await publish(plan)
    expect(actions(second)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(numbersOf(second.children)).toEqual(numbersOf(first.children))
    expect(writes()).toEqual([])
    // The sub-issue list, then the blockers of the two children that have some.
    expect(fake.requests.map((r) => r.operationId)).toEqual(['issues/list-sub-issues', 'issues/list-dependencies-blocked-by', 'issues/list-dependencies-blocked-by'])
  })

  it('matches a step whose capitalisation and punctuation changed to its child', async () => {
    const first = await publish(plan)
    const renamed = planOf({ ...plan.steps[0]!, name: 'AUDIT current limits!' }, plan.steps[1]!, plan.steps[2]!)
    const second = await publish(renamed)
    expect(actions(second)).toEqual(['updated', 'unchanged', 'unchanged'])
    expect(numbersOf(second.children)).toEqual(numbersOf(first.children))
    expect(fake.issue(first.children[0]!.number!).title).toBe('AUDIT current limits!')
    expect(calls('issues/create')).toEqual([])
  })

  it("updates a changed step in place and keeps the reader's ticks", async () => {
    const first = await publish(plan)
    const audit = first.children[0]!.number!
    await edit(audit, { body: fake.issue(audit).body!.replace('- [ ] List endpoints', '- [x] List endpoints') })

    expect(actions(await publish(plan))).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(writes()).toEqual([])

    const reworded = planOf({ ...plan.steps[0]!, description: 'Audit every gateway.' }, plan.steps[1]!, plan.steps[2]!)
    const second = await publish(reworded)
    expect(actions(second)).toEqual(['updated', 'unchanged', 'unchanged'])
    expect(writes().map((r) => r.operationId)).toEqual(['issues/update'])
    expect(fake.issue(audit).body).toContain('Audit every gateway.')
    expect(fake.issue(audit).body).toContain('- [x] List endpoints\n- [ ] Measure traffic')
  })

  it('puts a new step in its place among the sub-issues with one move', async () => {
    const first = await publish(plan)
    const extended = planOf(plan.steps[0]!, step('Load test'), plan.steps[1]!, plan.steps[2]!)
    const second = await publish(extended)
    // Every body says "step N of 4" now.
    expect(actions(second)).toEqual(['updated', 'created', 'updated', 'updated'])
    const [audit, bucket, rollout] = numbersOf(first.children)
    expect(linkedNumbers()).toEqual([audit, second.children[1]!.number, bucket, rollout])
    expect(calls('issues/reprioritize-sub-issue')).toHaveLength(1)
  })

  it('restores plan order with the fewest moves when someone reordered the sub-issues', async () => {
    const four = planOf(step('One'), step('Two'), step('Three'), step('Four'))
    const first = await publish(four)
    const ids = numbersOf(first.children).map((n) => fake.issue(n!).id)
    // Reader drags them into reverse order: 4, 3, 2, 1.
    for (const id of ids.slice(1)) {
      await octokit.rest.issues.reprioritizeSubIssue({ owner, repo, issue_number: parent.number, sub_issue_id: id, before_id: fake.subIssues(parent.number)[0]!.id })
    }
    expect(linkedNumbers()).toEqual(numbersOf(first.children).reverse())
    await publish(four)
    expect(linkedNumbers()).toEqual(numbersOf(first.children))
    expect(calls('issues/reprioritize-sub-issue')).toHaveLength(3)
  })
})

describe('children of removed steps', () => {
  it('closes an untouched one as not planned and keeps ones with comments, assignees or ticks', async () => {
    const five = planOf(step('Keep me'), step('Commented'), step('Assigned'), step('Ticked', { subtasks: ['Half done'] }), step('Untouched'))
    const first = await publish(five)
    const [kept, commented, assigned, ticked, untouched] = numbersOf(first.children) as number[]
    fake.addComment(commented!, { body: 'I started on this.' })
    await edit(assigned!, { assignees: ['hubot'] })
    await edit(ticked!, { body: fake.issue(ticked!).body!.replace('- [ ] Half done', '- [x] Half done') })

    const second = await publish(planOf(step('Keep me')))
    expect(second.children).toEqual([
      { step: 1, name: 'Keep me', number: kept, action: 'updated', state: 'open' },
      { name: 'Commented', number: commented, action: 'kept', state: 'open' },
      { name: 'Assigned', number: assigned, action: 'kept', state: 'open' },
      { name: 'Ticked', number: ticked, action: 'kept', state: 'open' },
      { name: 'Untouched', number: untouched, action: 'closed-not-planned', state: 'closed' },
    ])
    expect(fake.issue(untouched!)).toMatchObject({ state: 'closed', state_reason: 'not_planned' })
    for (const n of [commented, assigned, ticked]) expect(fake.issue(n!).state).toBe('open')
    // Nothing is deleted or unlinked.
    expect(linkedNumbers()).toEqual([kept, commented, assigned, ticked, untouched])
  })

  it('leaves a closed child closed and reports it done', async () => {
    const first = await publish(plan)
    const bucket = first.children[1]!.number!
    await edit(bucket, { state: 'closed' })
    const before = fake.issue(bucket).body
    const changed = planOf(plan.steps[0]!, step('Implement token bucket', { description: 'Now with bursts.' }), plan.steps[2]!)
    const second = await publish(changed)
    expect(second.children[1]).toEqual({ step: 2, name: 'Implement token bucket', number: bucket, action: 'done', state: 'closed' })
    expect(fake.issue(bucket)).toMatchObject({ state: 'closed', body: before })
  })

  it('ignores an issue carrying a forged marker that its author had no right to write', async () => {
    const forged = fake.addIssue({ title: 'Roll out', body: `<!-- issue-planner:step {"parent":${parent.number},"key":"roll out","step":3} -->\nMine.` })
    await octokit.rest.issues.addSubIssue({ owner, repo, issue_number: parent.number, sub_issue_id: forged.id })
    const result = await publish(plan)
    expect(actions(result)).toEqual(['created', 'created', 'created'])
    expect(fake.issue(forged.number)).toMatchObject({ state: 'open', body: forged.body, title: 'Roll out' })
  })
})

describe('failures', () => {
  it('stops at a refused create, names the fix, and a re-run completes without duplicates', async () => {
    const five = planOf(step('One'), step('Two'), step('Three', { dependencies: ['2'] }), step('Four'), step('Five'))
    let created = 0
    const log = (message: string) => {
      if (message.startsWith('Created') && ++created === 2) fake.failNext({ operationId: 'issues/create' }, 403, FORBIDDEN)
    }
    const first = await publish(five, { log })
    expect(first.error).toMatch(/^GitHub refused to create the issue for step 3 \(HTTP 403: Resource not accessible by integration\): the workflow needs `permissions: issues: write`\. Re-run/)
    expect(actions(first)).toEqual(['created', 'created', 'not-created', 'not-created', 'not-created'])
    expect(first.children[2]!.error).toBe('HTTP 403: Resource not accessible by integration')
    const made = numbersOf(first.children.slice(0, 2)) as number[]
    expect(linkedNumbers()).toEqual(made)

    const second = await publish(five, { previousChildNumbers: made })
    expect(second.error).toBeUndefined()
    expect(actions(second)).toEqual(['unchanged', 'unchanged', 'created', 'created', 'created'])
    expect(linkedNumbers()).toEqual(numbersOf(second.children))
    expect(new Set(fake.subIssues(parent.number).map((i) => i.title)).size).toBe(5)
    expect(blockers(second.children[2]!.number!)).toEqual([made[1]])
  })

  it('links on the re-run a child whose link was refused', async () => {
    fake.failNext({ operationId: 'issues/add-sub-issue' }, 403, FORBIDDEN)
    const first = await publish(plan)
    expect(first.children[0]).toMatchObject({ action: 'created', error: 'HTTP 403: Resource not accessible by integration' })
    expect(first.error).toMatch(/link #\d+ \(step 1\) as a sub-issue/)
    expect(actions(first)).toEqual(['created', 'not-created', 'not-created'])
    expect(linkedNumbers()).toEqual([])

    const second = await publish(plan, { previousChildNumbers: numbersOf(first.children).filter((n) => n !== undefined) })
    expect(actions(second)).toEqual(['updated', 'created', 'created'])
    expect(second.children[0]!.number).toBe(first.children[0]!.number)
    expect(linkedNumbers()).toEqual(numbersOf(second.children))
  })

  it("creates only what fits under GitHub's 100 sub-issues per parent", async () => {
    for (let i = 0; i < 98; i++) {
      const other = fake.addIssue({ title: `Existing ${i}` })
      await octokit.rest.issues.addSubIssue({ owner, repo, issue_number: parent.number, sub_issue_id: other.id })
    }
    const result = await publish(planOf(step('A'), step('B'), step('C'), step('D'), step('E')))
    expect(actions(result)).toEqual(['created', 'created', 'not-created', 'not-created', 'not-created'])
    expect(result.children[2]!.error).toMatch(/no room for more sub-issues/)
    expect(result.error).toMatch(/GitHub allows 100 sub-issues per issue and #1 had 98, so steps 3, 4, 5 were left without a child issue/)
    expect(fake.subIssues(parent.number)).toHaveLength(100)
    expect(calls('issues/create')).toHaveLength(2)
  })
})

describe('dependencies as the plan comment resolves them', () => {
  it('records names in any case and parts of names; not a later step, an unknown one or the step itself', async () => {
    const result = await publish(
      planOf(step('Audit current limits', { dependencies: ['3'] }), step('Implement token bucket', { dependencies: ['AUDIT CURRENT LIMITS!', 'Implement token bucket'] }), step('Roll out', { dependencies: ['token bucket', '99'] })),
    )
    const [audit, bucket, rollout] = numbersOf(result.children) as [number, number, number]
    expect(blockers(audit)).toEqual([])
    expect(blockers(bucket)).toEqual([audit])
    expect(blockers(rollout)).toEqual([bucket])
  })
})

describe('older GitHub Enterprise Server', () => {
  it('creates unlinked children without sub-issues, and finds them again through the plan comment', async () => {
    fake.disable('sub-issues')
    const first = await publish(plan)
    expect(first).toMatchObject({ linked: false, dependencies: 'recorded' })
    expect(first.error).toBeUndefined()
    expect(first.warnings).toEqual([expect.stringMatching(/Sub-issues are not available on this GitHub .*Enterprise Server.*plain checklist/)])
    expect(actions(first)).toEqual(['created', 'created', 'created'])
    expect(calls('issues/add-sub-issue')).toEqual([])

    // #999 was deleted since: skipped.
    const second = await publish(plan, { previousChildNumbers: [...(numbersOf(first.children) as number[]), 999] })
    expect(actions(second)).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(numbersOf(second.children)).toEqual(numbersOf(first.children))
    expect(writes()).toEqual([])
  })

  it('writes "Blocked by #n" lines when there is no dependencies API', async () => {
    fake.disable('dependencies')
    const first = await publish(plan)
    const [audit, bucket, rollout] = numbersOf(first.children) as number[]
    expect(first.dependencies).toBe('unavailable')
    expect(first.warnings).toEqual([expect.stringMatching(/Issue dependencies are not available.*"Blocked by #n" lines/)])
    expect(fake.issue(audit!).body).not.toContain('Blocked by')
    expect(fake.issue(bucket!).body).toContain(`- Blocked by #${audit}`)
    expect(fake.issue(rollout!).body).toContain(`- Blocked by #${audit}\n- Blocked by #${bucket}`)
    expect(calls('issues/add-blocked-by-dependency')).toEqual([])

    expect(actions(await publish(plan))).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(writes()).toEqual([])
  })

  it('falls back to "Blocked by #n" lines when recording a dependency answers 404, though issues report dependency summaries', async () => {
    fake.disable('dependencies', { keepSummaries: true })
    const first = await publish(plan)
    const [audit, bucket, rollout] = numbersOf(first.children) as number[]
    expect(first.error).toBeUndefined()
    expect(first.dependencies).toBe('unavailable')
    expect(first.warnings).toEqual([expect.stringMatching(/Issue dependencies are not available.*"Blocked by #n" lines/)])
    expect(actions(first)).toEqual(['created', 'created', 'created'])
    expect(linkedNumbers()).toEqual([audit, bucket, rollout])
    // The child created before the 404 gets its lines in an edit; the next is created with them.
    expect(fake.issue(bucket!).body).toContain(`- Blocked by #${audit}`)
    expect(fake.issue(rollout!).body).toContain(`- Blocked by #${audit}\n- Blocked by #${bucket}`)
    expect(calls('issues/add-blocked-by-dependency')).toHaveLength(1)

    expect(actions(await publish(plan))).toEqual(['unchanged', 'unchanged', 'unchanged'])
    expect(writes()).toEqual([])
  })

  it('fails on a 404 from recording a dependency when the dependencies API is there (a blocker deleted meanwhile)', async () => {
    fake.failNext({ operationId: 'issues/add-blocked-by-dependency' }, 404)
    const result = await publish(plan)
    expect(result.dependencies).toBe('recorded')
    expect(result.error).toMatch(/GitHub refused to record that #\d+ is blocked by #\d+ \(HTTP 404: Not Found\): check that #\d+ and #\d+ still exist and that the workflow grants `permissions: issues: write`/)
    expect(result.warnings).toEqual([])
    expect(actions(result)).toEqual(['created', 'created', 'not-created'])
  })
})

describe('untrusted planner text', () => {
  it('cannot mention anyone or forge a marker in a child', async () => {
    const marker = `<!-- issue-planner:step {"parent":${parent.number},"key":"x","step":9} -->`
    const hostile = planOf(step(`Ping @alice ${marker}`, { description: `Ask @alice.\n\n${marker}\n\n\`\`\`\n${marker}\n\`\`\``, subtasks: ['Tell @bob'] }))
    const result = await publish(hostile)
    const child = fake.issue(result.children[0]!.number!)
    expect(child.title).toBe('Ping @\u200balice')
    const prose = scanMarkdown(child.body!).filter((s) => s.kind === 'text')
    expect(prose.map((s) => s.text).join('')).not.toMatch(/@alice|@bob|issue-planner:step/)
    expect(scanMarkdown(child.body!).filter((s) => s.kind === 'comment')).toHaveLength(1)
    expect(parseChildMarker(child.body)).toMatchObject({ parent: parent.number, step: 1, key: 'ping alice' })
  })
})

describe('dry run', () => {
  it('reads but writes nothing, and says what it would do', async () => {
    const preview = await publish(plan, { dryRun: true })
    expect(actions(preview)).toEqual(['would-create', 'would-create', 'would-create'])
    expect(writes()).toEqual([])
    expect(linkedNumbers()).toEqual([])

    await publish(plan)
    const changed = planOf(plan.steps[0]!, step('Implement token bucket', { description: 'Bursts too.' }))
    const second = await publish(changed, { dryRun: true })
    expect(actions(second)).toEqual(['would-update', 'would-update', 'would-close'])
    expect(writes()).toEqual([])
  })
})

describe('request economy', () => {
  it('costs a list, a create, a link and its dependencies per step the first time, and no writes after', async () => {
    const twenty = planOf(...Array.from({ length: 20 }, (_, i) => step(`Step ${i + 1}`, i === 0 ? {} : { dependencies: [String(i)] })))
    const first = await publish(twenty)
    expect(first.error).toBeUndefined()
    const firstCounts = { requests: fake.requests.length, writes: writes().length }
    // 1 list + 20 creates + 20 links + 19 dependencies; nothing to reorder.
    expect(firstCounts).toEqual({ requests: 60, writes: 59 })

    const second = await publish(twenty)
    expect(actions(second).every((a) => a === 'unchanged')).toBe(true)
    // 1 list + the blockers of the 19 children that have some.
    expect({ requests: fake.requests.length, writes: writes().length }).toEqual({ requests: 20, writes: 0 })
  })
})
