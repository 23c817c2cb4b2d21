import { describe, expect, it } from 'vitest'
import { PlanSchema, describeSchemaError } from '../../src/plan.ts'

describe('PlanSchema', () => {
  it('normalises string-or-list fields and ignores unknown keys', () => {
    const plan = PlanSchema.parse({
      title: 'Migrate',
      description: 'Move the DB',
      extra: 1,
      steps: [
        { name: 'Back up', risks: 'data loss', prerequisites: ['access'], subtasks: ['a', { title: 'b' }], dependencies: 1, unknown: true },
      ],
    })
    expect(plan.steps[0]).toEqual({
      name: 'Back up',
      description: '',
      prerequisites: ['access'],
      risks: ['data loss'],
      subtasks: ['a', 'b'],
      required_skills: [],
      dependencies: ['1'],
    })
  })

  it('falls back to a string `plan` as the overview', () => {
    expect(PlanSchema.parse({ plan: 'Overview text', steps: [{ name: 'x' }] }).description).toBe('Overview text')
  })

  it('rejects a reply without steps and says where', () => {
    const result = PlanSchema.safeParse({ title: 'x', steps: 'do it' })
    expect(result.success).toBe(false)
    if (!result.success) expect(describeSchemaError(result.error)).toMatch(/^steps: /)
  })

  it('rejects an empty step list and a nameless step', () => {
    expect(PlanSchema.safeParse({ steps: [] }).success).toBe(false)
    const nameless = PlanSchema.safeParse({ steps: [{ description: 'no name' }] })
    expect(nameless.success).toBe(false)
    if (!nameless.success) expect(describeSchemaError(nameless.error)).toContain('steps.0: step has no name')
  })

  it('never lets a reply tick a box: done markers are dropped from a step\'s context, the rest kept', () => {
    const plan = PlanSchema.parse({ steps: [{ name: 'A', subtasks: ['x'], context: { done: true, done_subtasks: ['x'], owner: 'api' } }, { name: 'B', context: { done: true } }] })
    expect(plan.steps[0]!.context).toEqual({ owner: 'api' })
    expect(plan.steps[1]).not.toHaveProperty('context')
  })
})

