import { parseIssueNumber } from './inputs.js'

/** The parts of the workflow event the decision needs. */
export interface TriggerEvent {
  eventName: string
  payload: {
    action?: string
    label?: { name?: string }
    issue?: { number?: number; pull_request?: unknown; updated_at?: string }
    comment?: { id?: number; body?: string; user?: { login?: string; type?: string } | null; created_at?: string }
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

export type Trigger =
  | { kind: 'plan'; issueNumber: number; source: 'label' | 'dispatch' }
  | { kind: 'plan'; issueNumber: number; source: 'command'; command: PlanCommand }
  | { kind: 'skip'; reason: string }

/** Decides whether this event asks for a plan, and for which issue. Throws InputError on a bad issue number. */
export function decideTrigger(event: TriggerEvent, inputs: { label: string; issueNumber: string; command: string }): Trigger {
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
  if (eventName === 'issue_comment') return decideCommand(payload, inputs.command)
  return { kind: 'skip', reason: `the "${eventName}" event does not ask for a plan (use the "${inputs.label}" label, ${inputs.command ? `a ${inputs.command} comment or ` : ''}workflow_dispatch)` }
}

function decideCommand(payload: TriggerEvent['payload'], command: string): Trigger {
  if (!command) return { kind: 'skip', reason: 'the `command` input is empty, so comments do not ask for plans' }
  if (payload.action !== 'created') return { kind: 'skip', reason: `the comment was ${payload.action ?? 'changed'}, not created` }
  const { comment, issue } = payload
  if (!comment || typeof issue?.number !== 'number' || typeof comment.id !== 'number') return { kind: 'skip', reason: 'the event carries no comment' }
  if (issue.pull_request) return { kind: 'skip', reason: 'comments on pull requests are ignored' }
  if (comment.user?.type === 'Bot') return { kind: 'skip', reason: 'comments by bots are ignored' }
  const guidance = commandGuidance(comment.body ?? '', command)
  if (guidance === null) return { kind: 'skip', reason: `the comment does not start with ${command}` }
  return {
    kind: 'plan',
    issueNumber: issue.number,
    source: 'command',
    command: { commentId: comment.id, author: comment.user?.login ?? '', guidance, createdAt: comment.created_at ?? '' },
  }
}

/** The text after `command` when `body` starts with it as a whole word ("/plan" but not "/planning"), else null. */
function commandGuidance(body: string, command: string): string | null {
  const text = body.trimStart()
  if (!text.toLowerCase().startsWith(command.toLowerCase())) return null
  const rest = text.slice(command.length)
  if (rest !== '' && !/^\s/.test(rest)) return null
  return rest.trim()
}
