import { httpDetail, statusOf } from '../github/errors.js'
import { InputError } from '../inputs.js'
import type { Plan } from '../plan.js'
import { PlannerError } from '../planners/planner.js'
import type { RenderFrom } from './comment.js'
import { type RenderContext, renderCancelled, renderFailed, renderNeedsInfo, renderPlanned, renderPlannedSubIssues, renderRefused, replanHow } from './render.js'
import type { SubIssuesResult } from './sub-issues.js'

/**
 * The comment's final state, and what to fall back on when GitHub refuses to store it: a 422 for a
 * body that is too long by GitHub's count, or for any other validation failure. Each state renders
 * from the comment as it is when written, so boxes ticked meanwhile are kept.
 */
export type FinalStatus = 'planned' | 'needs-info' | 'failed' | 'cancelled'

export interface FinalState {
  status: FinalStatus
  render: RenderFrom
  /** Why the run failed, when this state says it did. */
  message?: string
  /** The plan as this state's body shows it (steps may be left out to fit), once rendered. */
  plan?: Plan
}

export interface FinalComment {
  /** Best first; each next one is shorter. */
  states: FinalState[]
  /** A short error notice, given GitHub's answer to the last of `states`. */
  refused: (reason: string) => FinalState
}

/** A plan: in full, else with step details left out, else an error notice that keeps the reader's ticks. */
export function plannedComment(plan: Plan, ctx: RenderContext): FinalComment {
  const full = planState(plan, ctx, false)
  return {
    states: [full, planState(plan, ctx, true)],
    refused: (reason) => {
      const message = `The plan was made, but GitHub refused to store it in this comment, even shortened (${reason}). The workflow run's \`plan\` output has it.`
      return { ...noticeKeepingTicks(message, ctx), ...(full.plan ? { plan: full.plan } : {}) }
    },
  }
}

function planState(plan: Plan, ctx: RenderContext, shortened: boolean): FinalState {
  const state: FinalState = {
    status: 'planned',
    render: (current) => {
      const rendered = renderPlanned(plan, current, ctx, { shortened })
      state.plan = rendered.plan
      return rendered.body
    },
  }
  return state
}

/** The planner's questions, else an error notice that still quotes them (briefly). */
export function needsInfoComment(result: { message: string; questions: string[] }, ctx: RenderContext): FinalComment {
  const said = result.questions.length > 0 ? `It asked: ${result.questions.map((q, i) => `${i + 1}. ${q}`).join(' ')}` : `It said: ${result.message}`
  return {
    states: [{ status: 'needs-info', render: (current) => renderNeedsInfo(result, current, ctx) }],
    refused: (reason) => noticeKeepingTicks(`The planner needs more detail before it can plan, but GitHub refused to store its questions in this comment (${reason}). ${said}`, ctx),
  }
}

/** A failure as the log and the job summary tell it, and as the issue's readers see it. */
export interface Failure {
  /** Everything, for maintainers: what went wrong and what to change. */
  message: string
  /**
   * What the issue shows: the message without advice only maintainers can act on. Null for a
   * configuration problem, of which the issue only says that it could not be planned.
   */
  notice: string | null
}

/**
 * Splits a failure (`message` is `error` as the log tells it) into what maintainers and what the issue's
 * readers are told. A missing key or URL, an invalid input or an unknown model is the maintainers'
 * business alone; of other failures the issue hears what happened, not which setting to change.
 */
export function describeFailure(error: unknown, message: string): Failure {
  const configuration = error instanceof InputError || (error instanceof PlannerError && error.reason === 'config')
  return { message, notice: configuration ? null : withoutMaintainerAdvice(message) }
}

/** A clause that tells someone to do something: check, raise, set, wait, run, re-plan… */
const IMPERATIVE = /^(?:check|raise|lower|set|wait|run|re-?plan|try|please|grant|use)\b/i
/** A clause that names a setting, a variable or an action only maintainers can take. */
const MAINTAINER_MATTER = /\binputs? `|\bre-?plan\b|\btry again\b|\bthe (?:runner|workflow)\b|\bbilling\b|\bservice status\b|\breport it\b/i
/** An environment variable such as OPENAI_API_KEY or GITHUB_API_URL. */
const VARIABLE = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:KEY|URL|NAME|TOKEN)\b/

/**
 * The message without its advice to maintainers: parentheses that name an input, and each sentence
 * or `;` clause that gives advice. Text a planner said, quoted ("…"), is neither split nor judged.
 */
export function withoutMaintainerAdvice(message: string): string {
  const clauses: { text: string; end: string }[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < message.length; i++) {
    const char = message[i]!
    if (char === '"') quoted = !quoted
    if (quoted || !'.;!?'.includes(char) || !/\s/.test(message[i + 1] ?? ' ')) continue
    clauses.push({ text: message.slice(start, i), end: char })
    start = i + 1
  }
  clauses.push({ text: message.slice(start), end: '' })
  const texts = clauses.map((clause) => clause.text.replace(/\s*\([^()"]*\binputs? `[^()"]*\)/g, '').trim())
  const keep = texts.map((text) => {
    const own = text.replace(/"[^"]*"/g, '""')
    return text !== '' && !IMPERATIVE.test(own) && !MAINTAINER_MATTER.test(own) && !VARIABLE.test(own)
  })
  // A clause that ended in `;` ends its sentence once the clause after it is gone.
  return texts
    .flatMap((text, i) => (keep[i] ? [`${text}${clauses[i]!.end === ';' && !keep[i + 1] ? '.' : clauses[i]!.end}`] : []))
    .join(' ')
}

/**
 * An error notice below which the previous plan stays, else one that keeps only the reader's ticks.
 * How to retry goes to the log and summary only: labels and the command are for maintainers.
 */
export function failedComment(failure: Failure, ctx: RenderContext): FinalComment {
  const message = withRetry(failure.message, ctx)
  return {
    states: [{ status: 'failed', message, render: (current) => renderFailed(failure.notice, current, ctx) }],
    refused: (reason) => noticeKeepingTicks(`${message} (GitHub refused the full notice: ${reason}.)`, ctx, failure.notice ?? ''),
  }
}

export function cancelledComment(message: string, ctx: RenderContext): FinalComment {
  const full = withRetry(message, ctx)
  return {
    states: [{ status: 'cancelled', message: full, render: (current) => renderCancelled(current, ctx) }],
    refused: (reason) => noticeKeepingTicks(`${full} GitHub refused the full "cancelled" notice (${reason}).`, ctx, message),
  }
}

/** In a workflow run (there is a run to link), the message says how to plan the issue again. */
function withRetry(message: string, ctx: RenderContext): string {
  return ctx.runUrl ? `${message} To plan the issue again, ${replanHow(ctx)}.` : message
}

/** Sub-issues mode: the children listed, else an error notice that still lists them (a re-run finds them by that list). */
export function subIssuesComment(plan: Plan, proposed: number, report: SubIssuesResult, ctx: RenderContext): FinalComment {
  const status = report.error ? 'failed' : 'planned'
  return {
    states: [{ status, ...(report.error ? { message: report.error } : {}), render: () => renderPlannedSubIssues(plan, proposed, report, ctx) }],
    refused: (reason) => {
      const message = `The steps' issues were made${report.error ? ' in part' : ''}, but GitHub refused the plan comment (${reason}).${report.error ? ` ${report.error}` : ''}`
      return { status: 'failed', message, render: (current) => renderRefused(message, current, ctx, report.children) }
    },
  }
}

/** `notice` is what the issue shows of `message`, when that is less. */
function noticeKeepingTicks(message: string, ctx: RenderContext, notice = message): FinalState {
  return { status: 'failed', message, render: (current) => renderRefused(notice, current, ctx) }
}

/**
 * Writes the first final state GitHub accepts: after a 422 the next, shorter one, and after the last
 * the error notice, so that the comment is not left saying "planning…". Any other refusal is thrown,
 * since a shorter body would meet it too.
 */
export async function writeFinal(write: (render: RenderFrom) => Promise<string>, final: FinalComment, log: (message: string) => void): Promise<{ state: FinalState; body: string }> {
  let reason = ''
  for (const state of final.states) {
    try {
      return { state, body: await write(state.render) }
    } catch (error) {
      if (statusOf(error) !== 422) throw error
      reason = httpDetail(error)
      log(`GitHub refused the final comment (${reason}); writing a shorter one.`)
    }
  }
  const notice = final.refused(reason)
  return { state: notice, body: await write(notice.render) }
}
