import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/inputs.ts'
import { type TriggerEvent, decideTrigger } from '../../src/trigger.ts'
import { commentEvent } from '../support/events.ts'

const inputs = { label: 'plan-me', issueNumber: '', command: '/plan', needsInfoLabel: 'plan-needs-info' }

/** An `issues` webhook as GitHub sends it, trimmed to what the decision reads. */
function issuesEvent(action: string, labelName?: string, issueNumber = 42): TriggerEvent {
  return {
    eventName: 'issues',
    payload: {
      action,
      ...(labelName === undefined ? {} : { label: { name: labelName } }),
      issue: { number: issueNumber },
    },
  }
}

function dispatchEvent(formInputs?: Record<string, unknown>): TriggerEvent {
  return { eventName: 'workflow_dispatch', payload: formInputs ? { inputs: formInputs } : {} }
}

/** Runs `fn` and returns the InputError it throws, failing the test when it throws nothing or something else. */
function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError, but nothing was thrown')
}

/** A real `issues.labeled` payload from @octokit/webhooks-examples (label "bug" on issue #1). */
function realLabeledPayload(): TriggerEvent['payload'] {
  const file = createRequire(import.meta.url).resolve('@octokit/webhooks-examples')
  const definitions = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: TriggerEvent['payload'][] }[]
  const example = definitions.find((d) => d.name === 'issues')?.examples.find((e) => e.action === 'labeled')
  if (!example) throw new Error('no issues.labeled example in @octokit/webhooks-examples')
  return example
}

describe('decideTrigger: issues events', () => {
  it('reads a complete webhook payload as GitHub sends it', () => {
    const payload = realLabeledPayload()
    expect(decideTrigger({ eventName: 'issues', payload }, { ...inputs, label: 'Bug' })).toEqual({ kind: 'plan', issueNumber: 1, source: 'label' })
    expect(decideTrigger({ eventName: 'issues', payload }, inputs).kind).toBe('skip')
  })

  it('plans the issue when the configured label is applied', () => {
    expect(decideTrigger(issuesEvent('labeled', 'plan-me', 42), inputs)).toEqual({ kind: 'plan', issueNumber: 42, source: 'label' })
  })

  it('matches the label case-insensitively, both ways', () => {
    expect(decideTrigger(issuesEvent('labeled', 'Plan-Me', 7), inputs)).toEqual({ kind: 'plan', issueNumber: 7, source: 'label' })
    expect(decideTrigger(issuesEvent('labeled', 'needs plan', 8), { ...inputs, label: 'Needs Plan' })).toEqual({
      kind: 'plan',
      issueNumber: 8,
      source: 'label',
    })
  })

  it('skips when a different label is applied, naming both labels', () => {
    const trigger = decideTrigger(issuesEvent('labeled', 'bug'), inputs)
    expect(trigger.kind).toBe('skip')
    if (trigger.kind === 'skip') {
      expect(trigger.reason).toContain('"bug"')
      expect(trigger.reason).toContain('"plan-me"')
    }
  })

  it('does not treat a label that merely contains the configured one as a match', () => {
    expect(decideTrigger(issuesEvent('labeled', 'plan-me-later'), inputs).kind).toBe('skip')
  })

  it.each(['opened', 'edited', 'unlabeled', 'reopened', 'closed'])('skips the "%s" action and says which action it was', (action) => {
    // Even with our label present: only the act of labelling asks for a plan.
    const trigger = decideTrigger(issuesEvent(action, 'plan-me'), inputs)
    expect(trigger.kind).toBe('skip')
    if (trigger.kind === 'skip') {
      expect(trigger.reason).toContain(`"${action}"`)
      expect(trigger.reason).toContain('labeled')
    }
  })

  it('skips a labeled event without an issue number instead of planning issue undefined', () => {
    const trigger = decideTrigger({ eventName: 'issues', payload: { action: 'labeled', label: { name: 'plan-me' } } }, inputs)
    expect(trigger).toEqual({ kind: 'skip', reason: 'the event carries no issue' })
  })
})

describe('decideTrigger: workflow_dispatch', () => {
  it('plans the issue given by the `issue-number` input', () => {
    expect(decideTrigger(dispatchEvent(), { ...inputs, issueNumber: '12' })).toEqual({ kind: 'plan', issueNumber: 12, source: 'dispatch' })
  })

  it("falls back to the dispatch form's own `issue-number` field", () => {
    expect(decideTrigger(dispatchEvent({ 'issue-number': '34' }), inputs)).toEqual({ kind: 'plan', issueNumber: 34, source: 'dispatch' })
    // A `type: number` form field arrives as a number.
    expect(decideTrigger(dispatchEvent({ 'issue-number': 35 }), inputs)).toEqual({ kind: 'plan', issueNumber: 35, source: 'dispatch' })
  })

  it('prefers the action input over the form field when both are set', () => {
    const trigger = decideTrigger(dispatchEvent({ 'issue-number': '34' }), { ...inputs, issueNumber: '12' })
    expect(trigger).toEqual({ kind: 'plan', issueNumber: 12, source: 'dispatch' })
  })

  it('accepts the number written as a reference, "#12"', () => {
    expect(decideTrigger(dispatchEvent(), { ...inputs, issueNumber: '#12' })).toEqual({ kind: 'plan', issueNumber: 12, source: 'dispatch' })
    expect(decideTrigger(dispatchEvent({ 'issue-number': '#13' }), inputs)).toEqual({ kind: 'plan', issueNumber: 13, source: 'dispatch' })
  })

  it.each(['abc', '12abc', '1.5', '-3', '0', 'https://github.com/acme/app/issues/12'])('rejects "%s" with an InputError naming `issue-number`', (raw) => {
    const error = inputErrorOf(() => decideTrigger(dispatchEvent(), { ...inputs, issueNumber: raw }))
    expect(error.message).toContain('`issue-number`')
    expect(error.message).toContain(`"${raw}"`)
  })

  it('rejects a missing issue number with an InputError that names the input and how to pass it', () => {
    const error = inputErrorOf(() => decideTrigger(dispatchEvent(), inputs))
    expect(error.message).toContain('`issue-number`')
    expect(error.message).toMatch(/required/i)
  })

  it('treats a form field of the wrong type as missing', () => {
    const error = inputErrorOf(() => decideTrigger(dispatchEvent({ 'issue-number': { number: 5 } }), inputs))
    expect(error.message).toContain('`issue-number`')
  })
})

describe('decideTrigger: other events', () => {
  it.each(['push', 'pull_request', 'schedule'])('skips "%s" with a reason naming the event, the label and the command', (eventName) => {
    const trigger = decideTrigger({ eventName, payload: { action: 'labeled', label: { name: 'plan-me' }, issue: { number: 1 } } }, inputs)
    expect(trigger.kind).toBe('skip')
    if (trigger.kind === 'skip') {
      expect(trigger.reason).toContain(`"${eventName}"`)
      expect(trigger.reason).toContain('"plan-me"')
      expect(trigger.reason).toContain('/plan')
      expect(trigger.reason).toContain('workflow_dispatch')
    }
  })
})

describe('decideTrigger: the /plan command', () => {
  const comment = (body: string, extra: Record<string, unknown> = {}): Parameters<typeof decideTrigger>[0] => ({
    eventName: 'issue_comment',
    payload: {
      action: 'created',
      issue: { number: 9 },
      comment: { id: 77, body, user: { login: 'maintainer', type: 'User' }, created_at: '2026-11-24T10:00:00Z' },
      ...extra,
    },
  })

  it('re-plans with the text after the command as guidance', () => {
    expect(decideTrigger(comment('/plan split the rollout into smaller steps'), inputs)).toEqual({
      kind: 'plan',
      issueNumber: 9,
      source: 'command',
      command: { commentId: 77, author: 'maintainer', guidance: 'split the rollout into smaller steps', createdAt: '2026-11-24T10:00:00Z' },
    })
  })

  it('accepts the bare command, leading whitespace, a custom command and any case', () => {
    expect(decideTrigger(comment('  /PLAN'), inputs)).toMatchObject({ kind: 'plan', command: { guidance: '' } })
    expect(decideTrigger(comment('!replan\nwith more tests'), { ...inputs, command: '!replan' })).toMatchObject({ command: { guidance: 'with more tests' } })
  })

  it('matches on a word boundary: "/planning" and "see /plan" are not commands', () => {
    expect(decideTrigger(comment('/planning is hard'), inputs)).toMatchObject({ kind: 'skip', reason: expect.stringContaining('the comment does not start with /plan') })
    expect(decideTrigger(comment('see /plan'), inputs).kind).toBe('skip')
  })

  it('ignores bots, pull-request comments, edited comments and an empty command input', () => {
    expect(decideTrigger(comment('/plan', { comment: { id: 1, body: '/plan', user: { login: 'x[bot]', type: 'Bot' } } }), inputs)).toEqual({ kind: 'skip', reason: 'comments by bots are ignored' })
    expect(decideTrigger(comment('/plan', { issue: { number: 3, pull_request: {} } }), inputs)).toEqual({ kind: 'skip', reason: 'comments on pull requests are ignored' })
    expect(decideTrigger(comment('/plan', { action: 'edited' }), inputs)).toEqual({ kind: 'skip', reason: 'the comment was edited, not created' })
    expect(decideTrigger(comment('/plan'), { ...inputs, command: '' }).kind).toBe('skip')
  })
})

describe('decideTrigger: answers to the planner\'s questions', () => {
  const waiting = [{ name: 'bug' }, { name: 'Plan-Needs-Info' }]
  const answer = (extra: { body?: string; login?: string; association?: string; type?: string; labels?: unknown[]; action?: string; author?: string } = {}): TriggerEvent => ({
    eventName: 'issue_comment',
    payload: {
      action: extra.action ?? 'created',
      issue: { number: 12, labels: (extra.labels ?? waiting) as { name: string }[], user: { login: extra.author ?? 'reporter' } },
      comment: {
        id: 501,
        body: extra.body ?? 'It happens on Postgres 16 only, with the EU region.',
        user: { login: extra.login ?? 'reporter', type: extra.type ?? 'User' },
        created_at: '2026-11-24T11:00:00Z',
        author_association: extra.association ?? 'NONE',
      },
    },
  })
  const planned = { kind: 'plan', issueNumber: 12, source: 'answer', answer: { commentId: 501, author: 'reporter', createdAt: '2026-11-24T11:00:00Z' } }

  it("re-plans on a comment by the issue's author while the issue carries the needs-info label (any case)", () => {
    expect(decideTrigger(answer(), inputs)).toEqual(planned)
    expect(decideTrigger(answer({ login: 'Reporter' }), inputs)).toMatchObject({ kind: 'plan', source: 'answer' })
  })

  it.each(['OWNER', 'MEMBER', 'COLLABORATOR'])('re-plans on a comment by a maintainer (%s) who is not the author', (association) => {
    expect(decideTrigger(answer({ login: 'maintainer', association }), inputs)).toMatchObject({ kind: 'plan', source: 'answer', answer: { author: 'maintainer' } })
  })

  it('reads the real issue_comment.created webhook payload', () => {
    const payload = commentEvent({ number: 12, title: 'Export fails', body: 'It breaks.', labels: [{ name: 'plan-needs-info' }], user: { login: 'reporter' } }, { id: 501, body: 'Only on Postgres 16.', login: 'reporter', created_at: '2026-11-24T11:00:00Z', author_association: 'CONTRIBUTOR' })
    expect(decideTrigger({ eventName: 'issue_comment', payload }, inputs)).toEqual(planned)
  })

  it('ignores a stranger, a bot and our own comments on a waiting issue', () => {
    expect(decideTrigger(answer({ login: 'passer-by', association: 'CONTRIBUTOR' }), inputs)).toMatchObject({ kind: 'skip', reason: expect.stringContaining("not by the issue's author or a maintainer") })
    expect(decideTrigger(answer({ login: 'renovate[bot]', author: 'renovate[bot]', type: 'Bot' }), inputs)).toEqual({ kind: 'skip', reason: 'comments by bots are ignored' })
    // A bot account that GitHub reports as a user still has the [bot] suffix.
    expect(decideTrigger(answer({ login: 'helper[bot]', author: 'helper[bot]' }), inputs)).toEqual({ kind: 'skip', reason: 'comments by bots are ignored' })
    // Written with a personal token, our comments come from a person, often a maintainer.
    const ours = answer({ login: 'maintainer', association: 'OWNER', body: '<!-- issue-planner:plan {"state":"planning"} -->\n\nPlanning…' })
    expect(decideTrigger(ours, inputs)).toEqual({ kind: 'skip', reason: "the comment is one of this action's own" })
  })

  it('ignores comments on issues without the label, edits, and everything once the label input is empty', () => {
    expect(decideTrigger(answer({ labels: [{ name: 'bug' }] }), inputs)).toMatchObject({ kind: 'skip', reason: expect.stringContaining('does not wait for an answer (it has no "plan-needs-info" label)') })
    expect(decideTrigger(answer({ action: 'edited' }), inputs)).toEqual({ kind: 'skip', reason: 'the comment was edited, not created' })
    expect(decideTrigger(answer(), { ...inputs, needsInfoLabel: '' })).toMatchObject({ kind: 'skip' })
    expect(decideTrigger(answer(), { ...inputs, command: '', needsInfoLabel: '' })).toEqual({ kind: 'skip', reason: 'the `command` and `needs-info-label` inputs are empty, so comments do not ask for plans' })
  })

  it('takes the command as a command even on a waiting issue, and answers with the command input empty', () => {
    expect(decideTrigger(answer({ body: '/plan use the EU region', login: 'maintainer', association: 'MEMBER' }), inputs)).toMatchObject({ kind: 'plan', source: 'command' })
    expect(decideTrigger(answer(), { ...inputs, command: '' })).toEqual(planned)
  })

  it('ignores answers on pull requests', () => {
    const event = answer()
    event.payload.issue!.pull_request = { url: 'x' }
    expect(decideTrigger(event, inputs)).toEqual({ kind: 'skip', reason: 'comments on pull requests are ignored' })
  })
})
