import type { GitHub } from '../github/client.js'
import { isStatus } from '../github/read.js'
import type { IssueRef } from './comment.js'

const COLOR = 'fbca04'
const DESCRIPTION = 'Issue Planner needs more detail before it can plan this issue'

const has = (labels: string[], name: string): boolean => labels.some((l) => l.toLowerCase() === name.toLowerCase())

/**
 * Keeps the needs-info label in step with the outcome: added (and created, if the repository lacks
 * it) when the planner asked for detail, removed once a plan is made. Uses the issue's labels as read
 * at the start, so an unchanged state costs no request.
 */
export async function syncNeedsInfoLabel(octokit: GitHub, ref: IssueRef, name: string, labels: string[], needsInfo: boolean): Promise<void> {
  if (!name) return
  if (needsInfo && !has(labels, name)) {
    try {
      await octokit.rest.issues.createLabel({ owner: ref.owner, repo: ref.repo, name, color: COLOR, description: DESCRIPTION })
    } catch (error) {
      // 422: the label exists already, which is the usual case after the first time.
      if (!isStatus(error, 422)) throw error
    }
    await octokit.rest.issues.addLabels({ ...ref, labels: [name] })
  } else if (!needsInfo) {
    await removeLabelIfPresent(octokit, ref, name, labels)
  }
}

/** Removes a label the issue carried when it was read; one already gone (404) is fine. */
export async function removeLabelIfPresent(octokit: GitHub, ref: IssueRef, name: string, labels: string[]): Promise<void> {
  if (!name || !has(labels, name)) return
  try {
    await octokit.rest.issues.removeLabel({ ...ref, name })
  } catch (error) {
    if (!isStatus(error, 404)) throw error
  }
}
