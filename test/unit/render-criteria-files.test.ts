import { describe, expect, it } from 'vitest'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { PlanSchema } from '../../src/plan.ts'
import { type RenderContext, renderPlanned } from '../../src/publish/render.ts'
import { renderChildBody } from '../../src/publish/sub-issue-body.ts'

const ctx: RenderContext = { plannerName: 'anthropic', runUrl: '', label: 'plan-me', maxSteps: 25, notes: [] }
const step = (name: string, extra: Partial<PlanStep> = {}): PlanStep => ({ name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra })
const plan: Plan = {
  title: 'Rate limits',
  description: '',
  steps: [
    step('Add the bucket', {
      acceptance_criteria: ['`GET /v1/links` answers 429 past the limit', 'A test covers the reset'],
      files: ['src/limits/bucket.ts', './src/app.ts', 'src/app.ts:42', 'the API layer', 'src/made/up.ts', 'docs/'],
    }),
  ],
}
const paths = { paths: new Set(['src', 'src/app.ts', 'src/limits', 'src/limits/bucket.ts', 'docs']), complete: true }

describe('acceptance criteria and files on a step', () => {
  it('renders "Done when" and the files, flagging only paths the repository lacks', () => {
    const { body } = renderPlanned(plan, null, { ...ctx, paths })
    expect(body).toContain('- **Done when:** `GET /v1/links` answers 429 past the limit; A test covers the reset')
    expect(body).toContain('- **Files:** `src/limits/bucket.ts`, `./src/app.ts`, `src/app.ts:42`, `the API layer`, `src/made/up.ts` (not in the repository), `docs/`')
  })

  it('flags nothing when the tree was not read, or read only in part (truncated)', () => {
    expect(renderPlanned(plan, null, ctx).body).not.toContain('not in the repository')
    expect(renderPlanned(plan, null, { ...ctx, paths: { ...paths, complete: false } }).body).not.toContain('not in the repository')
  })

  it('a path cannot break out of its code span', () => {
    const { body } = renderPlanned({ ...plan, steps: [step('X', { files: ['a`b` @team <b>x</b>'] })] }, null, ctx)
    expect(body).toContain('`ab @&#8203;team &lt;b&gt;x&lt;/b&gt;`')
  })

  it('is read from task-planning replies that carry them, and left out when empty', () => {
    const parsed = PlanSchema.parse({ steps: [{ name: 'A', acceptance_criteria: ['ok'], files: 'src/a.ts' }, { name: 'B', acceptance_criteria: [], files: null }] })
    expect(parsed.steps[0]).toMatchObject({ acceptance_criteria: ['ok'], files: ['src/a.ts'] })
    expect(parsed.steps[1]).not.toHaveProperty('acceptance_criteria')
    expect(parsed.steps[1]).not.toHaveProperty('files')
  })

  it('goes into a sub-issue\'s body too', () => {
    const body = renderChildBody({ parent: 7, step: plan.steps[0]!, position: 1, total: 1, blockedBy: [] })
    expect(body).toContain('- **Done when:** `GET /v1/links` answers 429 past the limit; A test covers the reset')
    expect(body).toContain('- **Files:** `src/limits/bucket.ts`')
  })
})
