import type { PlanRequest } from '../context/request.js'
import { type Plan, PlanSchema, describeSchemaError } from '../plan.js'
import { type FetchLike, type Reply, errorMessage, parseJsonReply, postJson, quote } from './http.js'
import { type Planner, PlannerError, type PlannerResult } from './planner.js'

export interface TaskPlanningOptions {
  baseUrl: string
  /** Sent as a bearer token when set; self-hosted services often run without one. */
  apiKey: string
  fetch: FetchLike
  log?: (message: string) => void
}

/** The documented Task Planning Service: `POST {base}/task-planning/plan`. */
export function createTaskPlanningPlanner(options: TaskPlanningOptions): Planner {
  if (!options.baseUrl) {
    throw new PlannerError('The task-planning planner needs input `planner-url`: the base URL of your Task Planning Service, e.g. https://planner.example.com.', 'config')
  }
  return {
    name: 'task-planning',
    remote: true,
    async plan(request, signal) {
      const reply = await postJson(
        options.fetch,
        `${options.baseUrl}/task-planning/plan`,
        taskPlanningBody(request),
        options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        { signal, log: options.log },
      )
      return readTaskPlanningReply(reply)
    },
  }
}

/** The request body: the issue as the task, everything else as documented free-form `context`. */
export function taskPlanningBody(request: PlanRequest): { task_description: string; context: Record<string, unknown> } {
  const { issue, repository } = request
  return {
    task_description: issue.body ? `${issue.title}\n\n${issue.body}` : issue.title,
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
    },
  }
}

/** Interprets a reply per the protocol: 2xx is a plan, 400/422 a refusal, 401/403/404 configuration. */
export function readTaskPlanningReply(reply: Reply): PlannerResult {
  const { status } = reply
  if (status === 400 || status === 422) {
    return { kind: 'needs-info', message: errorMessage(reply), questions: [] }
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
  return { kind: 'plan', plan: validatePlan(parseJsonReply(reply, 'task-planning'), reply.text) }
}

/** Accepts the plan object itself or wrapped as `{plan: {...}}`, then validates it. */
export function validatePlan(data: unknown, raw: string): Plan {
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
