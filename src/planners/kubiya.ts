import { stringify } from 'yaml'
import { z } from 'zod'
import type { PlanRequest } from '../context/request.js'
import { renderSections } from '../context/sections.js'
import { issueAsTask } from '../context/task-text.js'
import type { Plan, PlanStep } from '../plan.js'
import { describeSchemaError } from '../plan.js'
import { type RemotePlannerOptions, type Reply, connect, errorMessage, errorText, parseJsonReply, postJson, quote, readText } from './http.js'
import { type Planner, PlannerError, type PlannerResult, type ProgressListener } from './planner.js'
import { type StreamEvent, readEvents } from './stream.js'

export const KUBIYA_DEFAULT_URL = 'https://control-plane.kubiya.ai'


/** The Kubiya Control Plane: `POST /api/v1/tasks/plan` (or `/plan/stream`) with a `UserKey` header. */
export function createKubiyaPlanner(options: RemotePlannerOptions): Planner {
  if (!options.apiKey) {
    throw new PlannerError(
      'The kubiya planner needs an API key: set input `planner-api-key` from a secret (e.g. `planner-api-key: ${{ secrets.KUBIYA_API_KEY }}`) or the KUBIYA_API_KEY environment variable.',
      'config',
    )
  }
  const baseUrl = options.baseUrl || KUBIYA_DEFAULT_URL
  return {
    name: 'kubiya',
    remote: true,
    async plan(request, signal, onProgress) {
      const headers = { authorization: `UserKey ${options.apiKey}` }
      if (!options.stream) {
        return readKubiyaReply(await postJson(options.fetch, `${baseUrl}/api/v1/tasks/plan`, kubiyaBody(request), headers, { signal, log: options.log }))
      }
      const url = `${baseUrl}/api/v1/tasks/plan/stream`
      const response = await connect(options.fetch, url, kubiyaBody(request), headers, { signal, log: options.log, accept: 'text/event-stream' })
      if (!response.ok) return readKubiyaReply({ status: response.status, text: await readText(response, url, signal) })
      return readKubiyaStream(readEvents(response, url, signal), onProgress)
    },
  }
}

const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const
type Priority = (typeof PRIORITIES)[number]

/** Reads a priority from the workflow's context or the issue's labels ("priority: high", "P1"); else medium. */
export function priorityFor(request: PlanRequest): Priority {
  const fromContext = String(request.userContext.priority ?? '').toLowerCase()
  if ((PRIORITIES as readonly string[]).includes(fromContext)) return fromContext as Priority
  for (const label of request.issue.labels) {
    const named = /^(?:priority|prio)[\s:/_-]*(critical|urgent|high|medium|low)$/i.exec(label.trim())
    if (named) return named[1]!.toLowerCase() === 'urgent' ? 'critical' : (named[1]!.toLowerCase() as Priority)
    const numbered = /^p([0-3])$/i.exec(label.trim())
    if (numbered) return (['critical', 'high', 'medium', 'low'] as const)[Number(numbered[1])]!
  }
  return 'medium'
}

/** `description` is the task; repository and issue context go in `conversation_context`, as the service intends. */
export function kubiyaBody(request: PlanRequest): KubiyaBody {
  const { issue, repository } = request
  const lines = [
    `GitHub issue #${issue.number}: ${issue.url}`,
    issue.labels.length ? `Labels: ${issue.labels.join(', ')}` : '',
    `Repository: ${repository.fullName}${repository.description ? ` (${repository.description})` : ''}`,
    repository.language ? `Primary language: ${repository.language}` : '',
    repository.topics.length ? `Topics: ${repository.topics.join(', ')}` : '',
    repository.defaultBranch ? `Default branch: ${repository.defaultBranch}` : '',
  ].filter(Boolean)
  if (Object.keys(request.userContext).length > 0) {
    lines.push('', 'Additional context from the workflow:', stringify(request.userContext).trimEnd())
  }
  if (request.sections.length > 0) lines.push('', renderSections(request.sections))
  // The previous plan goes only here: the server's `previous_plan` is a TaskPlan object (a string gets
  // 422), and all this action keeps of the last plan is the comment's Markdown.
  if (request.refinement) lines.push('', '### Previous plan', '', request.refinement.previousPlan)
  return {
    description: issueAsTask(request),
    priority: priorityFor(request),
    conversation_context: lines.join('\n'),
    ...(request.refinement ? { refinement_feedback: request.refinement.guidance, iteration: 2 } : {}),
  }
}

interface KubiyaBody {
  description: string
  priority: Priority
  conversation_context: string
  refinement_feedback?: string
  iteration?: number
}

const str = z.string().nullish().transform((v) => (v ?? '').trim())
const strList = z.array(z.unknown()).nullish().transform((v) => (v ?? []).filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()))

interface KubiyaTask {
  id?: number | string | null
  title: string
  description: string
  details: string
  test_strategy: string
  priority: string
  dependencies: (number | string)[]
  skills_to_use: string[]
  subtasks: KubiyaTask[]
}

const TaskSchema: z.ZodType<KubiyaTask, unknown> = z.lazy(() =>
  z.object({
    id: z.union([z.number(), z.string()]).nullish(),
    title: str,
    description: str,
    details: str,
    test_strategy: str,
    priority: str,
    dependencies: z.array(z.union([z.number(), z.string()])).nullish().transform((v) => v ?? []),
    skills_to_use: strList,
    subtasks: z.array(TaskSchema).nullish().transform((v) => v ?? []),
  }),
)

const TaskPlanSchema = z.object({
  title: str,
  summary: str,
  complexity: z
    .object({ story_points: z.number().nullish(), confidence: str, reasoning: str })
    .nullish(),
  team_breakdown: z
    .array(
      z.object({
        team_name: str,
        agent_name: str,
        responsibilities: strList,
        estimated_time_hours: z.number().nullish(),
        tasks: z.array(TaskSchema).nullish().transform((v) => v ?? []),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
  risks: strList,
  prerequisites: strList,
  success_criteria: strList,
  has_questions: z.boolean().nullish(),
  questions: z.union([z.string(), z.array(z.string())]).nullish(),
})
type TaskPlan = z.infer<typeof TaskPlanSchema>

/** Interprets `POST /api/v1/tasks/plan`: `{plan: TaskPlan}`, questions (new or old style), or a FastAPI error. */
export function readKubiyaReply(reply: Reply): PlannerResult {
  const { status } = reply
  if (status === 401 || status === 403) {
    throw new PlannerError(`The Kubiya API key was rejected (HTTP ${status}): ${errorMessage(reply)}. Check input \`planner-api-key\` (or KUBIYA_API_KEY): it must be a current key of your organization.`, 'config')
  }
  if (status === 422) {
    const body = parseOr(reply.text)
    const detail = isRecord(body) ? body.detail : undefined
    // FastAPI's list is the request model refusing what this action sent; only Kubiya's own object
    // with `validation_failed` is about the plan the model wrote.
    if (Array.isArray(detail)) throw rejectedRequest(detail)
    if (isRecord(detail) && detail.error === 'validation_failed') {
      throw new PlannerError(`Kubiya could not produce a valid plan (HTTP 422): ${errorMessage(reply)}`, 'server')
    }
  }
  if (status === 404) {
    throw new PlannerError('The Kubiya control plane has no plan endpoint at that address (HTTP 404). Check input `planner-url` (default https://control-plane.kubiya.ai).', 'config')
  }
  if (status < 200 || status >= 300) {
    throw new PlannerError(`Kubiya planning failed (HTTP ${status}): ${errorMessage(reply)}`, 'server')
  }
  return kubiyaResult(parseJsonReply(reply, 'kubiya'), reply.text)
}

const FieldError = z.object({ loc: z.array(z.union([z.string(), z.number()])).catch([]), msg: z.string() })

/** A 422 `detail` list: says which fields the control plane refused and why, and that a user cannot fix it. */
function rejectedRequest(detail: unknown[]): PlannerError {
  const fields = detail.map((item) => {
    const parsed = FieldError.safeParse(item)
    if (!parsed.success) return errorText(item)
    const path = parsed.data.loc[0] === 'body' ? parsed.data.loc.slice(1) : parsed.data.loc
    return `${path.length ? `\`${path.join('.')}\`` : 'the request body'}: ${parsed.data.msg}`
  })
  const said = fields.filter(Boolean).join('; ') || 'no reason given'
  return new PlannerError(
    `The Kubiya control plane refused the request this action sent (HTTP 422): ${said}. This is a bug in Issue Planner or a Kubiya server version it does not support, not a problem with the issue: please report it to the Issue Planner maintainers with this message.`,
    'server',
  )
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads `{plan: TaskPlan}` (a reply body or a `complete` event), or the questions asked instead. */
function kubiyaResult(data: unknown, raw: string): PlannerResult {
  const reply = { text: raw }
  const envelope = z.object({ plan: z.unknown().optional(), has_questions: z.boolean().nullish(), questions: z.unknown().optional() }).safeParse(data)
  // Older servers put the questions beside the plan (or, on the stream, send them without one).
  if (envelope.success && envelope.data.has_questions) return needsInfo(envelope.data.questions)
  if (!envelope.success || !('plan' in (data as object))) {
    throw new PlannerError(`The kubiya planner's reply is not a plan: it has no \`plan\` object. It began: ${quote(reply.text)}`, 'invalid-reply')
  }
  const parsed = TaskPlanSchema.safeParse(envelope.data.plan)
  if (!parsed.success) {
    throw new PlannerError(`The kubiya planner's reply is not a usable plan (plan.${describeSchemaError(parsed.error)}). It began: ${quote(reply.text)}`, 'invalid-reply')
  }
  if (parsed.data.has_questions) return needsInfo(parsed.data.questions)
  const plan = mapTaskPlan(parsed.data)
  if (plan.steps.length === 0) {
    throw new PlannerError(`The kubiya planner's plan has no tasks and no team responsibilities, so there are no steps to show. It began: ${quote(reply.text)}`, 'invalid-reply')
  }
  return { kind: 'plan', plan }
}

/**
 * How the control plane's own auth check words its error frames (under HTTP 200 on the stream). Only
 * these mean the Kubiya key: a model provider's "invalid API key" behind the planner is a server fault.
 */
const AUTH_ERROR = /^Authentication (?:required|failed):/

/**
 * Reads Kubiya's plan stream. Only `complete` with a plan (or with questions, as older servers send)
 * ends it well; `error` frames are collected but not final, since a retry inside the planner can still
 * complete. A stream that ends without a plan fails with what the errors said.
 */
export async function readKubiyaStream(events: AsyncIterable<StreamEvent>, onProgress?: ProgressListener): Promise<PlannerResult> {
  const errors: string[] = []
  let last: { stage?: string; percent?: number; message?: string } = {}
  for await (const { event, data } of events) {
    const payload = parseEventData(data)
    switch (event) {
      case 'progress': {
        const percent = typeof payload.progress === 'number' ? payload.progress : last.percent
        last = { stage: text(payload.stage) ?? last.stage, message: text(payload.message), ...(percent !== undefined ? { percent } : {}) }
        break
      }
      case 'thinking':
        last = { ...last, stage: last.stage ?? 'thinking', message: 'Thinking…' }
        break
      case 'tool_call':
        last = { ...last, message: `Using ${text(payload.tool_name) ?? text(payload.name) ?? 'a tool'}…` }
        break
      case 'error':
        errors.push(errorText(payload) ?? data)
        break
      case 'complete':
        if (payload.plan !== undefined || payload.has_questions) return kubiyaResult(payload, data)
        errors.push(text(payload.message) ?? 'the planner completed without a plan')
        break
      default:
        // tool_result and event types newer than this client carry nothing to show.
        continue
    }
    const snapshot = last
    onProgress?.(() => snapshot)
  }
  throw streamFailure(errors)
}

function streamFailure(errors: string[]): PlannerError {
  const unique = [...new Set(errors.map((e) => e.trim()).filter(Boolean))]
  if (unique.length === 0) return new PlannerError('The Kubiya stream ended without a plan and without saying why. Run the workflow again; if it keeps happening, check the Kubiya service status.', 'server')
  const said = unique.slice(0, 3).join('; ') + (unique.length > 3 ? `; and ${unique.length - 3} more` : '')
  if (unique.some((e) => AUTH_ERROR.test(e))) {
    return new PlannerError(`The Kubiya API key was rejected: ${said}. Check input \`planner-api-key\` (or KUBIYA_API_KEY): it must be a current key of your organization.`, 'config')
  }
  return new PlannerError(`Kubiya planning failed: ${said}`, 'server')
}

function parseEventData(data: string): Record<string, unknown> {
  const value = parseOr(data)
  return isRecord(value) ? value : {}
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

function needsInfo(questions: unknown): PlannerResult {
  const list = (Array.isArray(questions) ? questions : [questions]).filter((q): q is string => typeof q === 'string' && q.trim() !== '')
  const split = list.length === 1 ? splitQuestions(list[0]!) : list.map((q) => q.trim())
  return { kind: 'needs-info', message: 'The planner needs clarification before it can plan this issue.', questions: split }
}

/** Kubiya sends its questions as one string; numbered or bulleted lines read better as a list. */
function splitQuestions(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim()).filter(Boolean)
  return lines.length > 1 ? lines : [text.trim()]
}

/** Maps a TaskPlan onto the canonical plan: one step per top-level task, subtasks flattened beneath it. */
function mapTaskPlan(taskPlan: TaskPlan): Plan {
  const teams = taskPlan.team_breakdown
  const hasTasks = teams.some((t) => t.tasks.length > 0)
  const steps: PlanStep[] = []
  if (hasTasks) {
    // Dependencies name task ids, also ids of subtasks; both resolve to the step that holds them. An
    // id of no task is kept as text, so the comment's note on dropped dependencies lists it; a task
    // waiting on its own subtask is no dependency between steps.
    const stepOfId = new Map<string, number>()
    let stepNumber = 0
    for (const team of teams) {
      for (const task of team.tasks) {
        stepNumber++
        for (const id of idsOf(task)) stepOfId.set(id, stepNumber)
      }
    }
    for (const team of teams) {
      for (const task of team.tasks) {
        const own = steps.length + 1
        const ids = allDependencies(task).map(String)
        const deps = [...new Set(ids.map((id) => stepOfId.get(id)).filter((n): n is number => n !== undefined && n !== own))]
        const unknown = [...new Set(ids.filter((id) => !stepOfId.has(id)))].map((id) => `task id ${id}`)
        steps.push({
          name: task.title || task.description.split('\n')[0] || `Task ${task.id ?? own}`,
          description: [task.description, task.details].filter(Boolean).join('\n\n'),
          prerequisites: [],
          risks: [],
          subtasks: flattenSubtasks(task.subtasks),
          required_skills: task.skills_to_use,
          dependencies: [...deps.sort((a, b) => a - b).map(String), ...unknown],
          ...taskContext(team, task),
        })
      }
    }
  } else {
    for (const team of teams) {
      for (const responsibility of team.responsibilities) {
        steps.push({
          name: responsibility,
          description: ownerOf(team) ? `Owned by ${ownerOf(team)}.` : '',
          prerequisites: [],
          risks: [],
          subtasks: [],
          required_skills: [],
          dependencies: [],
        })
      }
    }
  }
  return { title: taskPlan.title, description: planOverview(taskPlan), steps }
}

function idsOf(task: KubiyaTask): string[] {
  return [...(task.id !== null && task.id !== undefined ? [String(task.id)] : []), ...task.subtasks.flatMap(idsOf)]
}

function allDependencies(task: KubiyaTask): (number | string)[] {
  return [...task.dependencies, ...task.subtasks.flatMap(allDependencies)]
}

function flattenSubtasks(tasks: KubiyaTask[], prefix = ''): string[] {
  return tasks.flatMap((t) => {
    const name = `${prefix}${t.title || t.description}`
    return [name, ...flattenSubtasks(t.subtasks, `${name} › `)]
  })
}

type Team = TaskPlan['team_breakdown'][number]

/** Who does a team entry's work: the team, or the agent when the work goes to a single agent (no team name). */
function ownerOf(team: Team): string {
  return team.team_name || team.agent_name
}

function taskContext(team: Team, task: KubiyaTask): { context?: Record<string, unknown> } {
  const context: Record<string, unknown> = {}
  if (team.team_name) context.team = team.team_name
  else if (team.agent_name) context.agent = team.agent_name
  if (task.priority) context.priority = task.priority
  if (task.test_strategy) context.test_strategy = task.test_strategy
  return Object.keys(context).length ? { context } : {}
}

/** The plan-level facts a checklist has no per-step place for: complexity, effort, risks, prerequisites, success criteria. */
function planOverview(p: TaskPlan): string {
  const parts = [p.summary]
  const c = p.complexity
  if (c?.story_points) {
    parts.push(`**Complexity:** ${c.story_points} story points${c.confidence ? ` (${c.confidence} confidence)` : ''}${c.reasoning ? `: ${c.reasoning}` : ''}`)
  }
  const effort = p.team_breakdown.filter((t) => t.estimated_time_hours).map((t) => [ownerOf(t), `~${t.estimated_time_hours} h`].filter(Boolean).join(' '))
  if (effort.length) parts.push(`**Estimated effort:** ${effort.join(', ')}`)
  const list = (heading: string, items: string[]): void => {
    if (items.length) parts.push(`**${heading}:**\n${items.map((i) => `- ${i}`).join('\n')}`)
  }
  list('Prerequisites', p.prerequisites)
  list('Risks', p.risks)
  list('Success criteria', p.success_criteria)
  return parts.filter(Boolean).join('\n\n')
}
