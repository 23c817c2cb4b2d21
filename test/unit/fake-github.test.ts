// Proves the fake GitHub is faithful: it refuses what GitHub refuses, pages like GitHub, and every
// answer it gives fits GitHub's own OpenAPI description. Driven with plain fetch and with the
// Octokit client the action uses, so real client requests are known to validate.
import { fileURLToPath } from 'node:url'
import { getOctokit } from '@actions/github'
import { OpenAPIBackend } from 'openapi-backend'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BODY_LIMIT, FakeGitHub, MAX_SUB_ISSUE_LEVELS, MAX_SUB_ISSUES, fakeUser, validationError } from '../support/fake-github.ts'
import { SPEC_PATH, loadGitHubApi } from '../support/fake-github-openapi.ts'
import { routes } from '../support/fake-github-routes.ts'

const REPO = '/repos/octo-org/octo-repo'
const owner = 'octo-org'
const repo = 'octo-repo'

let github: FakeGitHub

beforeEach(async () => {
  github = await FakeGitHub.start()
})

afterEach(async () => {
  await github.close()
})

function call(method: string, path: string, body?: unknown, authorization: string | null = 'token test-token'): Promise<Response> {
  return fetch(`${github.url}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(authorization === null ? {} : { authorization }),
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T
}

const octokit = () => getOctokit('test-token', { baseUrl: github.url })

/** Parses a Link header into rel → URL. */
function links(response: Response): Record<string, string> {
  const header = response.headers.get('link') ?? ''
  return Object.fromEntries([...header.matchAll(/<([^>]+)>; rel="(\w+)"/g)].map(([, url, rel]) => [rel, url]))
}

describe('contract', () => {
  it('ships a trimmed description that is valid OpenAPI', async () => {
    await expect(new OpenAPIBackend({ definition: fileURLToPath(SPEC_PATH), strict: true, validate: false }).init()).resolves.toBeDefined()
  })

  it('handles exactly the operations the description holds', async () => {
    const api = await loadGitHubApi()
    const documented = api.router.getOperations().map((op) => op.operationId)
    expect(documented.sort()).toEqual(Object.keys(routes).sort())
  })

  it('serves issue, comment, comment list and repository shapes that validate against the description', async () => {
    const api = await loadGitHubApi()
    const issue = github.addIssue({ title: 'Shape', body: 'text', labels: ['bug'], assignees: [fakeUser('hubot')] })
    github.addIssue({ title: 'PR', pull_request: {}, state: 'closed' })
    github.addComment(issue.number, { body: 'hello' })
    const cases: Array<[string, string]> = [
      [`${REPO}/issues/1`, 'issues/get'],
      [`${REPO}/issues/2`, 'issues/get'],
      [`${REPO}/issues/1/comments`, 'issues/list-comments'],
      [`${REPO}/issues/comments/${github.comments(1)[0]!.id}`, 'issues/get-comment'],
      [REPO, 'repos/get'],
    ]
    for (const [path, operationId] of cases) {
      const response = await call('GET', path)
      expect(response.status, path).toBe(200)
      expect(api.validator.validateResponse(await response.json(), operationId, 200).errors, path).toBeNull()
    }
  })

  it('refuses to send a response the real API could not send', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    github.repository = { ...github.repository, default_branch: 42 as unknown as string }
    const response = await call('GET', REPO)
    expect(report).toHaveBeenCalledOnce()
    report.mockRestore()
    expect(response.status).toBe(500)
    expect((await json(response)).message).toMatch(/200 response to repos\/get breaks GitHub's OpenAPI description/)
    expect(github.requests.at(-1)).toMatchObject({ operationId: 'repos/get', status: 500 })
  })

  it('sends the headers GitHub sends', async () => {
    const response = await call('GET', REPO)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]+$/)
    expect(Number(response.headers.get('x-ratelimit-limit'))).toBeGreaterThan(0)
    expect(Number(response.headers.get('x-ratelimit-remaining'))).toBe(Number(response.headers.get('x-ratelimit-limit')) - 1)
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000)
    expect(response.headers.get('x-ratelimit-used')).toBe('1')
  })
})

describe('authentication', () => {
  it('refuses requests without a token or with the wrong one', async () => {
    const missing = await call('GET', REPO, undefined, null)
    expect(missing.status).toBe(401)
    expect(await json(missing)).toMatchObject({ message: 'Requires authentication', status: '401' })

    const wrong = await call('GET', REPO, undefined, 'token nope')
    expect(wrong.status).toBe(401)
    expect(await json(wrong)).toMatchObject({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' })

    expect(github.requests.map((r) => r.status)).toEqual([401, 401])
  })

  it('accepts the token as `token` or `Bearer`', async () => {
    expect((await call('GET', REPO, undefined, 'Bearer test-token')).status).toBe(200)
    expect((await call('GET', REPO, undefined, 'token test-token')).status).toBe(200)
  })
})

describe('routing', () => {
  it('answers unknown routes, trailing slashes, unsupported methods and other repositories with 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', `${REPO}/`],
      ['PUT', `${REPO}/issues/1`],
      ['GET', '/repos/someone/else'],
      ['GET', `${REPO}/issues/1`],
    ] as const) {
      const response = await call(method, path)
      expect(response.status, `${method} ${path}`).toBe(404)
      expect(await json(response)).toMatchObject({ message: 'Not Found', status: '404' })
    }
    expect(github.requests.map((r) => r.operationId)).toEqual([null, null, null, 'repos/get', 'issues/get'])
  })

  it('matches owner and repository names case-insensitively', async () => {
    expect((await call('GET', '/repos/Octo-Org/OCTO-REPO')).status).toBe(200)
  })

  it('records each request with its operation and the status sent', async () => {
    github.addIssue({ title: 'x' })
    await call('POST', `${REPO}/issues/1/comments`, { body: 'hi' })
    expect(github.requests).toEqual([
      {
        method: 'POST',
        path: `${REPO}/issues/1/comments`,
        query: {},
        body: { body: 'hi' },
        operationId: 'issues/create-comment',
        receivedAt: expect.any(Number),
        status: 201,
      },
    ])
    github.reset()
    expect(github.requests).toEqual([])
    expect(github.comments(1)).toHaveLength(1)
  })
})

describe('request validation', () => {
  beforeEach(() => {
    github.addIssue({ title: 'Parent' })
  })

  it('refuses a comment without a body, as GitHub words it', async () => {
    const response = await call('POST', `${REPO}/issues/1/comments`, { text: 'hi' })
    expect(response.status).toBe(422)
    expect(await json(response)).toEqual({
      message: 'Invalid request.\n\n"body" wasn\'t supplied.',
      errors: [{ field: 'body', code: 'missing_field', message: '"body" wasn\'t supplied.' }],
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422',
    })
    expect(github.requests.at(-1)).toMatchObject({ operationId: 'issues/create-comment', status: 422 })
    expect(github.comments(1)).toEqual([])
  })

  it('treats an empty body as an empty object', async () => {
    const response = await call('POST', `${REPO}/issues/1/comments`)
    expect(response.status).toBe(422)
    expect((await json(response)).message).toBe('Invalid request.\n\n"body" wasn\'t supplied.')
  })

  it('refuses a sub_issue_id sent as a string', async () => {
    const child = github.addIssue({ title: 'Child' })
    const response = await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: String(child.id) })
    expect(response.status).toBe(422)
    expect((await json(response)).message).toBe(`Invalid request.\n\nFor 'properties/sub_issue_id', "${child.id}" is not an integer.`)
    expect(github.subIssues(1)).toEqual([])
  })

  it('refuses values outside an enum and non-integer path parameters', async () => {
    const reaction = await call('POST', `${REPO}/issues/1/reactions`, { content: 'smile' })
    expect(reaction.status).toBe(422)
    expect((await json(reaction)).message).toMatch(/^Invalid request\.\n\nFor 'properties\/content', "smile" is not a member of \["\+1", /)

    const path = await call('GET', `${REPO}/issues/abc`)
    expect(path.status).toBe(422)
    expect((await json(path)).message).toBe(`Invalid request.\n\nFor 'issue_number', "abc" is not an integer.`)
  })

  it('answers malformed JSON with 400', async () => {
    const response = await call('POST', `${REPO}/issues/1/comments`, '{"body": ')
    expect(response.status).toBe(400)
    expect(await json(response)).toMatchObject({ message: 'Problems parsing JSON' })
  })

  it('refuses query parameters the operation does not document (GitHub ignores them; a client that sends one has a bug)', async () => {
    const response = await call('GET', `${REPO}?issue_number=1&per_page=2`)
    expect(response.status).toBe(422)
    expect(await json(response)).toEqual({
      message: 'Invalid request.\n\n"issue_number" is not a permitted key.\n"per_page" is not a permitted key.',
      errors: [
        { field: 'issue_number', code: 'invalid', message: '"issue_number" is not a permitted key.' },
        { field: 'per_page', code: 'invalid', message: '"per_page" is not a permitted key.' },
      ],
      documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository',
      status: '422',
    })
    expect(github.requests.at(-1)).toMatchObject({ operationId: 'repos/get', query: { issue_number: '1', per_page: '2' }, status: 422 })
    // Octokit sends every parameter a route does not use in the URL as a query parameter.
    await expect(octokit().rest.repos.get({ owner, repo, issue_number: 1 } as { owner: string; repo: string })).rejects.toMatchObject({ status: 422 })
    expect((await call('GET', `${REPO}/issues/1/comments?per_page=5&page=1`)).status).toBe(200)
  })
})

describe('issue comments', () => {
  beforeEach(() => {
    github.addIssue({ title: 'Busy issue' })
    for (let i = 1; i <= 75; i++) github.addComment(1, { body: `comment ${i}` })
  })

  it('pages 75 comments by 30 with GitHub-style Link headers', async () => {
    const first = await call('GET', `${REPO}/issues/1/comments`)
    const base = `${github.url}/repositories/${github.repository.id}/issues/1/comments`
    expect((await json<unknown[]>(first)).length).toBe(30)
    expect(first.headers.get('link')).toBe(`<${base}?page=2>; rel="next", <${base}?page=3>; rel="last"`)

    const second = await call('GET', `${REPO}/issues/1/comments?page=2`)
    expect((await json<Array<{ body: string }>>(second)).map((c) => c.body)[0]).toBe('comment 31')
    expect(second.headers.get('link')).toBe(
      `<${base}?page=1>; rel="prev", <${base}?page=3>; rel="next", <${base}?page=3>; rel="last", <${base}?page=1>; rel="first"`,
    )

    // Following GitHub's own link (addressed by repository id) keeps working.
    const third = await call('GET', new URL(links(second).next!).pathname + new URL(links(second).next!).search)
    const last = await json<Array<{ body: string; id: number }>>(third)
    expect(last.map((c) => c.body)).toEqual(Array.from({ length: 15 }, (_, i) => `comment ${61 + i}`))
    expect(Object.keys(links(third))).toEqual(['prev', 'first'])
    expect(last.map((c) => c.id)).toEqual([...last.map((c) => c.id)].sort((a, b) => a - b))
  })

  it('keeps per_page in the links and caps it at 100', async () => {
    const page = await call('GET', `${REPO}/issues/1/comments?per_page=50`)
    expect((await json<unknown[]>(page)).length).toBe(50)
    expect(links(page).next).toBe(`${github.url}/repositories/${github.repository.id}/issues/1/comments?per_page=50&page=2`)

    const capped = await call('GET', `${REPO}/issues/1/comments?per_page=500`)
    expect((await json<unknown[]>(capped)).length).toBe(75)
    expect(capped.headers.get('link')).toBeNull()
  })

  it('pages through Octokit', async () => {
    const comments = await octokit().paginate(octokit().rest.issues.listComments, { owner, repo, issue_number: 1 })
    expect(comments.map((c) => c.body)).toEqual(Array.from({ length: 75 }, (_, i) => `comment ${i + 1}`))
    expect(github.requests.map((r) => [r.operationId, r.status])).toEqual([
      ['issues/list-comments', 200],
      ['issues/list-comments', 200],
      ['issues/list-comments', 200],
    ])
  })
})

describe('writing comments', () => {
  beforeEach(() => {
    github.addIssue({ title: 'Plan me' })
  })

  it('creates comments as github-actions[bot] and reflects them in state', async () => {
    const { data, status, headers } = await octokit().rest.issues.createComment({ owner, repo, issue_number: 1, body: 'Plan' })
    expect(status).toBe(201)
    expect(data).toMatchObject({ body: 'Plan', author_association: 'NONE', user: { login: 'github-actions[bot]', type: 'Bot' } })
    expect(headers.location).toBe(data.url)
    expect(github.comments(1)).toEqual([data])
    expect(github.issue(1).comments).toBe(1)
  })

  it('accepts a body of exactly 65,536 characters and refuses one more', async () => {
    const tooLong = await call('POST', `${REPO}/issues/1/comments`, { body: 'x'.repeat(BODY_LIMIT + 1) })
    expect(tooLong.status).toBe(422)
    expect(await json(tooLong)).toEqual({
      message: 'Validation Failed',
      errors: [
        { resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' },
      ],
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '422',
    })
    expect((await call('POST', `${REPO}/issues/1/comments`, { body: 'x'.repeat(BODY_LIMIT) })).status).toBe(201)
    // The limit counts characters, not UTF-16 units: 65,536 emoji are 131,072 units.
    expect((await call('POST', `${REPO}/issues/1/comments`, { body: '🙂'.repeat(BODY_LIMIT) })).status).toBe(201)
  })

  it('applies the limit to comment edits and to issue bodies', async () => {
    const comment = github.addComment(1, { body: 'old', user: github.botUser })
    expect((await call('PATCH', `${REPO}/issues/comments/${comment.id}`, { body: 'x'.repeat(BODY_LIMIT + 1) })).status).toBe(422)

    const issue = await call('POST', `${REPO}/issues`, { title: 'Big', body: 'x'.repeat(BODY_LIMIT + 1) })
    expect(issue.status).toBe(422)
    expect((await json(issue)).errors).toEqual([
      { resource: 'Issue', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' },
    ])
    expect((await call('PATCH', `${REPO}/issues/1`, { body: 'x'.repeat(BODY_LIMIT + 1) })).status).toBe(422)
    expect(github.issue(1).body).toBeNull()
  })

  it('updates, reads and deletes comments of this repository only', async () => {
    const comment = github.addComment(1, { body: 'old', user: github.botUser })
    const updated = await call('PATCH', `${REPO}/issues/comments/${comment.id}`, { body: 'new' })
    expect(updated.status).toBe(200)
    expect(github.comments(1)[0]?.body).toBe('new')
    expect((await call('GET', `${REPO}/issues/comments/${comment.id}`)).status).toBe(200)
    expect((await call('PATCH', `${REPO}/issues/comments/12345`, { body: 'new' })).status).toBe(404)
    expect((await call('PATCH', `/repos/other/repo/issues/comments/${comment.id}`, { body: 'new' })).status).toBe(404)
    expect((await call('DELETE', `${REPO}/issues/comments/${comment.id}`)).status).toBe(204)
    expect(github.comments(1)).toEqual([])
  })

  it('refuses blank comments', async () => {
    const response = await call('POST', `${REPO}/issues/1/comments`, { body: '  ' })
    expect(response.status).toBe(422)
  })
})

describe('issues, labels and reactions', () => {
  it('creates and updates issues', async () => {
    const created = await octokit().rest.issues.create({ owner, repo, title: 'New', labels: ['plan'] })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({ number: 1, state: 'open', user: { login: 'github-actions[bot]' }, labels: [{ name: 'plan' }] })

    const closed = await octokit().rest.issues.update({
      owner,
      repo,
      issue_number: 1,
      state: 'closed',
      state_reason: 'not_planned',
      labels: [],
    })
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'not_planned', labels: [], closed_by: { login: 'github-actions[bot]' } })
    const reopened = await octokit().rest.issues.update({ owner, repo, issue_number: 1, state: 'open' })
    expect(reopened.data).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null })
  })

  it('manages labels repository-wide', async () => {
    github.addIssue({ title: 'x', labels: ['plan'] })
    const added = await octokit().rest.issues.addLabels({ owner, repo, issue_number: 1, labels: ['Plan', 'needs info'] })
    expect(added.data.map((l) => l.name)).toEqual(['plan', 'needs info'])
    expect((await octokit().rest.issues.getLabel({ owner, repo, name: 'needs info' })).data).toMatchObject({ color: 'ededed' })

    const missing = await call('DELETE', `${REPO}/issues/1/labels/bug`)
    expect(missing.status).toBe(404)
    expect(await json(missing)).toMatchObject({ message: 'Label does not exist' })
    const removed = await octokit().rest.issues.removeLabel({ owner, repo, issue_number: 1, name: 'needs info' })
    expect(removed.data.map((l) => l.name)).toEqual(['plan'])

    await expect(octokit().rest.issues.createLabel({ owner, repo, name: 'PLAN' })).rejects.toMatchObject({ status: 422 })
    expect((await octokit().rest.issues.createLabel({ owner, repo, name: 'bug', color: 'd73a4a' })).status).toBe(201)
  })

  it('answers a repeated reaction with 200', async () => {
    github.addIssue({ title: 'x' })
    const comment = github.addComment(1, { body: 'hi' })
    const first = await octokit().rest.reactions.createForIssueComment({ owner, repo, comment_id: comment.id, content: 'eyes' })
    const again = await octokit().rest.reactions.createForIssueComment({ owner, repo, comment_id: comment.id, content: 'eyes' })
    expect([first.status, again.status]).toEqual([201, 200])
    expect(again.data.id).toBe(first.data.id)
    expect((await octokit().rest.reactions.createForIssue({ owner, repo, issue_number: 1, content: 'rocket' })).status).toBe(201)
    expect(github.comments(1)[0]?.reactions).toMatchObject({ total_count: 1, eyes: 1 })
    expect(github.issue(1).reactions).toMatchObject({ total_count: 1, rocket: 1 })
  })
})

describe('sub-issues', () => {
  beforeEach(() => {
    github.addIssue({ title: 'Parent' })
    github.addIssue({ title: 'Child A' })
    github.addIssue({ title: 'Child B' })
  })

  it('adds sub-issues by id through Octokit and summarises them on the parent', async () => {
    const [a, b] = [github.issue(2), github.issue(3)]
    const added = await octokit().rest.issues.addSubIssue({ owner, repo, issue_number: 1, sub_issue_id: a.id })
    expect(added.status).toBe(201)
    await octokit().rest.issues.addSubIssue({ owner, repo, issue_number: 1, sub_issue_id: b.id })
    await octokit().rest.issues.update({ owner, repo, issue_number: 3, state: 'closed' })

    const listed = await octokit().rest.issues.listSubIssues({ owner, repo, issue_number: 1 })
    expect(listed.data.map((i) => i.number)).toEqual([2, 3])
    expect(github.issue(1).sub_issues_summary).toEqual({ total: 2, completed: 1, percent_completed: 50 })
    expect(github.issue(2).parent_issue_url).toBe(`${github.url}${REPO}/issues/1`)
    expect((await call('GET', `${REPO}/issues/2/parent`).then(json)).number).toBe(1)
    expect((await call('GET', `${REPO}/issues/1/parent`)).status).toBe(404)
  })

  it('refuses an issue number where the id belongs', async () => {
    const response = await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: 2 })
    expect(response.status).toBe(422)
    expect(await json(response)).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'sub_issue_id' }] })
  })

  it('refuses duplicates and second parents unless replace_parent is set', async () => {
    const a = github.issue(2)
    expect((await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: a.id })).status).toBe(201)
    expect((await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: a.id })).status).toBe(422)

    const secondParent = await call('POST', `${REPO}/issues/3/sub_issues`, { sub_issue_id: a.id })
    expect(secondParent.status).toBe(422)
    expect((await json(secondParent)).errors).toEqual([
      { resource: 'Issue', code: 'invalid', field: 'sub_issue_id', message: 'Sub issue may only have one parent' },
    ])

    expect((await call('POST', `${REPO}/issues/3/sub_issues`, { sub_issue_id: a.id, replace_parent: true })).status).toBe(201)
    expect(github.subIssues(1)).toEqual([])
    expect(github.subIssues(3).map((i) => i.number)).toEqual([2])
  })

  it(`refuses a parent's ${MAX_SUB_ISSUES + 1}st sub-issue`, async () => {
    const children = Array.from({ length: MAX_SUB_ISSUES + 1 }, (_, i) => github.addIssue({ title: `Task ${i}` }))
    for (const child of children.slice(0, MAX_SUB_ISSUES)) {
      expect((await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: child.id })).status).toBe(201)
    }
    const overflow = await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: children.at(-1)!.id })
    expect(overflow.status).toBe(422)
    expect(github.issue(1).sub_issues_summary?.total).toBe(MAX_SUB_ISSUES)

    const pages = await octokit().paginate(octokit().rest.issues.listSubIssues, { owner, repo, issue_number: 1, per_page: 100 })
    expect(pages).toHaveLength(MAX_SUB_ISSUES)
  })

  it(`refuses cycles and hierarchies deeper than ${MAX_SUB_ISSUE_LEVELS} levels`, async () => {
    const chain = [github.issue(1), ...Array.from({ length: MAX_SUB_ISSUE_LEVELS }, (_, i) => github.addIssue({ title: `Level ${i + 2}` }))]
    const link = (parent: { number: number }, child: { id: number }) =>
      call('POST', `${REPO}/issues/${parent.number}/sub_issues`, { sub_issue_id: child.id }).then((r) => r.status)
    for (let level = 1; level < MAX_SUB_ISSUE_LEVELS; level++) expect(await link(chain[level - 1]!, chain[level]!)).toBe(201)
    expect(await link(chain[MAX_SUB_ISSUE_LEVELS - 1]!, chain[MAX_SUB_ISSUE_LEVELS]!)).toBe(422)
    expect(await link(chain[2]!, chain[0]!)).toBe(422)
  })

  it('removes and reprioritizes sub-issues', async () => {
    const [a, b] = [github.issue(2), github.issue(3)]
    for (const child of [a, b]) await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: child.id })

    const moved = await call('PATCH', `${REPO}/issues/1/sub_issues/priority`, { sub_issue_id: b.id, before_id: a.id })
    expect(moved.status).toBe(200)
    expect(github.subIssues(1).map((i) => i.number)).toEqual([3, 2])
    const invalid = await call('PATCH', `${REPO}/issues/1/sub_issues/priority`, { sub_issue_id: b.id })
    expect(invalid.status).toBe(422)
    // This operation documents its 422 with plain-string errors.
    expect((await json(invalid)).errors).toEqual(['Either after_id or before_id must be specified, but not both'])

    expect((await call('DELETE', `${REPO}/issues/1/sub_issue`, { sub_issue_id: a.id })).status).toBe(200)
    expect(github.subIssues(1).map((i) => i.number)).toEqual([3])
    expect((await call('DELETE', `${REPO}/issues/1/sub_issue`, { sub_issue_id: a.id })).status).toBe(404)
  })

  it('can be switched off like an older GitHub Enterprise Server', async () => {
    github.disable('sub-issues')
    expect((await call('POST', `${REPO}/issues/1/sub_issues`, { sub_issue_id: github.issue(2).id })).status).toBe(404)
    expect((await call('GET', `${REPO}/issues/1/sub_issues`)).status).toBe(404)
    expect(github.issue(1)).not.toHaveProperty('sub_issues_summary')
  })
})

describe('issue dependencies', () => {
  beforeEach(() => {
    github.addIssue({ title: 'Blocked' })
    github.addIssue({ title: 'Blocker' })
  })

  it('adds blocked-by dependencies by issue id', async () => {
    const blocker = github.issue(2)
    expect((await call('POST', `${REPO}/issues/1/dependencies/blocked_by`, { issue_id: blocker.id })).status).toBe(201)
    const listed = await call('GET', `${REPO}/issues/1/dependencies/blocked_by`)
    expect((await json<Array<{ number: number }>>(listed)).map((i) => i.number)).toEqual([2])
    expect(github.issue(1).issue_dependencies_summary).toEqual({ blocked_by: 1, blocking: 0, total_blocked_by: 1, total_blocking: 0 })
    expect(github.blockedBy(1).map((i) => i.number)).toEqual([2])

    expect((await call('POST', `${REPO}/issues/1/dependencies/blocked_by`, { issue_id: 2 })).status).toBe(422)
    expect((await call('DELETE', `${REPO}/issues/1/dependencies/blocked_by/${blocker.id}`)).status).toBe(200)
    expect(github.blockedBy(1)).toEqual([])
  })

  it('can be switched off', async () => {
    github.disable('dependencies')
    expect((await call('GET', `${REPO}/issues/1/dependencies/blocked_by`)).status).toBe(404)
    expect(github.issue(1)).not.toHaveProperty('issue_dependencies_summary')
  })

  it('can be switched off while issues still report the summaries', async () => {
    github.disable('sub-issues', { keepSummaries: true })
    github.disable('dependencies', { keepSummaries: true })
    expect((await call('POST', `${REPO}/issues/1/dependencies/blocked_by`, { issue_id: github.issue(2).id })).status).toBe(404)
    expect((await call('GET', `${REPO}/issues/1/sub_issues`)).status).toBe(404)
    const served = await json(await call('GET', `${REPO}/issues/1`))
    expect(served).toMatchObject({ issue_dependencies_summary: { total_blocked_by: 0 }, sub_issues_summary: { total: 0 }, parent_issue_url: null })
  })
})

describe('injected failures', () => {
  it('fails the next matching requests, then recovers', async () => {
    github.addIssue({ title: 'x' })
    github.failNext({ operationId: 'issues/create-comment' }, 502, undefined, 2)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call('POST', `${REPO}/issues/1/comments`, { body: 'hi' })).status)
    expect(statuses).toEqual([502, 502, 201])
    expect(github.requests.map((r) => r.status)).toEqual([502, 502, 201])

    github.failNext({ method: 'get' }, 503, { message: 'Unavailable' })
    const failed = await call('GET', `${REPO}/issues/1`)
    expect([failed.status, await json(failed)]).toEqual([503, { message: 'Unavailable' }])
    expect(() => github.failNext({ operationId: 'issues/nope' }, 500)).toThrow(/no operation/)
  })

  it('fails only the requests a predicate picks, with GitHub\'s validation-error body', async () => {
    const comment = github.addComment(github.addIssue({ title: 'x' }).number, { body: 'first' })
    const refusal = validationError({ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long' })
    github.failNext({ operationId: 'issues/update-comment', when: (r) => (r.body as { body: string }).body.includes('final') }, 422, refusal, Infinity)
    const path = `${REPO}/issues/comments/${comment.id}`
    expect((await call('PATCH', path, { body: 'progress' })).status).toBe(200)
    const refused = await call('PATCH', path, { body: 'final plan' })
    expect([refused.status, await json(refused)]).toEqual([422, refusal])
    expect((await call('PATCH', path, { body: 'final again' })).status).toBe(422)
    expect(github.comments(1)[0]!.body).toBe('progress')
  })
})

describe('hooks for races', () => {
  it('tells a listener about each request once it was answered, and lets a reader edit a comment unrecorded', async () => {
    const comment = github.addComment(github.addIssue({ title: 'x' }).number, { body: '- [ ] one' })
    const served: string[] = []
    github.onServed((request) => {
      served.push(`${request.operationId} ${request.status}`)
      if (request.operationId === 'issues/get-comment') github.editComment(comment.id, '- [x] one')
    })
    const read = await json(await call('GET', `${REPO}/issues/comments/${comment.id}`))
    expect(read.body).toBe('- [ ] one')
    expect(github.comments(1)[0]!.body).toBe('- [x] one')
    expect(served).toEqual(['issues/get-comment 200'])
    expect(github.requests).toHaveLength(1)
  })
})

describe('repository data', () => {
  it('serves collaborator permissions from the map, 404 for strangers', async () => {
    github.setPermission('Maintainer', 'maintain')
    const { data } = await octokit().rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: 'maintainer' })
    expect(data).toMatchObject({
      permission: 'write',
      role_name: 'maintain',
      user: { login: 'maintainer', permissions: { maintain: true, admin: false } },
    })
    expect((await call('GET', `${REPO}/collaborators/stranger/permission`)).status).toBe(404)
  })

  it('serves the README base64-encoded, the languages and the tree', async () => {
    github.setReadme('# Title\n\nSome text that is long enough to wrap the base64 at sixty characters.\n')
    const readme = (await octokit().rest.repos.getReadme({ owner, repo })).data as { content: string; encoding: string }
    expect(readme.encoding).toBe('base64')
    expect(readme.content.split('\n').every((line) => line.length <= 60)).toBe(true)
    expect(Buffer.from(readme.content, 'base64').toString()).toContain('Some text')
    github.setReadme(null)
    expect((await call('GET', `${REPO}/readme`)).status).toBe(404)

    github.setLanguages({ Go: 100 })
    expect((await octokit().rest.repos.listLanguages({ owner, repo })).data).toEqual({ Go: 100 })

    github.setTree(['a.md', 'src/b.ts', 'src/lib/c.ts'])
    const top = (await octokit().rest.git.getTree({ owner, repo, tree_sha: 'main' })).data
    expect(top.tree.map((e) => [e.path, e.type])).toEqual([
      ['a.md', 'blob'],
      ['src', 'tree'],
    ])
    const all = (await octokit().rest.git.getTree({ owner, repo, tree_sha: 'main', recursive: '1' })).data
    expect(all.tree.map((e) => e.path)).toEqual(['a.md', 'src', 'src/b.ts', 'src/lib', 'src/lib/c.ts'])
    const src = (await octokit().rest.git.getTree({ owner, repo, tree_sha: top.tree[1]!.sha! })).data
    expect(src.tree.map((e) => e.path)).toEqual(['b.ts', 'lib'])
    expect((await call('GET', `${REPO}/git/trees/unknown`)).status).toBe(404)
  })

  it('serves file contents, directories and symbolic links like GitHub, and truncates long recursive trees', async () => {
    github.setFiles({
      'src/a.ts': 'export const a = 1\n',
      'src/bin.dat': new Uint8Array([0, 1, 2]),
      'src/link.ts': { symlink: 'a.ts' },
      'src/out': { symlink: '../../etc/passwd' },
    })
    const get = async (path: string) => (await octokit().rest.repos.getContent({ owner, repo, path, ref: 'main' })).data
    const file = (await get('src/a.ts')) as { type: string; path: string; encoding: string; content: string; size: number }
    expect(file).toMatchObject({ type: 'file', path: 'src/a.ts', encoding: 'base64', size: 19 })
    expect(Buffer.from(file.content, 'base64').toString()).toBe('export const a = 1\n')
    expect(Buffer.from(((await get('src/bin.dat')) as { content: string }).content, 'base64')).toEqual(Buffer.from([0, 1, 2]))
    // A link to a file of the repository is answered with that file; any other link as itself.
    expect(await get('src/link.ts')).toMatchObject({ type: 'file', path: 'src/a.ts' })
    expect(await get('src/out')).toMatchObject({ type: 'symlink', path: 'src/out', target: '../../etc/passwd' })
    expect(((await get('src')) as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([
      ['a.ts', 'file'],
      ['bin.dat', 'file'],
      ['link.ts', 'symlink'],
      ['out', 'symlink'],
    ])
    expect((await call('GET', `${REPO}/contents/src/nope.ts`)).status).toBe(404)
    expect((await call('GET', `${REPO}/contents/src/a.ts?ref=other-branch`)).status).toBe(404)

    const tree = (await octokit().rest.git.getTree({ owner, repo, tree_sha: 'main', recursive: 'true' })).data
    expect(tree.tree.find((e) => e.path === 'src/link.ts')).toMatchObject({ mode: '120000', type: 'blob' })
    expect(tree.truncated).toBe(false)
    github.truncateTree(2)
    const cut = (await octokit().rest.git.getTree({ owner, repo, tree_sha: 'main', recursive: 'true' })).data
    expect([cut.tree.length, cut.truncated]).toEqual([2, true])
    // Only recursive listings are cut, as on GitHub.
    expect((await octokit().rest.git.getTree({ owner, repo, tree_sha: 'main' })).data.truncated).toBe(false)
  })
})
