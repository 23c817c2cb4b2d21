import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitHub } from '../../src/github/client.ts'
import { FakeGitHub } from '../support/fake-github.ts'

let fake: FakeGitHub
beforeEach(async () => {
  fake = await FakeGitHub.start({ token: 't' })
  fake.addIssue({ title: 'x' })
})
afterEach(async () => fake.close())

describe('createGitHub', () => {
  it('waits out a secondary rate limit (403 with retry-after) and retries, as the throttling plugin does', async () => {
    const log: string[] = []
    const octokit = createGitHub('t', (m) => log.push(m), fake.url)
    fake.failNext({ operationId: 'issues/create-comment', headers: { 'retry-after': '1' } }, 403, {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    })
    const { data } = await octokit.rest.issues.createComment({ owner: 'octo-org', repo: 'octo-repo', issue_number: 1, body: 'hello' })
    expect(data.body).toBe('hello')
    expect(fake.requests.filter((r) => r.operationId === 'issues/create-comment').map((r) => r.status)).toEqual([403, 201])
    expect(log.join('\n')).toMatch(/secondary rate limit on POST .*retrying in 1 s/)
  })

  it('retries a transient 502 and gives up on a 404', async () => {
    const octokit = createGitHub('t', () => {}, fake.url)
    fake.failNext({ operationId: 'repos/get' }, 502)
    const { data } = await octokit.rest.repos.get({ owner: 'octo-org', repo: 'octo-repo' })
    expect(data.full_name).toBe('octo-org/octo-repo')
    await expect(octokit.rest.issues.get({ owner: 'octo-org', repo: 'octo-repo', issue_number: 99 })).rejects.toMatchObject({ status: 404 })
    expect(fake.requests.filter((r) => r.operationId === 'issues/get')).toHaveLength(1)
  })
})
