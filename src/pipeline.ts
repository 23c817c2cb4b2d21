import { buildPlanRequest, type IssueData, type RepositoryData } from './context/build.js'
import type { PlanRequest } from './context/request.js'
import { parseUserContext } from './context/user-context.js'
import type { GitHub } from './github/client.js'
import { getRepository, loadIssue } from './github/read.js'
import type { Inputs } from './inputs.js'
import type { Plan } from './plan.js'
import type { FetchLike } from './planners/http.js'
import { createPlanner } from './planners/index.js'
import { type Planner, PlannerError, type PlannerResult } from './planners/planner.js'
import { findPlanComment, type IssueRef, type PlanComment, PlanCommentWriter } from './publish/comment.js'
import { type RenderContext, renderFailed, renderNeedsInfo, renderPlanned, renderPlanning } from './publish/render.js'
import { redact } from './secrets.js'

export type Status = 'planned' | 'needs-info' | 'skipped' | 'failed'

/** What a run did, for outputs, the job summary and the exit status. */
export interface Outcome {
  status: Status
  issueNumber: number
  /** The plan as published (after `max-steps`), when there is one. */
  plan?: Plan
  /** The comment body written last (or that would have been, in a dry run). */
  body: string
  comment: PlanComment | null
  /** Why the run failed, written for the person reading the log. */
  message?: string
  request?: PlanRequest
}

export interface PipelineDeps {
  octokit: GitHub
  fetch: FetchLike
  inputs: Inputs
  ref: IssueRef
  /** The issue as the event payload carried it, when it did. */
  eventIssue?: IssueData & { pull_request?: unknown }
  runUrl: string
  secrets: readonly string[]
  log: (message: string) => void
  now?: () => number
}

/**
 * Plans one issue on GitHub. Once the issue is known every path ends in a final comment state:
 * a plan, a request for more detail, or an error notice that keeps any previous plan.
 */
export async function planIssue(deps: PipelineDeps): Promise<Outcome> {
  const { octokit, inputs, ref, log } = deps

  // 1. Read: the issue, its repository and our earlier comment, in parallel.
  const [issue, repository, existing] = await Promise.all([
    loadIssue(octokit, ref, deps.eventIssue),
    getRepository(octokit, ref),
    findPlanComment(octokit, ref),
  ])
  log(existing ? `Re-planning #${issue.number}; the plan comment is ${existing.html_url}` : `Planning #${issue.number}: ${issue.title}`)
  const writer = new PlanCommentWriter(octokit, ref, existing, inputs.dryRun)
  const write = (body: string): Promise<void> => writer.write(redact(body, deps.secrets))

  // 2-4. Context, planner, final comment.
  const result = await produceComment({ ...deps, issue, repository, previousBody: existing?.body ?? null, onStarted: write })
  try {
    await write(result.body)
  } catch (error) {
    if (result.status === 'failed') {
      log(`Could not write the error notice to the issue: ${errorText(error)}`)
    } else {
      return { ...result, status: 'failed', message: `The plan was made but could not be written to the issue: ${errorText(error)}`, comment: writer.comment }
    }
  }
  return { ...result, comment: writer.comment }
}

export interface ProduceArgs {
  inputs: Inputs
  fetch: FetchLike
  issue: IssueData
  repository: RepositoryData
  /** Body of the existing plan comment: its plan and ticks are carried over. */
  previousBody: string | null
  runUrl: string
  secrets: readonly string[]
  log: (message: string) => void
  now?: () => number
  /** Called with the "planning started" body before a remote planner is asked. */
  onStarted?: (body: string) => Promise<void>
}

/**
 * Stages 2-4 without GitHub, shared by the action and the local CLI: build the request, ask the
 * planner, render the final comment. Never throws: failures become a `failed` outcome with its notice.
 */
export async function produceComment(args: ProduceArgs): Promise<Outcome> {
  const { inputs, issue, previousBody: previous, log } = args
  const ctx: RenderContext = { plannerName: inputs.planner, runUrl: args.runUrl, label: inputs.label, maxSteps: inputs.maxSteps, notes: [] }
  let request: PlanRequest | undefined
  const done = (status: Status, body: string, extra: Partial<Outcome> = {}): Outcome => ({
    status,
    issueNumber: issue.number,
    body: redact(body, args.secrets),
    comment: null,
    ...(request ? { request } : {}),
    ...extra,
  })
  try {
    // 2. Context: issue, repository and the workflow's own context, within the budget.
    request = buildPlanRequest({ issue, repository: args.repository, userContext: parseUserContext(inputs.context), budget: inputs.contextBudget })
    ctx.notes = request.notes
    request.notes.forEach((note) => log(note))

    // 3. Plan: say we started (remote planners take minutes), then ask.
    const planner = createPlanner(inputs, args.fetch, log)
    if (planner.remote) await args.onStarted?.(renderPlanning(previous, ctx))
    log(`Asking the ${planner.name} planner…`)
    const result = await askPlanner(planner, request, inputs.plannerTimeoutMs, args.now ?? Date.now)

    // 4. Render the final state.
    if (result.kind === 'needs-info') return done('needs-info', renderNeedsInfo(result, previous, ctx))
    const rendered = renderPlanned(result.plan, previous, ctx)
    log(`The plan has ${result.plan.steps.length} steps${rendered.plan.steps.length < result.plan.steps.length ? ` (${rendered.plan.steps.length} shown)` : ''}.`)
    return done('planned', rendered.body, { plan: rendered.plan })
  } catch (error) {
    const message = redact(errorText(error), args.secrets)
    return done('failed', renderFailed(message, previous, ctx), { message })
  }
}

/** Runs the planner under the overall `planner-timeout`, turning a timeout into a message with the elapsed time. */
async function askPlanner(planner: Planner, request: PlanRequest, timeoutMs: number, now: () => number): Promise<PlannerResult> {
  const started = now()
  try {
    return await planner.plan(request, AbortSignal.timeout(timeoutMs))
  } catch (error) {
    if (error instanceof PlannerError && error.reason === 'timeout') {
      const elapsed = Math.round((now() - started) / 1000)
      throw new PlannerError(`The ${planner.name} planner did not answer within ${elapsed} s (input \`planner-timeout\` is ${timeoutMs / 1000} s). Plans usually take one to two minutes; try again, or raise the timeout.`, 'timeout')
    }
    throw error
  }
}

/** One line a user can act on, whatever was thrown (Octokit errors carry the HTTP status). */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const status = 'status' in error && typeof error.status === 'number' ? error.status : undefined
    if (status !== undefined && error.name === 'HttpError') {
      const hint = status === 403 || status === 401 ? ' Check that the workflow grants `permissions: issues: write` and that `github-token` is valid.' : ''
      return `GitHub answered HTTP ${status}: ${error.message}.${hint}`
    }
    return error.message
  }
  return String(error)
}
