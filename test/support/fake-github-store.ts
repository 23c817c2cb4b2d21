// The issues of the one repository the fake GitHub serves (with their comments, labels and
// reactions) and the rules GitHub enforces on them that its OpenAPI description cannot express:
// body limits, blank bodies, case-insensitive labels. Nothing here knows about HTTP beyond the
// status an ApiError carries.
import {
  GITHUB_WEB,
  defaultRepository,
  fakeUser,
  githubActionsBot,
  nodeId,
  timestamp,
  type FakeComment,
  type FakeIssue,
  type FakeLabel,
  type FakePullRequestLink,
  type FakeReaction,
  type FakeRepository,
  type ReactionContent,
  type ReactionRollup,
  type StateReason,
} from './fake-github-model.ts'

/** GitHub's limit on issue and comment bodies, in characters. */
export const BODY_LIMIT = 65_536
/** The colour GitHub gives labels it creates implicitly, e.g. when adding an unknown label to an issue. */
const DEFAULT_LABEL_COLOR = 'ededed'

export type Feature = 'sub-issues' | 'dependencies'

export interface ErrorDetail {
  resource?: string
  field?: string
  code: string
  message?: string
}

export interface ErrorBody {
  message: string
  errors?: ErrorDetail[]
}

/** A refusal with the status and body GitHub would send. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${status} ${body.message}`)
  }
}

export const notFound = (message = 'Not Found'): ApiError => new ApiError(404, { message })
export const validationFailed = (...errors: ErrorDetail[]): ApiError => new ApiError(422, { message: 'Validation Failed', errors })

/**
 * A label by name, with the colour and description to give it if the repository lacks it. Whole
 * FakeLabel objects are accepted too; their id and URLs are the repository's business and ignored.
 */
export type LabelInput = Partial<FakeLabel> & { name: string }

/** The parts of an issue the store keeps as they are; everything else in FakeIssue is derived. */
type StoredIssueField =
  | 'id'
  | 'node_id'
  | 'number'
  | 'title'
  | 'body'
  | 'state'
  | 'state_reason'
  | 'user'
  | 'assignees'
  | 'locked'
  | 'active_lock_reason'
  | 'created_at'
  | 'updated_at'
  | 'closed_at'
  | 'closed_by'
  | 'author_association'

export interface IssueRecord extends Pick<FakeIssue, StoredIssueField> {
  labelIds: number[]
  pull_request: FakePullRequestLink | undefined
  parentId: number | null
  /** Children's ids in priority order. */
  subIssueIds: number[]
  blockedByIds: number[]
  reactions: FakeReaction[]
}

type StoredCommentField = 'id' | 'node_id' | 'body' | 'user' | 'author_association' | 'created_at' | 'updated_at'

export interface CommentRecord extends Pick<FakeComment, StoredCommentField> {
  issueNumber: number
  reactions: FakeReaction[]
}

/** What a test may preset on an issue; URLs, counts and summaries are always computed. */
export type NewIssue = Partial<Pick<FakeIssue, StoredIssueField>> & {
  title: string
  /** Label names or objects; labels the repository lacks are created, as GitHub does. */
  labels?: Array<string | LabelInput>
  /** Makes the issue a pull request. */
  pull_request?: Partial<FakePullRequestLink>
}

export type NewComment = Partial<Pick<FakeComment, StoredCommentField>> & { body: string }

/** The fields of PATCH /repos/{owner}/{repo}/issues/{issue_number} the fake applies. */
export interface IssuePatch {
  title?: string | number | null
  body?: string | null
  state?: 'open' | 'closed'
  state_reason?: StateReason | null
  labels?: Array<string | LabelInput>
  assignees?: Array<string | { login?: string }>
}

export class RepoStore {
  repository: FakeRepository
  readonly botUser = githubActionsBot()
  readonly disabled = new Set<Feature>()
  /** Disabled features whose summaries issue representations still carry (see FakeGitHub.disable). */
  readonly summariesKept = new Set<Feature>()

  private readonly issues = new Map<number, IssueRecord>()
  private readonly comments = new Map<number, CommentRecord>()
  private readonly labels: FakeLabel[] = []
  // Ids live in disjoint ranges far from issue numbers, so mixing up an issue's number, its id
  // and a comment id is caught instead of accidentally resolving.
  private nextIssueNumber = 1
  private nextIssueId = 3_000_000_001
  private nextCommentId = 2_000_000_001
  private nextLabelId = 7_000_000_001
  private nextReactionId = 300_000_001

  constructor(
    readonly apiUrl: string,
    readonly owner: string,
    readonly repo: string,
  ) {
    this.repository = defaultRepository(owner, repo, apiUrl)
  }

  get repoApiUrl(): string {
    return `${this.apiUrl}/repos/${this.owner}/${this.repo}`
  }

  get repoWebUrl(): string {
    return `${GITHUB_WEB}/${this.owner}/${this.repo}`
  }

  isEnabled(feature: Feature): boolean {
    return !this.disabled.has(feature)
  }

  /** Whether issue representations carry the feature's summary fields. */
  reportsSummary(feature: Feature): boolean {
    return this.isEnabled(feature) || this.summariesKept.has(feature)
  }

  // ---- issues -------------------------------------------------------------------------------

  seedIssue(input: NewIssue): IssueRecord {
    const number = input.number ?? this.nextIssueNumber
    const id = input.id ?? this.nextIssueId
    if (this.issues.has(number)) throw new Error(`fake GitHub already has issue #${number}`)
    if (this.findIssueById(id)) throw new Error(`fake GitHub already has an issue with id ${id}`)
    checkIssueBody(input.body)
    this.nextIssueNumber = Math.max(this.nextIssueNumber, number + 1)
    this.nextIssueId = Math.max(this.nextIssueId, id + 1)
    const created = input.created_at ?? timestamp()
    const state = input.state ?? 'open'
    const record: IssueRecord = {
      id,
      node_id: input.node_id ?? nodeId('Issue', id),
      number,
      title: input.title,
      body: input.body ?? null,
      state,
      state_reason: input.state_reason ?? (state === 'closed' ? 'completed' : null),
      user: input.user ?? fakeUser('octocat'),
      labelIds: (input.labels ?? []).map((label) => this.ensureLabel(label).id),
      assignees: input.assignees ?? [],
      locked: input.locked ?? false,
      active_lock_reason: input.active_lock_reason ?? null,
      pull_request: input.pull_request && {
        url: `${this.repoApiUrl}/pulls/${number}`,
        html_url: `${this.repoWebUrl}/pull/${number}`,
        diff_url: `${this.repoWebUrl}/pull/${number}.diff`,
        patch_url: `${this.repoWebUrl}/pull/${number}.patch`,
        merged_at: null,
        ...input.pull_request,
      },
      created_at: created,
      updated_at: input.updated_at ?? created,
      closed_at: input.closed_at ?? (state === 'closed' ? created : null),
      closed_by: input.closed_by ?? null,
      author_association: input.author_association ?? 'NONE',
      parentId: null,
      subIssueIds: [],
      blockedByIds: [],
      reactions: [],
    }
    this.issues.set(number, record)
    return record
  }

  createIssue(input: { title: string | number; body?: string; labels?: Array<string | LabelInput>; assignees?: string[] }): IssueRecord {
    const title = String(input.title)
    if (title.trim() === '') throw validationFailed({ resource: 'Issue', code: 'missing_field', field: 'title' })
    return this.seedIssue({
      title,
      body: input.body ?? null,
      labels: input.labels ?? [],
      assignees: (input.assignees ?? []).map((login) => fakeUser(login)),
      user: this.botUser,
    })
  }

  issue(number: number): IssueRecord {
    const record = this.issues.get(number)
    if (!record) throw notFound()
    return record
  }

  findIssueById(id: number): IssueRecord | undefined {
    for (const record of this.issues.values()) if (record.id === id) return record
    return undefined
  }

  updateIssue(record: IssueRecord, patch: IssuePatch): void {
    if (patch.title !== undefined) {
      const title = patch.title === null ? '' : String(patch.title)
      if (title.trim() === '') throw validationFailed({ resource: 'Issue', code: 'missing_field', field: 'title' })
      record.title = title
    }
    if (patch.body !== undefined) {
      checkIssueBody(patch.body)
      record.body = patch.body
    }
    if (patch.labels !== undefined) record.labelIds = unique(patch.labels.map((label) => this.ensureLabel(label).id))
    if (patch.assignees !== undefined) {
      record.assignees = patch.assignees.flatMap((a) => {
        const login = typeof a === 'string' ? a : a.login
        return login ? [fakeUser(login)] : []
      })
    }
    if (patch.state !== undefined) this.changeState(record, patch.state, patch.state_reason ?? null)
    record.updated_at = timestamp()
  }

  private changeState(record: IssueRecord, state: 'open' | 'closed', reason: StateReason | null): void {
    if (state === 'closed') {
      if (record.state === 'open') {
        record.closed_at = timestamp()
        record.closed_by = this.botUser
      }
      record.state_reason = reason === null || reason === 'reopened' ? 'completed' : reason
    } else if (record.state === 'closed') {
      record.state_reason = 'reopened'
      record.closed_at = null
      record.closed_by = null
    }
    record.state = state
  }

  issueJson(record: IssueRecord): FakeIssue {
    const url = `${this.repoApiUrl}/issues/${record.number}`
    const json: FakeIssue = {
      url,
      repository_url: this.repoApiUrl,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${this.repoWebUrl}/${record.pull_request ? 'pull' : 'issues'}/${record.number}`,
      id: record.id,
      node_id: record.node_id,
      number: record.number,
      title: record.title,
      user: record.user,
      labels: this.labelsOf(record),
      state: record.state,
      locked: record.locked,
      assignee: record.assignees[0] ?? null,
      assignees: record.assignees,
      milestone: null,
      comments: this.commentRecords(record.number).length,
      created_at: record.created_at,
      updated_at: record.updated_at,
      closed_at: record.closed_at,
      author_association: record.author_association,
      active_lock_reason: record.active_lock_reason,
      body: record.body,
      closed_by: record.closed_by,
      reactions: rollup(`${url}/reactions`, record.reactions),
      timeline_url: `${url}/timeline`,
      performed_via_github_app: null,
      state_reason: record.state_reason,
    }
    if (record.pull_request) json.pull_request = record.pull_request
    if (this.reportsSummary('sub-issues')) {
      const children = this.subIssuesOf(record)
      const completed = children.filter((child) => child.state === 'closed').length
      json.sub_issues_summary = {
        total: children.length,
        completed,
        percent_completed: children.length === 0 ? 0 : Math.floor((completed * 100) / children.length),
      }
      const parent = this.parentOf(record)
      json.parent_issue_url = parent ? `${this.repoApiUrl}/issues/${parent.number}` : null
    }
    if (this.reportsSummary('dependencies')) {
      const blockedBy = this.blockedBy(record)
      const blocking = this.blocking(record)
      json.issue_dependencies_summary = {
        blocked_by: blockedBy.filter((issue) => issue.state === 'open').length,
        blocking: blocking.filter((issue) => issue.state === 'open').length,
        total_blocked_by: blockedBy.length,
        total_blocking: blocking.length,
      }
    }
    return json
  }

  // ---- labels -------------------------------------------------------------------------------

  findLabel(name: string): FakeLabel | undefined {
    // Label names are case-insensitive on GitHub: "Bug" and "bug" are the same label.
    const wanted = name.toLowerCase()
    return this.labels.find((label) => label.name.toLowerCase() === wanted)
  }

  label(name: string): FakeLabel {
    const label = this.findLabel(name)
    if (!label) throw notFound()
    return label
  }

  /** The repository's label by that name, created with GitHub's defaults when it does not exist yet. */
  ensureLabel(input: string | LabelInput): FakeLabel {
    const spec = typeof input === 'string' ? { name: input } : input
    return this.findLabel(spec.name) ?? this.insertLabel(spec)
  }

  createLabel(input: LabelInput): FakeLabel {
    const errors: ErrorDetail[] = []
    if (this.findLabel(input.name)) errors.push({ resource: 'Label', code: 'already_exists', field: 'name' })
    if (input.color !== undefined && !/^[0-9a-f]{6}$/i.test(input.color)) {
      errors.push({ resource: 'Label', code: 'invalid', field: 'color' })
    }
    if ((input.description?.length ?? 0) > 100) errors.push({ resource: 'Label', code: 'invalid', field: 'description' })
    if (errors.length) throw validationFailed(...errors)
    return this.insertLabel(input)
  }

  private insertLabel(input: LabelInput): FakeLabel {
    const id = this.nextLabelId++
    const label: FakeLabel = {
      id,
      node_id: nodeId('Label', id),
      url: `${this.repoApiUrl}/labels/${encodeURIComponent(input.name)}`,
      name: input.name,
      color: (input.color ?? DEFAULT_LABEL_COLOR).toLowerCase(),
      description: input.description ?? null,
      default: false,
    }
    this.labels.push(label)
    return label
  }

  labelsOf(record: IssueRecord): FakeLabel[] {
    return record.labelIds.flatMap((id) => this.labels.filter((label) => label.id === id))
  }

  addLabels(record: IssueRecord, inputs: Array<string | LabelInput>): void {
    record.labelIds = unique([...record.labelIds, ...inputs.map((input) => this.ensureLabel(input).id)])
    record.updated_at = timestamp()
  }

  removeLabel(record: IssueRecord, name: string): void {
    const label = this.findLabel(name)
    if (!label || !record.labelIds.includes(label.id)) throw notFound('Label does not exist')
    record.labelIds = record.labelIds.filter((id) => id !== label.id)
    record.updated_at = timestamp()
  }

  // ---- comments -----------------------------------------------------------------------------

  seedComment(issueNumber: number, input: NewComment): CommentRecord {
    this.issue(issueNumber)
    const id = input.id ?? this.nextCommentId
    if (this.comments.has(id)) throw new Error(`fake GitHub already has comment ${id}`)
    this.nextCommentId = Math.max(this.nextCommentId, id + 1)
    const created = input.created_at ?? timestamp()
    const record: CommentRecord = {
      id,
      node_id: input.node_id ?? nodeId('IssueComment', id),
      issueNumber,
      body: input.body,
      user: input.user ?? fakeUser('octocat'),
      author_association: input.author_association ?? 'NONE',
      created_at: created,
      updated_at: input.updated_at ?? created,
      reactions: [],
    }
    this.comments.set(id, record)
    return record
  }

  createComment(issue: IssueRecord, body: string): CommentRecord {
    checkCommentBody(body)
    issue.updated_at = timestamp()
    // github-actions[bot] holds no role in the repository, so GitHub reports no association.
    return this.seedComment(issue.number, { body, user: this.botUser, author_association: 'NONE' })
  }

  comment(id: number): CommentRecord {
    const record = this.comments.get(id)
    if (!record) throw notFound()
    return record
  }

  updateComment(record: CommentRecord, body: string): void {
    checkCommentBody(body)
    record.body = body
    record.updated_at = timestamp()
  }

  deleteComment(record: CommentRecord): void {
    this.comments.delete(record.id)
  }

  /** An issue's comments in GitHub's order: ascending id. */
  commentRecords(issueNumber: number): CommentRecord[] {
    return [...this.comments.values()].filter((c) => c.issueNumber === issueNumber).sort((a, b) => a.id - b.id)
  }

  commentJson(record: CommentRecord): FakeComment {
    const url = `${this.repoApiUrl}/issues/comments/${record.id}`
    const issue = this.issues.get(record.issueNumber)
    return {
      url,
      html_url: `${this.repoWebUrl}/${issue?.pull_request ? 'pull' : 'issues'}/${record.issueNumber}#issuecomment-${record.id}`,
      issue_url: `${this.repoApiUrl}/issues/${record.issueNumber}`,
      id: record.id,
      node_id: record.node_id,
      user: record.user,
      created_at: record.created_at,
      updated_at: record.updated_at,
      author_association: record.author_association,
      body: record.body,
      reactions: rollup(`${url}/reactions`, record.reactions),
      performed_via_github_app: null,
    }
  }

  // ---- reactions ----------------------------------------------------------------------------

  /** Adds the bot's reaction; GitHub answers an existing identical reaction with 200 instead of 201. */
  react(target: { reactions: FakeReaction[] }, content: ReactionContent): { reaction: FakeReaction; created: boolean } {
    const existing = target.reactions.find((r) => r.content === content && r.user.id === this.botUser.id)
    if (existing) return { reaction: existing, created: false }
    const id = this.nextReactionId++
    const reaction: FakeReaction = { id, node_id: nodeId('Reaction', id), user: this.botUser, content, created_at: timestamp() }
    target.reactions.push(reaction)
    return { reaction, created: true }
  }

  // ---- links between issues (the rules for changing them are in fake-github-relations.ts) ----

  subIssuesOf(parent: IssueRecord): IssueRecord[] {
    return parent.subIssueIds.flatMap((id) => this.findIssueById(id) ?? [])
  }

  parentOf(child: IssueRecord): IssueRecord | undefined {
    return child.parentId === null ? undefined : this.findIssueById(child.parentId)
  }

  blockedBy(record: IssueRecord): IssueRecord[] {
    return record.blockedByIds.flatMap((id) => this.findIssueById(id) ?? [])
  }

  blocking(record: IssueRecord): IssueRecord[] {
    return [...this.issues.values()].filter((other) => other.blockedByIds.includes(record.id))
  }
}

function rollup(url: string, reactions: FakeReaction[]): ReactionRollup {
  const count = (content: ReactionContent) => reactions.filter((r) => r.content === content).length
  return {
    url,
    total_count: reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    confused: count('confused'),
    heart: count('heart'),
    hooray: count('hooray'),
    eyes: count('eyes'),
    rocket: count('rocket'),
  }
}

/** GitHub counts characters (code points), not UTF-16 units or bytes. */
function characters(text: string): number {
  return [...text].length
}

// Issues and comments word the same limit differently; both are the bodies GitHub sends.
function checkIssueBody(body: string | null | undefined): void {
  if (body && characters(body) > BODY_LIMIT) {
    const message = `body is too long (maximum is ${BODY_LIMIT} characters)`
    throw validationFailed({ resource: 'Issue', code: 'custom', field: 'body', message })
  }
}

function checkCommentBody(body: string): void {
  if (body.trim() === '') {
    throw validationFailed({ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body cannot be blank' })
  }
  if (characters(body) > BODY_LIMIT) {
    throw validationFailed({
      resource: 'IssueComment',
      code: 'unprocessable',
      field: 'data',
      message: `Body is too long (maximum is ${BODY_LIMIT} characters)`,
    })
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}
