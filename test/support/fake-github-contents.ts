// What the fake GitHub serves about the repository besides its issues: the README, the languages,
// the files of the default branch (their tree and their contents), and who may do what
// (collaborator permissions).
import { createHash } from 'node:crypto'
import { fakeUser, type Permission } from './fake-github-model.ts'
import { notFound, type RepoStore } from './fake-github-store.ts'

// Permission levels from least to most; each includes the ones before it.
const LEVELS: readonly Permission[] = ['read', 'triage', 'write', 'maintain', 'admin']

/** A file of the default branch: its bytes, or the target of a symbolic link (a relative or absolute path). */
export type FakeFile = { content: Buffer } | { symlink: string }

export class RepoContents {
  /** Collaborators by lower-cased login. */
  readonly permissions = new Map<string, Permission>()
  readme: { path: string; content: string } | null
  languages: Record<string, number> = { TypeScript: 48_213, JavaScript: 1_024 }
  /** The default branch's files by path. Files set by path alone hold their own path as content. */
  files = new Map<string, FakeFile>(filesFromPaths(['.github/workflows/plan.yml', 'README.md', 'package.json', 'src/index.ts', 'src/plan.ts']))
  /** Most entries a recursive tree lists before GitHub gives up and marks it truncated; null for no limit. */
  treeLimit: number | null = null

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
   * directories. Without `recursive` only the direct entries are listed, as on GitHub. A recursive
   * listing longer than `treeLimit` is cut there and marked truncated.
   */
  treeJson(ref: string, recursive: boolean) {
    const { entries, shas } = buildTree(this.files)
    const dir = this.isBranch(ref) ? '' : [...shas.keys()].find((d) => shas.get(d) === ref)
    if (dir === undefined) throw notFound()
    const prefix = dir === '' ? '' : `${dir}/`
    const sha = shas.get(dir) ?? ''
    const listed = entries
      .filter((entry) => entry.path.startsWith(prefix) && (recursive || !entry.path.slice(prefix.length).includes('/')))
      .sort((a, b) => (a.path < b.path ? -1 : 1))
    const truncated = recursive && this.treeLimit !== null && listed.length > this.treeLimit
    return {
      sha,
      url: `${this.store.repoApiUrl}/git/trees/${sha}`,
      tree: (truncated ? listed.slice(0, this.treeLimit ?? 0) : listed).map((entry) => ({
        path: entry.path.slice(prefix.length),
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(entry.type === 'blob' ? { size: entry.size } : {}),
        url: `${this.store.repoApiUrl}/git/${entry.type}s/${entry.sha}`,
      })),
      truncated,
    }
  }

  /**
   * GET /repos/{owner}/{repo}/contents/{path} on the default branch: a file base64-encoded, a
   * directory as its entries, and a symbolic link as the file it points to when that is a file of
   * the repository, else as the link itself (its target), which is what GitHub documents.
   */
  contentJson(path: string, ref: string | undefined) {
    if (ref !== undefined && !this.isBranch(ref)) throw notFound()
    const { entries } = buildTree(this.files)
    const clean = path.replace(/^\/+|\/+$/g, '')
    const entry = entries.find((e) => e.path === clean)
    if (!entry) throw notFound()
    if (entry.type === 'tree') {
      return entries
        .filter((e) => parentOf(e.path) === clean)
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((e) => ({ ...this.contentFields(e), type: e.type === 'tree' ? ('dir' as const) : e.mode === SYMLINK_MODE ? ('symlink' as const) : ('file' as const) }))
    }
    const file = this.files.get(clean)
    if (file && 'symlink' in file) {
      const target = resolveLink(clean, file.symlink)
      const resolved = target === null ? undefined : this.files.get(target)
      if (target !== null && resolved && 'content' in resolved) return this.fileJson(target, resolved.content)
      return { ...this.contentFields(entry), type: 'symlink' as const, target: file.symlink }
    }
    return this.fileJson(clean, file && 'content' in file ? file.content : Buffer.alloc(0))
  }

  private isBranch(ref: string): boolean {
    return [this.branch, `refs/heads/${this.branch}`, 'HEAD'].includes(ref)
  }

  private fileJson(path: string, content: Buffer) {
    const entry: TreeEntry = { path, type: 'blob', mode: '100644', sha: gitObjectSha('blob', content), size: content.length }
    return {
      ...this.contentFields(entry),
      type: 'file' as const,
      encoding: 'base64',
      // GitHub wraps base64 content at 60 characters, ending every line with a newline.
      content: `${(content.toString('base64').match(/.{1,60}/g) ?? []).join('\n')}\n`,
    }
  }

  /** The fields every contents answer carries. */
  private contentFields(entry: TreeEntry) {
    const url = `${this.store.repoApiUrl}/contents/${entry.path}?ref=${this.branch}`
    const htmlUrl = `${this.store.repoWebUrl}/${entry.type === 'tree' ? 'tree' : 'blob'}/${this.branch}/${entry.path}`
    const gitUrl = `${this.store.repoApiUrl}/git/${entry.type}s/${entry.sha}`
    return {
      size: entry.size,
      name: entry.path.split('/').at(-1) ?? entry.path,
      path: entry.path,
      sha: entry.sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: entry.type === 'tree' ? null : `https://raw.githubusercontent.com/${this.store.owner}/${this.store.repo}/${this.branch}/${entry.path}`,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    }
  }
}

const SYMLINK_MODE = '120000'

/** Files whose content is their own path, for tests that care only about the tree. */
export function filesFromPaths(paths: string[]): Map<string, FakeFile> {
  return new Map(paths.map((path) => [path, { content: Buffer.from(path) }]))
}

const parentOf = (path: string): string => path.split('/').slice(0, -1).join('/')

/** The repository path a link points to, or null when it leaves the repository (absolute, or `..` past the root). */
function resolveLink(link: string, target: string): string | null {
  if (target.startsWith('/')) return null
  const parts = parentOf(link) === '' ? [] : parentOf(link).split('/')
  for (const part of target.split('/')) {
    if (part === '..') {
      if (parts.length === 0) return null
      parts.pop()
    } else if (part !== '.' && part !== '') {
      parts.push(part)
    }
  }
  return parts.join('/')
}

interface TreeEntry {
  path: string
  type: 'blob' | 'tree'
  mode: string
  sha: string
  size: number
}

/**
 * The tree of a set of files: every file and directory as an entry, and each directory's sha (the
 * root is ''), derived from its direct entries the way git derives tree ids.
 */
function buildTree(files: ReadonlyMap<string, FakeFile>): { entries: TreeEntry[]; shas: Map<string, string> } {
  const depth = (dir: string) => (dir === '' ? 0 : dir.split('/').length)
  const dirs = new Set([''])
  for (const path of files.keys()) for (let dir = parentOf(path); dir !== ''; dir = parentOf(dir)) dirs.add(dir)
  const blobs: TreeEntry[] = [...files].map(([path, file]) => {
    const content = 'content' in file ? file.content : Buffer.from(file.symlink)
    return { path, type: 'blob', mode: 'content' in file ? '100644' : SYMLINK_MODE, sha: gitObjectSha('blob', content), size: content.length }
  })
  const shas = new Map<string, string>()
  // Deepest directories first, so each directory's sha covers its subdirectories' shas.
  for (const dir of [...dirs].sort((a, b) => depth(b) - depth(a))) {
    const children = [
      ...blobs.filter((file) => parentOf(file.path) === dir).map((file) => `blob ${file.sha} ${file.path}`),
      ...[...dirs].filter((d) => d !== '' && parentOf(d) === dir).map((d) => `tree ${shas.get(d)} ${d}`),
    ]
    shas.set(dir, gitObjectSha('tree', children.sort().join('\n')))
  }
  const trees: TreeEntry[] = [...dirs].filter((d) => d !== '').map((d) => ({ path: d, type: 'tree', mode: '040000', sha: shas.get(d) ?? '', size: 0 }))
  return { entries: [...blobs, ...trees], shas }
}

/** Git's object id: sha1 over "<type> <size>\0<content>". */
function gitObjectSha(type: 'blob' | 'tree', content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content
  return createHash('sha1').update(`${type} ${bytes.length}\0`).update(bytes).digest('hex')
}
