// A stateful fake of GitHub's REST API for tests, listening on 127.0.0.1. Requests are routed and
// validated against GitHub's own OpenAPI description (test/fixtures/github-openapi.json), so the
// fake refuses what GitHub refuses; every response it sends is validated against the same
// description, so a response the real API could not produce fails loudly instead of passing a test.
//
//   const github = await FakeGitHub.start()
//   github.addIssue({ title: 'Plan me' })
//   // point the code under test at github.url (GITHUB_API_URL) with token 'test-token'
//   expect(github.comments(1)).toHaveLength(1)
//   await github.close()
import { randomBytes } from 'node:crypto'
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { OpenAPIBackend, Operation } from 'openapi-backend'
import { type FakeFile, filesFromPaths, RepoContents } from './fake-github-contents.ts'
import type { FakeComment, FakeIssue, FakeLabel, FakeRepository, FakeUser, Permission } from './fake-github-model.ts'
import {
  describeValidationErrors,
  documentationUrl,
  GENERIC_DOCS_URL,
  loadGitHubApi,
  usesSimpleValidationErrors,
} from './fake-github-openapi.ts'
import { FEATURE_OF, routes, type Reply } from './fake-github-routes.ts'
import { ApiError, RepoStore, type ErrorBody, type ErrorDetail, type Feature, type LabelInput, type NewComment, type NewIssue } from './fake-github-store.ts'

export { fakeUser } from './fake-github-model.ts'
export type { FakeFile } from './fake-github-contents.ts'
export type {
  AuthorAssociation,
  FakeComment,
  FakeIssue,
  FakeLabel,
  FakeReaction,
  FakeRepository,
  FakeUser,
  Permission,
  ReactionContent,
} from './fake-github-model.ts'
export { MAX_SUB_ISSUE_LEVELS, MAX_SUB_ISSUES } from './fake-github-relations.ts'
export { BODY_LIMIT } from './fake-github-store.ts'
export type { ErrorDetail, Feature, LabelInput, NewComment, NewIssue } from './fake-github-store.ts'

export interface RecordedRequest {
  method: string
  /** The path as sent, percent-encoding included. */
  path: string
  query: Record<string, string>
  /** Parsed JSON body; the raw text when it is not JSON; undefined when there is none. */
  body: unknown
  /** null when the request matched no documented operation. */
  operationId: string | null
  status: number
  /** When the whole request had arrived (ms since the epoch, sub-millisecond), for latency figures. */
  receivedAt: number
}

export interface FakeGitHubOptions {
  /** The token clients must send (`authorization: token …` or `Bearer …`). Default 'test-token'. */
  token?: string
  /** Default 'octo-org'. */
  owner?: string
  /** Default 'octo-repo'. */
  repo?: string
}

export interface FailureMatch {
  /** HTTP method, any case. */
  method?: string
  operationId?: string
  /** Only requests this accepts, e.g. the one update whose body carries a final state. */
  when?: (request: RecordedRequest) => boolean
  /** Extra response headers, e.g. `retry-after` for a secondary rate limit. */
  headers?: Record<string, string>
}

export interface DisableOptions {
  /**
   * Keep the feature's summary fields (`sub_issues_summary`, `issue_dependencies_summary`...) in
   * issue representations although its routes answer 404: a client must not take the fields as
   * proof that the routes exist.
   */
  keepSummaries?: boolean
}

interface FailureRule extends FailureMatch {
  status: number
  body: unknown
  remaining: number
}

// The hourly budget of a workflow's GITHUB_TOKEN, per repository.
const RATE_LIMIT = 1000
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export class FakeGitHub {
  /** Refuse query parameters an operation does not document (GitHub ignores them); off only to run old builds. */
  strictQuery = true
  /** Every request received, including refused ones, in arrival order. */
  readonly requests: RecordedRequest[] = []
  private readonly failures: FailureRule[] = []
  private readonly servedListeners: Array<(request: RecordedRequest) => void> = []
  private readonly rateLimitReset = Math.floor(Date.now() / 1000) + 3600
  private rateLimitUsed = 0

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly api: OpenAPIBackend,
    private readonly store: RepoStore,
    private readonly contents: RepoContents,
    private readonly token: string,
  ) {}

  /** Starts a fake on an ephemeral port of 127.0.0.1. Use `url` as GITHUB_API_URL (no /api/v3 suffix). */
  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const api = await loadGitHubApi()
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const store = new RepoStore(url, options.owner ?? 'octo-org', options.repo ?? 'octo-repo')
    const fake = new FakeGitHub(server, url, api, store, new RepoContents(store), options.token ?? 'test-token')
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        // The request stream failed (the client went away); there is nobody left to answer.
        console.error('fake GitHub lost a request', error)
        res.destroy()
      })
    })
    return fake
  }

  /** The repository served by GET /repos/{owner}/{repo}; edit it (or replace it) to shape the answer. */
  get repository(): FakeRepository {
    return this.store.repository
  }

  set repository(value: FakeRepository) {
    this.store.repository = value
  }

  /** github-actions[bot]: who the token acts as, so the author of everything written through the API. */
  get botUser(): FakeUser {
    return this.store.botUser
  }

  // ---- seeding and inspecting state ---------------------------------------------------------

  /** Adds an issue (authored by octocat unless `user` says otherwise) and returns its representation. */
  addIssue(input: NewIssue): FakeIssue {
    return this.store.issueJson(this.store.seedIssue(input))
  }

  /** Adds a comment (by octocat unless `user` says otherwise, e.g. `botUser` for an earlier run's comment). */
  addComment(issueNumber: number, input: NewComment): FakeComment {
    return this.store.commentJson(this.store.seedComment(this.issueRecord(issueNumber).number, input))
  }

  /** Replaces a comment's body the way a reader's edit in the browser does (ticking a box, say): no API request is recorded. */
  editComment(commentId: number, body: string): FakeComment {
    const record = this.store.comment(commentId)
    this.store.updateComment(record, body)
    return this.store.commentJson(record)
  }

  /** Adds a repository label. */
  addLabel(input: LabelInput): FakeLabel {
    return this.store.createLabel(input)
  }

  /** The issue's current representation, exactly as GET /repos/{owner}/{repo}/issues/{number} serves it. */
  issue(number: number): FakeIssue {
    return this.store.issueJson(this.issueRecord(number))
  }

  /** The issue's current comments, ascending by id. */
  comments(issueNumber: number): FakeComment[] {
    return this.store.commentRecords(this.issueRecord(issueNumber).number).map((c) => this.store.commentJson(c))
  }

  /** The issue's sub-issues in priority order. */
  subIssues(issueNumber: number): FakeIssue[] {
    return this.store.subIssuesOf(this.issueRecord(issueNumber)).map((i) => this.store.issueJson(i))
  }

  /** The issues blocking this one. */
  blockedBy(issueNumber: number): FakeIssue[] {
    return this.store.blockedBy(this.issueRecord(issueNumber)).map((i) => this.store.issueJson(i))
  }

  private issueRecord(number: number) {
    try {
      return this.store.issue(number)
    } catch {
      throw new Error(`fake GitHub has no issue #${number}`)
    }
  }

  // ---- shaping the API ----------------------------------------------------------------------

  /**
   * Makes the next `times` requests matching `match` fail with `status` (and `body`, by default
   * GitHub's generic error body) before they are validated or handled, e.g. a 502 twice in a row
   * (`times` may be Infinity). Rules are consumed in the order they were added.
   */
  failNext(match: FailureMatch, status: number, body?: unknown, times = 1): void {
    if (match.operationId !== undefined && !(match.operationId in routes)) {
      throw new Error(`fake GitHub serves no operation '${match.operationId}'`)
    }
    this.failures.push({
      ...match,
      status,
      body: body ?? { message: STATUS_CODES[status] ?? 'Error', documentation_url: GENERIC_DOCS_URL, status: String(status) },
      remaining: times,
    })
  }

  /**
   * Answers the feature's routes with 404 and drops its fields from issues, like an older GHES
   * (3.17 and 3.18 have neither sub-issues nor dependencies routes). `keepSummaries` keeps the fields.
   */
  disable(feature: Feature, options: DisableOptions = {}): void {
    this.store.disabled.add(feature)
    if (options.keepSummaries) this.store.summariesKept.add(feature)
  }

  /**
   * Calls `listener` with each request once its response has been sent, e.g. to have a reader edit
   * the comment the action has just read.
   */
  onServed(listener: (request: RecordedRequest) => void): void {
    this.servedListeners.push(listener)
  }

  /** Makes `login` a collaborator; unknown users get 404 from the permission endpoint. */
  setPermission(login: string, permission: Permission): void {
    this.contents.permissions.set(login.toLowerCase(), permission)
  }

  /** Sets the README served by GET /repos/{owner}/{repo}/readme; null makes it 404. */
  setReadme(content: string | null, path = 'README.md'): void {
    this.contents.readme = content === null ? null : { path, content }
  }

  /** Sets GET /repos/{owner}/{repo}/languages: bytes of code per language. */
  setLanguages(languages: Record<string, number>): void {
    this.contents.languages = { ...languages }
  }

  /** Sets the files of the default branch by path alone (each holds its path as content), served through GET /repos/{owner}/{repo}/git/trees/{sha}. */
  setTree(paths: string[]): void {
    this.contents.files = filesFromPaths(paths)
  }

  /**
   * Sets the files of the default branch with their contents: text, bytes, or `{ symlink: target }`
   * for a symbolic link. Served through the trees and the contents endpoints.
   */
  setFiles(files: Record<string, string | Uint8Array | FakeFile>): void {
    const asFile = (file: string | Uint8Array | FakeFile): FakeFile =>
      typeof file === 'string' ? { content: Buffer.from(file) } : file instanceof Uint8Array ? { content: Buffer.from(file) } : file
    this.contents.files = new Map(Object.entries(files).map(([path, file]) => [path, asFile(file)]))
  }

  /** Cuts recursive tree listings after `entries` entries and marks them truncated, as GitHub does with huge trees; null lifts the limit. */
  truncateTree(entries: number | null): void {
    this.contents.treeLimit = entries
  }

  /** Forgets the recorded requests; state (issues, comments, labels...) stays. */
  reset(): void {
    this.requests.length = 0
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())))
    // Clients keep connections alive; without this, close() would wait for them to time out.
    this.server.closeAllConnections()
    await closed
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const url = new URL(req.url ?? '/', this.url)
    const method = (req.method ?? 'GET').toUpperCase()
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: raw === '' ? undefined : parseJson(raw) ?? raw,
      operationId: null,
      status: 0,
      receivedAt: performance.timeOrigin + performance.now(),
    }
    this.requests.push(recorded)
    let reply: Reply
    try {
      reply = this.dispatch(req, url, method, raw, recorded)
    } catch (error) {
      // Only a bug in the fake gets here; make it impossible to mistake for GitHub's behaviour.
      console.error('fake GitHub failed to handle', method, url.pathname, error)
      reply = { status: 500, body: { message: `fake GitHub crashed: ${error instanceof Error ? error.message : String(error)}` } }
    }
    recorded.status = reply.status
    this.send(res, reply)
    for (const listener of this.servedListeners) listener(recorded)
  }

  private dispatch(req: IncomingMessage, url: URL, method: string, raw: string, recorded: RecordedRequest): Reply {
    // Credentials are checked before anything else: a bad token gets 401 even on unknown routes.
    const credentials = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')
    if (!credentials) return errorReply(401, { message: 'Requires authentication' })
    if (credentials[1] !== this.token) return errorReply(401, { message: 'Bad credentials' })

    const path = this.canonicalPath(url.pathname)
    const operation = this.api.router.matchOperation({ method, path, headers: {} })
    // Unknown paths, trailing slashes and unsupported methods all get 404 from GitHub, never 405.
    if (!operation?.operationId) return errorReply(404, { message: 'Not Found' })
    const operationId = operation.operationId
    recorded.operationId = operationId
    const feature = FEATURE_OF[operationId]
    if (feature && !this.store.isEnabled(feature)) return errorReply(404, { message: 'Not Found' })

    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined))
    const documented = new Set((operation.parameters ?? []).flatMap((p) => ('$ref' in p || p.in !== 'query' ? [] : [p.name])))
    const undocumented = [...new Set(url.searchParams.keys())].filter((name) => !documented.has(name))
    const query = Object.fromEntries([...url.searchParams].filter(([name]) => documented.has(name)))
    const { params } = this.api.router.parseRequest({ method, path, headers, query }, operation)
    const sameName = (a: unknown, b: string) => String(a).toLowerCase() === b.toLowerCase()
    if (!sameName(params.owner, this.store.owner) || !sameName(params.repo, this.store.repo)) {
      return errorReply(404, { message: 'Not Found' }, operation)
    }

    const injected = this.takeFailure(recorded)
    if (injected) return { status: injected.status, body: injected.body, ...(injected.headers ? { headers: injected.headers } : {}) }

    let body: unknown
    if (raw !== '') {
      body = parseJson(raw)
      // A bare JSON string or number cannot be a request body; it is refused like malformed JSON.
      if (body === null || typeof body !== 'object') return errorReply(400, { message: 'Problems parsing JSON' }, operation)
    } else if (operation.requestBody && 'required' in operation.requestBody && operation.requestBody.required) {
      // An empty body is an empty object to GitHub: the complaint is about the missing fields.
      body = {}
    }
    // Stricter than GitHub, which ignores query parameters an operation does not document: a client
    // that sends one (say, an issue ref spread into a repository call) has a bug worth failing on.
    if (undocumented.length > 0 && this.strictQuery) return errorReply(422, undocumentedQuery(undocumented), operation)
    const validation = this.api.validator.validateRequest({ method, path, headers, query, body }, operation)
    if (validation.errors) {
      return errorReply(422, describeValidationErrors(validation.errors, { path: params, query, requestBody: body }), operation)
    }
    // With coerceTypes, a valid request comes back with its path and query values typed.
    const typed = validation.coerced as { params: Record<string, unknown>; query: Record<string, unknown> }

    let reply: Reply
    try {
      // The contract test guarantees a route for every operation the description holds.
      const route = routes[operationId]!
      reply = route({ store: this.store, contents: this.contents, params: typed.params, query: typed.query, body, url, path })
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      reply = errorReply(error.status, error.body, operation)
    }
    this.assertDocumented(operation, reply)
    return reply
  }

  /** GitHub's own pagination links address the repository by id; they are served like /repos/{owner}/{repo}. */
  private canonicalPath(pathname: string): string {
    const alias = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname)
    if (!alias || Number(alias[1]) !== this.store.repository.id) return pathname
    return `/repos/${this.store.owner}/${this.store.repo}${alias[2] ?? ''}`
  }

  private takeFailure(request: RecordedRequest): FailureRule | undefined {
    const rule = this.failures.find(
      (r) =>
        (r.method === undefined || r.method.toUpperCase() === request.method) &&
        (r.operationId === undefined || r.operationId === request.operationId) &&
        (r.when === undefined || r.when(request)),
    )
    if (!rule) return undefined
    if (--rule.remaining === 0) this.failures.splice(this.failures.indexOf(rule), 1)
    return rule
  }

  /**
   * Checks the reply against the response schema GitHub documents for its status. Success statuses
   * must be documented; error statuses are checked when documented (GitHub leaves many out, 401 included).
   */
  private assertDocumented(operation: Operation, reply: Reply): void {
    if (reply.status < 300 && !(String(reply.status) in (operation.responses ?? {}))) {
      throw new Error(`${operation.operationId} does not document a ${reply.status} response`)
    }
    const result = this.api.validator.validateResponse(reply.body ?? null, operation, reply.status)
    if (result.errors) {
      const findings = JSON.stringify(result.errors)
      throw new Error(`${reply.status} response to ${operation.operationId} breaks GitHub's OpenAPI description: ${findings}`)
    }
  }

  private send(res: ServerResponse, reply: Reply): void {
    this.rateLimitUsed++
    res.writeHead(reply.status, {
      'content-type': JSON_CONTENT_TYPE,
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId(),
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - this.rateLimitUsed)),
      'x-ratelimit-reset': String(this.rateLimitReset),
      'x-ratelimit-used': String(this.rateLimitUsed),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    })
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body))
  }
}

/**
 * The body of GitHub's 422 "Validation Failed", for `failNext`, e.g.
 * `validationError({ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long' })`.
 */
export function validationError(...errors: ErrorDetail[]): { message: string; errors: ErrorDetail[]; documentation_url: string; status: '422' } {
  return { message: 'Validation Failed', errors, documentation_url: GENERIC_DOCS_URL, status: '422' }
}

/** GitHub's error body: message, optional errors, a documentation link and the status as a string. */
function errorReply(status: number, body: ErrorBody, operation?: Operation): Reply {
  const errors =
    operation && status === 422 && usesSimpleValidationErrors(operation) ? body.errors?.map((e) => e.message ?? e.code) : body.errors
  return {
    status,
    body: { ...body, ...(errors ? { errors } : {}), documentation_url: documentationUrl(operation), status: String(status) },
  }
}

/** GitHub's wording for a key it does not permit, one finding per query parameter. */
function undocumentedQuery(names: string[]): ErrorBody {
  const errors = names.map((name) => ({ field: name, code: 'invalid', message: `"${name}" is not a permitted key.` }))
  return { message: `Invalid request.\n\n${errors.map((e) => e.message).join('\n')}`, errors }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Shaped like GitHub's, e.g. C0DE:2F1A:1B2C3D:1C2D3E:65A1B2C3. */
function requestId(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase()
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${Math.floor(Date.now() / 1000).toString(16).toUpperCase()}`
}
