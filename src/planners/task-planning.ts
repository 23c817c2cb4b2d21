import type { PlanRequest } from '../context/request.js'
import { issueAsTask } from '../context/task-text.js'
import { type Plan, PlanSchema, type PlanStep, PlanStepSchema, describeSchemaError } from '../plan.js'
import { type RemotePlannerOptions, type Reply, connect, errorMessage, errorText, parseJsonReply, postJson, quote, readText } from './http.js'
import { partialPlan, unfence } from './partial-plan.js'
import { type PlanProgress, type Planner, PlannerError, type PlannerResult, type ProgressListener, type TokenUsage } from './planner.js'
import { type StreamEvent, readEvents } from './stream.js'


/** The documented Task Planning Service: `POST {base}/task-planning/plan`. */
export function createTaskPlanningPlanner(options: RemotePlannerOptions): Planner {
  if (!options.baseUrl) {
    throw new PlannerError('The task-planning planner needs input `planner-url`: the base URL of your Task Planning Service, e.g. https://planner.example.com.', 'config')
  }
  return {
    name: 'task-planning',
    remote: true,
    async plan(request, signal, onProgress) {
      const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}
      if (!options.stream) {
        return readTaskPlanningReply(await postJson(options.fetch, `${options.baseUrl}/task-planning/plan`, taskPlanningBody(request), headers, { signal, log: options.log }))
      }
      const url = `${options.baseUrl}/task-planning/plan/stream`
      const response = await connect(options.fetch, url, taskPlanningBody(request), headers, { signal, log: options.log, accept: 'text/event-stream, application/x-ndjson' })
      if (!response.ok) return readTaskPlanningReply({ status: response.status, text: await readText(response, url, signal) })
      return readTaskPlanningStream(readEvents(response, url, signal), onProgress)
    },
  }
}

/**
 * The request body: the issue (quoted as user content) as the task, everything else as documented
 * free-form `context`, including `parent_task` / `step_number` for a step of a planned parent and
 * `previous_plan` / `refinement_feedback` for a `/plan` command.
 */
export function taskPlanningBody(request: PlanRequest): { task_description: string; context: Record<string, unknown> } {
  const { issue, repository } = request
  const related = Object.fromEntries(request.sections.filter((s) => s.key !== 'parent').map((s) => [s.key, s.text]))
  const parent = request.sections.find((s) => s.key === 'parent')
  return {
    task_description: issueAsTask(request),
    context: {
      ...request.userContext,
      issue: { number: issue.number, url: issue.url, labels: issue.labels },
      repository: {
        full_name: repository.fullName,
        description: repository.description,
        topics: repository.topics,
        language: repository.language,
        default_branch: repository.defaultBranch,
        url: repository.url,
      },
      ...(Object.keys(related).length ? { related } : {}),
      ...(parent ? { parent_task: parent.text } : {}),
      ...(request.step ? { step_number: request.step.number } : {}),
      ...(request.refinement ? { previous_plan: request.refinement.previousPlan, refinement_feedback: request.refinement.guidance } : {}),
    },
  }
}

/**
 * Interprets a reply per the protocol: 2xx is a plan, 400/422 a refusal (with the service's questions
 * when it sends them: `{"detail": {"error": "needs_info", "message", "questions": [...]}}`),
 * 401/403/404 configuration.
 */
export function readTaskPlanningReply(reply: Reply): PlannerResult {
  const { status } = reply
  if (status === 400 || status === 422) {
    return questionsIn(parseOrUndefined(reply.text)) ?? { kind: 'needs-info', message: errorMessage(reply), questions: [] }
  }
  if (status === 401 || status === 403) {
    throw new PlannerError(`The task-planning service rejected the credentials (HTTP ${status}): ${errorMessage(reply)}. Check input \`planner-api-key\`.`, 'config')
  }
  if (status === 404) {
    throw new PlannerError(`The task-planning service has no plan endpoint at that address (HTTP 404). Check input \`planner-url\`: it should be the base URL, without /task-planning/plan.`, 'config')
  }
  if (status < 200 || status >= 300) {
    throw new PlannerError(`The task-planning service failed (HTTP ${status}): ${errorMessage(reply)}`, 'server')
  }
  const document = parseJsonReply(reply, 'task-planning')
  return { kind: 'plan', plan: validatePlan(document, reply.text), ...usageIn(document) }
}

/**
 * Reads the documented plan stream: updates whose `data` holds the next piece of the plan text. The
 * plan is a last update carrying the whole plan, or else all pieces joined (maybe inside a code fence).
 * Updates may also carry the plan's `title` and each finished `step` (issue-planner serve sends them
 * beside Markdown pieces): those are what the progress shows. A last update whose `detail` holds
 * questions means the service asks for more detail instead of planning.
 */
export async function readTaskPlanningStream(events: AsyncIterable<StreamEvent>, onProgress?: ProgressListener): Promise<PlannerResult> {
  let text = ''
  let whole: Record<string, unknown> | undefined
  let asked: PlannerResult | undefined
  const errors: string[] = []
  const shown: { title?: string; steps: PlanStep[]; message?: string } = { steps: [] }
  const progress = (): PlanProgress => {
    // Steps sent one by one are the progress; otherwise the text so far is read as a plan document.
    if (shown.steps.length === 0 && shown.title === undefined) return { ...partialPlan(text), ...(shown.message ? { message: shown.message } : {}) }
    return { ...shown, steps: [...shown.steps] }
  }
  for await (const { data } of events) {
    let update: unknown
    try {
      update = JSON.parse(data)
    } catch {
      update = undefined
    }
    // Anything that is not an update object is a bare piece of the plan text, kept as sent: even a
    // piece that happens to parse, such as `16` or `"Create the replica"`.
    if (!isObject(update) || !UPDATE_KEYS.some((key) => key in update)) {
      text += data
      onProgress?.(progress)
      continue
    }
    if (carriesPlan(update)) whole = update
    else if (isObject(update.data) && carriesPlan(update.data)) whole = update.data
    else if (typeof update.data === 'string') text += update.data
    if (typeof update.title === 'string' && update.title.trim()) shown.title = update.title.trim()
    if (typeof update.message === 'string' && update.message.trim()) shown.message = update.message.trim()
    const step = isObject(update.step) ? PlanStepSchema.safeParse(update.step) : undefined
    if (step?.success) shown.steps.push(step.data)
    asked = questionsIn(update) ?? asked
    const error = update.error ?? update.detail
    if (error !== undefined && !asked) errors.push(errorText(error) ?? JSON.stringify(error))
    onProgress?.(progress)
  }
  if (whole) return { kind: 'plan', plan: validatePlan(whole, JSON.stringify(whole)), ...usageIn(whole) }
  if (asked) return asked
  if (text.trim() === '') {
    const said = errors.length ? `: ${[...new Set(errors)].slice(0, 3).join('; ')}` : ' and without saying why'
    throw new PlannerError(`The task-planning stream ended without a plan${said}.`, errors.length ? 'server' : 'invalid-reply')
  }
  let document: unknown
  try {
    document = JSON.parse(unfence(text))
  } catch {
    // Text that is not a plan document, after an error: the error is what happened.
    if (errors.length) throw new PlannerError(`The task-planning stream ended without a plan: ${[...new Set(errors)].slice(0, 3).join('; ')}.`, 'server')
    throw new PlannerError(`The task-planning stream's plan text is not JSON (or was cut short): ${quote(text)}`, 'invalid-reply')
  }
  return { kind: 'plan', plan: validatePlan(document, text) }
}

/**
 * The documented questions shape, `{"detail": {"error": "needs_info", "message": "…", "questions":
 * ["…"]}}`, as a 422 body or a stream's last update: needs-info with the questions.
 */
function questionsIn(value: unknown): PlannerResult | undefined {
  if (!isObject(value) || !isObject(value.detail) || !Array.isArray(value.detail.questions)) return undefined
  const questions = value.detail.questions.filter((q): q is string => typeof q === 'string' && q.trim() !== '').map((q) => q.trim())
  const message = typeof value.detail.message === 'string' ? value.detail.message.trim() : ''
  if (questions.length === 0 && !message) return undefined
  return { kind: 'needs-info', message, questions }
}

/** Tokens the service reports for the plan (`usage: {input_tokens, output_tokens}` beside the plan or in it). */
function usageIn(value: unknown): { usage?: TokenUsage } {
  const holder = isObject(value) && isObject(value.plan) && isObject(value.plan.usage) ? value.plan : value
  if (!isObject(holder) || !isObject(holder.usage)) return {}
  const { input_tokens: input, output_tokens: output } = holder.usage
  return typeof input === 'number' && typeof output === 'number' ? { usage: { inputTokens: input, outputTokens: output } } : {}
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Members that make a JSON object an update rather than a piece of the plan text. */
const UPDATE_KEYS = ['data', 'plan', 'steps', 'error', 'detail']

function carriesPlan(value: Record<string, unknown>): boolean {
  return Array.isArray(value.steps) || (isObject(value.plan) && Array.isArray(value.plan.steps))
}

/** Accepts the plan object itself or wrapped as `{plan: {...}}`, then validates it. */
function validatePlan(data: unknown, raw: string): Plan {
  let candidate = data
  if (isObject(data) && isObject(data.plan) && 'steps' in data.plan) {
    candidate = { title: data.title, description: data.description, ...data.plan }
  }
  const parsed = PlanSchema.safeParse(candidate)
  if (!parsed.success) {
    throw new PlannerError(`The planner's reply is not a usable plan (${describeSchemaError(parsed.error)}). It began: ${quote(raw)}`, 'invalid-reply')
  }
  return parsed.data
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
