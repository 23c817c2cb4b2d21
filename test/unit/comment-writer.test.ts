// The plan comment writer and the final write against the fake GitHub.
import { getOctokit } from '@actions/github'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitHub } from '../../src/github/client.ts'
import { PlanCommentWriter } from '../../src/publish/comment.ts'
import { type FinalComment, writeFinal } from '../../src/publish/final.ts'
import { FakeGitHub, type FakeComment, validationError } from '../support/fake-github.ts'

const ref = { owner: 'octo-org', repo: 'octo-repo', issue_number: 1 }
const TOO_LONG = validationError({ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' })

let fake: FakeGitHub
let comment: FakeComment

beforeEach(async () => {
  fake = await FakeGitHub.start({ token: 't' })
  fake.addIssue({ title: 'x' })
  comment = fake.addComment(1, { body: 'plan\n- [ ] one\n- [ ] two', user: fake.botUser })
})
afterEach(async () => fake.close())

/** `paced`: through the throttled, retrying client the action uses, which spaces writes a second apart. */
function writerFor(rereads: boolean, paced = false): PlanCommentWriter {
  const octokit = paced ? createGitHub('t', () => {}, fake.url) : getOctokit('t', { baseUrl: fake.url })
  return new PlanCommentWriter(octokit, ref, { id: comment.id, body: comment.body, html_url: comment.html_url }, { dryRun: false, rereads })
}
const operations = () => fake.requests.map((r) => `${r.method} ${r.operationId}`)
/** A banner above whatever the comment holds below its first line. */
const withBanner = (banner: string) => (current: string | null) => [banner, ...(current ?? '').split('\n').slice(1)].join('\n')

describe('PlanCommentWriter', () => {
  it('renders an edit from the comment as it is once the edit goes out, after the wait for GitHub’s write pacing', async () => {
    const writer = writerFor(true, true)
    await writer.write(withBanner('first'))
    // The next write waits about a second behind the first; the reader ticks a box meanwhile.
    const ticked = setTimeout(() => fake.editComment(comment.id, fake.comments(1)[0]!.body.replace('- [ ] two', '- [x] two')), 100)
    const written = await writer.write(withBanner('second'))
    clearTimeout(ticked)
    expect(written).toBe('second\n- [ ] one\n- [x] two')
    expect(fake.comments(1)[0]!.body).toBe(written)
    // Each edit is its own read, then the write, with no other request between them.
    expect(operations()).toEqual(['GET issues/get-comment', 'PATCH issues/update-comment', 'GET issues/get-comment', 'PATCH issues/update-comment'])
  })

  it('without rereads renders from the body it wrote last, reading nothing', async () => {
    const writer = writerFor(false)
    await writer.write(withBanner('first'))
    expect(await writer.write((current) => `${current}!`)).toBe('first\n- [ ] one\n- [ ] two!')
    expect(operations()).toEqual(['PATCH issues/update-comment', 'PATCH issues/update-comment'])
  })

  it('reports a deleted comment as the edit’s answer, without sending the edit', async () => {
    const writer = writerFor(true)
    await getOctokit('t', { baseUrl: fake.url }).rest.issues.deleteComment({ owner: ref.owner, repo: ref.repo, comment_id: comment.id })
    fake.reset()
    await expect(writer.write(withBanner('first'))).rejects.toMatchObject({ status: 404 })
    expect(operations()).toEqual(['GET issues/get-comment'])
  })
})

describe('writeFinal', () => {
  const final = (refused: string[]): FinalComment => ({
    states: [
      { status: 'planned', render: () => 'full plan' },
      { status: 'planned', render: () => 'short plan' },
    ],
    refused: (reason) => {
      refused.push(reason)
      return { status: 'failed', message: `refused: ${reason}`, render: () => 'error notice' }
    },
  })
  const write = (writer: PlanCommentWriter) => (render: (current: string | null) => string) => writer.write(render)
  const refuse = (body: string, times = 1) => fake.failNext({ operationId: 'issues/update-comment', when: (r) => (r.body as { body: string }).body === body }, 422, TOO_LONG, times)

  it('writes the first state GitHub accepts: a 422 moves on to the next, shorter one', async () => {
    refuse('full plan')
    const logs: string[] = []
    const { state, body } = await writeFinal(write(writerFor(false)), final([]), (m) => logs.push(m))
    expect([state.status, body, fake.comments(1)[0]!.body]).toEqual(['planned', 'short plan', 'short plan'])
    expect(logs).toEqual(['GitHub refused the final comment (HTTP 422: Validation Failed: Body is too long (maximum is 65536 characters)); writing a shorter one.'])
  })

  it('ends with the error notice when every state is refused, quoting GitHub', async () => {
    refuse('full plan')
    refuse('short plan')
    const reasons: string[] = []
    const { state, body } = await writeFinal(write(writerFor(false)), final(reasons), () => {})
    expect([state.status, body, fake.comments(1)[0]!.body]).toEqual(['failed', 'error notice', 'error notice'])
    expect(reasons).toEqual(['HTTP 422: Validation Failed: Body is too long (maximum is 65536 characters)'])
  })

  it('tries nothing shorter after another refusal, which a shorter body would meet too', async () => {
    fake.failNext({ operationId: 'issues/update-comment' }, 403, { message: 'Resource not accessible by integration' })
    await expect(writeFinal(write(writerFor(false)), final([]), () => {})).rejects.toMatchObject({ status: 403 })
    expect(operations()).toEqual(['PATCH issues/update-comment'])
  })
})
