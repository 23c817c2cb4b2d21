import { createHash } from 'node:crypto'
import { acknowledge, mayUseCommand, refusalText } from './command.js'
import { buildPlanRequest, type ExtraContext, type IssueData, type RepositoryData } from './context/build.js'
import { type RepositoryPaths, gatherRepositoryContext } from './context/gather.js'
import { askedQuestions, questionsSection } from './context/questions.js'
import type { PlanRequest } from './context/request.js'
import { parseUserContext } from './context/user-context.js'
import { type GitHub, unreachable } from './github/client.js'
import { getRepository, loadIssue } from './github/read.js'
import type { Inputs } from './inputs.js'
import type { Plan } from './plan.js'
import type { FetchLike } from './planners/http.js'
import { createPlanner, runsLocally } from './planners/index.js'
import type { RepositoryAccess } from './planners/llm/index.js'
import { type ExplorationReport, type Planner, PlannerError, type PlannerResult, type ProgressListener, type TokenUsage } from './planners/planner.js'
import { type IssueRef, type PlanComment, PlanCommentWriter, type RenderFrom, replyOnce } from './publish/comment.js'
import { type FinalComment, cancelledComment, describeFailure, failedComment, needsInfoComment, plannedComment, subIssuesComment, writeFinal } from './publish/final.js'
import { removeLabelIfPresent, syncNeedsInfoLabel } from './publish/labels.js'
import { parseMarker, planSection } from './publish/marker.js'
import { ProgressReporter } from './publish/progress.js'
import { type RenderContext, renderPlanning } from './publish/render.js'
import { type SubIssuesResult, childNumbersIn, parseChildMarker, publishSubIssues } from './publish/sub-issues.js'
import type { PlanAnswer, PlanCommand } from './trigger.js'
import { redact } from './secrets.js'

export type Status = 'planned' | 'needs-info' | 'skipped' | 'failed' | 'cancelled'

/** What a run did, for outputs, the job summary and the exit status. */
export interface Outcome {
  status: Status
  issueNumber: number
  /** The plan as published (after `max-steps`), when there is one. */
  plan?: Plan
  /** The comment body written last (or that would have been, in a dry run). */
  body: string
  /** The final comment to write, with what to fall back on; absent when nothing is to be written. */
  final?: FinalComment
  comment: PlanComment | null
  /** Why the run failed, written for the person reading the log. */
  message?: string
  request?: PlanRequest
  /** Progress edits made while the planner streamed. */
  progressEdits?: number
  /** In sub-issues mode: the children's numbers in plan order. */
  subIssues?: number[]
  /** In sub-issues mode: what happened to each child, for the job summary. */
  subIssueReport?: SubIssuesResult
  /** Tokens an LLM planner spent on this plan. */
  usage?: TokenUsage
  /** What an LLM planner read of the repository before planning. */
  exploration?: ExplorationReport
}

/** Progress edits allowed per run: with the "planning" comment and the final one, 20 writes at most. */
const MAX_PROGRESS_EDITS = 18

/** The run was cancelled (SIGINT/SIGTERM from the runner): passed as the abort reason. */
export class CancelledError extends Error {
  constructor(signal: string) {
    super(`The run was cancelled (${signal}) before the planner finished.`)
    this.name = 'CancelledError'
  }
}

/** How the run was asked for: the source decides the cost guard, the command gate and the refinement. */
export interface RunTrigger {
  source: 'label' | 'dispatch' | 'command' | 'answer'
  command?: PlanCommand
  /** The comment that answered the planner's questions (the trigger decided it may). */
  answer?: PlanAnswer
  /** Comments written or edited after this moment are ignored: whoever triggered the run had not seen them. */
  triggeredAt: Date
}

export interface PipelineDeps {
  octokit: GitHub
  fetch: FetchLike
  inputs: Inputs
  ref: IssueRef
  trigger: RunTrigger
  /** From the event payload, so the file tree can be read without waiting for the repository. */
  defaultBranch?: string
  /** The issue as the event payload carried it, when it did. */
  eventIssue?: IssueData & { pull_request?: unknown }
  runUrl: string
  secrets: readonly string[]
  log: (message: string) => void
  /** Aborted with a CancelledError when the runner cancels the job. */
  cancelSignal?: AbortSignal
  now?: () => number
  /** GITHUB_WORKSPACE, where the workflow may have checked the repository out. */
  workspace?: string
  /** GITHUB_SERVER_URL: a checkout's remote must be on this host. */
  serverUrl?: string
}

/**
 * Plans one issue on GitHub. Once the issue is known every path ends in a final comment state:
 * a plan, a request for more detail, an error notice or "cancelled", each keeping any previous plan.
 */
export async function planIssue(deps: PipelineDeps): Promise<Outcome> {
  const { octokit, inputs, ref, log, trigger } = deps

  // 0. A comment command: only people who can write may use it; the commenter sees it was picked up.
  if (trigger.command) {
    const refused = await gateCommand(deps, trigger.command)
    if (refused) return refused
  }

  // 1. Read: the issue, then in parallel its repository and everything around it (the discussion, our
  //    comment, the parent, referenced issues, README, languages, files).
  const issue = await loadIssue(octokit, ref, deps.eventIssue)
  const stepMarker = parseChildMarker(issue.body)
  const [repository, gathered] = await Promise.all([
    getRepository(octokit, ref),
    gatherRepositoryContext(octokit, ref, issue, {
      triggeredAt: trigger.triggeredAt,
      defaultBranch: deps.defaultBranch || 'HEAD',
      ...(stepMarker ? { parentHint: stepMarker.parent } : {}),
      log,
    }),
  ])
  const existing = gathered.planComment
  log(existing ? `Re-planning #${issue.number}; the plan comment is ${existing.html_url}` : `Planning #${issue.number}: ${issue.title}`)
  if (trigger.answer) log(`${trigger.answer.author} answered the planner's questions (comment ${trigger.answer.commentId}), so the issue is planned again with the answer.`)
  if (gathered.answers.length > 0) log(`${gathered.answers.length} comment(s) since the last plan are sent as answers.`)
  // Readers may tick boxes in the previous plan while we work: each edit re-reads the comment.
  const rereads = !inputs.dryRun && inputs.output === 'comment' && existing !== null && planSection(existing.body) !== null
  const writer = new PlanCommentWriter(octokit, ref, existing, { dryRun: inputs.dryRun, rereads })
  const write = (render: RenderFrom): Promise<string> => writer.write((current) => redact(render(current), deps.secrets))
  const previous = parseMarker(existing?.body)
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')))

  // 2-4. Context, planner (with live progress), final comment (and, in sub-issues mode, the children).
  const result = await produceComment({
    ...deps,
    issue,
    repository,
    previousBody: existing?.body ?? null,
    extra: {
      // After a request for more detail, the answers in the discussion need the questions they answer.
      sections: [questionsSection(askedQuestions(existing?.body)), ...gathered.sections].filter((section) => section !== null),
      notes: gathered.notes,
      ...(stepMarker ? { step: { parent: stepMarker.parent, number: stepMarker.step } } : {}),
      ...(trigger.command ? { refinement: { guidance: trigger.command.guidance, previousPlan: planSection(existing?.body) ?? '' } } : {}),
    },
    ...(gathered.paths ? { repositoryPaths: gathered.paths } : {}),
    repositoryAccess: {
      repository: { owner: ref.owner, repo: ref.repo, defaultBranch: repository.default_branch || deps.defaultBranch || 'HEAD', ...(deps.serverUrl ? { serverUrl: deps.serverUrl } : {}) },
      ...(deps.workspace ? { workspace: deps.workspace } : {}),
      octokit,
      ...(gathered.tree ? { tree: gathered.tree } : {}),
    },
    // Only an accidental re-label is guarded: a command, an answer or a dispatch asks for a new plan on purpose.
    ...(trigger.source === 'label' && previous?.hash && (previous.state === 'planned' || previous.state === 'needs-info') ? { unchangedHash: previous.hash } : {}),
    onStarted: write,
    publishProgress: write,
    publishSubIssues: (plan) =>
      publishSubIssues(octokit, ref, { number: issue.number, title: issue.title, html_url: issue.html_url }, plan, {
        labels: inputs.subIssueLabels,
        dryRun: inputs.dryRun,
        log,
        previousChildNumbers: childNumbersIn(existing?.body ?? null),
      }),
  })
  if (result.status === 'skipped' || !result.final) {
    // Only a skipped run has no final comment to write.
    await tidyLabels(deps, labels, result.status)
    return { ...result, comment: writer.comment }
  }
  if (result.status === 'cancelled' && !writer.wrote) {
    // Nothing of this run is on the issue, so there is nothing to close off.
    return { ...result, comment: writer.comment }
  }
  let outcome: Outcome
  try {
    // The final state, or a shorter one where GitHub refuses it: what is written decides the status.
    const { state, body } = await writeFinal(write, result.final, log)
    outcome = { ...result, status: state.status, body, comment: writer.comment, ...(state.message ? { message: state.message } : {}), ...(state.plan ? { plan: state.plan } : {}) }
  } catch (error) {
    if (result.status !== 'planned' && result.status !== 'needs-info') {
      log(`Could not write the final comment to the issue: ${errorText(error)}`)
      return { ...result, comment: writer.comment }
    }
    return { ...result, status: 'failed', message: `The plan was made but could not be written to the issue: ${errorText(error)}`, comment: writer.comment }
  }

  // 5. Labels follow the outcome; a failure here does not undo the comment.
  await tidyLabels(deps, labels, outcome.status)
  return outcome
}

/**
 * The needs-info label follows the outcome, and the trigger label comes off (input `remove-label`) so
 * that applying it again re-plans. A cancelled run leaves labels as they were.
 */
async function tidyLabels(deps: PipelineDeps, labels: string[], status: Status): Promise<void> {
  const { octokit, inputs, ref, log } = deps
  if (inputs.dryRun || status === 'cancelled') return
  try {
    if (status === 'planned' || status === 'needs-info') await syncNeedsInfoLabel(octokit, ref, inputs.needsInfoLabel, labels, status === 'needs-info')
    if (inputs.removeLabel) await removeLabelIfPresent(octokit, ref, inputs.label, labels)
  } catch (error) {
    log(`Could not update the issue's labels: ${errorText(error)}`)
  }
}

/** Refuses a command from someone without write access (one short reply per issue at most), else acknowledges it. */
async function gateCommand(deps: PipelineDeps, command: PlanCommand): Promise<Outcome | null> {
  const { octokit, inputs, ref, log } = deps
  if (!(await mayUseCommand(octokit, ref, command.author))) {
    const reason = `${command.author || 'The commenter'} does not have write access to this repository, so \`${inputs.command}\` was not run.`
    log(reason)
    if (!inputs.dryRun) await replyOnce(octokit, ref, refusalText(inputs.command))
    return { status: 'skipped', issueNumber: ref.issue_number, body: '', comment: null, message: reason }
  }
  if (!inputs.dryRun) {
    await acknowledge(octokit, ref, command).catch((error: unknown) => log(`Could not react to the command: ${errorText(error)}`))
  }
  return null
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
  cancelSignal?: AbortSignal
  now?: () => number
  /** Writes the "planning started" comment before a remote planner is asked; `render` gets the comment as it is then. */
  onStarted?: (render: RenderFrom) => Promise<unknown>
  /** Writes each (throttled) progress edit while a planner streams, likewise. */
  publishProgress?: (render: RenderFrom) => Promise<unknown>
  /** In sub-issues mode: turns the steps into child issues before the comment is rendered. */
  publishSubIssues?: (plan: Plan) => Promise<SubIssuesResult>
  /** Gathered sections, the step position and a command's refinement (none in local previews). */
  extra?: ExtraContext
  /** The context hash of the last plan: when this run's context hashes the same, nothing is planned. */
  unchangedHash?: string
  /** The repository's paths, to flag files a plan names that do not exist. */
  repositoryPaths?: RepositoryPaths
  /** Where an LLM planner may read the repository's files (input `explore`). */
  repositoryAccess?: RepositoryAccess
}

/**
 * Stages 2-4 without GitHub, shared by the action and the local CLI: build the request, ask the
 * planner, render the final comment (`body`, from `previousBody`) and say how to write it (`final`,
 * rendered again from the comment as it is when written). Never throws: failures become a `failed`
 * outcome with its notice.
 */
export async function produceComment(args: ProduceArgs): Promise<Outcome> {
  const { inputs, issue, log } = args
  const now = args.now ?? Date.now
  const ctx: RenderContext = {
    plannerName: inputs.planner,
    runUrl: args.runUrl,
    label: inputs.label,
    maxSteps: inputs.maxSteps,
    notes: [],
    labelRemoved: inputs.removeLabel,
    command: inputs.command,
    answersReplan: inputs.needsInfoLabel !== '',
    // The offline planner reads the issue alone: an answer has to go into its description.
    readsComments: !runsLocally(inputs.planner),
    ...(args.repositoryPaths ? { paths: args.repositoryPaths } : {}),
  }
  let request: PlanRequest | undefined
  let reporter: ProgressReporter | undefined
  const done = async (final: FinalComment, extra: Partial<Outcome> = {}): Promise<Outcome> => {
    await reporter?.stop()
    const state = final.states[0]!
    const body = state.render(args.previousBody)
    return {
      status: state.status,
      issueNumber: issue.number,
      body: redact(body, args.secrets),
      final,
      comment: null,
      ...(state.message ? { message: state.message } : {}),
      ...(state.plan ? { plan: state.plan } : {}),
      ...(request ? { request } : {}),
      ...(reporter ? { progressEdits: reporter.edits } : {}),
      ...extra,
    }
  }
  try {
    // 2. Context: issue, repository and the workflow's own context, within the budget.
    request = buildPlanRequest({ issue, repository: args.repository, userContext: parseUserContext(inputs.context), budget: inputs.contextBudget, localPlanner: runsLocally(inputs.planner), ...(args.extra ? { extra: args.extra } : {}) })
    ctx.notes = request.notes
    // Gathering logged its own notes, with details, as it made them; log each note once.
    const gathered = new Set(args.extra?.notes)
    request.notes.filter((note) => !gathered.has(note)).forEach((note) => log(note))
    ctx.contextHash = contextHash(request, [inputs.label, inputs.needsInfoLabel])
    if (args.unchangedHash === ctx.contextHash) {
      const message = `Nothing has changed since the last plan (issue, discussion and repository context are the same), so no new plan was paid for. To re-plan anyway, comment ${inputs.command || '/plan'} or run the workflow by hand.`
      log(message)
      return { status: 'skipped', issueNumber: issue.number, body: '', comment: null, message, request }
    }

    // 3. Plan: say we started (remote planners take minutes), show progress as it streams, then ask.
    const planner = createPlanner(inputs, args.fetch, log, args.repositoryAccess)
    if (planner.remote) await args.onStarted?.((current) => renderPlanning(current, ctx))
    reporter = new ProgressReporter({
      intervalMs: inputs.progressIntervalMs,
      maxEdits: MAX_PROGRESS_EDITS,
      render: (progress, current) => renderPlanning(current, ctx, progress),
      ...(args.publishProgress ? { write: args.publishProgress } : {}),
      log,
    })
    log(`Asking the ${planner.name} planner${inputs.stream && planner.remote ? ' (streaming)' : ''}…`)
    const result = await askPlanner(planner, request, inputs.plannerTimeoutMs, now, reporter.report, args.cancelSignal)
    const usage = { ...(result.usage ? { usage: result.usage } : {}), ...(result.exploration ? { exploration: result.exploration } : {}) }
    if (result.usage) log(`The model used ${result.usage.inputTokens} input and ${result.usage.outputTokens} output tokens.`)

    // 4. Render the final state.
    if (result.kind === 'needs-info') return await done(needsInfoComment(result, ctx), usage)
    if (inputs.output === 'sub-issues' && args.publishSubIssues) {
      const steps = { ...result.plan, steps: result.plan.steps.slice(0, inputs.maxSteps) }
      await reporter.stop()
      const report = await args.publishSubIssues(steps)
      report.warnings.forEach((warning) => log(`Warning: ${warning}`))
      const numbers = report.children.filter((c) => c.step !== undefined && c.number !== undefined).map((c) => c.number as number)
      // An unfinished set of children must not read as "already planned": a re-label has to complete it.
      if (report.error) delete ctx.contextHash
      return await done(subIssuesComment(steps, result.plan.steps.length, report, ctx), { plan: steps, subIssues: numbers, subIssueReport: report, ...usage })
    }
    const outcome = await done(plannedComment(result.plan, ctx), usage)
    const shown = outcome.plan?.steps.length ?? 0
    log(`The plan has ${result.plan.steps.length} steps${shown < result.plan.steps.length ? ` (${shown} shown)` : ''}.`)
    return outcome
  } catch (error) {
    if (error instanceof CancelledError) return await done(cancelledComment(error.message, ctx))
    return await done(failedComment(describeFailure(error, redact(errorText(error), args.secrets)), ctx))
  }
}

/**
 * A fingerprint of what the planner would be told. Left out: a refinement (commands always re-plan)
 * and the labels this action itself adds and removes, which come and go without changing the issue.
 */
export function contextHash(request: PlanRequest, ownLabels: string[]): string {
  const { issue, repository, userContext, sections, step } = request
  const own = new Set(ownLabels.map((l) => l.toLowerCase()))
  const labels = issue.labels.filter((l) => !own.has(l.toLowerCase()))
  return createHash('sha256').update(JSON.stringify({ issue: { ...issue, labels }, repository, userContext, sections, step })).digest('hex').slice(0, 16)
}

/**
 * Runs the planner under the overall `planner-timeout` (no idle timeout: plans go quiet for a minute
 * or more) and the run's cancellation, turning a timeout into a message with the elapsed time.
 */
async function askPlanner(planner: Planner, request: PlanRequest, timeoutMs: number, now: () => number, onProgress: ProgressListener, cancel?: AbortSignal): Promise<PlannerResult> {
  const started = now()
  const signal = cancel ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel]) : AbortSignal.timeout(timeoutMs)
  try {
    return await planner.plan(request, signal, onProgress)
  } catch (error) {
    if (cancel?.aborted) throw cancel.reason instanceof CancelledError ? cancel.reason : new CancelledError('abort')
    if (error instanceof PlannerError && error.reason === 'timeout') {
      const elapsed = Math.round((now() - started) / 1000)
      throw new PlannerError(`The ${planner.name} planner did not answer within ${elapsed} s (input \`planner-timeout\` is ${timeoutMs / 1000} s). Plans usually take one to two minutes; try again, or raise the timeout.`, 'timeout')
    }
    throw error
  }
}

/** One line a user can act on, whatever was thrown (Octokit errors carry the HTTP status). */
export function errorText(error: unknown): string {
  const down = unreachable(error)
  if (down) {
    return `GitHub could not be reached at ${down.host} (${down.cause}); it never answered. Check that the runner can reach that host and that GITHUB_API_URL names your GitHub (on GitHub Enterprise Server, https://<your host>/api/v3).`
  }
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
