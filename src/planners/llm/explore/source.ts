/**
 * Where the exploration tools read the repository: a checkout on disk (checkout.ts) or the GitHub
 * API (github-source.ts). Sources only read; the tools (tools.ts) decide what may be read (policy.ts)
 * and how much is returned.
 */

export type EntryType = 'file' | 'dir' | 'symlink' | 'submodule'

export interface SourceEntry {
  /** Repository-relative, segments joined by `/`. */
  path: string
  type: EntryType
  /** Bytes, for files; null when unknown (directories, links, submodules). */
  size: number | null
}

export interface Listing {
  entries: SourceEntry[]
  /** False when entries may be missing (a truncated tree from GitHub, or too many files to walk). */
  complete: boolean
}

export type ReadResult =
  | { kind: 'text'; text: string; size: number }
  | { kind: 'binary'; size: number; what: string }
  | { kind: 'too-large'; size: number; limit: number }
  | { kind: 'directory' }
  | { kind: 'missing' }
  /** Something the model should hear in one sentence: a link out of the repository, a submodule, a GitHub error. */
  | { kind: 'refused'; message: string }

export interface ReadOptions {
  /** Largest file returned as text; larger ones are summarised. */
  maxBytes: number
  /**
   * Called with the path a symbolic link resolves to, before the file is read or returned: a reason
   * stops the read (a link to `.env` is as secret as `.env`).
   */
  refuse: (resolvedPath: string) => string | null
  signal?: AbortSignal
}

export interface RepositorySource {
  readonly mode: 'checkout' | 'api'
  /** One sentence for the model and the log: where the files come from (no credentials, no host paths). */
  readonly description: string
  /** Whether file contents can be searched; the GitHub API offers paths only. */
  readonly searchesContent: boolean
  /** The direct entries of a directory ('' is the root), or null when there is no such directory. */
  list(dir: string, signal?: AbortSignal): Promise<Listing | null>
  /** Every file and directory, sorted by path, up to `limit` entries; links are listed, not followed. */
  walk(limit: number, signal?: AbortSignal): Promise<Listing>
  /** A file's text, or what it is when its text cannot be returned. */
  read(path: string, options: ReadOptions): Promise<ReadResult>
  /** GitHub requests made so far (always 0 for a checkout). */
  readonly requests: number
}

// ---- binary files ---------------------------------------------------------------------------------

/** Known binary formats by extension, with what to call them. */
const BINARY_KINDS: ReadonlyArray<[string, readonly string[]]> = [
  ['image', ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'avif', 'tif', 'tiff', 'psd', 'heic']],
  ['archive', ['zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'tar', 'jar', 'war', 'whl', 'nupkg', 'deb', 'rpm', 'dmg', 'iso']],
  ['compiled code', ['exe', 'dll', 'so', 'dylib', 'o', 'a', 'obj', 'lib', 'class', 'pyc', 'pyo', 'wasm', 'node']],
  ['font', ['woff', 'woff2', 'ttf', 'otf', 'eot']],
  ['audio or video', ['mp3', 'mp4', 'm4a', 'wav', 'ogg', 'flac', 'mov', 'avi', 'mkv', 'webm']],
  ['document', ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods']],
  ['database', ['sqlite', 'sqlite3', 'db', 'mdb']],
  ['binary data', ['bin', 'dat', 'pak', 'pb', 'onnx', 'pt', 'ckpt', 'safetensors', 'npy', 'parquet', 'avro']],
]
const BINARY_BY_EXTENSION = new Map(BINARY_KINDS.flatMap(([what, extensions]) => extensions.map((ext) => [ext, what] as const)))

/** Bytes inspected for NUL, as git does to tell binary from text. */
export const SNIFF_BYTES = 8_000

/** What a binary file is called by its extension, or null when the name says nothing. */
export function binaryKindByName(path: string): string | null {
  const name = path.split('/').at(-1) ?? ''
  const dot = name.lastIndexOf('.')
  return dot > 0 ? (BINARY_BY_EXTENSION.get(name.slice(dot + 1).toLowerCase()) ?? null) : null
}

/** True when the bytes hold a NUL in their first part: git's test for binary content. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0)
}

/** The file's text (UTF-8, byte order mark dropped), or its summary when it is binary. */
export function decodeFile(path: string, bytes: Buffer): ReadResult {
  const named = binaryKindByName(path)
  if (named) return { kind: 'binary', size: bytes.length, what: named }
  if (looksBinary(bytes)) return { kind: 'binary', size: bytes.length, what: 'binary data' }
  const text = new TextDecoder('utf-8').decode(bytes)
  return { kind: 'text', text: text.startsWith('\uFEFF') ? text.slice(1) : text, size: bytes.length }
}

/** Compares paths the way git orders a tree listing: by bytes, `/` included. */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0
}
