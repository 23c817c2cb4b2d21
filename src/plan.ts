import { z } from 'zod'

/**
 * The canonical plan every planner returns: the documented Task Planning shape, normalised so the
 * rest of the pipeline never has to ask "string or list?" again.
 */
export interface PlanStep {
  name: string
  description: string
  estimated_time?: string
  prerequisites: string[]
  risks: string[]
  subtasks: string[]
  required_skills: string[]
  /** Names or 1-based numbers of earlier steps, as the planner wrote them. */
  dependencies: string[]
  /** How a reviewer can tell the step is done. */
  acceptance_criteria?: string[]
  /** Repository paths the step touches, as the planner named them (checked against the tree when shown). */
  files?: string[]
  context?: Record<string, unknown>
}

export interface Plan {
  title: string
  description: string
  steps: PlanStep[]
}

const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim())

/** "a string or a list" fields: both read as a list of non-empty strings. */
const textList = z
  .union([text, z.array(z.union([text, z.null()]))])
  .nullish()
  .transform((v): string[] => {
    if (v === null || v === undefined) return []
    const items = Array.isArray(v) ? v : [v]
    return items.filter((s): s is string => typeof s === 'string' && s.length > 0)
  })

/** Subtasks are documented as strings; planners also send `{name}` or `{title}` objects. */
const subtaskList = z
  .array(
    z.union([
      text,
      z
        .object({ name: text.optional(), title: text.optional(), description: text.optional() })
        .transform((o) => o.name ?? o.title ?? o.description ?? ''),
    ]),
  )
  .nullish()
  .transform((v) => (v ?? []).filter((s) => s.length > 0))

export const PlanStepSchema = z
  .object({
    name: text.optional(),
    title: text.optional(),
    description: text.nullish(),
    estimated_time: text.nullish(),
    prerequisites: textList,
    risks: textList,
    subtasks: subtaskList,
    required_skills: textList,
    dependencies: textList,
    acceptance_criteria: textList,
    files: textList,
    context: z.record(z.string(), z.unknown()).nullish(),
  })
  .transform((s, ctx): PlanStep => {
    const name = s.name || s.title || ''
    if (!name) {
      ctx.addIssue({ code: 'custom', message: 'step has no name' })
      return z.NEVER
    }
    return {
      name,
      description: s.description ?? '',
      ...(s.estimated_time ? { estimated_time: s.estimated_time } : {}),
      prerequisites: s.prerequisites,
      risks: s.risks,
      subtasks: s.subtasks,
      required_skills: s.required_skills,
      dependencies: s.dependencies,
      ...(s.acceptance_criteria.length ? { acceptance_criteria: s.acceptance_criteria } : {}),
      ...(s.files.length ? { files: s.files } : {}),
      ...contextOf(s.context),
    }
  })

/**
 * A reply's step context, without the keys that mark a step or subtask done: those are the outline
 * planner's copy of ticks in the issue itself, and a remote planner must never tick a box.
 */
function contextOf(context: Record<string, unknown> | null | undefined): { context?: Record<string, unknown> } {
  const kept = Object.entries(context ?? {}).filter(([key]) => !DONE_KEYS.has(key))
  return kept.length > 0 ? { context: Object.fromEntries(kept) } : {}
}
const DONE_KEYS = new Set(['done', 'done_subtasks'])

export const PlanSchema = z
  .object({
    title: text.nullish(),
    description: text.nullish(),
    plan: z.unknown().optional(),
    steps: z.array(PlanStepSchema).min(1, 'a plan needs at least one step'),
  })
  .transform(
    (p): Plan => ({
      title: p.title ?? '',
      description: p.description || (typeof p.plan === 'string' ? p.plan.trim() : ''),
      steps: p.steps,
    }),
  )

/** Turns a zod failure into one line that says where the reply went wrong. */
export function describeSchemaError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ')
}
