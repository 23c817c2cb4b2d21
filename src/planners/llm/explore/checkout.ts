import type { Dirent } from 'node:fs'
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { shownPath } from './policy.js'
import { binaryKindByName, byPath, decodeFile, type Listing, looksBinary, type ReadOptions, type ReadResult, type RepositorySource, SNIFF_BYTES, type SourceEntry } from './source.js'

/** The repository the run plans for, to compare with what the workflow checked out. */
export interface ExpectedRepository {
  owner: string
  repo: string
  defaultBranch: string
  /** GITHUB_SERVER_URL (https://github.com or a GitHub Enterprise Server); the remote's host must match it when given. */
  serverUrl?: string
}

export type CheckoutInspection =
  | {
      usable: true
      /** The checkout's directory, symbolic links resolved. */
      root: string
      /** The branch checked out, or null when HEAD is detached. */
      branch: string | null
      /** The commit checked out, when it could be read. */
      commit: string | null
      onDefaultBranch: boolean
      /** For the model and the log, e.g. "a checkout of octo-org/api on branch main (commit 1a2b3c4)". */
      description: string
      /** Set when the files may differ from the default branch's, to say so in the log and to the model. */
      note: string | null
    }
  | { usable: false; reason: string }

/**
 * Whether `workspace` (GITHUB_WORKSPACE) holds a git checkout of the expected repository, and of
 * what. Reads `.git` as files (HEAD, config, refs): nothing is executed, git need not be installed.
 */
export async function inspectCheckout(workspace: string | undefined, expected: ExpectedRepository): Promise<CheckoutInspection> {
  const name = `${expected.owner}/${expected.repo}`
  if (!workspace) return unusable('GITHUB_WORKSPACE is not set, so there is no checkout to read.')
  let root: string
  try {
    root = await realpath(workspace)
    if (!(await stat(root)).isDirectory()) return unusable('GITHUB_WORKSPACE is not a directory.')
  } catch {
    return unusable('GITHUB_WORKSPACE does not exist.')
  }
  const git = await gitDirectories(root)
  if (!git) return unusable(`GITHUB_WORKSPACE holds no git checkout (no .git); add actions/checkout to the workflow to let the planner read ${name} from disk.`)

  const config = await readText(join(git.common, 'config'))
  const url = config === null ? null : remoteUrl(config, 'origin')
  if (url === null) return unusable('The checkout in GITHUB_WORKSPACE has no `origin` remote, so it cannot be matched with the repository.')
  const remote = parseRemoteUrl(url)
  if (!remote) return unusable('The checkout\'s `origin` remote is not a GitHub repository URL.')
  const expectedHost = expected.serverUrl ? hostOf(expected.serverUrl) : null
  const sameRepo = remote.owner.toLowerCase() === expected.owner.toLowerCase() && remote.repo.toLowerCase() === expected.repo.toLowerCase()
  const sameHost = expectedHost === null || remote.host === expectedHost
  if (!sameRepo || !sameHost) {
    const other = `${sameHost ? '' : `${remote.host}/`}${remote.owner}/${remote.repo}`
    return unusable(`The checkout in GITHUB_WORKSPACE is of ${other}, not ${name}.`)
  }

  const head = (await readText(join(git.dir, 'HEAD')))?.trim() ?? ''
  const symbolic = /^ref:\s*refs\/heads\/(.+)$/.exec(head)
  const branch = symbolic ? symbolic[1]! : null
  const commit = symbolic ? await resolveRef(git, `refs/heads/${branch}`) : /^[0-9a-f]{40,64}$/i.test(head) ? head.toLowerCase() : null
  if (!symbolic && commit === null) return unusable('The checkout\'s HEAD cannot be read.')
  const short = commit ? ` (commit ${commit.slice(0, 7)})` : ''
  let description: string
  let onDefaultBranch: boolean
  if (branch !== null) {
    description = `a checkout of ${name} on branch ${branch}${short}`
    onDefaultBranch = branch === expected.defaultBranch
  } else {
    // A detached HEAD at the default branch's tip (as fetched) holds the same files as the branch.
    onDefaultBranch = commit !== null && (await resolveRef(git, `refs/remotes/origin/${expected.defaultBranch}`)) === commit
    description = `a checkout of ${name} at commit ${commit!.slice(0, 7)}${onDefaultBranch ? `, the tip of ${expected.defaultBranch}` : ''}`
  }
  const what = branch !== null ? `on branch ${branch}` : `a detached commit (${commit!.slice(0, 7)})`
  const note = onDefaultBranch ? null : `The checkout is ${what}, not the default branch ${expected.defaultBranch}: its files may differ from ${expected.defaultBranch}.`
  return { usable: true, root, branch, commit, onDefaultBranch, description, note }
}

function unusable(reason: string): CheckoutInspection {
  return { usable: false, reason }
}

/** `.git` as a directory, or as a file pointing elsewhere (`gitdir: …`, as in worktrees and submodules). */
async function gitDirectories(root: string): Promise<{ dir: string; common: string } | null> {
  const dotGit = join(root, '.git')
  let dir: string
  try {
    const info = await lstat(dotGit)
    if (info.isDirectory()) {
      dir = dotGit
    } else if (info.isFile()) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec((await readText(dotGit)) ?? '')
      if (!pointer) return null
      dir = isAbsolute(pointer[1]!) ? pointer[1]! : resolve(root, pointer[1]!)
    } else {
      return null
    }
  } catch {
    return null
  }
  // A worktree keeps its own HEAD and shares config and refs with the main repository.
  const commonDir = (await readText(join(dir, 'commondir')))?.trim()
  const common = commonDir ? (isAbsolute(commonDir) ? commonDir : resolve(dir, commonDir)) : dir
  if ((await readText(join(dir, 'HEAD'))) === null) return null
  return { dir, common }
}

/** The commit a ref names: its loose file in the worktree or the common directory, else `packed-refs`. */
async function resolveRef(git: { dir: string; common: string }, ref: string): Promise<string | null> {
  for (const base of new Set([git.dir, git.common])) {
    const loose = (await readText(join(base, ...ref.split('/'))))?.trim()
    if (loose && /^[0-9a-f]{40,64}$/i.test(loose)) return loose.toLowerCase()
  }
  const packed = (await readText(join(git.common, 'packed-refs'))) ?? ''
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/)
    if (name === ref && sha && /^[0-9a-f]{40,64}$/i.test(sha)) return sha.toLowerCase()
  }
  return null
}

/** The `url` of `[remote "<name>"]` in a git config file. */
export function remoteUrl(config: string, remote: string): string | null {
  let inRemote = false
  for (const raw of config.split('\n')) {
    const line = raw.replace(/^\s+/, '')
    if (line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[\s*([^\s\]"]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line)
    if (section) {
      inRemote = section[1]!.toLowerCase() === 'remote' && section[2]?.replace(/\\(.)/g, '$1') === remote
      continue
    }
    const setting = /^url\s*=\s*(.*?)\s*$/i.exec(line)
    if (inRemote && setting) return unquote(setting[1]!)
  }
  return null
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value)
  return quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : value
}

/**
 * Owner, name and host of a remote URL in the forms git accepts: https://host/owner/repo(.git),
 * ssh://git@host(:port)/owner/repo, git@host:owner/repo (scp-like), git://host/owner/repo.
 * Credentials in the URL are dropped.
 */
export function parseRemoteUrl(url: string): { host: string; owner: string; repo: string } | null {
  let host: string
  let path: string
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    try {
      const parsed = new URL(url)
      host = parsed.hostname.toLowerCase()
      path = decodeURIComponent(parsed.pathname)
    } catch {
      return null
    }
  } else if (scp) {
    host = scp[1]!.toLowerCase()
    path = scp[2]!
  } else {
    return null
  }
  const parts = path.replace(/\/+$/, '').replace(/\.git$/i, '').split('/').filter((p) => p !== '')
  if (parts.length < 2) return null
  return { host, owner: parts.at(-2)!, repo: parts.at(-1)! }
}

function hostOf(serverUrl: string): string | null {
  try {
    return new URL(serverUrl).hostname.toLowerCase()
  } catch {
    return null
  }
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch {
    return null
  }
}

// ---- the source -----------------------------------------------------------------------------------

/** Folders a walk (find, search) does not enter: git's data, and installed dependencies that are not the project's code. */
const NOT_WALKED = new Set(['.git', 'node_modules'])

/**
 * Reads a checkout on disk. Every path is resolved with realpath and must stay inside the checkout:
 * symbolic links within it are followed, links out of it are refused. Files are opened read-only and
 * only regular files are read (a FIFO would block the run).
 */
export function createCheckoutSource(checkout: { root: string; description: string }): RepositorySource {
  const root = checkout.root
  let rootReal: string | null = null
  const rootPath = async (): Promise<string> => (rootReal ??= await realpath(root))
  let walked: { limit: number; listing: Listing } | null = null

  type Resolved = { real: string; rel: string } | { missing: true } | { refused: string }
  const resolvePath = async (path: string): Promise<Resolved> => {
    const base = await rootPath()
    const full = path === '' ? base : join(base, ...path.split('/'))
    let real: string
    try {
      real = await realpath(full)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ELOOP') return { refused: `\`${shownPath(path)}\` is a symbolic link that loops.` }
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        // A dangling link: the name exists but leads nowhere (or out of the tree, to a missing file).
        const dangling = await lstat(full).then((info) => info.isSymbolicLink(), () => false)
        return dangling ? { refused: `\`${shownPath(path)}\` is a symbolic link to nothing readable.` } : { missing: true }
      }
      return { refused: `\`${shownPath(path)}\` cannot be read (${code ?? 'error'}).` }
    }
    if (real !== base && !real.startsWith(base + sep)) return { refused: `\`${shownPath(path)}\` is a symbolic link that leads out of the repository; it is not read.` }
    const rel = relative(base, real).split(sep).join('/')
    if (rel.split('/').some((s) => s.toLowerCase() === '.git')) return { refused: `\`${shownPath(path)}\` leads into .git/, which is not read.` }
    return { real, rel }
  }

  const entryOf = async (dirReal: string, dirPath: string, dirent: Dirent): Promise<SourceEntry | null> => {
    const path = dirPath === '' ? dirent.name : `${dirPath}/${dirent.name}`
    if (dirent.isDirectory()) return { path, type: 'dir', size: null }
    if (dirent.isSymbolicLink()) return { path, type: 'symlink', size: null }
    if (!dirent.isFile()) return null
    const size = await lstat(join(dirReal, dirent.name)).then((info) => info.size, () => null)
    return { path, type: 'file', size }
  }

  return {
    mode: 'checkout',
    description: checkout.description,
    searchesContent: true,
    requests: 0,

    async list(dir, signal) {
      signal?.throwIfAborted()
      const resolved = await resolvePath(dir)
      if (!('real' in resolved)) return null
      let dirents: Dirent[]
      try {
        dirents = await readdir(resolved.real, { withFileTypes: true })
      } catch {
        return null
      }
      const entries = await Promise.all(dirents.filter((d) => d.name.toLowerCase() !== '.git').map((d) => entryOf(resolved.real, dir, d)))
      return { entries: entries.filter((e) => e !== null).sort(byPath), complete: true }
    },

    async walk(limit, signal) {
      // The checkout does not change during a run: one walk serves every find and search.
      if (walked?.limit === limit) return walked.listing
      const base = await rootPath()
      const entries: SourceEntry[] = []
      const pending: Array<{ real: string; path: string }> = [{ real: base, path: '' }]
      let complete = true
      while (pending.length > 0) {
        signal?.throwIfAborted()
        const dir = pending.pop()!
        let dirents: Dirent[]
        try {
          dirents = await readdir(dir.real, { withFileTypes: true })
        } catch {
          continue
        }
        const found = await Promise.all(dirents.filter((d) => !NOT_WALKED.has(d.name.toLowerCase())).map((d) => entryOf(dir.real, dir.path, d)))
        for (const entry of found) {
          if (!entry) continue
          if (entries.length >= limit) {
            complete = false
            break
          }
          entries.push(entry)
          // Links are listed, never followed: no loops, no way out of the tree.
          if (entry.type === 'dir') pending.push({ real: join(dir.real, entry.path.split('/').at(-1)!), path: entry.path })
        }
        if (!complete) break
      }
      const listing = { entries: entries.sort(byPath), complete }
      walked = { limit, listing }
      return listing
    },

    async read(path, options: ReadOptions): Promise<ReadResult> {
      options.signal?.throwIfAborted()
      const resolved = await resolvePath(path)
      if ('missing' in resolved) return { kind: 'missing' }
      if ('refused' in resolved) return { kind: 'refused', message: resolved.refused }
      if (resolved.rel !== path) {
        const why = options.refuse(resolved.rel)
        if (why) return { kind: 'refused', message: why }
      }
      const info = await stat(resolved.real)
      if (info.isDirectory()) return { kind: 'directory' }
      if (!info.isFile()) return { kind: 'refused', message: `\`${shownPath(path)}\` is not a regular file; it is not read.` }
      const named = binaryKindByName(path) ?? binaryKindByName(resolved.rel)
      if (named) return { kind: 'binary', size: info.size, what: named }
      const bytes = await readAtMost(resolved.real, info.size > options.maxBytes ? SNIFF_BYTES : options.maxBytes + 1)
      if (info.size > options.maxBytes || bytes.length > options.maxBytes) {
        const size = Math.max(info.size, bytes.length)
        return looksBinary(bytes) ? { kind: 'binary', size, what: 'binary data' } : { kind: 'too-large', size, limit: options.maxBytes }
      }
      return decodeFile(path, bytes)
    },
  }
}

/** The first `limit` bytes of a file, however large it is (or grows while read). */
async function readAtMost(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(limit)
    let filled = 0
    while (filled < limit) {
      const { bytesRead } = await handle.read(buffer, filled, limit - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return buffer.subarray(0, filled)
  } finally {
    await handle.close()
  }
}
