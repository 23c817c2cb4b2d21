import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeModelServer } from '../support/fake-models.ts'
import { FakePlanner, taskPlanningStreamFrames } from '../support/fake-planner.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const CLI = join(ROOT, 'dist/cli/index.js')

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })))
}

let planner: FakePlanner | undefined
afterEach(async () => {
  await planner?.close()
  planner = undefined
})

describe('issue-planner CLI (dist/cli/index.js)', () => {
  it('previews the epic example offline: the exact comment, ticked items kept, sections grouped', async () => {
    const run = await cli(['--issue-file', 'examples/epic-checklist.md'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^<!-- issue-planner:plan \{"state":"planned","hash":"[0-9a-f]{16}"\} -->/)
    expect(run.stdout).toContain('### 🗺️ Epic: custom domains for short links')
    expect(run.stdout).toContain('**API and redirect service**')
    expect(run.stdout).toContain('- [x] **1. Add a `domains` table and migration** · ⏱ 2h')
    expect(run.stdout).toContain('- [ ] **8. Empty state and docs link for workspaces without a custom domain**')
  })

  it('previews the feature-request example from its acceptance criteria, without the template comment', async () => {
    const run = await cli(['--issue-file', 'examples/feature-request.md'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('- [ ] **1.')
    expect(run.stdout).not.toMatch(/<!--(?! issue-planner:)/)
  })

  it('uses a remote planner with its URL flag and prints the same Markdown the action posts', async () => {
    planner = await FakePlanner.start()
    planner.respond('/task-planning/plan/stream', { stream: { format: 'sse', frames: taskPlanningStreamFrames(3, { fenced: true }) } })
    const run = await cli(['--issue-file', 'examples/bug-report.md', '--planner', 'task-planning', '--planner-url', planner.url, '--repo', 'acme/snip'])
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('Planning:')
    expect(run.stdout).toContain('- [ ] **3. Step 3: Write tests**')
    const sent = planner.requests[0]!.body as { task_description: string; context: { repository: { full_name: string } } }
    expect(sent.task_description).toContain('```text\nRedirects return 502 for links created with a trailing space in the destination\n')
    expect(sent.context.repository.full_name).toBe('acme/snip')
  })

  it('exits 1 with the error notice when planning fails', async () => {
    planner = await FakePlanner.start()
    planner.respond('/task-planning/plan', { status: 500, json: { detail: 'down' } })
    const run = await cli(['--issue-file', 'examples/bug-report.md', '--planner', 'task-planning', '--planner-url', planner.url, '--no-stream'])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('**Planning failed.**')
    expect(run.stderr).toContain('Planning failed: The task-planning service failed (HTTP 500): down')
  })

  it('asks for structure when an issue has none (needs-info, exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'issue-planner-cli-'))
    writeFileSync(join(dir, 'prose.md'), '# Make it faster\n\nThe dashboard feels slow sometimes.\n')
    const run = await cli(['--issue-file', join(dir, 'prose.md')])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('"state":"needs-info"')
  })

  it('explains usage errors with exit 2', async () => {
    expect((await cli([])).stderr).toContain('--issue-file is required')
    const missing = await cli(['--issue-file', 'no/such/file.md'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--issue-file no/such/file.md cannot be read')
    const badPlanner = await cli(['--issue-file', 'examples/bug-report.md', '--planner', 'gpt'])
    expect(badPlanner.code).toBe(2)
    expect(badPlanner.stderr).toContain('Input `planner` must be one of outline, kubiya, task-planning, openai, anthropic, google, azure, openai-compatible; got "gpt".')
  })

  it('plans with a model provider, taking the key from the environment, without printing it', async () => {
    const key = 'sk-ant-cli-test-key-0000000000'
    const models = await FakeModelServer.start({ key })
    try {
      const plan = { kind: 'plan', title: 'Bug fix', summary: 'Fix it.', questions: [], steps: [{ title: 'Reproduce the bug', description: 'Write a failing test.', acceptance_criteria: ['The test fails'], estimate: '1h', depends_on: [], risks: [], files: [], subtasks: [] }, { title: 'Fix the bug', description: 'Make it pass.', acceptance_criteria: ['The test passes'], estimate: '2h', depends_on: [1], risks: [], files: [], subtasks: [] }] }
      models.script({ text: JSON.stringify(plan), usage: { input: 1500, output: 200 } })
      const run = await cli(['--issue-file', 'examples/bug-report.md', '--planner', 'anthropic', '--model', 'claude-sonnet-5', '--planner-url', models.baseURL('anthropic')], { ANTHROPIC_API_KEY: key })
      expect(run.code).toBe(0)
      expect(models.requests[0]!.headers['x-api-key']).toBe(key)
      expect(run.stdout).toContain('- [ ] **2. Fix the bug** · ⏱ 2h')
      expect(run.stderr).toContain('The model used 1500 input and 200 output tokens.')
      expect(run.stdout + run.stderr).not.toContain(key)
      const missing = await cli(['--issue-file', 'examples/bug-report.md', '--planner', 'anthropic'], { ANTHROPIC_API_KEY: key })
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('needs input `model`')
    } finally {
      await models.close()
    }
  })
})
