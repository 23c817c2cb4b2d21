import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IssueRef } from '../../src/publish/comment.ts'
import { syncNeedsInfoLabel } from '../../src/publish/labels.ts'
import { FakeGitHub } from '../support/fake-github.ts'

const LABEL = 'needs-info'

let fake: FakeGitHub
let octokit: ReturnType<typeof getOctokit>

beforeEach(async () => {
  fake = await FakeGitHub.start({ token: 't' })
  octokit = getOctokit('t', { baseUrl: fake.url })
})

afterEach(async () => {
  await fake.close()
})

/** Adds an issue with these labels and returns its reference and the label names as read at the start. */
function issueWith(labels: string[]): { ref: IssueRef; labels: string[] } {
  const issue = fake.addIssue({ title: 'Rate-limit the public API', labels })
  return { ref: { owner: 'octo-org', repo: 'octo-repo', issue_number: issue.number }, labels: issue.labels.map((l) => l.name) }
}

const labelsOf = (n: number): string[] => fake.issue(n).labels.map((l) => l.name)
const calls = (): [string | null, number][] => fake.requests.map((r) => [r.operationId, r.status])

describe('syncNeedsInfoLabel: the planner asked for detail', () => {
  it('creates the label with a colour and description when the repository lacks it, then adds it', async () => {
    const { ref, labels } = issueWith(['plan-me'])
    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, true)

    expect(calls()).toEqual([
      ['issues/create-label', 201],
      ['issues/add-labels', 200],
    ])
    expect(fake.requests[0]!.body).toMatchObject({ name: LABEL, color: expect.stringMatching(/^[0-9a-f]{6}$/i), description: expect.any(String) })
    expect((fake.requests[0]!.body as { description: string }).description.length).toBeGreaterThan(10)
    expect(fake.requests[1]!.body).toEqual({ labels: [LABEL] })
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me', LABEL])
    const created = fake.issue(ref.issue_number).labels.find((l) => l.name === LABEL)
    expect(created?.description).toBeTruthy()
  })

  it('adds the label when the repository already has it, tolerating the 422 from creating it', async () => {
    const existing = fake.addLabel({ name: LABEL, color: '0e8a16', description: 'Waiting on the author' })
    const { ref, labels } = issueWith(['plan-me'])
    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, true)

    expect(calls()).toEqual([
      ['issues/create-label', 422],
      ['issues/add-labels', 200],
    ])
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me', LABEL])
    // The repository's own label is used as it is, not recoloured or duplicated.
    expect(fake.issue(ref.issue_number).labels.find((l) => l.name === LABEL)).toMatchObject({ id: existing.id, color: '0e8a16', description: 'Waiting on the author' })
  })

  it('makes no request when the issue already has the label (names compare case-insensitively)', async () => {
    const { ref, labels } = issueWith(['plan-me', 'Needs-Info'])
    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, true)
    expect(fake.requests).toEqual([])
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me', 'Needs-Info'])
  })

  it('passes on failures other than "already exists"', async () => {
    const { ref, labels } = issueWith([])
    fake.failNext({ operationId: 'issues/create-label' }, 403)
    await expect(syncNeedsInfoLabel(octokit, ref, LABEL, labels, true)).rejects.toMatchObject({ status: 403 })
    expect(labelsOf(ref.issue_number)).toEqual([])
  })
})

describe('syncNeedsInfoLabel: a plan was made', () => {
  it('removes the label from the issue, leaving the repository label and the others', async () => {
    const { ref, labels } = issueWith(['plan-me', LABEL])
    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, false)

    expect(calls()).toEqual([['issues/remove-label', 200]])
    expect(fake.requests[0]!.path).toBe(`/repos/octo-org/octo-repo/issues/${ref.issue_number}/labels/${LABEL}`)
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me'])
  })

  it('tolerates the label having been removed since the labels were read (404)', async () => {
    const { ref, labels } = issueWith(['plan-me', LABEL])
    await octokit.rest.issues.removeLabel({ ...ref, name: LABEL })
    fake.reset()

    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, false)
    expect(calls()).toEqual([['issues/remove-label', 404]])
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me'])
  })

  it('makes no request when the issue does not have the label', async () => {
    fake.addLabel({ name: LABEL })
    const { ref, labels } = issueWith(['plan-me'])
    await syncNeedsInfoLabel(octokit, ref, LABEL, labels, false)
    expect(fake.requests).toEqual([])
  })
})

describe('syncNeedsInfoLabel: disabled', () => {
  it.each([true, false])('an empty label name makes no request (needs info: %s)', async (needsInfo) => {
    const { ref, labels } = issueWith(['plan-me', LABEL])
    await syncNeedsInfoLabel(octokit, ref, '', labels, needsInfo)
    expect(fake.requests).toEqual([])
    expect(labelsOf(ref.issue_number)).toEqual(['plan-me', LABEL])
  })
})
