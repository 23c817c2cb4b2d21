// The fixture repository for the exploration tools: a small TypeScript API committed as plain files
// under test/fixtures/explore-repo/, plus what git cannot (or should not) hold, generated here: symbolic
// links (one within the tree, two leading out of it, one to a secret), binary files, a file too large
// to read, and secret files whose contents must never reach the model. The same files serve as a
// checkout on disk (materializeExploreRepo, with a .git directory) and as the fake GitHub's repository
// (exploreRepoFiles, for FakeGitHub.setFiles).
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FakeFile } from './fake-github.ts'

export const EXPLORE_REPO_DIR = fileURLToPath(new URL('../fixtures/explore-repo/', import.meta.url))
export const EXPLORE_OWNER = 'octo-org'
export const EXPLORE_REPO = 'quota-api'

/** In every secret the fixture holds: no tool result may ever contain it. */
export const SECRET = 'FIXTURE-SECRET'

/** A line that sends a backtracking regular expression such as `(a+)+$` into exponential time. */
export const BACKTRACKING_LINE = `${'a'.repeat(48)}!`

/** Size of the generated seed file: over the tools' 200 KB reading limit. */
export const LARGE_FILE_BYTES = 300 * 1024

export type GeneratedFile = string | Buffer | { symlink: string }

/** The files generated at test time, by path. */
export function generatedFiles(): Record<string, GeneratedFile> {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 0), Buffer.from('IEND')])
  const seed: string[] = ['[']
  for (let i = 1, bytes = 0; bytes < LARGE_FILE_BYTES; i++) {
    const line = `  { "id": "u${String(i).padStart(5, '0')}", "name": "User ${i}", "plan": "${i % 7 === 0 ? 'pro' : 'free'}" },`
    seed.push(line)
    bytes += line.length + 1
  }
  seed.push('  { "id": "last", "name": "Last", "plan": "free" }', ']')
  return {
    '.env': `DATABASE_URL=postgres://app:${SECRET}-db@localhost:5432/app\nAPI_SIGNING_KEY=${SECRET}-api\n`,
    '.env.example': 'DATABASE_URL=postgres://user:password@localhost:5432/app\n',
    '.npmrc': `//registry.npmjs.org/:_authToken=${SECRET}-npm\n`,
    'tools/.npmrc': 'engine-strict=true\nsave-exact=true\n',
    'deploy/tls/server.key': `-----BEGIN PRIVATE KEY-----\n${SECRET}-key\n-----END PRIVATE KEY-----\n`,
    'deploy/tls/server.pem': `-----BEGIN CERTIFICATE-----\n${SECRET}-cert\n-----END CERTIFICATE-----\n`,
    'assets/logo.png': png,
    // Binary by its bytes alone: no extension says so.
    'assets/font-cache': Buffer.concat([Buffer.from('FCACHE'), Buffer.alloc(32, 0), Buffer.from('requestsPerMinute')]),
    'data/seed.json': `${seed.join('\n')}\n`,
    'data/ids.txt': `${BACKTRACKING_LINE}\n`,
    // Within the tree: fine to follow.
    'src/limits/defaults.ts': { symlink: 'config.ts' },
    // Out of the tree: absolute, and relative past the root.
    'docs/passwd': { symlink: '/etc/passwd' },
    'docs/outside.md': { symlink: '../../outside.txt' },
    // Within the tree, but to a secret.
    'src/env': { symlink: '../.env' },
  }
}

/** Every file of the fixture, committed and generated, for the fake GitHub (no .git, which GitHub never serves). */
export async function exploreRepoFiles(): Promise<Record<string, string | Buffer | FakeFile>> {
  const files: Record<string, string | Buffer | FakeFile> = {}
  for (const path of await committedPaths()) files[path] = await readFile(join(EXPLORE_REPO_DIR, ...path.split('/')))
  for (const [path, file] of Object.entries(generatedFiles())) files[path] = file
  return files
}

async function committedPaths(): Promise<string[]> {
  const entries = await readdir(EXPLORE_REPO_DIR, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(EXPLORE_REPO_DIR, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

export interface GitSetup {
  /** `[remote "origin"] url`; default https://github.com/octo-org/quota-api. */
  remoteUrl?: string
  /** The content of .git/HEAD; default `ref: refs/heads/main`. */
  head?: string
  /** Loose refs, by name (refs/heads/main, refs/remotes/origin/main); default main at COMMIT. */
  refs?: Record<string, string>
  /** The content of .git/packed-refs. */
  packedRefs?: string
}

export const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b'

export interface Materialized {
  /** The checkout's root (the "GITHUB_WORKSPACE"). */
  root: string
  /** The temporary directory holding it, and the file outside the tree that a link points to. */
  parent: string
  cleanup(): Promise<void>
}

/**
 * Writes the fixture to a temporary directory as a checkout: the committed files, the generated ones,
 * `outside.txt` next to the root (where `docs/outside.md` leads), and a `.git` directory unless `git`
 * is false.
 */
export async function materializeExploreRepo(git: GitSetup | false = {}): Promise<Materialized> {
  const parent = await mkdtemp(join(tmpdir(), 'explore-repo-'))
  const root = join(parent, EXPLORE_REPO)
  await cp(EXPLORE_REPO_DIR, root, { recursive: true })
  for (const [path, file] of Object.entries(generatedFiles())) {
    const target = join(root, ...path.split('/'))
    await mkdir(dirname(target), { recursive: true })
    if (typeof file === 'object' && !Buffer.isBuffer(file)) await symlink(file.symlink, target)
    else await writeFile(target, file)
  }
  await writeFile(join(parent, 'outside.txt'), `${SECRET}-outside: this file is outside the repository.\n`)
  if (git !== false) await writeGitDirectory(root, git)
  return { root, parent, cleanup: () => rm(parent, { recursive: true, force: true }) }
}

/** A `.git` directory as actions/checkout leaves it: HEAD, config with the origin remote, refs. */
export async function writeGitDirectory(root: string, git: GitSetup = {}): Promise<void> {
  const dir = join(root, '.git')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'HEAD'), `${git.head ?? 'ref: refs/heads/main'}\n`)
  await writeFile(
    join(dir, 'config'),
    [
      '[core]',
      '\trepositoryformatversion = 0',
      '\tbare = false',
      '[remote "origin"]',
      `\turl = ${git.remoteUrl ?? `https://github.com/${EXPLORE_OWNER}/${EXPLORE_REPO}`}`,
      '\tfetch = +refs/heads/main:refs/remotes/origin/main',
      '[branch "main"]',
      '\tremote = origin',
      '\tmerge = refs/heads/main',
      // What actions/checkout writes with persist-credentials: never to be shown anywhere.
      '[http "https://github.com/"]',
      `\textraheader = AUTHORIZATION: basic ${Buffer.from(`x-access-token:${SECRET}-token`).toString('base64')}`,
      '',
    ].join('\n'),
  )
  for (const [name, sha] of Object.entries(git.refs ?? { 'refs/heads/main': COMMIT })) {
    const path = join(dir, ...name.split('/'))
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, `${sha}\n`)
  }
  if (git.packedRefs !== undefined) await writeFile(join(dir, 'packed-refs'), git.packedRefs)
}
