import { parseIssueNumber } from './inputs.js'
import { isTrustedAuthor } from './publish/comment.js'
import { isOurComment } from './publish/marker.js'

/** The parts of the workflow event the decision needs. */
export interface TriggerEvent {
  eventName: string
  payload: {
    action?: string
    label?: { name?: string }
    issue?: { number?: number; pull_request?: unknown; updated_at?: string; labels?: ({ name?: string } | string)[]; user?: { login?: string } | null }
    comment?: { id?: number; body?: string; user?: { login?: string; type?: string } | null; created_at?: string; author_association?: string }
    inputs?: Record<string, unknown>
  }
}

/** A `/plan` comment that asked for a re-plan. */
export interface PlanCommand {
  commentId: number
  author: string
  /** Text after the command: guidance for the planner ("split the rollout"). */
  guidance: string
  createdAt: string
}

/** A comment by the issue's author (or a maintainer) on an issue that waits for more detail: it answers the planner. */
export interface PlanAnswer {
  commentId: number
  author: string
  createdAt: string
}

export type Trigger =
  | { kind: 'plan'; issueNumber: number; source: 'label' | 'dispatch' }
  | { kind: 'plan'; issueNumber: number; source: 'command'; command: PlanCommand }
  | { kind: 'plan'; issueNumber: number; source: 'answer'; answer: PlanAnswer }
  | { kind: 'skip'; reason: string }

/** The inputs the decision reads. */
export interface TriggerInputs {
  label: string
  issueNumber: string
  command: string
  /** The label on issues that wait for an answer to the planner's questions; empty: answers do not re-plan. */
  needsInfoLabel: string
}

/** Decides whether this event asks for a plan, and for which issue. Throws InputError on a bad issue number. */
export function decideTrigger(event: TriggerEvent, inputs: TriggerInputs): Trigger {
  const { eventName, payload } = event
  if (eventName === 'issues') {
    if (payload.action !== 'labeled') {
      return { kind: 'skip', reason: `the issues event is "${payload.action ?? 'unknown'}", not "labeled"` }
    }
    const applied = payload.label?.name ?? ''
    if (applied.toLowerCase() !== inputs.label.toLowerCase()) {
      return { kind: 'skip', reason: `the label "${applied}" was applied, not "${inputs.label}"` }
    }
    const number = payload.issue?.number
    if (typeof number !== 'number') return { kind: 'skip', reason: 'the event carries no issue' }
    return { kind: 'plan', issueNumber: number, source: 'label' }
  }
  if (eventName === 'workflow_dispatch') {
    // Fall back to the dispatch form's own field so `issue-number` need not be wired through `with:`.
    const fromForm = payload.inputs?.['issue-number']
    const raw = inputs.issueNumber || (typeof fromForm === 'string' || typeof fromForm === 'number' ? String(fromForm) : '')
    return { kind: 'plan', issueNumber: parseIssueNumber(raw), source: 'dispatch' }
  }
  if (eventName === 'issue_comment') return decideComment(payload, inputs)
  return { kind: 'skip', reason: `the "${eventName}" event does not ask for a plan (use the "${inputs.label}" label, ${inputs.command ? `a ${inputs.command} comment or ` : ''}workflow_dispatch)` }
}

/**
 * A comment re-plans when it is the command (checked for write access later), or when it answers the
 * planner: the issue carried the needs-info label when it was written, and its writer is the issue's
 * author or a maintainer. Only a new comment counts, so an edit never plans a second time.
 */
function decideComment(payload: TriggerEvent['payload'], inputs: TriggerInputs): Trigger {
  const { command, needsInfoLabel } = inputs
  if (!command && !needsInfoLabel) return { kind: 'skip', reason: 'the `command` and `needs-info-label` inputs are empty, so comments do not ask for plans' }
  if (payload.action !== 'created') return { kind: 'skip', reason: `the comment was ${payload.action ?? 'changed'}, not created` }
  const { comment, issue } = payload
  if (!comment || typeof issue?.number !== 'number' || typeof comment.id !== 'number') return { kind: 'skip', reason: 'the event carries no comment' }
  if (issue.pull_request) return { kind: 'skip', reason: 'comments on pull requests are ignored' }
  const login = comment.user?.login ?? ''
  if (comment.user?.type === 'Bot' || login.endsWith('[bot]')) return { kind: 'skip', reason: 'comments by bots are ignored' }
  if (isOurComment(comment.body)) return { kind: 'skip', reason: 'the comment is one of this action\'s own' }
  const createdAt = comment.created_at ?? ''
  const guidance = command ? commandGuidance(comment.body ?? '', command) : null
  if (guidance !== null) return { kind: 'plan', issueNumber: issue.number, source: 'command', command: { commentId: comment.id, author: login, guidance, createdAt } }
  const notCommand = command ? `the comment does not start with ${command}` : 'the comment is not a command'
  if (!needsInfoLabel || !hasLabel(issue.labels, needsInfoLabel)) {
    return { kind: 'skip', reason: needsInfoLabel ? `${notCommand}, and the issue does not wait for an answer (it has no "${needsInfoLabel}" label)` : notCommand }
  }
  const author = issue.user?.login ?? ''
  if (!isTrustedAuthor({ author_association: comment.author_association ?? '' }) && (author === '' || login.toLowerCase() !== author.toLowerCase())) {
    return { kind: 'skip', reason: `${notCommand}, and it is not by the issue's author or a maintainer, so it is not taken as an answer` }
  }
  return { kind: 'plan', issueNumber: issue.number, source: 'answer', answer: { commentId: comment.id, author: login, createdAt } }
}

function hasLabel(labels: ({ name?: string } | string)[] | undefined, name: string): boolean {
  return (labels ?? []).some((label) => (typeof label === 'string' ? label : (label.name ?? '')).toLowerCase() === name.toLowerCase())
}

/** The text after `command` when `body` starts with it as a whole word ("/plan" but not "/planning"), else null. */
function commandGuidance(body: string, command: string): string | null {
  const text = body.trimStart()
  if (!text.toLowerCase().startsWith(command.toLowerCase())) return null
  const rest = text.slice(command.length)
  if (rest !== '' && !/^\s/.test(rest)) return null
  return rest.trim()
}
