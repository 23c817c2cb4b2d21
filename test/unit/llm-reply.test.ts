import { zodSchema } from 'ai'
import { describe, expect, it } from 'vitest'
import { type ModelReply, ModelReplySchema, toPlannerResult, visibleSteps } from '../../src/planners/llm/reply.ts'

const step = (title: string, extra: Partial<ModelReply['steps'][number]> = {}): ModelReply['steps'][number] => ({
  title,
  description: `Do ${title}.`,
  acceptance_criteria: [],
  estimate: null,
  depends_on: [],
  risks: [],
  files: [],
  subtasks: [],
  ...extra,
})

const reply = (extra: Partial<ModelReply> = {}): ModelReply => ({ kind: 'plan', title: 'Rate limits', summary: 'Add limits.', questions: [], steps: [step('Audit')], ...extra })

describe('the schema the model is given (as the AI SDK sends it)', () => {
  it('is flat: every property required, closed objects, no unions; only the estimate is nullable', async () => {
    const schema = (await zodSchema(ModelReplySchema).jsonSchema) as Record<string, unknown>
    const text = JSON.stringify(schema)
    const stepSchema = (schema.properties as { steps: { items: Record<string, unknown> } }).steps.items
    expect(schema.required).toEqual(['kind', 'title', 'summary', 'questions', 'steps'])
    expect(stepSchema.required).toEqual(['title', 'description', 'acceptance_criteria', 'estimate', 'depends_on', 'risks', 'files', 'subtasks'])
    expect(text).not.toMatch(/anyOf|oneOf|allOf/)
    expect(text.match(/"null"/g)).toHaveLength(1)
    expect(stepSchema.properties).toMatchObject({ estimate: { type: ['string', 'null'] } })
    expect([schema.additionalProperties, stepSchema.additionalProperties]).toEqual([false, false])
  })
})

describe('toPlannerResult', () => {
  it('maps a plan into the canonical shape: estimate, numbered dependencies, criteria and files', () => {
    const result = toPlannerResult(
      reply({
        steps: [
          step('Audit', { estimate: ' 2h ', files: ['src/limits.ts'], acceptance_criteria: ['A doc lists every limit'] }),
          step('Build', { depends_on: [1, 1, 0, -2], risks: ['Redis latency'], subtasks: ['Bucket', ' '] }),
        ],
      }),
    )
    expect(result).toEqual({
      kind: 'plan',
      plan: {
        title: 'Rate limits',
        description: 'Add limits.',
        steps: [
          { name: 'Audit', description: 'Do Audit.', estimated_time: '2h', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], acceptance_criteria: ['A doc lists every limit'], files: ['src/limits.ts'] },
          { name: 'Build', description: 'Do Build.', prerequisites: [], risks: ['Redis latency'], subtasks: ['Bucket'], required_skills: [], dependencies: ['1', '0', '-2'] },
        ],
      },
    })
  })

  it('turns questions into needs-info, at most five', () => {
    const result = toPlannerResult(reply({ kind: 'questions', steps: [], questions: ['Which endpoints?', ' ', 'What limit?', 'c', 'd', 'e', 'f'] }))
    expect(result).toEqual({ kind: 'needs-info', message: '', questions: ['Which endpoints?', 'What limit?', 'c', 'd', 'e'] })
  })

  it('reads a "plan" without usable steps as a request for more detail, with the summary as the message', () => {
    expect(toPlannerResult(reply({ steps: [step('  ')], summary: 'The issue names no goal.' }))).toEqual({ kind: 'needs-info', message: 'The issue names no goal.', questions: [] })
  })
})

describe('visibleSteps (streaming)', () => {
  it('shows every step whose title is complete: a later field or the next step has started', () => {
    expect(visibleSteps({ title: 'Rate', steps: [{ title: 'Audit' }, { title: 'Bui' }] })).toEqual({
      title: 'Rate',
      steps: [expect.objectContaining({ name: 'Audit' })],
    })
    expect(visibleSteps({ title: 'Rate', steps: [{ title: 'Audit', description: 'Lo' }] }).steps).toEqual([expect.objectContaining({ name: 'Audit', description: 'Lo' })])
  })

  it('shows nothing before the first step, and copes with junk', () => {
    expect(visibleSteps({ title: 'Ra' })).toEqual({ steps: [] })
    expect(visibleSteps(undefined)).toEqual({ steps: [] })
    expect(visibleSteps({ steps: 'x' })).toEqual({ steps: [] })
    expect(visibleSteps({ steps: [null, 3, { title: 'Next' }] })).toEqual({ steps: [] })
  })
})
