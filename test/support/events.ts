import { createRequire } from 'node:module'

interface ExampleGroup {
  name: string
  examples: Record<string, unknown>[]
}

const require = createRequire(import.meta.url)
const all = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[]

function example(event: string, action?: string): Record<string, unknown> {
  const group = all.find((g) => g.name === event)
  const found = group?.examples.find((e) => action === undefined || e.action === action)
  if (!found) throw new Error(`no ${event}${action ? `.${action}` : ''} example in @octokit/webhooks-examples`)
  const payload = structuredClone(found)
  // The examples' repository uses "master"; the fake GitHub's repository, like new ones on GitHub, "main".
  const repository = payload.repository as Record<string, unknown> | undefined
  if (repository) repository.default_branch = 'main'
  return payload
}

/** The repository the real webhook examples come from; the fake GitHub serves the same one. */
export const EXAMPLE_REPO = { owner: 'Codertocat', repo: 'Hello-World' }

/** GitHub's real `issues.labeled` payload, with the label renamed and the issue swapped for ours. */
export function labeledEvent(issue: { number: number; title: string; body: string | null; labels?: unknown[] }, label = 'plan-me'): Record<string, unknown> {
  const payload = example('issues', 'labeled')
  ;(payload.label as Record<string, unknown>).name = label
  Object.assign(payload.issue as Record<string, unknown>, issue, {
    html_url: `https://github.com/${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}/issues/${issue.number}`,
  })
  return payload
}

/** GitHub's real `issues` payload for another action (e.g. "opened"). */
export function issuesEvent(action: string): Record<string, unknown> {
  return example('issues', action)
}

/** GitHub's real `workflow_dispatch` payload, with the dispatch form's inputs. */
export function dispatchEvent(inputs: Record<string, string> = {}): Record<string, unknown> {
  const payload = example('workflow_dispatch')
  payload.inputs = inputs
  return payload
}

/** GitHub's real `issue_comment.created` payload, carrying our issue and a comment of ours. */
export function commentEvent(
  issue: { number: number; title: string; body: string | null; pull_request?: unknown; labels?: { name: string }[]; user?: { login: string } },
  comment: { id: number; body: string; login: string; type?: 'User' | 'Bot'; created_at: string; author_association?: string },
): Record<string, unknown> {
  const payload = example('issue_comment', 'created')
  const { user, ...rest } = issue
  // The example's author (Codertocat) is also the commenter: keep its full user object, renamed.
  if (user) Object.assign((payload.issue as { user: Record<string, unknown> }).user, user)
  Object.assign(payload.issue as Record<string, unknown>, rest, {
    html_url: `https://github.com/${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}/issues/${issue.number}`,
  })
  const c = payload.comment as Record<string, unknown>
  Object.assign(c, { id: comment.id, body: comment.body, created_at: comment.created_at, updated_at: comment.created_at, author_association: comment.author_association ?? 'MEMBER' })
  Object.assign(c.user as Record<string, unknown>, { login: comment.login, type: comment.type ?? 'User' })
  return payload
}
