import { type GitHub, unreachable } from '../github/client.js'
import { isStatus } from '../github/read.js'
import { mapProse, scanMarkdown } from '../markdown/scan.js'
import { type IssueRef, isPlanComment, isTrustedAuthor, type PlanComment } from '../publish/comment.js'
import { isOurComment } from '../publish/marker.js'
import { type ContextSection, cutText } from './sections.js'
import { cleanUntrusted, quoteUntrusted } from './untrusted.js'

export interface GatherIssue {
  number: number
  body?: string | null
  /** The issue's author, whose comments are read as answers to the planner's questions. */
  user?: { login?: string } | null
}

export interface GatherOptions {
  /** When the run was triggered: comments written or edited later were not seen by whoever triggered it. */
  triggeredAt: Date
  defaultBranch: string
  /** Most issues referenced in the body to look up (default 5). */
  maxReferences?: number
  /** The parent named by our step marker in the body: read directly where the sub-issues API is unavailable. */
  parentHint?: number
  /** The job log: each note is logged here as it is made (a failed read with its details), so callers need not log `notes` again. */
  log?: (message: string) => void
}

/** A comment of the discussion sent to the planner. */
export interface DiscussionComment {
  id: number
  author: string
  /** GitHub's author_association: OWNER, MEMBER, COLLABORATOR, or another for the issue's author. */
  association: string
  createdAt: string
  url: string
  /** The body after cleanUntrusted. */
  body: string
}

export interface RepositoryContext {
  /** In priority order, not yet fitted to the budget: see packSections. */
  sections: ContextSection[]
  /** What could not be read, one sentence each. */
  notes: string[]
  /** Our plan comment (the earliest), to update in place; null when this issue has none yet. */
  planComment: PlanComment | null
  /** The plan comment's body: the previous plan, whose ticks are carried over. */
  previousPlanBody: string | null
  /** Comments of the discussion written after the plan comment was last written: replies to its questions. */
  answers: DiscussionComment[]
  /** Every path on the default branch, to check the paths a plan names; absent when the tree could not be read. */
  paths?: RepositoryPaths
  /** The same tree as GitHub sent it, so that exploring through the API need not request it again. */
  tree?: GitTree
}

/** One recursive `git/get-tree` answer, as GitHub sent it. */
export interface GitTree {
  entries: readonly { path?: string; type?: string; mode?: string; size?: number }[]
  truncated: boolean
}

/** The repository's paths (files and directories), from one recursive tree request. */
export interface RepositoryPaths {
  paths: ReadonlySet<string>
  /** False when GitHub truncated the tree: a path missing from it may still exist. */
  complete: boolean
}

const DEFAULT_MAX_REFERENCES = 5
/** Raw README characters cleaned: the first part is all that is sent, however long the README. */
const README_READ = 20_000
/** How much of each text is worth sending before the budget is applied (packSections). */
const README_CHARS = 3_000
const PARENT_CHARS = 1_500
const COMMENT_CHARS = 4_000
/** Paths listed for the planner, shallowest first; the budget may cut the list further. */
const TREE_ENTRIES = 300

type Comment = Awaited<ReturnType<GitHub['rest']['issues']['listComments']>>['data'][number]
type Log = (message: string) => void

/** A section, or none, with notes on what could not be read. */
interface Part {
  section: ContextSection | null
  notes: string[]
}

/**
 * Reads what the planner should know besides the issue itself, all in parallel: the discussion,
 * the parent issue, issues referenced in the body, the README, the languages and the top-level
 * files. A read that fails leaves its section out with a note, except the comments: they are listed
 * once, for the discussion and to find our plan comment, and without them a second plan comment
 * could be posted, so that failure rejects.
 */
export async function gatherRepositoryContext(
  octokit: GitHub,
  ref: IssueRef,
  issue: GatherIssue,
  options: GatherOptions,
): Promise<RepositoryContext> {
  const repo = { owner: ref.owner, repo: ref.repo }
  const log: Log = options.log ?? (() => {})
  const [comments, tree, ...parts] = await Promise.all([
    listComments(octokit, ref),
    readTree(octokit, repo, options.defaultBranch, log),
    readParent(octokit, ref, options.parentHint, log),
    readReferences(octokit, repo, issue, options.maxReferences ?? DEFAULT_MAX_REFERENCES, log),
    readReadme(octokit, repo, log),
    readLanguages(octokit, repo, log),
  ])
  parts.push(tree)

  const found = comments.find(isPlanComment)
  const planComment = found ? { id: found.id, body: found.body ?? '', html_url: found.html_url } : null
  const author = issue.user?.login ?? ''
  const discussion = selectDiscussion(comments, author, options.triggeredAt)
  const answeredAfter = found ? Date.parse(found.updated_at) : Number.POSITIVE_INFINITY
  const answers = discussion.filter((comment) => Date.parse(comment.createdAt) > answeredAfter)
  const sections = [discussionSection(discussion, author, new Set(answers.map((a) => a.id))), ...parts.map((p) => p.section)]
  return {
    sections: sections.filter((section) => section !== null),
    notes: parts.flatMap((p) => p.notes),
    planComment,
    previousPlanBody: planComment?.body ?? null,
    answers,
    ...(tree.paths ? { paths: tree.paths } : {}),
    ...(tree.tree ? { tree: tree.tree } : {}),
  }
}

// ---- comments -----------------------------------------------------------------------------------

async function listComments(octokit: GitHub, ref: IssueRef): Promise<Comment[]> {
  try {
    return await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 })
  } catch (error) {
    // An unreachable GitHub is not about the comments: its own message says what to check.
    if (unreachable(error)) throw error
    throw new Error(`The issue's comments could not be read (${reason(error)}), so the plan comment cannot be found; run the workflow again.`, { cause: error })
  }
}

/**
 * The comments worth the planner's attention, oldest first: by people who speak for the repository
 * and by the issue's author (who answers the planner's questions), not by bots or by us, and none
 * written or edited after the trigger, so that nobody can slip text in once the issue was approved
 * for planning.
 */
function selectDiscussion(comments: Comment[], author: string, triggeredAt: Date): DiscussionComment[] {
  const cutoff = triggeredAt.getTime()
  // An unreadable timestamp does not prove the comment was there in time, hence `!(… <= cutoff)`.
  const afterCutoff = (timestamp: string): boolean => !(Date.parse(timestamp) <= cutoff)
  return comments
    .filter((comment) => {
      const login = comment.user?.login ?? ''
      if (comment.user?.type === 'Bot' || login.endsWith('[bot]')) return false
      if (isOurComment(comment.body)) return false
      if (afterCutoff(comment.created_at) || afterCutoff(comment.updated_at)) return false
      // Bots are out already, so a trusted author here is someone with access to the repository.
      return isTrustedAuthor(comment) || (author !== '' && login.toLowerCase() === author.toLowerCase())
    })
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id)
    .map((comment) => ({
      id: comment.id,
      author: comment.user?.login ?? '',
      association: comment.author_association,
      createdAt: comment.created_at,
      url: comment.html_url,
      body: cleanUntrusted(comment.body),
    }))
    .filter((comment) => comment.body !== '')
}

/** Each comment quoted on its own, so that no comment can pass itself off as the next one's author. */
function discussionSection(discussion: DiscussionComment[], author: string, answers: ReadonlySet<number>): ContextSection | null {
  if (discussion.length === 0) return null
  const quoted = discussion.map((comment) => {
    const body = cutText(comment.body, COMMENT_CHARS) || comment.body.slice(0, COMMENT_CHARS)
    const roles = [
      ...(isTrustedAuthor({ author_association: comment.association }) ? [comment.association.toLowerCase()] : []),
      ...(comment.author.toLowerCase() === author.toLowerCase() ? ["the issue's author"] : []),
    ]
    const details = [
      `a comment by @${comment.author} (${roles.join(', ')}) on ${comment.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
      ...(answers.has(comment.id) ? ["written after the planner's last comment"] : []),
      ...(body.length < comment.body.length ? [`its first ${fmt(body.length)} of ${fmt(comment.body.length)} characters`] : []),
    ]
    return quoteUntrusted(details.join(', '), body)
  })
  return { key: 'comments', title: 'Discussion on the issue (oldest first)', text: quoted.join('\n\n') }
}

// ---- related issues -----------------------------------------------------------------------------

/**
 * The parent, when the issue is a sub-issue. 404 means it is not one, or that sub-issues are off (as on
 * older GHES): then the parent our step marker names, if any, is read directly.
 */
async function readParent(octokit: GitHub, ref: IssueRef, hint: number | undefined, log: Log): Promise<Part> {
  try {
    return { section: parentSection((await octokit.rest.issues.getParent({ ...ref })).data), notes: [] }
  } catch (error) {
    if (!isStatus(error, 404)) return failure('The parent issue', error, log)
  }
  if (hint === undefined) return { section: null, notes: [] }
  try {
    return { section: parentSection((await octokit.rest.issues.get({ owner: ref.owner, repo: ref.repo, issue_number: hint })).data), notes: [] }
  } catch (error) {
    return failure('The parent issue', error, log)
  }
}

function parentSection(data: { number: number; state: string; html_url: string; title: string; body?: string | null }): ContextSection {
  const body = cleanUntrusted(data.body)
  const summary = cutText(body, PARENT_CHARS) || body.slice(0, PARENT_CHARS)
  const bodyPart = summary.length < body.length ? `the first ${fmt(summary.length)} of ${fmt(body.length)} characters of its body` : 'its body'
  const label = `parent issue #${data.number} (${data.state}, ${data.html_url}): its title and ${bodyPart}`
  const text = quoteUntrusted(label, [oneLine(data.title), summary].filter((part) => part !== '').join('\n\n'))
  return { key: 'parent', title: `Parent issue #${data.number}`, text }
}

/** `#123` outside code, not `owner/repo#123` (another repository) nor `&#123;` (a character reference). */
const REFERENCE = /(?<![\w/#&])#(\d{1,9})\b/g

async function readReferences(octokit: GitHub, repo: { owner: string; repo: string }, issue: GatherIssue, max: number, log: Log): Promise<Part> {
  const referenced = referencedIssues(cleanUntrusted(issue.body), issue.number)
  const wanted = referenced.slice(0, max)
  const notes = referenced.length > wanted.length ? [`The issue body references ${referenced.length} issues; only the first ${wanted.length} were looked up.`] : []
  notes.forEach((note) => log(note))
  const lines = await Promise.all(
    wanted.map(async (number) => {
      try {
        const { data } = await octokit.rest.issues.get({ ...repo, issue_number: number })
        return `- #${number} (${data.state}${data.pull_request ? ' pull request' : ''}): ${oneLine(data.title)}`
      } catch (error) {
        notes.push(...failure(`Issue #${number}, referenced in the body,`, error, log).notes)
        return null
      }
    }),
  )
  const found = lines.filter((line) => line !== null)
  if (found.length === 0) return { section: null, notes }
  const text = quoteUntrusted(`the titles of issues referenced in #${issue.number}`, found.join('\n'))
  return { section: { key: 'references', title: 'Issues referenced in the body', text }, notes }
}

/** Distinct issue numbers referenced in the prose of `body` (hidden text is already gone), in order of mention. */
function referencedIssues(body: string, self: number): number[] {
  const numbers = new Set<number>()
  for (const segment of scanMarkdown(body)) {
    if (segment.kind !== 'text') continue
    for (const match of segment.text.matchAll(REFERENCE)) {
      const number = Number(match[1])
      if (number > 0 && number !== self) numbers.add(number)
    }
  }
  return [...numbers]
}

// ---- repository ---------------------------------------------------------------------------------

async function readReadme(octokit: GitHub, repo: { owner: string; repo: string }, log: Log): Promise<Part> {
  try {
    const { data } = await octokit.rest.repos.getReadme(repo)
    const raw = Buffer.from(data.content, 'base64').toString('utf8')
    const readme = removeBadges(cleanUntrusted(raw.slice(0, README_READ)))
    if (readme === '') return { section: null, notes: [] }
    const kept = cutText(readme, README_CHARS) || readme.slice(0, README_CHARS)
    const whole = kept.length === readme.length && raw.length <= README_READ
    const label = `${whole ? '' : 'the first part of '}the repository's README (${data.path})`
    return { section: { key: 'readme', title: 'README', text: quoteUntrusted(label, kept) }, notes: [] }
  } catch (error) {
    return failure('The README', error, log)
  }
}

/** An image, or a link around one, inline or by reference: `![alt](src)`, `[![alt](src)](href)`. */
const IMAGE = /\[!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])\](?:\([^)\n]*\)|\[[^\]\n]*\])|!\[[^\]\n]*\](?:\([^)\n]*\)|\[[^\]\n]*\])/g
const BADGE = /shields\.io|badgen\.net|badge\.fury\.io|travis-ci\.|circleci\.com|codecov\.io|coveralls\.io|\/badge\.svg|\/badges?\//i

/**
 * Badges tell the planner nothing. Lines of nothing but images before the README's first paragraph
 * (badges, logos) go, and so do badge-service images anywhere else in its prose.
 */
function removeBadges(readme: string): string {
  const imagesOnly = (line: string): boolean => line.trim() !== '' && line.replace(IMAGE, '').trim() === ''
  const lines = readme.split('\n')
  const firstParagraph = lines.findIndex((line) => !imagesOnly(line) && line.trim() !== '' && !/^#{1,6}\s/.test(line))
  const top = firstParagraph === -1 ? lines.length : firstParagraph
  const kept = [...lines.slice(0, top).filter((line) => !imagesOnly(line)), ...lines.slice(top)].join('\n')
  return mapProse(kept, (prose) => prose.replace(IMAGE, (image) => (BADGE.test(image) ? '' : image)))
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

async function readLanguages(octokit: GitHub, repo: { owner: string; repo: string }, log: Log): Promise<Part> {
  try {
    const { data } = await octokit.rest.repos.listLanguages(repo)
    const total = Object.values(data).reduce((sum, bytes) => sum + bytes, 0)
    if (total === 0) return { section: null, notes: [] }
    const lines = Object.entries(data)
      .sort((a, b) => b[1] - a[1])
      .map(([language, bytes]) => `- ${language}: ${percent(bytes / total)}`)
    return { section: { key: 'languages', title: 'Languages', text: lines.join('\n') }, notes: [] }
  } catch (error) {
    return failure('The languages', error, log)
  }
}

function percent(share: number): string {
  return share < 0.001 ? 'less than 0.1%' : `${(share * 100).toFixed(1)}%`
}

/**
 * The default branch's files from one recursive request: listed for the planner shallowest first (the
 * budget cuts the deepest), and kept whole to check the paths a plan names. GitHub truncates very large
 * trees; then the list is what it sent, marked incomplete.
 */
async function readTree(octokit: GitHub, repo: { owner: string; repo: string }, branch: string, log: Log): Promise<Part & { paths?: RepositoryPaths; tree?: GitTree }> {
  try {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: branch, recursive: 'true' })
    const entries = data.tree.filter((entry) => entry.path && (entry.type === 'blob' || entry.type === 'tree'))
    const paths: RepositoryPaths = { paths: new Set(entries.map((entry) => entry.path!)), complete: !data.truncated }
    const tree: GitTree = { entries: data.tree, truncated: data.truncated }
    const names = entries
      .map((entry) => ({ name: oneLine(entry.path) + (entry.type === 'tree' ? '/' : ''), depth: entry.path!.split('/').length }))
      .filter((entry) => entry.name !== '' && entry.name !== '/')
      .sort((a, b) => a.depth - b.depth || (a.name < b.name ? -1 : 1))
      .map((entry) => entry.name)
    if (names.length === 0) return { section: null, notes: [], paths, tree }
    const lines = names.slice(0, TREE_ENTRIES).map((name) => `- ${name}`)
    const more = names.length - TREE_ENTRIES
    if (more > 0 || data.truncated) lines.push(`- … and ${more > 0 ? `${fmt(more)} more` : 'more'}${data.truncated ? ' (the tree is too large to list in full)' : ''}`)
    return { section: { key: 'tree', title: `Files on ${oneLine(branch)}, shallowest first`, text: lines.join('\n') }, notes: [], paths, tree }
  } catch (error) {
    return failure('The file tree', error, log)
  }
}

// ---- helpers ------------------------------------------------------------------------------------

/** Untrusted text for one line of a list: cleaned, and unable to start new lines. */
function oneLine(text: string | null | undefined): string {
  return cleanUntrusted(text).replace(/\s+/g, ' ').trim()
}

function failure(what: string, error: unknown, log: Log): Part {
  log(`${what} could not be read: ${error instanceof Error ? error.message : String(error)}`)
  return { section: null, notes: [`${what} could not be read (${reason(error)}).`] }
}

function reason(error: unknown): string {
  const down = unreachable(error)
  if (down) return `GitHub could not be reached at ${down.host}: ${down.cause}`
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined
  if (typeof status === 'number') return `HTTP ${status}`
  return error instanceof Error ? error.message : String(error)
}

const fmt = (n: number): string => n.toLocaleString('en-US')
