// What the fake GitHub serves about the repository besides its issues: the README, the languages,
// the file tree of the default branch, and who may do what (collaborator permissions).
import { createHash } from 'node:crypto'
import { fakeUser, type Permission } from './fake-github-model.ts'
import { notFound, type RepoStore } from './fake-github-store.ts'

// Permission levels from least to most; each includes the ones before it.
const LEVELS: readonly Permission[] = ['read', 'triage', 'write', 'maintain', 'admin']

export class RepoContents {
  /** Collaborators by lower-cased login. */
  readonly permissions = new Map<string, Permission>()
  readme: { path: string; content: string } | null
  languages: Record<string, number> = { TypeScript: 48_213, JavaScript: 1_024 }
  treePaths: string[] = ['.github/workflows/plan.yml', 'README.md', 'package.json', 'src/index.ts', 'src/plan.ts']

  constructor(private readonly store: RepoStore) {
    this.readme = { path: 'README.md', content: `# ${store.repo}\n\nServed by the fake GitHub API.\n` }
  }

  private get branch(): string {
    return this.store.repository.default_branch
  }

  permissionJson(login: string) {
    const level = this.permissions.get(login.toLowerCase())
    if (!level) throw notFound()
    const has = (minimum: Permission) => LEVELS.indexOf(level) >= LEVELS.indexOf(minimum)
    const user = login.toLowerCase() === this.store.botUser.login ? this.store.botUser : fakeUser(login)
    return {
      // `permission` is the legacy coarse level: maintain reads as write and triage as read.
      permission: has('admin') ? 'admin' : has('write') ? 'write' : 'read',
      role_name: level,
      user: {
        ...user,
        permissions: { pull: true, triage: has('triage'), push: has('write'), maintain: has('maintain'), admin: has('admin') },
        role_name: level,
      },
    }
  }

  readmeJson() {
    if (!this.readme) throw notFound()
    const { path, content } = this.readme
    const sha = gitObjectSha('blob', content)
    const url = `${this.store.repoApiUrl}/contents/${path}?ref=${this.branch}`
    const htmlUrl = `${this.store.repoWebUrl}/blob/${this.branch}/${path}`
    const gitUrl = `${this.store.repoApiUrl}/git/blobs/${sha}`
    return {
      type: 'file' as const,
      encoding: 'base64',
      size: Buffer.byteLength(content),
      name: path.split('/').at(-1) ?? path,
      path,
      // GitHub wraps base64 content at 60 characters, ending every line with a newline.
      content: `${(Buffer.from(content).toString('base64').match(/.{1,60}/g) ?? []).join('\n')}\n`,
      sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: `https://raw.githubusercontent.com/${this.store.owner}/${this.store.repo}/${this.branch}/${path}`,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    }
  }

  /**
   * The tree for a ref: the default branch, HEAD or the root tree's sha, or the sha of one of its
   * directories. Without `recursive` only the direct entries are listed, as on GitHub.
   */
  treeJson(ref: string, recursive: boolean) {
    const { entries, shas } = buildTree(this.treePaths)
    const dir = [this.branch, `refs/heads/${this.branch}`, 'HEAD'].includes(ref) ? '' : [...shas.keys()].find((d) => shas.get(d) === ref)
    if (dir === undefined) throw notFound()
    const prefix = dir === '' ? '' : `${dir}/`
    const sha = shas.get(dir) ?? ''
    return {
      sha,
      url: `${this.store.repoApiUrl}/git/trees/${sha}`,
      tree: entries
        .filter((entry) => entry.path.startsWith(prefix) && (recursive || !entry.path.slice(prefix.length).includes('/')))
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((entry) => ({
          path: entry.path.slice(prefix.length),
          mode: entry.type === 'tree' ? '040000' : '100644',
          type: entry.type,
          sha: entry.sha,
          ...(entry.type === 'blob' ? { size: entry.size } : {}),
          url: `${this.store.repoApiUrl}/git/${entry.type}s/${entry.sha}`,
        })),
      truncated: false,
    }
  }
}

interface TreeEntry {
  path: string
  type: 'blob' | 'tree'
  sha: string
  size: number
}

/**
 * The tree implied by a list of file paths: every file and directory as an entry, and each
 * directory's sha (the root is ''), derived from its direct entries the way git derives tree ids.
 * Files have no content here, so their path stands in for it.
 */
function buildTree(paths: string[]): { entries: TreeEntry[]; shas: Map<string, string> } {
  const parentOf = (path: string) => path.split('/').slice(0, -1).join('/')
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length)
  const dirs = new Set([''])
  for (const path of paths) for (let dir = parentOf(path); dir !== ''; dir = parentOf(dir)) dirs.add(dir)
  const files: TreeEntry[] = paths.map((path) => ({ path, type: 'blob', sha: gitObjectSha('blob', path), size: Buffer.byteLength(path) }))
  const shas = new Map<string, string>()
  // Deepest directories first, so each directory's sha covers its subdirectories' shas.
  for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
    const children = [
      ...files.filter((file) => parentOf(file.path) === dir).map((file) => `blob ${file.sha} ${file.path}`),
      ...[...dirs].filter((d) => d !== '' && parentOf(d) === dir).map((d) => `tree ${shas.get(d)} ${d}`),
    ]
    shas.set(dir, gitObjectSha('tree', children.sort().join('\n')))
  }
  const trees: TreeEntry[] = [...dirs].filter((d) => d !== '').map((d) => ({ path: d, type: 'tree', sha: shas.get(d) ?? '', size: 0 }))
  return { entries: [...files, ...trees], shas }
}

/** Git's object id: sha1 over "<type> <size>\0<content>". */
function gitObjectSha(type: 'blob' | 'tree', content: string): string {
  return createHash('sha1').update(`${type} ${Buffer.byteLength(content)}\0${content}`).digest('hex')
}
