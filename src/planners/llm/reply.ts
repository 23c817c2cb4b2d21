import { z } from 'zod'
import type { Plan, PlanStep } from '../../plan.js'
import type { PlannerResult } from '../planner.js'

/**
 * What the model is asked to write. Flat, every field required, no unions: OpenAI's strict mode and
 * Gemini refuse optional fields and `anyOf`, so "nothing" is an empty string or list and the one
 * nullable field is the estimate. `kind` says whether this is a plan or questions for the author.
 */
export const ModelReplySchema = z.object({
  kind: z.enum(['plan', 'questions']).describe('"plan" when the issue can be planned; "questions" when it is too vague to plan without guessing.'),
  title: z.string().describe('A short title for the plan, in the language of the issue.'),
  summary: z.string().describe('Two or three sentences: the approach, and what is deliberately out of scope.'),
  questions: z.array(z.string()).describe('Only when kind is "questions": 1 to 5 specific questions for the author. Otherwise empty.'),
  steps: z
    .array(
      z.object({
        title: z.string().describe('An imperative, specific step name, e.g. "Add a token bucket to the rate limiter".'),
        description: z.string().describe('What to do and why, in one to four sentences.'),
        acceptance_criteria: z.array(z.string()).describe('Verifiable checks that show the step is done.'),
        estimate: z.string().nullable().describe('Effort such as "2h" or "1d"; null when it cannot be judged.'),
        depends_on: z.array(z.number().int()).describe('Numbers (1-based) of earlier steps this one needs first.'),
        risks: z.array(z.string()).describe('What could go wrong or is uncertain in this step.'),
        files: z.array(z.string()).describe('Repository paths or areas this step touches, only as the context shows them; empty if unknown.'),
        subtasks: z.array(z.string()).describe('Smaller checklist items within the step, if useful.'),
      }),
    )
    .describe('Only when kind is "plan": the ordered steps. Otherwise empty.'),
})

export type ModelReply = z.infer<typeof ModelReplySchema>

/** A step still being written: any field may be missing or cut short. */
export type PartialModelStep = Partial<Record<keyof ModelReply['steps'][number], unknown>>

/**
 * Turns the model's reply into the planner result: questions become needs-info, steps the canonical
 * plan. A "plan" with no steps reads as questions too, since an empty checklist helps nobody.
 */
export function toPlannerResult(reply: ModelReply): PlannerResult {
  const steps = reply.steps.map(toPlanStep).filter((step) => step.name !== '')
  const questions = reply.questions.map((q) => q.trim()).filter(Boolean)
  if (reply.kind === 'questions' || steps.length === 0) {
    return {
      kind: 'needs-info',
      message: questions.length ? '' : reply.summary.trim() || 'The model could not plan this issue from what it says.',
      questions: questions.slice(0, 5),
    }
  }
  const plan: Plan = { title: reply.title.trim(), description: reply.summary.trim(), steps }
  return { kind: 'plan', plan }
}

/** One step of the reply in the canonical shape; dependencies stay step numbers, written as text. */
export function toPlanStep(step: PartialModelStep): PlanStep {
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean) : [])
  const estimate = typeof step.estimate === 'string' ? step.estimate.trim() : ''
  // Every reference is kept, even one to no step (0, -2): the renderer drops those with a note, never silently.
  const depends = Array.isArray(step.depends_on) ? step.depends_on.filter((n): n is number => Number.isInteger(n)) : []
  const acceptance = list(step.acceptance_criteria)
  const files = list(step.files)
  return {
    name: typeof step.title === 'string' ? step.title.trim() : '',
    description: typeof step.description === 'string' ? step.description.trim() : '',
    ...(estimate ? { estimated_time: estimate } : {}),
    prerequisites: [],
    risks: list(step.risks),
    subtasks: list(step.subtasks),
    required_skills: [],
    dependencies: [...new Set(depends)].map(String),
    ...(acceptance.length ? { acceptance_criteria: acceptance } : {}),
    ...(files.length ? { files } : {}),
  }
}

/**
 * The steps of a reply still streaming that the reader can already see: every step whose title is
 * complete. The model writes the fields in the schema's order, so a title is complete once a later
 * field of its step has started, or the next step has.
 */
export function visibleSteps(partial: unknown): { title?: string; steps: PlanStep[] } {
  if (typeof partial !== 'object' || partial === null) return { steps: [] }
  const reply = partial as { title?: unknown; steps?: unknown }
  const raw = Array.isArray(reply.steps) ? (reply.steps as unknown[]) : []
  const last = raw.at(-1)
  const lastTitled = typeof last === 'object' && last !== null && Object.keys(last).some((key) => key !== 'title')
  const steps = raw
    .slice(0, lastTitled ? raw.length : -1)
    .filter((s): s is PartialModelStep => typeof s === 'object' && s !== null)
    .map(toPlanStep)
    .filter((s) => s.name !== '')
  return { ...(typeof reply.title === 'string' && reply.title.trim() && raw.length > 0 ? { title: reply.title.trim() } : {}), steps }
}
