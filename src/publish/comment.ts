import type { GitHub } from '../github/client.js'
import { parseMarker } from './marker.js'

export interface IssueRef {
  owner: string
  repo: string
  issue_number: number
}

export interface PlanComment {
  id: number
  body: string
  html_url: string
}

interface ListedComment {
  id: number
  body?: string | null
  html_url: string
  author_association: string
  user: { type?: string } | null
}

/** People whose copy of our marker we may adopt: a stranger's comment must never be overwritten. */
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])

/** Written by a bot (this action writes as one) or by someone with access to the repository. */
export function isTrustedAuthor(item: { user?: { type?: string } | null; author_association?: string }): boolean {
  return item.user?.type === 'Bot' || TRUSTED_ASSOCIATIONS.has(item.author_association ?? '')
}

/** A plan comment is one that starts with our marker and was written by a trusted author. */
export function isPlanComment(comment: ListedComment): boolean {
  return parseMarker(comment.body) !== null && isTrustedAuthor(comment)
}

const REPLY_MARKER = '<!-- issue-planner:reply -->'

/** Posts a short reply unless this action already replied on the issue: a stranger repeating a command gets one answer, not many. */
export async function replyOnce(octokit: GitHub, ref: IssueRef, text: string): Promise<void> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...ref, per_page: 100 })
  for await (const { data } of pages) {
    if (data.some((c) => (c.body ?? '').startsWith(REPLY_MARKER) && isTrustedAuthor(c))) return
  }
  await octokit.rest.issues.createComment({ ...ref, body: `${REPLY_MARKER}\n${text}` })
}

/**
 * Writes every state of the plan to one comment: created on the first write, edited in place after.
 * In a dry run it only remembers the last body.
 */
export class PlanCommentWriter {
  private current: PlanComment | null
  private writes = 0

  constructor(
    private readonly octokit: GitHub,
    private readonly ref: IssueRef,
    existing: PlanComment | null,
    private readonly dryRun: boolean,
  ) {
    this.current = existing
  }

  get comment(): PlanComment | null {
    return this.current
  }

  /** True once this run has written (so a cancelled run knows whether it left a "planning" comment). */
  get wrote(): boolean {
    return this.writes > 0
  }

  /** The comment's body as it is now: readers may have ticked boxes since it was read. */
  async currentBody(): Promise<string | null> {
    if (!this.current) return null
    const { data } = await this.octokit.rest.issues.getComment({ owner: this.ref.owner, repo: this.ref.repo, comment_id: this.current.id })
    this.current = { ...this.current, body: data.body ?? '' }
    return this.current.body
  }

  async write(body: string): Promise<void> {
    this.writes++
    if (this.dryRun) return
    const { data } = this.current
      ? await this.octokit.rest.issues.updateComment({ owner: this.ref.owner, repo: this.ref.repo, comment_id: this.current.id, body })
      : await this.octokit.rest.issues.createComment({ ...this.ref, body })
    this.current = { id: data.id, body: data.body ?? body, html_url: data.html_url }
  }
}
