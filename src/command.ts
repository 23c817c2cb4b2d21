import type { GitHub } from './github/client.js'
import { isStatus } from './github/read.js'
import type { IssueRef } from './publish/comment.js'
import type { PlanCommand } from './trigger.js'

/** Repository roles that may re-plan with the comment command. */
const ALLOWED = new Set(['admin', 'maintain', 'write'])

/**
 * Whether the commenter may use the command: write, maintain or admin on the repository. Apps and
 * bots have no collaborator record (404), which reads as "not allowed".
 */
export async function mayUseCommand(octokit: GitHub, ref: IssueRef, login: string): Promise<boolean> {
  if (!login) return false
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username: login })
    // `permission` folds maintain into write; `role_name` keeps custom and finer roles.
    return ALLOWED.has(data.permission) || ALLOWED.has(data.role_name ?? '')
  } catch (error) {
    if (isStatus(error, 404)) return false
    throw error
  }
}

/** Tells the commenter the command was seen, with a reaction rather than another comment. */
export async function acknowledge(octokit: GitHub, ref: IssueRef, command: PlanCommand): Promise<void> {
  await octokit.rest.reactions.createForIssueComment({ owner: ref.owner, repo: ref.repo, comment_id: command.commentId, content: 'eyes' })
}

/** The one short reply someone without write access gets; it names no one, so it pings no one. */
export function refusalText(command: string): string {
  return `Thanks for the suggestion! Only people with write access to this repository can re-plan with \`${command}\`; a maintainer can run it for you.`
}
