// One handler per operationId of the trimmed OpenAPI description. Handlers run only after the
// request passed schema validation, so they may rely on the documented shapes of params and body;
// whatever GitHub refuses beyond the schema is refused by the store.
import type { RepoContents } from './fake-github-contents.ts'
import type { ReactionContent } from './fake-github-model.ts'
import { addBlockedBy, addSubIssue, removeBlockedBy, removeSubIssue, reprioritizeSubIssue } from './fake-github-relations.ts'
import { notFound, type Feature, type IssuePatch, type IssueRecord, type LabelInput, type RepoStore } from './fake-github-store.ts'

export interface RouteContext {
  store: RepoStore
  contents: RepoContents
  /** Path parameters, decoded and coerced to the documented types. */
  params: Record<string, unknown>
  /** Query parameters, coerced to the documented types. */
  query: Record<string, unknown>
  body: unknown
  /** The request URL as the client sent it; pagination links keep its query. */
  url: URL
  /** The routed path: /repos/{owner}/{repo}/... even when the client used /repositories/{id}/... */
  path: string
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

type Route = (ctx: RouteContext) => Reply

/** Operations that only exist where the feature does; disabling it makes them 404. */
export const FEATURE_OF: Readonly<Record<string, Feature>> = {
  'issues/list-sub-issues': 'sub-issues',
  'issues/add-sub-issue': 'sub-issues',
  'issues/remove-sub-issue': 'sub-issues',
  'issues/reprioritize-sub-issue': 'sub-issues',
  'issues/get-parent': 'sub-issues',
  'issues/list-dependencies-blocked-by': 'dependencies',
  'issues/add-blocked-by-dependency': 'dependencies',
  'issues/remove-dependency-blocked-by': 'dependencies',
  'issues/list-dependencies-blocking': 'dependencies',
}

const DEFAULT_PER_PAGE = 30
const MAX_PER_PAGE = 100

const ok = (body: unknown): Reply => ({ status: 200, body })
const created = (body: unknown, location?: string): Reply => ({ status: 201, body, headers: location ? { location } : {} })

function int(values: Record<string, unknown>, name: string): number {
  const value = values[name]
  if (typeof value !== 'number') throw new Error(`fake GitHub: ${name} should have been validated as an integer`)
  return value
}

const issueOf = (ctx: RouteContext): IssueRecord => ctx.store.issue(int(ctx.params, 'issue_number'))
const issueJson = (ctx: RouteContext) => (record: IssueRecord) => ctx.store.issueJson(record)

/**
 * One page of a list the way GitHub pages it: `per_page` (default 30, capped at 100) and `page`, and
 * a Link header whenever there is more than one page. GitHub's links address the repository by id
 * (/repositories/{id}/...), keep the request's other query parameters, and come in the order
 * prev, next, last, first.
 */
function paginate(ctx: RouteContext, items: unknown[]): Reply {
  const requestedPerPage = typeof ctx.query.per_page === 'number' ? ctx.query.per_page : DEFAULT_PER_PAGE
  const perPage = requestedPerPage >= 1 ? Math.min(requestedPerPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE
  const page = typeof ctx.query.page === 'number' && ctx.query.page >= 1 ? ctx.query.page : 1
  const lastPage = Math.max(1, Math.ceil(items.length / perPage))
  const body = items.slice((page - 1) * perPage, page * perPage)
  if (lastPage === 1 && page === 1) return ok(body)

  const rest = ctx.path.split('/').slice(4).join('/')
  const href = (target: number) => {
    const url = new URL(`${ctx.store.apiUrl}/repositories/${ctx.store.repository.id}/${rest}`)
    url.search = ctx.url.search
    url.searchParams.set('page', String(target))
    return `<${url.href}>`
  }
  const links: string[] = []
  if (page > 1) links.push(`${href(page - 1)}; rel="prev"`)
  if (page < lastPage) links.push(`${href(page + 1)}; rel="next"`, `${href(lastPage)}; rel="last"`)
  if (page > 1) links.push(`${href(1)}; rel="first"`)
  return { status: 200, body, headers: { link: links.join(', ') } }
}

export const routes: Readonly<Record<string, Route>> = {
  'repos/get': ({ store }) => ok(store.repository),

  // ---- issues

  'issues/get': (ctx) => ok(ctx.store.issueJson(issueOf(ctx))),

  'issues/create': (ctx) => {
    const input = ctx.body as { title: string | number; body?: string; labels?: Array<string | LabelInput>; assignees?: string[] }
    const json = ctx.store.issueJson(ctx.store.createIssue(input))
    return created(json, json.url)
  },

  'issues/update': (ctx) => {
    const issue = issueOf(ctx)
    ctx.store.updateIssue(issue, (ctx.body ?? {}) as IssuePatch)
    return ok(ctx.store.issueJson(issue))
  },

  // ---- comments

  'issues/list-comments': (ctx) => {
    const issue = issueOf(ctx)
    const since = typeof ctx.query.since === 'string' ? Date.parse(ctx.query.since) : Number.NEGATIVE_INFINITY
    const comments = ctx.store.commentRecords(issue.number).filter((c) => Date.parse(c.updated_at) >= since)
    return paginate(ctx, comments.map((c) => ctx.store.commentJson(c)))
  },

  'issues/create-comment': (ctx) => {
    const json = ctx.store.commentJson(ctx.store.createComment(issueOf(ctx), (ctx.body as { body: string }).body))
    return created(json, json.url)
  },

  'issues/get-comment': (ctx) => ok(ctx.store.commentJson(ctx.store.comment(int(ctx.params, 'comment_id')))),

  'issues/update-comment': (ctx) => {
    const comment = ctx.store.comment(int(ctx.params, 'comment_id'))
    ctx.store.updateComment(comment, (ctx.body as { body: string }).body)
    return ok(ctx.store.commentJson(comment))
  },

  'issues/delete-comment': (ctx) => {
    ctx.store.deleteComment(ctx.store.comment(int(ctx.params, 'comment_id')))
    return { status: 204 }
  },

  // ---- labels

  'issues/list-labels-on-issue': (ctx) => paginate(ctx, ctx.store.labelsOf(issueOf(ctx))),

  'issues/add-labels': (ctx) => {
    const issue = issueOf(ctx)
    ctx.store.addLabels(issue, (ctx.body as { labels?: Array<string | LabelInput> } | undefined)?.labels ?? [])
    return ok(ctx.store.labelsOf(issue))
  },

  'issues/remove-label': (ctx) => {
    const issue = issueOf(ctx)
    ctx.store.removeLabel(issue, String(ctx.params.name))
    return ok(ctx.store.labelsOf(issue))
  },

  'issues/get-label': (ctx) => ok(ctx.store.label(String(ctx.params.name))),

  'issues/create-label': (ctx) => {
    const label = ctx.store.createLabel(ctx.body as LabelInput)
    return created(label, label.url)
  },

  // ---- reactions

  'reactions/create-for-issue': (ctx) => react(ctx, issueOf(ctx)),
  'reactions/create-for-issue-comment': (ctx) => react(ctx, ctx.store.comment(int(ctx.params, 'comment_id'))),

  // ---- sub-issues (the parent is the issue in the path; writes answer with the parent)

  'issues/list-sub-issues': (ctx) => paginate(ctx, ctx.store.subIssuesOf(issueOf(ctx)).map(issueJson(ctx))),

  'issues/add-sub-issue': (ctx) => {
    const parent = issueOf(ctx)
    const { sub_issue_id, replace_parent } = ctx.body as { sub_issue_id: number; replace_parent?: boolean }
    addSubIssue(ctx.store, parent, sub_issue_id, replace_parent === true)
    return created(ctx.store.issueJson(parent))
  },

  'issues/remove-sub-issue': (ctx) => {
    const parent = issueOf(ctx)
    removeSubIssue(ctx.store, parent, (ctx.body as { sub_issue_id: number }).sub_issue_id)
    return ok(ctx.store.issueJson(parent))
  },

  'issues/reprioritize-sub-issue': (ctx) => {
    const parent = issueOf(ctx)
    const { sub_issue_id, ...position } = ctx.body as { sub_issue_id: number; after_id?: number; before_id?: number }
    reprioritizeSubIssue(parent, sub_issue_id, position)
    return ok(ctx.store.issueJson(parent))
  },

  'issues/get-parent': (ctx) => {
    const parent = ctx.store.parentOf(issueOf(ctx))
    if (!parent) throw notFound()
    return ok(ctx.store.issueJson(parent))
  },

  // ---- dependencies (the issue in the path is the blocked one)

  'issues/list-dependencies-blocked-by': (ctx) => paginate(ctx, ctx.store.blockedBy(issueOf(ctx)).map(issueJson(ctx))),
  'issues/list-dependencies-blocking': (ctx) => paginate(ctx, ctx.store.blocking(issueOf(ctx)).map(issueJson(ctx))),

  'issues/add-blocked-by-dependency': (ctx) => {
    const issue = issueOf(ctx)
    addBlockedBy(ctx.store, issue, (ctx.body as { issue_id: number }).issue_id)
    return created(ctx.store.issueJson(issue))
  },

  'issues/remove-dependency-blocked-by': (ctx) => {
    const issue = issueOf(ctx)
    removeBlockedBy(issue, int(ctx.params, 'issue_id'))
    return ok(ctx.store.issueJson(issue))
  },

  // ---- repository contents and access

  'repos/get-collaborator-permission-level': (ctx) => ok(ctx.contents.permissionJson(String(ctx.params.username))),
  'repos/get-readme': (ctx) => ok(ctx.contents.readmeJson()),
  'repos/list-languages': (ctx) => ok(ctx.contents.languages),
  // Any value of `recursive`, even "0" or "false", asks for the recursive listing.
  'git/get-tree': (ctx) => ok(ctx.contents.treeJson(String(ctx.params.tree_sha), ctx.query.recursive !== undefined)),
  'repos/get-content': (ctx) => ok(ctx.contents.contentJson(String(ctx.params.path), typeof ctx.query.ref === 'string' ? ctx.query.ref : undefined)),
}

function react(ctx: RouteContext, target: Parameters<RepoStore['react']>[0]): Reply {
  const { reaction, created: isNew } = ctx.store.react(target, (ctx.body as { content: ReactionContent }).content)
  return { status: isNew ? 201 : 200, body: reaction }
}
