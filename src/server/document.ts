import { removeInvisible } from '../context/untrusted.js'
import type { Plan, PlanStep } from '../plan.js'
import type { PlanProgress, TokenUsage } from '../planners/planner.js'

/** A step as the service sends it: every documented field present, so typed clients need no guessing. */
export interface WireStep {
  name: string
  description: string
  estimated_time: string | null
  prerequisites: string[]
  risks: string[]
  subtasks: string[]
  required_skills: string[]
  dependencies: string[]
  context: Record<string, unknown>
  acceptance_criteria: string[]
  files: string[]
}

/** The documented plan response; `plan` is the whole plan as Markdown text, the same text the stream sends. */
export interface PlanDocument {
  title: string
  description: string
  plan: string
  steps: WireStep[]
  /** Tokens the model spent on this plan, when the backing planner is a model. */
  usage?: { input_tokens: number; output_tokens: number }
}

/** The `detail` of a reply that asks questions instead of planning (422, or a stream's last update). */
export interface QuestionsDetail {
  error: 'needs_info'
  message: string
  questions: string[]
}

export function wireStep(step: PlanStep): WireStep {
  return {
    name: step.name,
    description: step.description,
    estimated_time: step.estimated_time ?? null,
    prerequisites: step.prerequisites,
    risks: step.risks,
    subtasks: step.subtasks,
    required_skills: step.required_skills,
    dependencies: step.dependencies,
    context: step.context ?? {},
    acceptance_criteria: step.acceptance_criteria ?? [],
    files: step.files ?? [],
  }
}

export function planDocument(plan: Plan, usage?: TokenUsage): PlanDocument {
  return {
    title: plan.title,
    description: plan.description,
    plan: planText(plan),
    steps: plan.steps.map(wireStep),
    ...(usage ? { usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens } } : {}),
  }
}

export function questionsDetail(result: { message: string; questions: string[] }): QuestionsDetail {
  const message = result.message.trim() || 'The task is too vague to plan without guessing: answer the questions and ask again.'
  return { error: 'needs_info', message, questions: result.questions }
}

// ---- the plan as text -----------------------------------------------------------------------------

/**
 * The plan as Markdown: the title, each step with its details, then the summary. Written so that the
 * pieces a stream sends (heading, then one step at a time) join to exactly this text. Model output
 * is untrusted: control characters, which a terminal would act on, are removed.
 */
export function planText(plan: Plan): string {
  return headingText(plan.title) + plan.steps.map((step, i) => stepText(step, i + 1)).join('') + summaryText(plan.description)
}

export function headingText(title: string): string {
  return title.trim() ? clean(`# ${oneLine(title)}\n\n`) : ''
}

export function stepText(step: PlanStep, number: number): string {
  const lines = [`## ${number}. ${oneLine(step.name)}${step.estimated_time ? ` (${oneLine(step.estimated_time)})` : ''}`, '']
  if (step.description.trim()) lines.push(step.description.trim(), '')
  const facts: [string, string[]][] = [
    ['Subtasks', step.subtasks],
    ['Done when', step.acceptance_criteria ?? []],
    ['Depends on', step.dependencies.map((d) => (/^\d+$/.test(d) ? `step ${d}` : d))],
    ['Prerequisites', step.prerequisites],
    ['Risks', step.risks],
    ['Skills', step.required_skills],
    ['Files', step.files ?? []],
  ]
  const listed = facts.filter(([, items]) => items.length > 0)
  for (const [label, items] of listed) lines.push(`- ${label}: ${items.map(oneLine).join('; ')}`)
  if (listed.length > 0) lines.push('')
  return clean(`${lines.join('\n')}\n`)
}

export function summaryText(description: string): string {
  return description.trim() ? clean(`Summary: ${description.trim()}\n`) : ''
}

/** The text a stream ends with when the planner asked questions instead of planning. */
export function questionsText(detail: QuestionsDetail): string {
  const asked = detail.questions.map((q, i) => `${i + 1}. ${oneLine(q)}`).join('\n')
  return clean(asked ? `${detail.message}\n\n${asked}\n` : `${detail.message}\n`)
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim()
const clean = (text: string): string => removeInvisible(text)

// ---- streaming --------------------------------------------------------------------------------------

/** One stream update: `data` is always present, so the documented client loop can print every update. */
export type StreamUpdate =
  /** Nothing new: the first update, and the heartbeat of a quiet stream. */
  | { data: '' }
  | { data: string; title: string }
  | { data: string; step: WireStep }
  | { data: string; message: string }
  | { data: string; plan: PlanDocument }
  | { data: string; detail: QuestionsDetail | { error: string; message: string } }

/**
 * Turns a planner's progress into stream updates of plan text: the title once it is known, and each
 * step once it is complete (a later step has started), so no piece ever has to be taken back. The
 * rest comes from the finished plan, and the text sent in all equals `planText(plan)` whenever the
 * planner's partial steps are those of its final plan.
 */
export class PlanTextStream {
  private sent = ''
  private titled = false
  private stepsSent = 0
  private lastMessage = ''

  /** Updates for what the progress adds to what was sent. */
  progress(progress: PlanProgress): StreamUpdate[] {
    const updates: StreamUpdate[] = []
    if (!this.titled && progress.title?.trim()) updates.push(this.title(progress.title))
    const steps = progress.steps ?? []
    // The last step may still be being written: only those before it are final.
    while (this.stepsSent < steps.length - 1) {
      // A heading cannot come after the steps: without a title by now, the text has none.
      this.titled = true
      updates.push(this.step(steps[this.stepsSent]!))
    }
    const message = progress.message?.trim() ?? ''
    if (message && message !== this.lastMessage && updates.length === 0) {
      this.lastMessage = message
      updates.push({ data: '', message: oneLine(message) })
    }
    return updates
  }

  /** The rest of the plan, each step its own update, and a last update carrying the whole document. */
  finish(plan: Plan, usage?: TokenUsage): StreamUpdate[] {
    const updates: StreamUpdate[] = []
    if (!this.titled && plan.title.trim()) updates.push(this.title(plan.title))
    while (this.stepsSent < plan.steps.length) updates.push(this.step(plan.steps[this.stepsSent]!))
    const document = planDocument(plan, usage)
    updates.push({ data: this.send(summaryText(plan.description)), plan: document })
    return updates
  }

  /** The last update when the planner asked questions instead. */
  questions(result: { message: string; questions: string[] }): { data: string; detail: QuestionsDetail } {
    const detail = questionsDetail(result)
    return { data: this.send(`${this.sent ? '\n' : ''}${questionsText(detail)}`), detail }
  }

  /** The last update when planning failed after the stream had started. */
  failure(error: string, message: string): { data: string; detail: { error: string; message: string } } {
    return { data: this.send(`${this.sent ? '\n' : ''}${clean(`Planning failed: ${oneLine(message)}\n`)}`), detail: { error, message } }
  }

  /** All the text sent so far. */
  get text(): string {
    return this.sent
  }

  private title(title: string): StreamUpdate {
    this.titled = true
    return { data: this.send(headingText(title)), title: oneLine(title) }
  }

  private step(step: PlanStep): StreamUpdate {
    this.stepsSent++
    return { data: this.send(stepText(step, this.stepsSent)), step: wireStep(step) }
  }

  private send(text: string): string {
    this.sent += text
    return text
  }
}
