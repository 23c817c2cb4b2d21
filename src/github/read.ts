import type { IssueData, RepositoryData } from '../context/build.js'
import { InputError } from '../inputs.js'
import type { GitHub } from './client.js'

/** The issue to plan: from the event payload when it carries one (no request), else from the API. */
export async function loadIssue(
  octokit: GitHub,
  ref: { owner: string; repo: string; issue_number: number },
  fromEvent: (IssueData & { pull_request?: unknown }) | undefined,
): Promise<IssueData> {
  let issue = fromEvent
  if (!issue || issue.number !== ref.issue_number) {
    try {
      issue = (await octokit.rest.issues.get({ owner: ref.owner, repo: ref.repo, issue_number: ref.issue_number })).data
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 410)) {
        throw new InputError(`Issue #${ref.issue_number} was not found in ${ref.owner}/${ref.repo} (input \`issue-number\`). Check the number; deleted or transferred issues cannot be planned.`)
      }
      throw error
    }
  }
  if (issue.pull_request) {
    throw new InputError(`#${ref.issue_number} is a pull request (input \`issue-number\`); Issue Planner plans issues.`)
  }
  return issue
}

/**
 * Repository metadata for the planner's context: one `GET /repos/{owner}/{repo}`. Only the declared
 * parameters are passed: Octokit sends any other field of `ref` (an issue ref's `issue_number`) as a
 * query parameter.
 */
export async function getRepository(octokit: GitHub, ref: { owner: string; repo: string }): Promise<RepositoryData> {
  return (await octokit.rest.repos.get({ owner: ref.owner, repo: ref.repo })).data
}

export function isStatus(error: unknown, status: number): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === status
}
