// The action's task-planning client reading what issue-planner serve sends: questions as needs-info
// (plain 422 and a stream's last update), streamed steps as progress, and a failure after Markdown text.
import { describe, expect, it } from 'vitest'
import type { Plan } from '../../src/plan.ts'
import { PlannerError, type PlanProgress } from '../../src/planners/planner.ts'
import type { StreamEvent } from '../../src/planners/stream.ts'
import { readTaskPlanningReply, readTaskPlanningStream } from '../../src/planners/task-planning.ts'
import { PlanTextStream, planDocument, questionsDetail, type StreamUpdate } from '../../src/server/document.ts'

const PLAN: Plan = {
  title: 'Upgrade Postgres',
  description: 'Move from 13 to 16 with a replica.',
  steps: [
    { name: 'Create the replica', description: 'Provision a 16 replica.', estimated_time: '2h', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [] },
    { name: 'Switch over', description: 'Promote it.', prerequisites: [], risks: ['Downtime'], subtasks: [], required_skills: [], dependencies: ['1'] },
  ],
}

async function* events(updates: StreamUpdate[]): AsyncGenerator<StreamEvent> {
  for (const update of updates) {
    await Promise.resolve()
    yield { event: 'message', data: JSON.stringify(update) }
  }
}

const ASKED = { message: '', questions: ['Which database, and which version now?', 'How long may it be read-only?'] }

describe('task-planning client: questions', () => {
  it('reads a 422 carrying questions as needs-info with them', () => {
    const result = readTaskPlanningReply({ status: 422, text: JSON.stringify({ detail: questionsDetail(ASKED) }) })
    expect(result).toEqual({ kind: 'needs-info', message: questionsDetail(ASKED).message, questions: ASKED.questions })
  })

  it('still reads a plain refusal (a string, or FastAPI field errors) as needs-info with its message', () => {
    expect(readTaskPlanningReply({ status: 400, text: '{"detail":"Too vague"}' })).toEqual({ kind: 'needs-info', message: 'Too vague', questions: [] })
    const fields = readTaskPlanningReply({ status: 422, text: JSON.stringify({ detail: [{ type: 'missing', loc: ['body', 'task_description'], msg: 'Field required' }] }) })
    expect(fields).toEqual({ kind: 'needs-info', message: 'body.task_description: Field required', questions: [] })
  })

  it('reads a stream that ends in questions as needs-info, after the text it printed', async () => {
    const stream = new PlanTextStream()
    const result = await readTaskPlanningStream(events([{ data: '' }, stream.questions(ASKED)]))
    expect(result).toEqual({ kind: 'needs-info', message: questionsDetail(ASKED).message, questions: ASKED.questions })
  })
})

describe('task-planning client: usage', () => {
  it('reads the tokens the service reports, from the plain reply and the stream’s last update', async () => {
    const usage = { inputTokens: 1800, outputTokens: 420 }
    expect(readTaskPlanningReply({ status: 200, text: JSON.stringify(planDocument(PLAN, usage)) })).toEqual({ kind: 'plan', plan: PLAN, usage })
    expect(await readTaskPlanningStream(events(new PlanTextStream().finish(PLAN, usage)))).toEqual({ kind: 'plan', plan: PLAN, usage })
    expect(readTaskPlanningReply({ status: 200, text: JSON.stringify({ ...planDocument(PLAN), usage: { input_tokens: 'many' } }) })).toEqual({ kind: 'plan', plan: PLAN })
  })
})

describe('task-planning client: the service’s Markdown stream', () => {
  it('takes the plan from the last update and shows each streamed step as progress', async () => {
    const stream = new PlanTextStream()
    const updates = [...stream.progress({ title: PLAN.title, steps: PLAN.steps }), ...stream.finish(PLAN)]
    const seen: PlanProgress[] = []
    const result = await readTaskPlanningStream(events(updates), (read) => void seen.push(read()))
    expect(result).toEqual({ kind: 'plan', plan: PLAN })
    expect(seen.map((p) => p.steps?.map((s) => s.name))).toEqual([[], ['Create the replica'], ['Create the replica', 'Switch over'], ['Create the replica', 'Switch over']])
    expect(seen[0]!.title).toBe('Upgrade Postgres')
  })

  it('shows progress messages', async () => {
    const seen: PlanProgress[] = []
    await readTaskPlanningStream(events([{ data: '', message: 'analyzing' }, ...new PlanTextStream().finish(PLAN)]), (read) => void seen.push(read()))
    expect(seen[0]).toEqual({ steps: [], message: 'analyzing' })
  })

  it('reports the service’s failure, not "the text is not JSON", when the stream ends in an error after Markdown', async () => {
    const stream = new PlanTextStream()
    const updates = [...stream.progress({ title: PLAN.title, steps: PLAN.steps }), stream.failure('upstream_error', 'The backing planner failed: Anthropic overloaded (HTTP 529)')]
    const error = await readTaskPlanningStream(events(updates)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PlannerError)
    expect((error as PlannerError).reason).toBe('server')
    expect((error as PlannerError).message).toBe('The task-planning stream ended without a plan: The backing planner failed: Anthropic overloaded (HTTP 529).')
  })
})
