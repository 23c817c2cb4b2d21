import { z } from 'zod'
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

/** Renders a comment body from the comment's body as it is at that moment (null: no comment yet). */
export type RenderFrom = (current: string | null) => string

export interface WriterOptions {
  dryRun: boolean
  /**
   * Readers may tick boxes in the comment while the run works: render each edit from the comment as
   * it is right before the edit (see `write`), so that those ticks are carried into it.
   */
  rereads: boolean
}

const CommentJson = z.object({ body: z.string().nullish() })

/**
 * Writes every state of the plan to one comment: created on the first write, edited in place after.
 * In a dry run it only renders.
 */
export class PlanCommentWriter {
  private current: PlanComment | null
  private writes = 0

  constructor(
    private readonly octokit: GitHub,
    private readonly ref: IssueRef,
    existing: PlanComment | null,
    private readonly options: WriterOptions,
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

  /** Writes the body `render` makes from the comment as it is, and returns that body. */
  async write(render: RenderFrom): Promise<string> {
    this.writes++
    if (this.options.dryRun) return render(this.current?.body ?? null)
    if (!this.current) {
      const body = render(null)
      const { data } = await this.octokit.rest.issues.createComment({ ...this.ref, body })
      this.current = { id: data.id, body: data.body ?? body, html_url: data.html_url }
      return body
    }
    const { id } = this.current
    let body = render(this.current.body)
    const edit = { owner: this.ref.owner, repo: this.ref.repo, comment_id: id, body }
    const { data } = this.options.rereads
      ? await this.octokit.rest.issues.updateComment({ ...edit, request: { fetch: readThenWrite(render, (rendered) => (body = rendered)) } })
      : await this.octokit.rest.issues.updateComment(edit)
    this.current = { id: data.id, body: data.body ?? body, html_url: data.html_url }
    return body
  }
}

/**
 * The transport for an edit that must carry the reader's latest ticks: it reads the comment, renders
 * the new body from it and sends the edit with that body, with nothing awaited in between. It runs
 * where Octokit hands the edit to the network, after the client's write pacing (up to a second
 * behind the previous write) and its retries, so no such wait falls between the read and the write:
 * a box ticked during it is in what `render` gets. What is left is one round trip; GitHub offers no
 * conditional edit of a comment to close it. A read GitHub refuses is the answer to the edit too
 * (the comment was deleted, say), so Octokit reports or retries it like one.
 */
function readThenWrite(render: RenderFrom, rendered: (body: string) => void): typeof fetch {
  return async (url, init) => {
    const read = await fetch(url, { method: 'GET', headers: init?.headers ?? {}, signal: init?.signal ?? null })
    if (!read.ok) return read
    const body = render(CommentJson.parse(await read.json()).body ?? '')
    rendered(body)
    return fetch(url, { ...init, body: JSON.stringify({ body }) })
  }
}
