import { InputError } from '../../../input-error.js'
import { compileGlob, type Glob } from './glob.js'

/**
 * What the exploration tools may read. Paths come from the model, which takes instructions from the
 * issue and from the files it reads, so every path is checked here before any source sees it, and
 * again after symbolic links are resolved.
 */
export interface PathPolicy {
  /** The `exclude` input's globs: matching paths are hidden from every tool. */
  readonly exclude: readonly Glob[]
}

export type CheckedPath = { ok: true; path: string } | { ok: false; message: string }

export function createPolicy(exclude: readonly string[] = []): PathPolicy {
  return { exclude: exclude.map(compileGlob) }
}

/**
 * The repository-relative path (segments joined by `/`, '' for the root) the model asked for, or a
 * short message saying why it may not be used. `./src/`, `src//x` and `.` are accepted as written.
 */
export function checkPath(input: string): CheckedPath {
  const raw = input.trim()
  // eslint-disable-next-line no-control-regex -- control characters have no place in a path
  if (/[\u0000-\u001f\u007f]/.test(raw)) return refuse('The path holds control characters; give a plain path relative to the repository root, like src/index.ts.')
  if (raw.includes('\\')) return refuse('Use forward slashes in paths, like src/index.ts.')
  if (raw.startsWith('/') || raw.startsWith('~') || /^[A-Za-z]:/.test(raw)) {
    return refuse('Absolute paths are not allowed: give a path relative to the repository root, like src/index.ts.')
  }
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) return refuse('`..` is not allowed: the tools read only inside the repository. Give a path relative to the repository root.')
  if (segments.some(isGitDirectory)) return refuse('Nothing under `.git/` can be read: it is git\'s own data, not the project\'s files.')
  return { ok: true, path: segments.join('/') }
}

/** Why `path` (checked, repository-relative) may not be listed as readable nor read, or null when it may. */
export function refusal(policy: PathPolicy, path: string): string | null {
  if (path.split('/').some(isGitDirectory)) return 'Nothing under `.git/` can be read.'
  if (isExcluded(policy, path)) return `\`${shownPath(path)}\` is excluded by the \`exclude\` input; it cannot be read.`
  const secret = secretKind(path)
  if (secret) return `\`${shownPath(path)}\` ${secret}; it is never read.`
  return null
}

/** True when the path or one of its folders matches an `exclude` glob: then the tools do not even list it. */
export function isExcluded(policy: PathPolicy, path: string): boolean {
  const parts = path.split('/')
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join('/')
    if (policy.exclude.some((glob) => glob.matches(prefix))) return true
  }
  return false
}

/**
 * Files that hold secrets by their name alone: environment files, private keys and certificates,
 * SSH keys and stored credentials. Matched on the name, case-insensitively, at any depth.
 */
const SECRET_NAMES: ReadonlyArray<{ test: RegExp; what: string }> = [
  { test: /^\.env/i, what: 'is an environment file, which may hold secrets' },
  { test: /\.(?:pem|key|p12|pfx|jks|keystore)$/i, what: 'is a key or certificate file' },
  { test: /^id_(?:rsa|dsa|ecdsa|ed25519)/i, what: 'is an SSH key' },
  { test: /^(?:\.netrc|_netrc|\.git-credentials|\.pgpass|\.htpasswd)$/i, what: 'is a credentials file' },
]

/** Package manager settings that are often plain configuration but may hold a registry token. */
const CREDENTIAL_CONFIGS = /^(?:\.npmrc|\.yarnrc|\.yarnrc\.yml|\.pypirc)$/i
/** A token, password or auth setting in one of those files (`//registry/:_authToken=…`, `npmAuthToken: …`, `password = …`). */
const CREDENTIAL_SETTING = /(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent|password|token)\s*[=:]/i

/** What makes the file secret-looking by its name, or null. */
export function secretKind(path: string): string | null {
  const name = path.split('/').at(-1) ?? ''
  return SECRET_NAMES.find((rule) => rule.test.test(name))?.what ?? null
}

/** True for files such as `.npmrc` that must be read to know whether they hold credentials. */
export function mayHoldCredentials(path: string): boolean {
  return CREDENTIAL_CONFIGS.test(path.split('/').at(-1) ?? '')
}

/** Why a file such as `.npmrc` may not be returned once its text is known, or null when it holds no credentials. */
export function credentialRefusal(path: string, text: string): string | null {
  if (!mayHoldCredentials(path) || !CREDENTIAL_SETTING.test(text)) return null
  return `\`${shownPath(path)}\` holds credentials (a token or password setting); it is never returned.`
}

/**
 * Reads the `exclude` input: globs, one a line or separated by commas (commas inside `{…}` belong to
 * the glob), `#` starting a comment line. Negations and paths that leave the repository are refused,
 * since they cannot mean anything here.
 */
export function parseExcludeInput(raw: string): string[] {
  const globs = raw
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap(splitOutsideBraces)
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '')
  for (const glob of globs) {
    if (glob.startsWith('!')) {
      throw new InputError(`Input \`exclude\` lists globs of files the planner must not read; negations such as "${glob}" are not supported. Remove it, or narrow the other globs instead.`)
    }
    if (glob.split('/').includes('..')) {
      throw new InputError(`Input \`exclude\`: "${glob}" leaves the repository (\`..\`); write globs relative to the repository root, such as secrets/** or *.sql.`)
    }
  }
  return globs
}

function splitOutsideBraces(line: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '{') depth++
    else if (line[i] === '}') depth = Math.max(0, depth - 1)
    else if (line[i] === ',' && depth === 0) {
      parts.push(line.slice(start, i))
      start = i + 1
    }
  }
  parts.push(line.slice(start))
  return parts
}

/** A path as shown in messages: one line, no backticks, not endless (file names are untrusted too). */
export function shownPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- control characters would break the message's line
  const clean = (path === '' ? '.' : path).replace(/[\u0000-\u001f\u007f`]/g, '?')
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean
}

function isGitDirectory(segment: string): boolean {
  return segment.toLowerCase() === '.git'
}

function refuse(message: string): CheckedPath {
  return { ok: false, message }
}
