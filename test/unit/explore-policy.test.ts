import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/inputs.ts'
import { compileGlob } from '../../src/planners/llm/explore/glob.ts'
import { checkPath, createPolicy, credentialRefusal, isExcluded, parseExcludeInput, refusal, secretKind, shownPath } from '../../src/planners/llm/explore/policy.ts'

describe('checkPath', () => {
  it.each([
    ['src/limits/config.ts', 'src/limits/config.ts'],
    ['./src/limits/', 'src/limits'],
    ['src//limits/./config.ts', 'src/limits/config.ts'],
    ['', ''],
    ['.', ''],
    ['  docs/architecture.md  ', 'docs/architecture.md'],
    ['.github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['src/..hidden', 'src/..hidden'],
  ])('accepts %j as %j', (input, path) => {
    expect(checkPath(input)).toEqual({ ok: true, path })
  })

  it.each([
    ['../../etc/passwd', /`\.\.` is not allowed/],
    ['src/../../x', /`\.\.` is not allowed/],
    ['..', /`\.\.` is not allowed/],
    ['/etc/passwd', /Absolute paths are not allowed/],
    ['~/.ssh/id_rsa', /Absolute paths are not allowed/],
    ['C:/Windows/win.ini', /Absolute paths are not allowed/],
    ['..\\..\\etc\\passwd', /forward slashes/],
    ['.git/config', /Nothing under `\.git\/`/],
    ['src/.GIT/HEAD', /Nothing under `\.git\/`/],
    ['.git', /Nothing under `\.git\/`/],
    ['src/\u0000x', /control characters/],
    ['src\nREADME.md', /control characters/],
  ])('refuses %j with a message', (input, message) => {
    const checked = checkPath(input)
    expect(checked.ok).toBe(false)
    if (!checked.ok) expect(checked.message).toMatch(message)
  })
})

describe('secret-looking files', () => {
  it.each([
    '.env',
    '.env.local',
    '.env.production',
    'config/.env',
    '.envrc',
    'deploy/server.pem',
    'certs/Server.KEY',
    'keystore.p12',
    'id_rsa',
    'home/.ssh/id_rsa.pub',
    'id_ed25519',
    '.netrc',
    '.git-credentials',
  ])('%s is never read', (path) => {
    expect(secretKind(path)).not.toBeNull()
    expect(refusal(createPolicy(), path)).toMatch(/never read/)
  })

  it.each(['src/env.ts', 'environment.md', 'docs/keys.md', 'src/monkey.ts', 'package.json', 'pem/readme.md'])('%s is an ordinary file', (path) => {
    expect(secretKind(path)).toBeNull()
    expect(refusal(createPolicy(), path)).toBeNull()
  })

  it('refuses an .npmrc (or a Yarn or PyPI config) only when it holds a token or a password', () => {
    expect(credentialRefusal('.npmrc', '//registry.npmjs.org/:_authToken=abc\n')).toMatch(/holds credentials/)
    expect(credentialRefusal('sub/.npmrc', '_auth = dXNlcjpwYXNz\n')).toMatch(/holds credentials/)
    expect(credentialRefusal('.yarnrc.yml', 'npmAuthToken: abc\n')).toMatch(/holds credentials/)
    expect(credentialRefusal('.pypirc', '[pypi]\npassword = hunter2\n')).toMatch(/holds credentials/)
    expect(credentialRefusal('.npmrc', 'engine-strict=true\nsave-exact=true\n')).toBeNull()
    // Other files may mention tokens freely.
    expect(credentialRefusal('src/auth.ts', 'const token = read()\n')).toBeNull()
  })
})

describe('exclude', () => {
  it('hides paths matching a glob, and everything under a matching folder', () => {
    const policy = createPolicy(['secrets/', '*.sql', 'config/prod/**', 'docs/internal-*.md'])
    expect(isExcluded(policy, 'secrets')).toBe(true)
    expect(isExcluded(policy, 'secrets/a/b.txt')).toBe(true)
    expect(isExcluded(policy, 'db/dump.sql')).toBe(true)
    expect(isExcluded(policy, 'config/prod/app.yml')).toBe(true)
    expect(isExcluded(policy, 'docs/internal-roadmap.md')).toBe(true)
    expect(isExcluded(policy, 'config/dev/app.yml')).toBe(false)
    expect(isExcluded(policy, 'docs/architecture.md')).toBe(false)
    expect(refusal(policy, 'db/dump.sql')).toMatch(/excluded by the `exclude` input/)
  })

  it('reads the input: one glob a line or comma-separated, comments and blanks skipped, braces kept whole', () => {
    expect(parseExcludeInput('secrets/**\n# private\n\n*.sql, docs/*.{pdf,docx}\n')).toEqual(['secrets/**', '*.sql', 'docs/*.{pdf,docx}'])
    expect(parseExcludeInput('')).toEqual([])
  })

  it('refuses negations and globs that leave the repository, naming the input', () => {
    expect(() => parseExcludeInput('*.sql\n!keep.sql')).toThrow(InputError)
    expect(() => parseExcludeInput('!keep.sql')).toThrow(/Input `exclude`.*negations/)
    expect(() => parseExcludeInput('../other/**')).toThrow(/Input `exclude`.*leaves the repository/)
  })
})

describe('globs', () => {
  it.each([
    ['*.ts', 'src/limits/config.ts', true],
    ['*.ts', 'README.md', false],
    ['config.ts', 'src/limits/config.ts', true],
    ['src/*.ts', 'src/index.ts', true],
    ['src/*.ts', 'src/limits/config.ts', false],
    ['src/**/*.ts', 'src/limits/config.ts', true],
    ['src/**/*.ts', 'src/index.ts', true],
    ['/src/**', 'src/a/b/c', true],
    ['**/routes/*.ts', 'src/routes/users.ts', true],
    ['*.{yml,yaml}', '.github/workflows/ci.yml', true],
    ['test?.ts', 'test1.ts', true],
    ['test?.ts', 'test/1.ts', false],
    ['[a-c]*.md', 'docs/architecture.md', true],
    ['[!a-c]*.md', 'docs/architecture.md', false],
    ['[unclosed', '[unclosed', true],
    ['*', '.env', true],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(compileGlob(pattern).matches(path)).toBe(expected)
  })

  it('matches in time proportional to the input, whatever the pattern (no backtracking blow-up)', () => {
    const pattern = `${'*a'.repeat(30)}b`
    const path = 'a'.repeat(200)
    // Exponential matching would not finish; the answer itself is what is checked.
    expect(compileGlob(pattern).matches(path)).toBe(false)
    expect(compileGlob('**/**/**/**/**/**/**/**/z').matches(`${'d/'.repeat(60)}y`)).toBe(false)
  })
})

describe('shownPath', () => {
  it('keeps a path on one line, without backticks, and short', () => {
    expect(shownPath('a`b\nc')).toBe('a?b?c')
    expect(shownPath('')).toBe('.')
    expect(shownPath('x'.repeat(300))).toHaveLength(200)
  })
})
