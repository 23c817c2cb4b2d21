// The shapes the fake GitHub serves. Each interface is the REST representation (what a client
// receives), typed as narrowly as the fake fills it in; response validation against GitHub's own
// OpenAPI description keeps them honest.
import { createHash } from 'node:crypto'

export type UserType = 'User' | 'Bot' | 'Organization'
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read'
export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes'
export type StateReason = 'completed' | 'reopened' | 'not_planned' | 'duplicate'
export type AuthorAssociation =
  | 'COLLABORATOR'
  | 'CONTRIBUTOR'
  | 'FIRST_TIMER'
  | 'FIRST_TIME_CONTRIBUTOR'
  | 'MANNEQUIN'
  | 'MEMBER'
  | 'NONE'
  | 'OWNER'

export interface FakeUser {
  login: string
  id: number
  node_id: string
  avatar_url: string
  gravatar_id: string
  url: string
  html_url: string
  followers_url: string
  following_url: string
  gists_url: string
  starred_url: string
  subscriptions_url: string
  organizations_url: string
  repos_url: string
  events_url: string
  received_events_url: string
  type: UserType
  user_view_type: 'public'
  site_admin: boolean
}

export interface FakeLabel {
  id: number
  node_id: string
  url: string
  name: string
  color: string
  description: string | null
  default: boolean
}

export interface ReactionRollup {
  url: string
  total_count: number
  '+1': number
  '-1': number
  laugh: number
  confused: number
  heart: number
  hooray: number
  eyes: number
  rocket: number
}

export interface FakeReaction {
  id: number
  node_id: string
  user: FakeUser
  content: ReactionContent
  created_at: string
}

export interface FakePullRequestLink {
  url: string
  html_url: string
  diff_url: string
  patch_url: string
  merged_at: string | null
}

export interface SubIssuesSummary {
  total: number
  completed: number
  percent_completed: number
}

export interface IssueDependenciesSummary {
  blocked_by: number
  blocking: number
  total_blocked_by: number
  total_blocking: number
}

export interface FakeIssue {
  url: string
  repository_url: string
  labels_url: string
  comments_url: string
  events_url: string
  html_url: string
  timeline_url: string
  id: number
  node_id: string
  number: number
  title: string
  user: FakeUser
  labels: FakeLabel[]
  state: 'open' | 'closed'
  state_reason: StateReason | null
  locked: boolean
  active_lock_reason: string | null
  assignee: FakeUser | null
  assignees: FakeUser[]
  milestone: null
  /** Number of comments, derived from the comments the fake holds. */
  comments: number
  created_at: string
  updated_at: string
  closed_at: string | null
  closed_by: FakeUser | null
  author_association: AuthorAssociation
  body: string | null
  reactions: ReactionRollup
  performed_via_github_app: null
  /** Present when the issue is a pull request: GitHub serves pull requests through the issues API too. */
  pull_request?: FakePullRequestLink
  /** Absent while the 'sub-issues' feature is disabled, as on GitHub Enterprise Server releases without it. */
  sub_issues_summary?: SubIssuesSummary
  parent_issue_url?: string | null
  /** Absent while the 'dependencies' feature is disabled. */
  issue_dependencies_summary?: IssueDependenciesSummary
}

export interface FakeComment {
  url: string
  html_url: string
  issue_url: string
  id: number
  node_id: string
  user: FakeUser
  created_at: string
  updated_at: string
  author_association: AuthorAssociation
  body: string
  reactions: ReactionRollup
  performed_via_github_app: null
}

type RepositoryUrlField =
  | 'url'
  | 'html_url'
  | 'forks_url'
  | 'keys_url'
  | 'collaborators_url'
  | 'teams_url'
  | 'hooks_url'
  | 'issue_events_url'
  | 'events_url'
  | 'assignees_url'
  | 'branches_url'
  | 'tags_url'
  | 'blobs_url'
  | 'git_tags_url'
  | 'git_refs_url'
  | 'trees_url'
  | 'statuses_url'
  | 'languages_url'
  | 'stargazers_url'
  | 'contributors_url'
  | 'subscribers_url'
  | 'subscription_url'
  | 'commits_url'
  | 'git_commits_url'
  | 'comments_url'
  | 'issue_comment_url'
  | 'contents_url'
  | 'compare_url'
  | 'merges_url'
  | 'archive_url'
  | 'downloads_url'
  | 'issues_url'
  | 'pulls_url'
  | 'milestones_url'
  | 'notifications_url'
  | 'labels_url'
  | 'releases_url'
  | 'deployments_url'
  | 'git_url'
  | 'ssh_url'
  | 'clone_url'
  | 'svn_url'

/** The `full-repository` representation served by GET /repos/{owner}/{repo}. */
export type FakeRepository = Record<RepositoryUrlField, string> & {
  id: number
  node_id: string
  name: string
  full_name: string
  owner: FakeUser
  private: boolean
  visibility: 'public' | 'private' | 'internal'
  description: string | null
  fork: boolean
  homepage: string | null
  language: string | null
  topics: string[]
  default_branch: string
  mirror_url: string | null
  forks: number
  forks_count: number
  stargazers_count: number
  watchers: number
  watchers_count: number
  open_issues: number
  open_issues_count: number
  size: number
  is_template: boolean
  has_issues: boolean
  has_projects: boolean
  has_wiki: boolean
  has_pages: boolean
  has_downloads: boolean
  has_discussions: boolean
  archived: boolean
  disabled: boolean
  license: null
  pushed_at: string
  created_at: string
  updated_at: string
  network_count: number
  subscribers_count: number
}

export const GITHUB_WEB = 'https://github.com'
// The fake serves no user endpoints, so user resources point where they would on github.com.
const USERS_API = 'https://api.github.com/users'

/** GitHub's timestamps have second precision: 2011-04-14T16:00:49Z. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Legacy global node id, e.g. MDU6SXNzdWUx for Issue 1: base64 of "05:Issue1". */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64')
}

/** A user as GitHub embeds it in issues, comments and reactions. The id is stable per login. */
export function fakeUser(login: string, options: { id?: number; type?: UserType } = {}): FakeUser {
  const id = options.id ?? 10_000_000 + (parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16) % 90_000_000)
  const type = options.type ?? (login.endsWith('[bot]') ? 'Bot' : 'User')
  const api = `${USERS_API}/${encodeURIComponent(login)}`
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: type === 'Bot' ? `${GITHUB_WEB}/apps/${login.replace(/\[bot\]$/, '')}` : `${GITHUB_WEB}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  }
}

/** The identity a workflow's GITHUB_TOKEN acts as; 41898282 is its real user id. */
export function githubActionsBot(): FakeUser {
  return {
    ...fakeUser('github-actions[bot]', { id: 41_898_282, type: 'Bot' }),
    // The app's avatar, not a user avatar: bots render with their GitHub App's (id 15368) picture.
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  }
}

export function defaultRepository(owner: string, name: string, apiUrl: string): FakeRepository {
  const id = 912_345_678
  const api = `${apiUrl}/repos/${owner}/${name}`
  const web = `${GITHUB_WEB}/${owner}/${name}`
  const created = '2024-01-15T09:30:00Z'
  return {
    id,
    node_id: nodeId('Repository', id),
    name,
    full_name: `${owner}/${name}`,
    owner: fakeUser(owner, { type: 'Organization' }),
    private: false,
    visibility: 'public',
    description: 'A repository served by the fake GitHub API',
    fork: false,
    homepage: null,
    language: 'TypeScript',
    topics: ['github-actions', 'planning'],
    default_branch: 'main',
    mirror_url: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    size: 120,
    is_template: false,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: created,
    created_at: created,
    updated_at: created,
    network_count: 0,
    subscribers_count: 0,
    url: api,
    html_url: web,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    git_url: `git://github.com/${owner}/${name}.git`,
    ssh_url: `git@github.com:${owner}/${name}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
  }
}
