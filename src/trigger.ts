import { parseIssueNumber } from './inputs.js'

/** The parts of the workflow event the decision needs. */
export interface TriggerEvent {
  eventName: string
  payload: {
    action?: string
    label?: { name?: string }
    issue?: { number?: number; pull_request?: unknown }
    inputs?: Record<string, unknown>
  }
}

export type Trigger =
  | { kind: 'plan'; issueNumber: number; source: 'label' | 'dispatch' }
  | { kind: 'skip'; reason: string }

/** Decides whether this event asks for a plan, and for which issue. Throws InputError on a bad issue number. */
export function decideTrigger(event: TriggerEvent, inputs: { label: string; issueNumber: string }): Trigger {
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
  return { kind: 'skip', reason: `the "${eventName}" event does not ask for a plan (use the "${inputs.label}" label or workflow_dispatch)` }
}
