import { describe, expect, it } from 'vitest'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { PLAN_SECTION_MARKER, parseMarker, planSection } from '../../src/publish/marker.ts'
import { type RenderContext, renderCancelled, renderPlanned, renderPlanning } from '../../src/publish/render.ts'

const ctx: RenderContext = {
  plannerName: 'kubiya',
  runUrl: 'https://github.com/acme/snip/actions/runs/9001',
  label: 'plan-me',
  maxSteps: 25,
  notes: [],
}

function step(name: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra }
}

const plan: Plan = {
  title: 'Move sessions to Postgres',
  description: 'Store sessions in Postgres so the API can scale horizontally.',
  steps: [
    step('Add migration', { description: 'Create the `sessions` table.', subtasks: ['Write the migration', 'Add an index on user_id'] }),
    step('Deploy to staging', { description: 'Roll out behind the `pg_sessions` flag.' }),
  ],
}

/** A previous plan comment in which the reader ticked the first step. */
function tickedPlanComment(): string {
  const body = renderPlanned(plan, null, ctx).body
  const ticked = body.replace('- [ ] **1. Add migration**', '- [x] **1. Add migration**')
  expect(ticked).not.toBe(body)
  return ticked
}

/** The part of a comment above the plan section: the status banner and any draft steps. */
const banner = (body: string): string => body.split(PLAN_SECTION_MARKER)[0]!

describe('renderPlanning with progress', () => {
  it('shows a ten-cell bar with the percentage, the stage and the message', () => {
    const body = renderPlanning(null, ctx, { stage: 'analyzing', percent: 42, message: 'Reading the repository' })
    expect(body).toContain('`████░░░░░░` 42% · **analyzing** · Reading the repository')
    expect(parseMarker(body)).toEqual({ state: 'planning' })
    expect(body).toContain(ctx.runUrl)
  })

  it('clamps and rounds the percentage', () => {
    expect(renderPlanning(null, ctx, { percent: 0 })).toContain('`░░░░░░░░░░` 0%')
    expect(renderPlanning(null, ctx, { percent: 99.6 })).toContain('`██████████` 100%')
    expect(renderPlanning(null, ctx, { percent: 140 })).toContain('`██████████` 100%')
    expect(renderPlanning(null, ctx, { percent: -5 })).toContain('`░░░░░░░░░░` 0%')
  })

  it('shows the stage without a bar when there is no percentage', () => {
    const body = renderPlanning(null, ctx, { stage: 'thinking', message: 'Thinking…' })
    expect(body).toContain('**thinking** · Thinking…')
    expect(body).not.toMatch(/[█░]/)
  })

  it('has no progress line without progress', () => {
    const body = renderPlanning(null, ctx)
    expect(body).toContain('Planning this issue')
    expect(body).not.toMatch(/[█░]|Steps so far/)
  })

  it('lists the steps so far as a numbered list, not as task items', () => {
    const body = renderPlanning(null, ctx, { title: 'Move sessions to Postgres', steps: [step('Add migration'), step('Deploy to staging')] })
    expect(body).toContain('**Steps so far: Move sessions to Postgres**\n\n1. Add migration\n2. Deploy to staging')
    expect(body).not.toMatch(/^\s*[-*+] \[[ xX]\]/m)
  })

  it('shows at most maxSteps steps', () => {
    const steps = Array.from({ length: 8 }, (_, i) => step(`Step number ${i + 1}`))
    const body = renderPlanning(null, { ...ctx, maxSteps: 3 }, { steps })
    expect(body).toContain('3. Step number 3')
    expect(body).not.toContain('Step number 4')
    expect(body.match(/^\d+\. /gm)).toHaveLength(3)
  })

  it('neutralises mentions, HTML and line breaks in step names, title, stage and message', () => {
    const body = renderPlanning(null, ctx, {
      stage: 'ask @octocat',
      message: 'ping @acme/platform-team <img src=x>',
      title: 'Plan for @alice',
      steps: [step('Ask @bob to review\n- [ ] sneaky task'), step('<script>alert(1)</script> Deploy')],
    })
    for (const handle of ['@octocat', '@acme', '@alice', '@bob']) expect(body).not.toContain(handle)
    expect(body).toContain('@&#8203;bob')
    expect(body).toContain('1. Ask @&#8203;bob to review - [ ] sneaky task')
    expect(body).not.toMatch(/<script>|<img/)
    expect(body).not.toMatch(/^\s*[-*+] \[[ xX]\]/m)
  })

  it('keeps a previous plan, ticks included, verbatim below the banner', () => {
    const previous = tickedPlanComment()
    const section = planSection(previous)!
    const body = renderPlanning(previous, ctx, { stage: 'generating', percent: 70, steps: [step('Add migration')] })

    expect(planSection(body)).toBe(section)
    expect(body.endsWith(`${PLAN_SECTION_MARKER}\n${section}`)).toBe(true)
    expect(body).toContain('- [x] **1. Add migration**')
    expect(banner(body)).toContain('The current plan below stays until the new one is ready.')
    expect(banner(body)).toContain('1. Add migration')
    expect(banner(body)).not.toContain('- [x]')
  })
})

describe('renderCancelled', () => {
  it('says planning was cancelled, with the run and the marker state "cancelled" (how to retry is for the log)', () => {
    const body = renderCancelled(null, ctx)
    expect(parseMarker(body)).toEqual({ state: 'cancelled' })
    expect(body).toContain('> [!WARNING]')
    expect(body).toContain('Planning was cancelled')
    expect(body).not.toContain('plan-me')
    expect(body).toContain(ctx.runUrl)
    expect(body).not.toContain(PLAN_SECTION_MARKER)
    expect(body).not.toContain('previous plan')
  })

  it('keeps a previous plan and its ticks', () => {
    const previous = tickedPlanComment()
    const body = renderCancelled(previous, ctx)
    expect(parseMarker(body)).toEqual({ state: 'cancelled' })
    expect(planSection(body)).toBe(planSection(previous))
    expect(body).toContain('- [x] **1. Add migration**')
    expect(body).toContain('The previous plan is kept below.')
  })

  it('leaves out the run link for local previews', () => {
    const body = renderCancelled(null, { ...ctx, runUrl: '' })
    expect(body).not.toContain('workflow run')
    expect(parseMarker(body)).toEqual({ state: 'cancelled' })
  })
})
