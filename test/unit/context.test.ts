import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { type IssueData, type RepositoryData, buildPlanRequest, requestSize } from '../../src/context/build.ts'
import { parseUserContext } from '../../src/context/user-context.ts'
import { InputError } from '../../src/inputs.ts'

/** `GET /repos/{owner}/{repo}` for a small service, trimmed to what the request reads (plus noise it must ignore). */
const repository: RepositoryData & Record<string, unknown> = {
  id: 7,
  full_name: 'acme/snip',
  description: 'URL shortener API',
  topics: ['url-shortener', 'fastify'],
  language: 'TypeScript',
  default_branch: 'main',
  html_url: 'https://github.com/acme/snip',
  stargazers_count: 12,
}

/** `GET /repos/{owner}/{repo}/issues/{n}`: labels may come back as objects (usual) or plain names. */
const restIssue = {
  number: 314,
  title: '  Redirects return 502 for links with a trailing space  ',
  body: [
    '### Describe the bug',
    '',
    '<!-- A clear and concise description of what the bug is. -->',
    'Short links whose destination was pasted with a trailing space redirect to a 502 page.',
    '',
    '### Logs',
    '',
    '```',
    'ERROR redirect: invalid Location header "https://example.com/pricing "',
    '```',
  ].join('\n'),
  html_url: 'https://github.com/acme/snip/issues/314',
  labels: [{ name: 'bug', color: 'd73a4a' }, { name: 'plan-me' }, 'priority: high', { name: null }, { name: '' }],
  state: 'open',
  user: { login: 'alice' },
}

/** The `issue` of a real `issues.labeled` webhook from @octokit/webhooks-examples (nullable fields included). */
function webhookExample(): { issue: IssueData; repository: RepositoryData } {
  const require = createRequire(import.meta.url)
  const file = require.resolve('@octokit/webhooks-examples')
  const definitions = JSON.parse(readFileSync(file, 'utf8')) as { name: string; examples: { action?: string; issue: IssueData; repository: RepositoryData }[] }[]
  const example = definitions.find((d) => d.name === 'issues')?.examples.find((e) => e.action === 'labeled')
  if (!example) throw new Error('no issues.labeled example in @octokit/webhooks-examples')
  return example
}

const build = (issue: IssueData, options: { userContext?: Record<string, unknown>; budget?: number; repo?: RepositoryData } = {}) =>
  buildPlanRequest({ issue, repository: options.repo ?? repository, userContext: options.userContext ?? {}, budget: options.budget ?? 16_000 })

describe('buildPlanRequest: fields', () => {
  it('builds the request from a REST issue: title trimmed, comments stripped, label names only', () => {
    const request = build(restIssue, { userContext: { environment: 'production' } })
    expect(request.issue).toEqual({
      number: 314,
      title: 'Redirects return 502 for links with a trailing space',
      body: [
        '### Describe the bug',
        '',
        'Short links whose destination was pasted with a trailing space redirect to a 502 page.',
        '',
        '### Logs',
        '',
        '```',
        'ERROR redirect: invalid Location header "https://example.com/pricing "',
        '```',
      ].join('\n'),
      url: 'https://github.com/acme/snip/issues/314',
      labels: ['bug', 'plan-me', 'priority: high'],
    })
    expect(request.repository).toEqual({
      fullName: 'acme/snip',
      description: 'URL shortener API',
      topics: ['url-shortener', 'fastify'],
      language: 'TypeScript',
      defaultBranch: 'main',
      url: 'https://github.com/acme/snip',
    })
    expect(request.userContext).toEqual({ environment: 'production' })
    expect(request.notes).toEqual([])
  })

  it('builds the request from a webhook issue and a webhook repository with null fields', () => {
    const { issue, repository: repo } = webhookExample()
    const request = build(issue, { repo })
    expect(request.issue.number).toBe(issue.number)
    expect(request.issue.title).toBe(issue.title.trim())
    expect(request.issue.body).toBe((issue.body ?? '').trim())
    expect(request.issue.url).toBe(issue.html_url)
    expect(request.issue.labels).toEqual(['bug'])
    expect(request.repository.fullName).toBe(repo.full_name)
    // null in the payload becomes an empty string, never "null" or undefined.
    expect(request.repository.description).toBe('')
    expect(request.repository.language).toBe('')
    expect(JSON.stringify(request)).not.toContain('null')
  })

  it('accepts an issue without a body or labels', () => {
    const request = build({ number: 5, title: 'Add dark mode', body: null, html_url: 'https://github.com/acme/snip/issues/5' })
    expect(request.issue.body).toBe('')
    expect(request.issue.labels).toEqual([])
  })

  it('keeps HTML comments that are shown as code', () => {
    const body = '<!-- template hint -->\nAdd `<!-- prettier-ignore -->` before generated tables.'
    const request = build({ ...restIssue, body })
    expect(request.issue.body).toBe('Add `<!-- prettier-ignore -->` before generated tables.')
  })
})

describe('buildPlanRequest: budget', () => {
  it('leaves a body that fits untouched and adds no notes', () => {
    const request = build(restIssue, { budget: 16_000 })
    expect(request.issue.body).toContain('Short links whose destination')
    expect(request.issue.body).not.toContain('were not sent')
    expect(request.notes).toEqual([])
    expect(requestSize(request)).toBeLessThanOrEqual(16_000)
  })

  it('cuts a 100 KB body so the whole request fits the budget, and says so in a note', () => {
    const line = 'Stack frame: at handleRedirect (src/routes/redirect.ts:42:13) "quoted" \\ path\n'
    const body = line.repeat(Math.ceil(100_000 / line.length))
    expect(body.length).toBeGreaterThanOrEqual(100_000)
    const budget = 16_000
    const request = build({ ...restIssue, body }, { budget })

    expect(requestSize(request)).toBeLessThanOrEqual(budget)
    // Most of the budget still goes to the body: it was cut, not dropped.
    expect(request.issue.body.length).toBeGreaterThan(budget / 2)
    expect(body.startsWith(request.issue.body.split('\n\n[…')[0]!)).toBe(true)
    expect(request.issue.body).toMatch(/\[… [\d,]+ more characters of the issue body were not sent\]$/)
    expect(request.notes).toHaveLength(1)
    expect(request.notes[0]).toContain('`context-budget`')
    expect(request.notes[0]).toContain('16,000')
  })

  it('fits a small budget too, keeping the title and repository whole', () => {
    const request = build({ ...restIssue, body: 'x'.repeat(50_000) }, { budget: 5_000 })
    expect(requestSize(request)).toBeLessThanOrEqual(5_000)
    expect(request.issue.title).toBe('Redirects return 502 for links with a trailing space')
    expect(request.repository.fullName).toBe('acme/snip')
    expect(request.notes[0]).toContain('of 50,000 characters')
  })

  it('cuts an oversized workflow context to a text excerpt, with a note naming the `context` input', () => {
    const userContext = {
      environment: 'production',
      runbook: Array.from({ length: 400 }, (_, i) => `Step ${i + 1}: check the dashboard panel ${i} and page the on-call if red`).join('\n'),
    }
    const budget = 16_000
    const request = build(restIssue, { userContext, budget })

    expect(Object.keys(request.userContext)).toEqual(['text'])
    const text = request.userContext.text as string
    expect(text.startsWith('environment: production')).toBe(true)
    expect(text.length).toBeLessThanOrEqual(budget / 2)
    expect(requestSize(request)).toBeLessThanOrEqual(budget)
    // The issue body is the more important part and survives whole.
    expect(request.issue.body).toContain('Short links whose destination')
    expect(request.notes).toHaveLength(1)
    expect(request.notes[0]).toContain('`context`')
  })

  it('cuts both an oversized context and an oversized body and still fits', () => {
    const userContext = { services: Array.from({ length: 2_000 }, (_, i) => `service-${i}`) }
    const request = build({ ...restIssue, body: 'Lorem ipsum dolor sit amet.\n'.repeat(4_000) }, { userContext, budget: 12_000 })
    expect(requestSize(request)).toBeLessThanOrEqual(12_000)
    expect(request.notes).toHaveLength(2)
    expect(request.notes.join('\n')).toContain('`context`')
    expect(request.notes.join('\n')).toContain('`context-budget`')
  })
})

describe('parseUserContext', () => {
  function inputErrorOf(raw: string): InputError {
    try {
      parseUserContext(raw)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return error as InputError
    }
    throw new Error('expected an InputError, but nothing was thrown')
  }

  it('reads a YAML mapping with nested values', () => {
    const raw = ['environment: production', 'service_name: snip-api', 'constraints:', '  - no downtime', '  - finish before the 1.0 release', 'replicas: 3'].join('\n')
    expect(parseUserContext(raw)).toEqual({
      environment: 'production',
      service_name: 'snip-api',
      constraints: ['no downtime', 'finish before the 1.0 release'],
      replicas: 3,
    })
  })

  it('reads a JSON mapping', () => {
    expect(parseUserContext('{"environment": "staging", "current_setup": {"db": "postgres 15"}}')).toEqual({
      environment: 'staging',
      current_setup: { db: 'postgres 15' },
    })
  })

  it.each(['', '   \n  ', '# only a comment', 'null', '~'])('reads %j as no context', (raw) => {
    expect(parseUserContext(raw)).toEqual({})
  })

  it('rejects invalid YAML with an InputError naming `context`', () => {
    const error = inputErrorOf('environment: [production\nteam: {core')
    expect(error.message).toContain('`context`')
    expect(error.message).toMatch(/not valid YAML or JSON/)
    expect(error.message).not.toContain('\n')
  })

  it('rejects a list, saying it got a list', () => {
    const error = inputErrorOf('- production\n- staging')
    expect(error.message).toContain('`context`')
    expect(error.message).toContain('a list')
  })

  it.each([
    ['production', 'a string'],
    ['42', 'a number'],
    ['true', 'a boolean'],
  ])('rejects the scalar %j, saying it got %s', (raw, kind) => {
    const error = inputErrorOf(raw)
    expect(error.message).toContain('`context`')
    expect(error.message).toContain(kind)
    expect(error.message).toContain('mapping')
  })
})
