import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitHub } from '../../src/github/client.ts'
import { getRepository, loadIssue } from '../../src/github/read.ts'
import { FakeGitHub } from '../support/fake-github.ts'

let fake: FakeGitHub
beforeEach(async () => {
  fake = await FakeGitHub.start({ token: 't' })
  fake.addIssue({ title: 'Plan me' })
})
afterEach(async () => fake.close())

// The pipeline holds an issue ref; the repository read must not carry its issue_number along.
const ref = { owner: 'octo-org', repo: 'octo-repo', issue_number: 1 }

describe('reads', () => {
  it('reads the repository with an issue ref, sending only the declared parameters', async () => {
    const repository = await getRepository(createGitHub('t', () => {}, fake.url), ref)
    expect(repository.full_name).toBe('octo-org/octo-repo')
    expect(fake.requests.map((r) => [r.operationId, r.query, r.status])).toEqual([['repos/get', {}, 200]])
  })

  it('reads the issue with only the declared parameters', async () => {
    const issue = await loadIssue(createGitHub('t', () => {}, fake.url), { ...ref, extra: 'x' } as typeof ref, undefined)
    expect(issue.title).toBe('Plan me')
    expect(fake.requests.map((r) => [r.operationId, r.query, r.status])).toEqual([['issues/get', {}, 200]])
  })
})
