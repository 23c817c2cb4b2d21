import type { GitTree } from '../../../context/gather.js'
import type { GitHub } from '../../../github/client.js'
import { isStatus } from '../../../github/read.js'
import { shownPath } from './policy.js'
import { binaryKindByName, byPath, decodeFile, type Listing, type ReadResult, type RepositorySource, type SourceEntry } from './source.js'

export interface GitHubSourceOptions {
  owner: string
  repo: string
  /** The branch (or commit) to read: the default branch. */
  ref: string
  /** That branch's recursive tree, when the context already read it: no second request for it. */
  tree?: GitTree
}

interface TreeFile {
  type: SourceEntry['type']
  size: number | null
}

interface Tree {
  files: Map<string, TreeFile>
  truncated: boolean
}

/**
 * Reads the repository through the GitHub API when there is no checkout: the whole tree from one
 * recursive request, made on the first tool call and kept, and each file's contents on demand, one
 * request per read. Sizes and names come from the tree, so binary and oversized files are
 * summarised without a request. GitHub truncates very large trees; then directories are listed
 * with one more request each and paths missing from the tree are still tried.
 */
export function createGitHubSource(octokit: GitHub, options: GitHubSourceOptions): RepositorySource {
  const repo = { owner: options.owner, repo: options.repo }
  let requests = 0
  let tree: Tree | null = options.tree ? treeOf(options.tree.entries, options.tree.truncated) : null

  const loadTree = async (signal?: AbortSignal): Promise<Tree> => {
    if (tree) return tree
    requests++
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: options.ref, recursive: 'true', request: { signal } })
    // Failures are not kept: the next tool call tries again.
    tree = treeOf(data.tree, data.truncated)
    return tree
  }

  /** A directory's entries from GitHub itself, for when the tree is truncated and may lack them. */
  const listFromGitHub = async (dir: string, signal?: AbortSignal): Promise<SourceEntry[] | null> => {
    requests++
    try {
      if (dir === '') {
        const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: options.ref, request: { signal } })
        return [...treeOf(data.tree, false).files].map(([path, file]) => ({ path, ...file }))
      }
      const { data } = await octokit.rest.repos.getContent({ ...repo, path: dir, ref: options.ref, request: { signal } })
      if (!Array.isArray(data)) return null
      return data.map((e) => ({ path: e.path, type: e.type === 'dir' ? 'dir' : e.type === 'symlink' ? 'symlink' : e.type === 'submodule' ? 'submodule' : 'file', size: e.type === 'file' ? e.size : null }))
    } catch (error) {
      if (isStatus(error, 404)) return null
      throw error
    }
  }

  return {
    mode: 'api',
    description: `${options.owner}/${options.repo} on ${options.ref}, read through the GitHub API`,
    searchesContent: false,
    get requests() {
      return requests
    },

    async list(dir, signal) {
      const { files, truncated } = await loadTree(signal)
      if (truncated) {
        const entries = await listFromGitHub(dir, signal)
        return entries ? { entries: entries.sort(byPath), complete: true } : null
      }
      if (dir !== '' && files.get(dir)?.type !== 'dir') return null
      const prefix = dir === '' ? '' : `${dir}/`
      const entries = [...files]
        .filter(([path]) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
        .map(([path, file]) => ({ path, ...file }))
      return { entries: entries.sort(byPath), complete: true }
    },

    async walk(limit, signal): Promise<Listing> {
      const { files, truncated } = await loadTree(signal)
      const entries = [...files].map(([path, file]) => ({ path, ...file })).sort(byPath)
      return { entries: entries.slice(0, limit), complete: !truncated && entries.length <= limit }
    },

    async read(path, readOptions): Promise<ReadResult> {
      const { files, truncated } = await loadTree(readOptions.signal)
      const known = files.get(path)
      if (!known && !truncated) return { kind: 'missing' }
      if (known?.type === 'dir') return { kind: 'directory' }
      if (known?.type === 'submodule') return submodule(path)
      if (known?.type === 'file') {
        const named = binaryKindByName(path)
        if (named) return { kind: 'binary', size: known.size ?? 0, what: named }
        if (known.size !== null && known.size > readOptions.maxBytes) return { kind: 'too-large', size: known.size, limit: readOptions.maxBytes }
      }
      let data: Awaited<ReturnType<GitHub['rest']['repos']['getContent']>>['data']
      requests++
      try {
        data = (await octokit.rest.repos.getContent({ ...repo, path, ref: options.ref, request: { signal: readOptions.signal } })).data
      } catch (error) {
        if (isStatus(error, 404)) return { kind: 'missing' }
        throw error
      }
      if (Array.isArray(data)) return { kind: 'directory' }
      if (data.type === 'submodule') return submodule(path)
      if (data.type === 'symlink') {
        // GitHub follows links to files of the repository itself; what is left leads out, or to a directory.
        const inside = resolveLink(path, data.target)
        if (inside !== null && (files.get(inside)?.type === 'dir' || truncated)) {
          return { kind: 'refused', message: `\`${shownPath(path)}\` is a symbolic link to a directory; list \`${shownPath(inside)}\` instead.` }
        }
        return { kind: 'refused', message: `\`${shownPath(path)}\` is a symbolic link that leads out of the repository; it is not read.` }
      }
      if (data.type !== 'file') return { kind: 'refused', message: `\`${shownPath(path)}\` is not a file.` }
      if (data.path !== path) {
        const why = readOptions.refuse(data.path)
        if (why) return { kind: 'refused', message: why }
      }
      const named = binaryKindByName(data.path)
      if (named) return { kind: 'binary', size: data.size, what: named }
      // Files over 1 MB come without content ("encoding": "none").
      if (data.size > readOptions.maxBytes || data.encoding !== 'base64') return { kind: 'too-large', size: data.size, limit: readOptions.maxBytes }
      return decodeFile(data.path, Buffer.from(data.content, 'base64'))
    },
  }
}

const SYMLINK_MODE = '120000'

/** Entries of a GitHub tree by path, with what they are and, for files, their size. */
function treeOf(entries: GitTree['entries'], truncated: boolean): Tree {
  const files = new Map<string, TreeFile>()
  for (const entry of entries) {
    if (!entry.path) continue
    files.set(entry.path, { type: entryType(entry.type, entry.mode), size: entry.type === 'blob' && entry.mode !== SYMLINK_MODE ? (entry.size ?? null) : null })
  }
  return { files, truncated }
}

function entryType(type: string | undefined, mode: string | undefined): SourceEntry['type'] {
  if (type === 'tree') return 'dir'
  if (type === 'commit') return 'submodule'
  return mode === SYMLINK_MODE ? 'symlink' : 'file'
}

function submodule(path: string): ReadResult {
  return { kind: 'refused', message: `\`${shownPath(path)}\` is a git submodule: its files belong to another repository.` }
}

/** The repository path a link's target names, or null when it leaves the repository. */
function resolveLink(link: string, target: string): string | null {
  if (target.startsWith('/')) return null
  const parts = link.split('/').slice(0, -1)
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
