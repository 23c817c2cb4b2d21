import { httpDetail, statusOf } from '../github/errors.js'
import type { Plan } from '../plan.js'
import type { RenderFrom } from './comment.js'
import { type RenderContext, renderCancelled, renderFailed, renderNeedsInfo, renderPlanned, renderPlannedSubIssues, renderRefused } from './render.js'
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

/** An error notice below which the previous plan stays, else one that keeps only the reader's ticks. */
export function failedComment(message: string, ctx: RenderContext): FinalComment {
  return {
    states: [{ status: 'failed', message, render: (current) => renderFailed(message, current, ctx) }],
    refused: (reason) => noticeKeepingTicks(`${message} (GitHub refused the full notice: ${reason}.)`, ctx),
  }
}

export function cancelledComment(message: string, ctx: RenderContext): FinalComment {
  return {
    states: [{ status: 'cancelled', message, render: (current) => renderCancelled(current, ctx) }],
    refused: (reason) => noticeKeepingTicks(`${message} GitHub refused the full "cancelled" notice (${reason}).`, ctx),
  }
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

function noticeKeepingTicks(message: string, ctx: RenderContext): FinalState {
  return { status: 'failed', message, render: (current) => renderRefused(message, current, ctx) }
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
