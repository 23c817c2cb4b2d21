import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type ExpectedRepository, inspectCheckout, parseRemoteUrl, remoteUrl } from '../../src/planners/llm/explore/checkout.ts'
import { COMMIT, EXPLORE_OWNER, EXPLORE_REPO, type GitSetup, type Materialized, materializeExploreRepo, SECRET, writeGitDirectory } from '../support/explore-repo.ts'

const expected: ExpectedRepository = { owner: EXPLORE_OWNER, repo: EXPLORE_REPO, defaultBranch: 'main', serverUrl: 'https://github.com' }
const OTHER_COMMIT = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'

let repo: Materialized | undefined
afterEach(async () => {
  await repo?.cleanup()
  repo = undefined
})

async function inspect(git: GitSetup | false, expectation: ExpectedRepository = expected) {
  repo = await materializeExploreRepo(git)
  return inspectCheckout(repo.root, expectation)
}

describe('inspectCheckout', () => {
  it('accepts a checkout of the repository on its default branch, reading .git as files', async () => {
    const result = await inspect({})
    expect(result).toEqual({
      usable: true,
      root: expect.stringContaining(EXPLORE_REPO),
      branch: 'main',
      commit: COMMIT,
      onDefaultBranch: true,
      description: `a checkout of octo-org/quota-api on branch main (commit ${COMMIT.slice(0, 7)})`,
      note: null,
    })
    // The credentials actions/checkout writes into .git/config never show.
    expect(JSON.stringify(result)).not.toContain(SECRET)
  })

  it.each([
    'https://github.com/Octo-Org/Quota-API.git',
    'https://x-access-token:abc@github.com/octo-org/quota-api',
    'git@github.com:octo-org/quota-api.git',
    'ssh://git@github.com:22/octo-org/quota-api',
    'https://github.com/octo-org/quota-api/',
  ])('matches the remote %s with the repository, case-insensitively', async (remoteUrl) => {
    expect(await inspect({ remoteUrl })).toMatchObject({ usable: true, branch: 'main' })
  })

  it('refuses a checkout of another repository, saying which', async () => {
    expect(await inspect({ remoteUrl: 'https://github.com/octo-org/other-api.git' })).toEqual({
      usable: false,
      reason: 'The checkout in GITHUB_WORKSPACE is of octo-org/other-api, not octo-org/quota-api.',
    })
  })

  it('refuses a same-named repository on another server', async () => {
    const result = await inspect({ remoteUrl: 'https://ghes.example.com/octo-org/quota-api.git' })
    expect(result).toEqual({ usable: false, reason: 'The checkout in GITHUB_WORKSPACE is of ghes.example.com/octo-org/quota-api, not octo-org/quota-api.' })
  })

  it('accepts any host when the server is not known', async () => {
    const { serverUrl: _serverUrl, ...anyServer } = expected
    expect(await inspect({ remoteUrl: 'https://ghes.example.com/octo-org/quota-api.git' }, anyServer)).toMatchObject({ usable: true })
  })

  it('refuses a workspace without .git, and says how to get a checkout', async () => {
    const result = await inspect(false)
    expect(result).toEqual({ usable: false, reason: expect.stringMatching(/no git checkout \(no \.git\); add actions\/checkout/) })
  })

  it('refuses a missing or unset workspace', async () => {
    expect(await inspectCheckout(undefined, expected)).toEqual({ usable: false, reason: expect.stringMatching(/GITHUB_WORKSPACE is not set/) })
    expect(await inspectCheckout(join(tmpdir(), 'no-such-workspace-for-explore'), expected)).toEqual({ usable: false, reason: 'GITHUB_WORKSPACE does not exist.' })
  })

  it('reports a detached HEAD at the default branch tip as the default branch', async () => {
    const result = await inspect({ head: COMMIT, refs: { 'refs/remotes/origin/main': COMMIT } })
    expect(result).toMatchObject({ usable: true, branch: null, commit: COMMIT, onDefaultBranch: true, note: null })
    expect(result.usable && result.description).toBe(`a checkout of octo-org/quota-api at commit ${COMMIT.slice(0, 7)}, the tip of main`)
  })

  it('reports a detached HEAD elsewhere, with a note that files may differ', async () => {
    const result = await inspect({ head: OTHER_COMMIT, refs: { 'refs/remotes/origin/main': COMMIT } })
    expect(result).toMatchObject({ usable: true, branch: null, commit: OTHER_COMMIT, onDefaultBranch: false })
    expect(result.usable && result.note).toBe(`The checkout is a detached commit (${OTHER_COMMIT.slice(0, 7)}), not the default branch main: its files may differ from main.`)
  })

  it('reports another branch, resolving its commit from packed-refs', async () => {
    const result = await inspect({ head: 'ref: refs/heads/feature/limits', refs: {}, packedRefs: `# pack-refs with: peeled fully-peeled sorted\n${OTHER_COMMIT} refs/heads/feature/limits\n` })
    expect(result).toMatchObject({ usable: true, branch: 'feature/limits', commit: OTHER_COMMIT, onDefaultBranch: false })
    expect(result.usable && result.note).toBe('The checkout is on branch feature/limits, not the default branch main: its files may differ from main.')
  })

  it('reads a .git file that points elsewhere (a worktree: own HEAD, shared config and refs)', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'explore-worktree-'))
    try {
      const common = join(parent, 'main-repo', '.git')
      await mkdir(common, { recursive: true })
      await writeGitDirectory(join(parent, 'main-repo'), { refs: { 'refs/heads/topic': OTHER_COMMIT } })
      const worktreeGit = join(common, 'worktrees', 'topic')
      await mkdir(worktreeGit, { recursive: true })
      await writeFile(join(worktreeGit, 'HEAD'), 'ref: refs/heads/topic\n')
      await writeFile(join(worktreeGit, 'commondir'), '../..\n')
      const workspace = join(parent, 'topic')
      await mkdir(workspace)
      await writeFile(join(workspace, '.git'), `gitdir: ${worktreeGit}\n`)
      expect(await inspectCheckout(workspace, expected)).toMatchObject({ usable: true, branch: 'topic', commit: OTHER_COMMIT, onDefaultBranch: false })
    } finally {
      await rm(parent, { recursive: true, force: true })
    }
  })

  it('refuses a checkout without an origin remote', async () => {
    repo = await materializeExploreRepo({})
    await writeFile(join(repo.root, '.git', 'config'), '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/octo-org/quota-api\n')
    expect(await inspectCheckout(repo.root, expected)).toEqual({ usable: false, reason: expect.stringMatching(/no `origin` remote/) })
  })
})

describe('remote URLs', () => {
  it('reads the url of the named remote only', () => {
    const config = '[remote "upstream"]\n\turl = https://github.com/a/b\n[remote "origin"]\n\tfetch = x\n\turl = "git@github.com:c/d.git"\n[branch "main"]\n\turl = nope\n'
    expect(remoteUrl(config, 'origin')).toBe('git@github.com:c/d.git')
    expect(remoteUrl(config, 'other')).toBeNull()
  })

  it.each([
    ['https://github.com/octo-org/quota-api.git', { host: 'github.com', owner: 'octo-org', repo: 'quota-api' }],
    ['git@GitHub.com:octo-org/quota-api', { host: 'github.com', owner: 'octo-org', repo: 'quota-api' }],
    ['ssh://git@ghes.example.com:2222/team/app.git', { host: 'ghes.example.com', owner: 'team', repo: 'app' }],
    ['git://github.com/octo-org/quota-api', { host: 'github.com', owner: 'octo-org', repo: 'quota-api' }],
    ['https://ghes.example.com/prefix/team/app', { host: 'ghes.example.com', owner: 'team', repo: 'app' }],
  ])('parses %s', (url, parsed) => {
    expect(parseRemoteUrl(url)).toEqual(parsed)
  })

  it.each(['/srv/git/quota-api', 'https://github.com/only-owner', 'not a url'])('finds no GitHub repository in %s', (url) => {
    expect(parseRemoteUrl(url)).toBeNull()
  })
})
