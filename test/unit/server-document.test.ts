// What the service answers: the plan document, the plan as Markdown text, and the stream updates
// whose `data` pieces join to that text.
import { describe, expect, it } from 'vitest'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { readTaskPlanningReply } from '../../src/planners/task-planning.ts'
import { PlanTextStream, planDocument, planText, questionsDetail, type StreamUpdate } from '../../src/server/document.ts'

function step(name: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { name, description: `Do ${name.toLowerCase()}.`, prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra }
}

const PLAN: Plan = {
  title: 'Per-key rate limits',
  description: 'Add a token bucket per API key, behind a flag.',
  steps: [
    step('Measure current traffic', { estimated_time: '2h', acceptance_criteria: ['A dashboard shows requests per key'] }),
    step('Add the token bucket', { estimated_time: '1d', dependencies: ['1'], risks: ['Redis latency'], files: ['src/limits/bucket.ts'], subtasks: ['Bucket', 'Config'], context: { owner: 'platform' } }),
    step('Roll out behind a flag', { prerequisites: ['Flag service'], required_skills: ['ops'], dependencies: ['Add the token bucket'] }),
  ],
}

const joined = (updates: StreamUpdate[]): string => updates.map((u) => u.data).join('')

describe('planDocument', () => {
  it('has the documented fields, every step field present, and the plan as text', () => {
    const doc = planDocument(PLAN, { inputTokens: 1800, outputTokens: 400 })
    expect(Object.keys(doc)).toEqual(['title', 'description', 'plan', 'steps', 'usage'])
    expect(doc.steps[0]).toEqual({
      name: 'Measure current traffic',
      description: 'Do measure current traffic.',
      estimated_time: '2h',
      prerequisites: [],
      risks: [],
      subtasks: [],
      required_skills: [],
      dependencies: [],
      context: {},
      acceptance_criteria: ['A dashboard shows requests per key'],
      files: [],
    })
    expect(doc.steps[2]!.estimated_time).toBeNull()
    expect(doc.usage).toEqual({ input_tokens: 1800, output_tokens: 400 })
    expect(doc.plan).toBe(planText(PLAN))
  })

  it('reads back through the action’s task-planning client as the same plan', () => {
    const result = readTaskPlanningReply({ status: 200, text: JSON.stringify(planDocument(PLAN)) })
    expect(result).toEqual({ kind: 'plan', plan: PLAN })
  })
})

describe('planText', () => {
  it('writes a heading, each step with its facts, and the summary last', () => {
    expect(planText(PLAN)).toBe(
      [
        '# Per-key rate limits',
        '',
        '## 1. Measure current traffic (2h)',
        '',
        'Do measure current traffic.',
        '',
        '- Done when: A dashboard shows requests per key',
        '',
        '## 2. Add the token bucket (1d)',
        '',
        'Do add the token bucket.',
        '',
        '- Subtasks: Bucket; Config',
        '- Depends on: step 1',
        '- Risks: Redis latency',
        '- Files: src/limits/bucket.ts',
        '',
        '## 3. Roll out behind a flag',
        '',
        'Do roll out behind a flag.',
        '',
        '- Depends on: Add the token bucket',
        '- Prerequisites: Flag service',
        '- Skills: ops',
        '',
        'Summary: Add a token bucket per API key, behind a flag.',
        '',
      ].join('\n'),
    )
  })

  it('removes control characters a terminal would act on, and keeps headings on one line', () => {
    const text = planText({ title: 'Clear \u001b[2Jscreen', description: 'ok', steps: [step('Two\nlines\u0007', { description: 'Bell\u0007 and \u202Ebidi' })] })
    for (const ch of ['\u001b', '\u0007', '\u202E']) expect(text).not.toContain(ch)
    expect(text).toContain('## 1. Two lines\n')
  })
})

describe('PlanTextStream', () => {
  it('sends the title, then each step once a later one has started, then the rest: the pieces join to the plan text', () => {
    const stream = new PlanTextStream()
    const sent: StreamUpdate[] = []
    sent.push(...stream.progress({ steps: [] }))
    sent.push(...stream.progress({ title: PLAN.title, steps: [PLAN.steps[0]!] }))
    expect(sent).toEqual([{ data: '# Per-key rate limits\n\n', title: 'Per-key rate limits' }])
    sent.push(...stream.progress({ title: PLAN.title, steps: PLAN.steps.slice(0, 2) }))
    expect(sent.at(-1)).toMatchObject({ step: { name: 'Measure current traffic' } })
    // The same progress again adds nothing.
    expect(stream.progress({ title: PLAN.title, steps: PLAN.steps.slice(0, 2) })).toEqual([])
    const last = stream.finish(PLAN, { inputTokens: 10, outputTokens: 20 })
    sent.push(...last)
    expect(last.map((u) => Object.keys(u)[1])).toEqual(['step', 'step', 'plan'])
    expect(last.at(-1)).toEqual({ data: 'Summary: Add a token bucket per API key, behind a flag.\n', plan: planDocument(PLAN, { inputTokens: 10, outputTokens: 20 }) })
    expect(joined(sent)).toBe(planText(PLAN))
    expect(stream.text).toBe(planText(PLAN))
  })

  it('sends a planner that does not stream (outline) as the same pieces, all at the end', () => {
    const updates = new PlanTextStream().finish(PLAN)
    expect(updates).toHaveLength(5)
    expect(joined(updates)).toBe(planText(PLAN))
  })

  it('passes progress messages as updates with nothing to print, once each', () => {
    const stream = new PlanTextStream()
    expect(stream.progress({ message: 'analyzing' })).toEqual([{ data: '', message: 'analyzing' }])
    expect(stream.progress({ message: 'analyzing' })).toEqual([])
  })

  it('keeps to what it sent when the final plan differs from the partial steps', () => {
    const stream = new PlanTextStream()
    const sent = stream.progress({ steps: [step('Draft step'), step('Second')] })
    const rest = stream.finish(PLAN)
    // No heading after steps; the final plan's remaining steps follow, numbered on.
    expect(joined(sent)).toMatch(/^## 1\. Draft step/)
    expect(rest.map((u) => ('step' in u ? u.step.name : undefined)).filter(Boolean)).toEqual(['Add the token bucket', 'Roll out behind a flag'])
    expect(joined(rest)).toMatch(/^## 2\. Add the token bucket/)
    expect((rest.at(-1) as { plan: { plan: string } }).plan.plan).toBe(planText(PLAN))
  })

  it('ends with the questions, in the documented detail shape', () => {
    const stream = new PlanTextStream()
    const update = stream.questions({ message: '', questions: ['Which database?', 'What downtime is acceptable?'] })
    expect(update).toEqual({
      data: 'The task is too vague to plan without guessing: answer the questions and ask again.\n\n1. Which database?\n2. What downtime is acceptable?\n',
      detail: { error: 'needs_info', message: 'The task is too vague to plan without guessing: answer the questions and ask again.', questions: ['Which database?', 'What downtime is acceptable?'] },
    })
    expect(questionsDetail({ message: 'Say more.', questions: [] })).toEqual({ error: 'needs_info', message: 'Say more.', questions: [] })
  })

  it('ends a started plan with the failure on a line of its own', () => {
    const stream = new PlanTextStream()
    const sent = stream.progress({ title: 'T', steps: [] })
    const failure = stream.failure('upstream_error', 'The backing planner failed: overloaded')
    expect(joined([...sent, failure])).toBe('# T\n\n\nPlanning failed: The backing planner failed: overloaded\n')
    expect(failure.detail).toEqual({ error: 'upstream_error', message: 'The backing planner failed: overloaded' })
  })
})
