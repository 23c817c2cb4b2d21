// How the two planners read their event streams, independent of HTTP: Kubiya's typed SSE events and
// the Task Planning Service's `data` updates.
import { describe, expect, it } from 'vitest'
import { PlanSchema } from '../../src/plan.ts'
import { readKubiyaReply, readKubiyaStream } from '../../src/planners/kubiya.ts'
import type { PlanProgress, PlannerResult, ProgressListener } from '../../src/planners/planner.ts'
import { PlannerError } from '../../src/planners/planner.ts'
import type { StreamEvent } from '../../src/planners/stream.ts'
import { readTaskPlanningStream } from '../../src/planners/task-planning.ts'

type Frame = [event: string, data: unknown]

/** A stream of events as readEvents yields them; objects are sent as one-line JSON, strings as is. */
async function* stream(...frames: Frame[]): AsyncGenerator<StreamEvent> {
  for (const [event, data] of frames) {
    await Promise.resolve()
    yield { event, data: typeof data === 'string' ? data : JSON.stringify(data) }
  }
}

/** Untyped updates of the Task Planning stream (SSE `message` events or NDJSON lines). */
const updates = (...data: unknown[]): AsyncGenerator<StreamEvent> => stream(...data.map((d): Frame => ['message', d]))

/** A listener that reads the progress at every call, as a reporter would on each tick. */
function recorder(): { listener: ProgressListener; seen: PlanProgress[]; calls: () => number } {
  const seen: PlanProgress[] = []
  return { listener: (read) => void seen.push(read()), seen, calls: () => seen.length }
}

async function failure(promise: Promise<unknown>): Promise<PlannerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(PlannerError)
  return error as PlannerError
}

function planOf(result: PlannerResult) {
  expect(result.kind).toBe('plan')
  if (result.kind !== 'plan') throw new Error('not a plan')
  return result.plan
}

// ---- Kubiya ---------------------------------------------------------------------------------

const TASK_PLAN = {
  title: 'Rate-limit the public API',
  summary: 'Add per-key token buckets in front of /v1/links.',
  complexity: { story_points: 5, confidence: 'medium', reasoning: 'New middleware plus shared state' },
  team_breakdown: [
    {
      team_name: 'Backend',
      agent_name: 'api-agent',
      responsibilities: ['Rate limiting'],
      estimated_time_hours: 6,
      tasks: [
        { id: 1, title: 'Add token bucket middleware', description: 'Limit requests per API key.', details: '100 requests/minute by default.', test_strategy: 'Unit tests with a fake clock', priority: 'high', dependencies: [], status: 'pending', subtasks: [] },
        { id: 2, title: 'Share buckets through Redis', description: 'Keep limits consistent across instances.', details: '', test_strategy: '', priority: 'medium', dependencies: [1], status: 'pending', subtasks: [{ id: 3, title: 'Add a Redis client', description: '', details: '', test_strategy: '', priority: 'low', dependencies: [], status: 'pending', subtasks: [] }] },
        { id: 4, title: 'Return 429 with Retry-After', description: 'Tell clients when to come back.', details: '', test_strategy: 'Integration test', priority: 'high', dependencies: [1, 3], status: 'pending', subtasks: [] },
      ],
    },
  ],
  risks: ['Clients behind one NAT share a key'],
  prerequisites: ['Redis in production'],
  success_criteria: ['The 101st request in a minute gets HTTP 429'],
  has_questions: false,
  questions: null,
  recommended_execution: { entity_type: 'agent', entity_name: 'api-agent' },
}

/** The same plan as the non-streaming route would return it: both routes must agree. */
const EXPECTED_PLAN = planOf(readKubiyaReply({ status: 200, text: JSON.stringify({ plan: TASK_PLAN }) }))

describe('readKubiyaStream: success', () => {
  it('reads progress, thinking and tool events, then the plan from `complete`', async () => {
    const { listener, seen } = recorder()
    const result = await readKubiyaStream(
      stream(
        ['progress', { stage: 'initializing', message: 'Starting the planner', progress: 5 }],
        ['progress', { stage: 'analyzing', message: 'Analyzing the issue', progress: 20 }],
        ['thinking', { content: 'The endpoint needs per-key limits…', index: 0 }],
        ['tool_call', { tool_name: 'list_agents', tool_args: {} }],
        ['tool_result', { tool_name: 'list_agents', result: '[]' }],
        ['progress', { stage: 'generating', message: 'Writing the plan', progress: 70 }],
        ['complete', { plan: TASK_PLAN, progress: 100, message: 'Plan ready' }],
      ),
      listener,
    )

    expect(planOf(result)).toEqual(EXPECTED_PLAN)
    expect(planOf(result).steps.map((s) => s.name)).toEqual(['Add token bucket middleware', 'Share buckets through Redis', 'Return 429 with Retry-After'])
    expect(seen).toEqual([
      { stage: 'initializing', message: 'Starting the planner', percent: 5 },
      { stage: 'analyzing', message: 'Analyzing the issue', percent: 20 },
      { stage: 'analyzing', message: 'Thinking…', percent: 20 },
      { stage: 'analyzing', message: 'Using list_agents…', percent: 20 },
      { stage: 'generating', message: 'Writing the plan', percent: 70 },
    ])
  })

  it('hands the listener a read function that keeps the progress of its moment', async () => {
    const reads: (() => PlanProgress)[] = []
    await readKubiyaStream(
      stream(
        ['progress', { stage: 'analyzing', message: 'Analyzing', progress: 10 }],
        ['progress', { stage: 'generating', message: 'Generating', progress: 80 }],
        ['complete', { plan: TASK_PLAN }],
      ),
      (read) => void reads.push(read),
    )
    // Read late, as a reporter does when its interval ends.
    expect(reads.map((read) => read())).toEqual([
      { stage: 'analyzing', message: 'Analyzing', percent: 10 },
      { stage: 'generating', message: 'Generating', percent: 80 },
    ])
  })

  it('keeps the last stage and percentage when a progress frame omits them', async () => {
    const { listener, seen } = recorder()
    await readKubiyaStream(
      stream(['progress', { stage: 'analyzing', message: 'Analyzing', progress: 30 }], ['progress', { message: 'Still analyzing' }], ['complete', { plan: TASK_PLAN }]),
      listener,
    )
    expect(seen.at(-1)).toEqual({ stage: 'analyzing', message: 'Still analyzing', percent: 30 })
  })

  it('uses "thinking" as the stage when thinking starts before any progress', async () => {
    const { listener, seen } = recorder()
    await readKubiyaStream(stream(['thinking', { content: 'Hmm' }], ['complete', { plan: TASK_PLAN }]), listener)
    expect(seen).toEqual([{ stage: 'thinking', message: 'Thinking…' }])
  })

  it('survives a progress frame whose data is not valid JSON', async () => {
    const { listener, seen } = recorder()
    const result = await readKubiyaStream(
      stream(['progress', { stage: 'analyzing', message: 'Analyzing', progress: 40 }], ['progress', '{"stage": "gener'], ['progress', 'not json at all'], ['complete', { plan: TASK_PLAN }]),
      listener,
    )
    expect(planOf(result)).toEqual(EXPECTED_PLAN)
    expect(seen).toHaveLength(3)
    expect(seen.at(-1)).toMatchObject({ stage: 'analyzing', percent: 40 })
  })

  it('ignores event types it does not know, without reporting progress for them', async () => {
    const { listener, calls } = recorder()
    const result = await readKubiyaStream(
      stream(['heartbeat', {}], ['usage', { input_tokens: 1200 }], ['message', { plan: { title: 'not this one' } }], ['complete', { plan: TASK_PLAN }]),
      listener,
    )
    expect(planOf(result)).toEqual(EXPECTED_PLAN)
    expect(calls()).toBe(0)
  })

  it('an error frame is not final: a later `complete` still gives the plan', async () => {
    const result = await readKubiyaStream(
      stream(
        ['progress', { stage: 'generating', message: 'Generating', progress: 60 }],
        ['error', { message: 'Plan validation failed: team_breakdown[0].tasks[1] has no title', error_type: 'validation' }],
        ['progress', { stage: 'generating', message: 'Retrying', progress: 65 }],
        ['complete', { plan: TASK_PLAN, progress: 100 }],
      ),
    )
    expect(planOf(result)).toEqual(EXPECTED_PLAN)
  })

  it('works without a progress listener', async () => {
    const result = await readKubiyaStream(stream(['progress', { progress: 50 }], ['complete', { plan: TASK_PLAN }]))
    expect(planOf(result)).toEqual(EXPECTED_PLAN)
  })
})

describe('readKubiyaStream: questions instead of a plan', () => {
  it('`complete` whose plan has questions → needs-info with the questions listed', async () => {
    const plan = { ...TASK_PLAN, team_breakdown: [], has_questions: true, questions: '1. Which endpoints need limits?\n2. Are limits per key or per IP?' }
    const result = await readKubiyaStream(stream(['progress', { progress: 90 }], ['complete', { plan, progress: 100 }]))
    expect(result).toEqual({
      kind: 'needs-info',
      message: expect.any(String),
      questions: ['Which endpoints need limits?', 'Are limits per key or per IP?'],
    })
  })

  it('`complete` without a plan but with top-level questions (older servers) → needs-info', async () => {
    const result = await readKubiyaStream(
      stream(['progress', { progress: 90 }], ['complete', { has_questions: true, questions: 'What is the expected request limit per minute?', progress: 100 }]),
    )
    expect(result).toEqual({ kind: 'needs-info', message: expect.any(String), questions: ['What is the expected request limit per minute?'] })
  })

  it('top-level questions beside a plan (older servers) → needs-info', async () => {
    const result = await readKubiyaStream(stream(['complete', { plan: { title: 'Draft' }, has_questions: true, questions: ['Which clients?', 'Which limits?'] }]))
    expect(result).toEqual({ kind: 'needs-info', message: expect.any(String), questions: ['Which clients?', 'Which limits?'] })
  })
})

describe('readKubiyaStream: failures', () => {
  it('several error frames and no `complete` → a "server" error naming each distinct message once', async () => {
    const error = await failure(
      readKubiyaStream(
        stream(
          ['progress', { stage: 'analyzing', message: 'Analyzing', progress: 10 }],
          ['error', { message: 'Model provider timed out' }],
          ['error', { message: 'Model provider timed out ' }],
          ['error', { error: 'Planning aborted after 3 attempts' }],
          ['error', { message: 'Model provider timed out' }],
        ),
      ),
    )
    expect(error.reason).toBe('server')
    expect(error.message).toMatch(/^Kubiya planning failed: /)
    expect(error.message.split('Model provider timed out')).toHaveLength(2)
    expect(error.message.split('Planning aborted after 3 attempts')).toHaveLength(2)
  })

  it('summarises many distinct errors', async () => {
    const error = await failure(readKubiyaStream(stream(...['one', 'two', 'three', 'four', 'five'].map((m): Frame => ['error', { message: `failure ${m}` }]))))
    expect(error.reason).toBe('server')
    expect(error.message).toContain('failure one; failure two; failure three; and 2 more')
  })

  it('an error frame whose data is plain text is quoted as is', async () => {
    const error = await failure(readKubiyaStream(stream(['error', 'upstream connect error or disconnect/reset before headers'])))
    expect(error.reason).toBe('server')
    expect(error.message).toContain('upstream connect error or disconnect/reset before headers')
  })

  it.each([
    ['no organization claim', 'Authentication required: Token does not contain organization_id'],
    ['a key that is not a JWT', 'Authentication failed: Invalid token format'],
  ])("the control plane's own auth frame under HTTP 200 (%s) → a 'config' error", async (_, message) => {
    const error = await failure(readKubiyaStream(stream(['progress', { stage: 'initializing', message: 'Starting', progress: 0 }], ['error', { message }])))
    expect(error.reason).toBe('config')
    expect(error.message.startsWith(`The Kubiya API key was rejected: ${message}.`)).toBe(true)
    expect(error.message).toContain('`planner-api-key`')
  })

  it.each([
    ['a model provider rejecting its key', { message: 'litellm.AuthenticationError: AnthropicException - {"error":{"type":"authentication_error","message":"invalid x-api-key"}}' }],
    ['an upstream "Invalid API key"', { message: 'Invalid API key' }],
    ['a 401 from the model proxy', { error: 'value_error', message: 'Task planning failed', details: '401 Unauthorized: API key not valid for model claude-sonnet' }],
    ['the auth words mid-message', { message: 'Planner failed: Authentication failed: model proxy' }],
    ['the rate limit', { message: 'Rate limit exceeded for model claude-sonnet; try again later' }],
  ])("an error frame that is not the control plane's own auth check (%s) stays a 'server' error", async (_, data) => {
    const error = await failure(readKubiyaStream(stream(['error', data])))
    expect(error.reason).toBe('server')
    expect(error.message).toMatch(/^Kubiya planning failed: /)
    expect(error.message).not.toContain('The Kubiya API key was rejected')
  })

  it('a structured error frame keeps its cause (`details`) and its suggestion when there is one', async () => {
    const cause = { error: 'value_error', message: 'Task planning failed', details: 'LITELLM_API_KEY environment variable not set', suggestion: null }
    const bare = await failure(readKubiyaStream(stream(['error', cause])))
    expect(bare.message).toBe('Kubiya planning failed: Task planning failed: LITELLM_API_KEY environment variable not set')
    const suggested = await failure(readKubiyaStream(stream(['error', { ...cause, suggestion: 'Configure the model proxy key on the control plane' }])))
    expect(suggested.message).toBe('Kubiya planning failed: Task planning failed: LITELLM_API_KEY environment variable not set (Configure the model proxy key on the control plane)')
  })

  it('`complete` without a plan or questions is not a success', async () => {
    const error = await failure(readKubiyaStream(stream(['complete', { progress: 100, message: 'Planner finished without output' }])))
    expect(error.reason).toBe('server')
    expect(error.message).toContain('Planner finished without output')
  })

  it('`complete` with a plan that has no tasks and no responsibilities → "invalid-reply"', async () => {
    const plan = { ...TASK_PLAN, team_breakdown: [{ team_name: 'Backend', responsibilities: [], tasks: [] }] }
    const error = await failure(readKubiyaStream(stream(['complete', { plan }])))
    expect(error.reason).toBe('invalid-reply')
  })

  it('a stream that ends with no events → a "server" error', async () => {
    const error = await failure(readKubiyaStream(stream()))
    expect(error.reason).toBe('server')
    expect(error.message).toMatch(/ended without a plan/)
  })

  it('a stream of progress only → a "server" error', async () => {
    const error = await failure(readKubiyaStream(stream(['progress', { progress: 10 }], ['thinking', { content: '…' }])))
    expect(error.reason).toBe('server')
  })
})

// ---- Task Planning --------------------------------------------------------------------------

const TP_PLAN = {
  title: 'Migrate the database to Postgres 16',
  description: 'Upgrade with a logical replica and a short cut-over window.',
  steps: [
    { name: 'Create a Postgres 16 replica', description: 'Logical replication from the primary.', estimated_time: '3h', risks: 'Replication lag' },
    { name: 'Run the test suite against the replica', description: 'Point CI at the replica.', dependencies: [1] },
    { name: 'Cut over', description: 'Switch the connection string in a maintenance window.', subtasks: ['Announce the window', 'Switch', 'Verify'] },
  ],
}
const TP_EXPECTED = PlanSchema.parse(TP_PLAN)

/** Splits text into pieces of `size` characters, as a model's tokens arrive. */
function pieces(text: string, size: number): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size))
  return out
}

describe('readTaskPlanningStream: plan from text pieces', () => {
  it('joins the `data` pieces into the plan document', async () => {
    const text = JSON.stringify(TP_PLAN, null, 2)
    const result = await readTaskPlanningStream(updates(...pieces(text, 7).map((data) => ({ data }))))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('reads a document the model wrapped in a ```json fence', async () => {
    const text = `\`\`\`json\n${JSON.stringify(TP_PLAN, null, 2)}\n\`\`\``
    const result = await readTaskPlanningStream(updates(...pieces(text, 11).map((data) => ({ data }))))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('joins bare text pieces that are not JSON updates', async () => {
    const text = JSON.stringify(TP_PLAN)
    const bare = pieces(text, 11)
    expect(bare.every((p) => !isJson(p))).toBe(true)
    const result = await readTaskPlanningStream(updates(...bare))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('keeps bare pieces that happen to be JSON scalars (a number or string token) as text', async () => {
    // Tokens like 16 or "Create the replica" parse as JSON on their own, but they are not updates.
    const bare = ['{"title": "Upgrade to Postgres ', '16', '", "steps": [{"name": ', '"Create the replica"', '}]}']
    const result = await readTaskPlanningStream(updates(...bare))
    expect(planOf(result)).toMatchObject({ title: 'Upgrade to Postgres 16', steps: [{ name: 'Create the replica' }] })
  })

  it('gives the progress listener the steps finished so far, growing as the text arrives', async () => {
    const { listener, seen } = recorder()
    const text = JSON.stringify(TP_PLAN, null, 2)
    await readTaskPlanningStream(updates(...pieces(text, 5).map((data) => ({ data }))), listener)

    const counts = seen.map((p) => p.steps?.length ?? 0)
    expect(counts).toHaveLength(Math.ceil(text.length / 5))
    counts.forEach((count, i) => expect(count).toBeGreaterThanOrEqual(counts[i - 1] ?? 0))
    expect(new Set(counts)).toEqual(new Set([0, 1, 2, 3]))
    expect(seen.at(-1)).toEqual({ title: TP_PLAN.title, steps: TP_EXPECTED.steps })
  })
})

describe('readTaskPlanningStream: a whole plan in one update', () => {
  it('a last `{plan: {...}}` update wins over the text pieces', async () => {
    const draft = JSON.stringify({ title: 'Draft', steps: [{ name: 'Think about it' }] })
    const result = await readTaskPlanningStream(updates(...pieces(draft, 9).map((data) => ({ data })), { plan: TP_PLAN }))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('reads a `{plan: {steps}}` update with the title and description beside it', async () => {
    const result = await readTaskPlanningStream(updates({ title: TP_PLAN.title, description: TP_PLAN.description, plan: { steps: TP_PLAN.steps } }))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('an update that is itself a plan object (with `steps`) wins', async () => {
    const result = await readTaskPlanningStream(updates({ data: '{"title": "Dra' }, { data: 'ft", "steps": [' }, TP_PLAN))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('a `data` member holding the plan object is the plan', async () => {
    const result = await readTaskPlanningStream(updates({ data: 'Planning…' }, { data: TP_PLAN }))
    expect(planOf(result)).toEqual(TP_EXPECTED)
  })

  it('a whole plan without steps is refused as "invalid-reply"', async () => {
    const error = await failure(readTaskPlanningStream(updates({ plan: { title: 'Empty', steps: [] } })))
    expect(error.reason).toBe('invalid-reply')
  })
})

describe('readTaskPlanningStream: failures', () => {
  it('error updates and no plan → a "server" error quoting each distinct error', async () => {
    const error = await failure(
      readTaskPlanningStream(updates({ error: 'Task description is too vague to plan' }, { error: 'Task description is too vague to plan' }, { detail: { code: 'model_overloaded' } })),
    )
    expect(error.reason).toBe('server')
    expect(error.message).toContain('Task description is too vague to plan')
    expect(error.message.split('Task description is too vague to plan')).toHaveLength(2)
    expect(error.message).toContain('model_overloaded')
  })

  it('text cut short mid-document → "invalid-reply" quoting the text', async () => {
    const text = JSON.stringify(TP_PLAN).slice(0, 120)
    const error = await failure(readTaskPlanningStream(updates(...pieces(text, 10).map((data) => ({ data })))))
    expect(error.reason).toBe('invalid-reply')
    expect(error.message).toContain(text.slice(0, 60))
  })

  it('prose instead of a plan → "invalid-reply" quoting it', async () => {
    const error = await failure(readTaskPlanningStream(updates({ data: 'I cannot plan this: ' }, { data: 'please describe the database.' })))
    expect(error.reason).toBe('invalid-reply')
    expect(error.message).toContain('I cannot plan this: please describe the database.')
  })

  it('a complete document that is not a plan → "invalid-reply"', async () => {
    const error = await failure(readTaskPlanningStream(updates({ data: '{"title": "No steps here", "steps": []}' })))
    expect(error.reason).toBe('invalid-reply')
    expect(error.message).toContain('steps')
  })

  it('no updates at all → "invalid-reply"', async () => {
    const error = await failure(readTaskPlanningStream(updates()))
    expect(error.reason).toBe('invalid-reply')
    expect(error.message).toMatch(/ended without a plan/)
  })
})

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
