import type { PlanRequest } from './request.js'
import { quoteUntrusted } from './untrusted.js'

/**
 * The task both protocols are given: the issue's title and body, quoted as user content so a planner
 * reads instructions inside them as data, and what is asked of it stated outside the quote.
 */
export function issueAsTask(request: PlanRequest): string {
  const { issue } = request
  const ask = request.step
    ? `Break down step ${request.step.number} of the plan for parent issue #${request.step.parent} into steps; the step is GitHub issue #${issue.number}.`
    : `Plan the work for GitHub issue #${issue.number} in ${request.repository.fullName}.`
  const quoted = quoteUntrusted(`issue #${issue.number}`, issue.body ? `${issue.title}\n\n${issue.body}` : issue.title)
  const refine = request.refinement
    ? `\n\nA maintainer asked to re-plan it${request.refinement.guidance ? ` with this guidance: ${request.refinement.guidance}` : ''}. Improve on the previous plan (in the context) rather than starting over.`
    : ''
  return `${ask}${refine}\n\n${quoted}`
}
