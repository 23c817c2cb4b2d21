import { describe, expect, it } from 'vitest'
import { type PlanStep, PlanStepSchema } from '../../src/plan.ts'
import { partialPlan, unfence } from '../../src/planners/partial-plan.ts'

/** A plan as a Task Planning Service writes it: escapes, unicode, numbers, booleans, null, string-or-list fields. */
const STEPS = [
  {
    name: 'Add the "sessions" table',
    description: 'Create `sessions` (id uuid, user_id, expires_at).\nIndex user_id; keep rows for 30 days.',
    estimated_time: '2h',
    prerequisites: 'Postgres 16 in staging',
    risks: ['Lock contention on large tables', null, ''],
    subtasks: ['Write the migration', { title: 'Add an index on user_id' }],
    required_skills: ['SQL', 'Postgres'],
    dependencies: [],
    context: { story_points: 3, hours: 1.5, blocking: true, owner: null, tables: ['sessions'] },
  },
  {
    title: 'Dual-write sessions — café ☕ edition',
    description: 'Write every session to Redis and Postgres behind the `pg_sessions` flag.',
    estimated_time: 4,
    dependencies: 1,
    risks: 'Write latency doubles',
    subtasks: [{ name: 'Add the flag' }, 'Backfill existing sessions'],
  },
  {
    name: 'Switch reads to Postgres',
    description: 'Read from Postgres; fall back to Redis on a miss.\t(Watch p99 latency.)',
    dependencies: ['1', '2'],
    required_skills: 'Node.js',
    context: { rollout: { staging: '10%', production: '1%' } },
  },
  { name: 'Remove the Redis code path', description: 'Delete `RedisSessionStore` and its config. 🚀' },
]

const TITLE = 'Move "sessions" from Redis to Postgres'
const PLAN = { title: TITLE, description: 'Store sessions in Postgres so the API can scale horizontally.', steps: STEPS }
const EXPECTED: PlanStep[] = STEPS.map((s) => PlanStepSchema.parse(s))

const SENTINEL = { name: 'sentinel' }

type Serialize = (steps: unknown[]) => string
const pretty = (steps: unknown[]): string => JSON.stringify({ ...PLAN, steps }, null, 2)
const compact = (steps: unknown[]): string => JSON.stringify({ ...PLAN, steps })
const wrapped = (steps: unknown[]): string => JSON.stringify({ plan: { ...PLAN, steps } }, null, 2)
const fenced = (inner: Serialize): Serialize => (steps) => `\`\`\`json\n${inner(steps)}\n\`\`\`\n`

function commonPrefix(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/**
 * Offsets in the full text: just after each step's closing brace, and just after the `]` that closes
 * the steps array. Found where the full text parts from the same document cut after step i (for the
 * last step: the same document with one more step), which differ only in what follows that brace.
 */
function landmarks(serialize: Serialize): { text: string; stepEnds: number[]; arrayEnd: number } {
  const text = serialize(STEPS)
  const last = STEPS.length - 1
  const stepEnds = STEPS.map((_, i) => commonPrefix(text, serialize(i < last ? STEPS.slice(0, i + 1) : [...STEPS, SENTINEL])))
  stepEnds.forEach((end) => expect(text[end - 1]).toBe('}'))
  const arrayEnd = text.indexOf(']', stepEnds.at(-1)) + 1
  return { text, stepEnds, arrayEnd }
}

describe('partialPlan: every prefix of a streamed plan', () => {
  const variants: [string, Serialize][] = [
    ['pretty-printed', pretty],
    ['compact', compact],
    ['pretty-printed in a ```json fence', fenced(pretty)],
    ['compact in a ```json fence', fenced(compact)],
    ['wrapped as {"plan": {...}}', wrapped],
    ['wrapped and fenced', fenced(wrapped)],
  ]

  it.each(variants)('%s: steps only grow, appear only once closed and followed, and are all there once the array closes', (_, serialize) => {
    const { text, stepEnds, arrayEnd } = landmarks(serialize)
    let previous = 0
    for (let length = 0; length <= text.length; length++) {
      const { steps } = partialPlan(text.slice(0, length))
      const count = steps.length
      const at = `prefix of ${length} chars: …${JSON.stringify(text.slice(Math.max(0, length - 30), length))}`

      expect(count, `${at} went from ${previous} to ${count} steps`).toBeGreaterThanOrEqual(previous)
      // Never a step whose closing brace has not arrived and been followed by something.
      const closedAndFollowed = stepEnds.filter((end) => length > end).length
      expect(count, `${at} counts a step not yet complete`).toBeLessThanOrEqual(closedAndFollowed)
      // A step is shown no later than when the next one has started.
      const started = stepEnds.filter((end, i) => i < stepEnds.length - 1 && length > text.indexOf('{', end)).length
      expect(count, `${at} holds back a finished step`).toBeGreaterThanOrEqual(started)
      if (length >= arrayEnd) expect(count, `${at} after the array closed`).toBe(STEPS.length)
      // What is counted is exactly the finished steps, normalised: no half-parsed fields.
      expect(steps, at).toEqual(EXPECTED.slice(0, count))
      previous = count
    }
  })
})

describe('partialPlan: title', () => {
  it('reads the title only once its string has closed', () => {
    const text = pretty(STEPS)
    const closeAt = text.indexOf(JSON.stringify(TITLE)) + JSON.stringify(TITLE).length
    for (let length = 0; length <= text.length; length++) {
      const { title } = partialPlan(text.slice(0, length))
      if (length < closeAt) expect(title, `prefix ${JSON.stringify(text.slice(0, length))}`).toBeUndefined()
      else expect(title).toBe(TITLE)
    }
  })

  it('does not take a step\'s closed `title` as proof that a later plan title is complete', () => {
    const text = '{"steps": [{"title": "Add the sessions table"}, {"title": "Switch reads"}], "title": "Move sess'
    expect(partialPlan(text)).toEqual({ steps: [PlanStepSchema.parse({ title: 'Add the sessions table' }), PlanStepSchema.parse({ title: 'Switch reads' })] })
  })

  it('reads the title of a plan wrapped as {"plan": {...}}', () => {
    const text = wrapped(STEPS.slice(0, 1))
    expect(partialPlan(text).title).toBe(TITLE)
  })

  it('has no title when the document has none', () => {
    expect(partialPlan('{"steps": [{"name": "Ship it"}]}')).toEqual({ steps: [PlanStepSchema.parse({ name: 'Ship it' })] })
  })
})

describe('partialPlan: documents that are not a plan', () => {
  it.each([
    ['prose', 'Sorry, I cannot plan this task: it is too vague.'],
    ['empty', ''],
    ['whitespace', '  \n '],
    ['an array', '[{"name": "Step"}]'],
    ['a string', '"steps"'],
    ['null', 'null'],
    ['a number', '42'],
    ['broken JSON', '{"steps": [}}}'],
    ['steps that are not a list', '{"steps": "first this, then that"}'],
    ['steps that is an object', '{"steps": {"name": "Ship"}}'],
    ['a fence around prose', '```\nI need more detail first.\n```'],
  ])('%s → no steps', (_, text) => {
    expect(partialPlan(text)).toEqual({ steps: [] })
  })

  it('skips finished steps without a name and keeps the others', () => {
    const text = '{"steps": [{"description": "no name here"}, {"name": "Write tests"}, 7, {"name": "Ship"}]}'
    expect(partialPlan(text).steps.map((s) => s.name)).toEqual(['Write tests', 'Ship'])
  })

  it('reads steps beside a free-text `plan` string', () => {
    const text = '{"title": "T", "plan": "First migrate, then switch.", "steps": [{"name": "Migrate"}, {"name": "Switch"}]}'
    expect(partialPlan(text)).toEqual({ title: 'T', steps: [PlanStepSchema.parse({ name: 'Migrate' }), PlanStepSchema.parse({ name: 'Switch' })] })
  })
})

describe('partialPlan: normalisation', () => {
  it('normalises string-or-list fields, title aliases, numbers and subtask objects like the plan schema', () => {
    const text = `${JSON.stringify({ steps: STEPS.slice(0, 2) })}`
    const [first, second] = partialPlan(text).steps
    expect(first).toEqual({
      name: 'Add the "sessions" table',
      description: 'Create `sessions` (id uuid, user_id, expires_at).\nIndex user_id; keep rows for 30 days.',
      estimated_time: '2h',
      prerequisites: ['Postgres 16 in staging'],
      risks: ['Lock contention on large tables'],
      subtasks: ['Write the migration', 'Add an index on user_id'],
      required_skills: ['SQL', 'Postgres'],
      dependencies: [],
      context: { story_points: 3, hours: 1.5, blocking: true, owner: null, tables: ['sessions'] },
    })
    expect(second).toEqual({
      name: 'Dual-write sessions — café ☕ edition',
      description: 'Write every session to Redis and Postgres behind the `pg_sessions` flag.',
      estimated_time: '4',
      prerequisites: [],
      risks: ['Write latency doubles'],
      subtasks: ['Add the flag', 'Backfill existing sessions'],
      required_skills: [],
      dependencies: ['1'],
    })
  })
})

describe('partialPlan: fenced documents', () => {
  it('does not let a code fence inside a step description hold back later steps while the outer fence is open', () => {
    const steps = [
      { name: 'Add a CI job', description: 'Add:\n```yaml\nrun: npm test\n```' },
      { name: 'Document the job' },
      { name: 'Enable branch protection' },
    ]
    const text = `\`\`\`json\n${JSON.stringify({ title: 'CI', steps }, null, 2)}`
    // Streaming has reached the third step; the document's own closing fence has not arrived.
    const prefix = text.slice(0, text.indexOf('Enable'))
    expect(partialPlan(prefix).steps.map((s) => s.name)).toEqual(['Add a CI job', 'Document the job'])
  })
})

describe('unfence', () => {
  const doc = '{"steps": []}'

  it('returns an unfenced document trimmed', () => {
    expect(unfence(`\n  ${doc}  \n`)).toBe(doc)
  })

  it('strips a closed ```json fence', () => {
    expect(unfence(`\`\`\`json\n${doc}\n\`\`\``)).toBe(doc)
  })

  it('strips a fence that is still open (the reply is still streaming)', () => {
    expect(unfence(`\`\`\`json\n${doc.slice(0, 8)}`)).toBe(doc.slice(0, 8))
  })

  it('strips fences without a language, with longer backtick runs, and with tildes', () => {
    expect(unfence(`\`\`\`\n${doc}\n\`\`\``)).toBe(doc)
    expect(unfence(`\`\`\`\`json\n${doc}\n\`\`\`\``)).toBe(doc)
    expect(unfence(`~~~json\n${doc}\n~~~`)).toBe(doc)
  })

  it('drops text after the closing fence', () => {
    expect(unfence(`\`\`\`json\n${doc}\n\`\`\`\n\nLet me know if you need more detail.`)).toBe(doc)
  })

  it('leaves an opening fence whose line has not ended yet', () => {
    expect(unfence('```js')).toBe('```js')
  })
})
