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
  it('shows short "Done when" on the step and folds the files away, flagging only paths the repository lacks', () => {
    const { body } = renderPlanned(plan, null, { ...ctx, paths })
    expect(body).toContain('\n  ✅ **Done when:** `GET /v1/links` answers 429 past the limit; A test covers the reset\n')
    expect(body).toContain('<details><summary>6 files (1 not in the repository)</summary>')
    expect(body).toContain(
      '<li><b>Files:</b> <code>src/limits/bucket.ts</code>, <code>./src/app.ts</code>, <code>src/app.ts:42</code>, <code>the API layer</code>, <code>src/made/up.ts</code> (not in the repository), <code>docs/</code></li>',
    )
  })

  it('folds long acceptance criteria away, and says how many there are', () => {
    const long = ['The limiter answers 429 with a Retry-After header once a key has used its whole bucket for the current window', 'A test covers the reset of every bucket at the window boundary']
    const { body } = renderPlanned({ ...plan, steps: [step('Add the bucket', { acceptance_criteria: long })] }, null, ctx)
    expect(body).not.toContain('✅')
    expect(body).toContain('<details><summary>2 acceptance criteria</summary>')
    expect(body).toContain(`<li><b>Done when:</b> ${long.join('; ')}</li>`)
  })

  it('flags nothing when the tree was not read, or read only in part (truncated)', () => {
    expect(renderPlanned(plan, null, ctx).body).not.toContain('not in the repository')
    expect(renderPlanned(plan, null, { ...ctx, paths: { ...paths, complete: false } }).body).not.toContain('not in the repository')
  })

  it('a path cannot break out of its code element', () => {
    const { body } = renderPlanned({ ...plan, steps: [step('X', { files: ['a`b` @team <b>x</b>'] })] }, null, ctx)
    expect(body).toContain('<code>ab @&#8203;team &lt;b&gt;x&lt;/b&gt;</code>')
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
