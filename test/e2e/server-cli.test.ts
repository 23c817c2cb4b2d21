// `issue-planner serve` as the built CLI process (dist/cli/index.js): start-up, a plan, SIGTERM with
// plans in flight, a client that disconnects mid-stream, and a burst of 200 requests.
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeModelServer } from '../support/fake-models.ts'
import { CLI, CLIENT_SECRET, type ServeProcess, eventually, modelPlan, printLikeThePythonClient, readSse, startCli } from '../support/service.ts'
import { spawn } from 'node:child_process'

const PROVIDER_KEY = 'sk-provider-key-for-the-cli-tests-0001'
const AUTH = { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' }
const TASK = { task_description: 'Rate-limit the public API\n\n- [ ] Measure traffic (2h)\n- [ ] Add a token bucket', context: { environment: 'production' } }
/** Keys from the environment, as a Kubernetes Secret would give them. */
const KEY_ENV = { ISSUE_PLANNER_API_KEYS: `ci=${CLIENT_SECRET}` }

let server: ServeProcess | undefined
let models: FakeModelServer | undefined

afterEach(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL')
    await server.exited
  }
  await models?.close()
  server = undefined
  models = undefined
})

async function llmServer(extra: string[] = []): Promise<{ server: ServeProcess; models: FakeModelServer }> {
  models = await FakeModelServer.start({ key: PROVIDER_KEY })
  server = await startCli(['--planner', 'openai', '--model', 'gpt-5.4-mini', '--planner-url', models.baseURL('openai'), ...extra], { ...KEY_ENV, OPENAI_API_KEY: PROVIDER_KEY })
  return { server, models }
}

const post = (url: string, path: string, body: unknown = TASK): Promise<Response> => fetch(`${url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) })

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })))
}

const logLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe('issue-planner serve (the built CLI)', () => {
  it('starts with keys from the environment and answers both routes with the outline planner', async () => {
    server = await startCli([], KEY_ENV)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const plain = await post(server.url, '/task-planning/plan')
    expect(plain.status).toBe(200)
    expect(((await plain.json()) as { steps: unknown[] }).steps).toHaveLength(2)
    const stream = await post(server.url, '/task-planning/plan/stream')
    const updates = await readSse(stream)
    expect(printLikeThePythonClient(updates)).toBe("# Rate-limit the public API\n\n## 1. Measure traffic (2h)\n\n## 2. Add a token bucket\n\nSummary: Outline of the issue's own task list.\n")
    const listening = logLines(server.stdout()).find((l) => l.msg === 'listening')!
    expect(listening).toMatchObject({ planner: 'outline', keys: ['ci'], auth: true, concurrency: 8 })
    expect(server.stdout()).not.toContain(CLIENT_SECRET)
  })

  it('explains what is missing instead of starting, with exit status 2', async () => {
    const noKeys = await run(['serve'])
    expect(noKeys.code).toBe(2)
    expect(noKeys.stderr).toContain('issue-planner serve: No client keys: give each client a key with --api-key name=secret')
    const open = await run(['serve', '--no-auth', '--host', '0.0.0.0'])
    expect(open.code).toBe(2)
    expect(open.stderr).toContain('--no-auth is only allowed on a loopback host')
    const noModel = await run(['serve', '--no-auth', '--planner', 'openai'], { OPENAI_API_KEY: PROVIDER_KEY })
    expect(noModel.code).toBe(2)
    expect(noModel.stderr).toContain('The openai planner needs --model')
    const help = await run(['serve', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('ISSUE_PLANNER_<NAME>')
  })

  it('keeps the preview behaviour when no subcommand is given', async () => {
    const preview = await run(['--issue-file', 'examples/epic-checklist.md'])
    expect(preview.code).toBe(0)
    expect(preview.stdout).toContain('- [ ] **')
  })

  it('on SIGTERM stops accepting, lets the plans in flight finish, and exits 0', async () => {
    const { server, models } = await llmServer()
    models.script({ text: JSON.stringify(modelPlan(3)), pieces: 20, pieceDelayMs: 50 })
    const plain = post(server.url, '/task-planning/plan')
    const stream = post(server.url, '/task-planning/plan/stream').then(readSse)
    await models.waitForRequests(2)
    server.child.kill('SIGTERM')
    await eventually(() => server.stdout().includes('shutting down'), 'the shutdown to begin')
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
    const [plainReply, updates] = await Promise.all([plain, stream])
    expect(plainReply.status).toBe(200)
    expect(((await plainReply.json()) as { steps: unknown[] }).steps).toHaveLength(3)
    expect((updates.at(-1)!.update as { plan: { steps: unknown[] } }).plan.steps).toHaveLength(3)
    expect(await server.exited).toBe(0)
    expect(models.requests.every((r) => !r.aborted)).toBe(true)
    const lines = logLines(server.stdout())
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: no new requests; plans in flight may finish', 'stopped']))
    expect(lines.filter((l) => l.msg === 'request').map((l) => l.status)).toEqual([200, 200])
  })

  it('stops the model call when the client disconnects mid-stream (the fake model sees the abort)', async () => {
    const { server, models } = await llmServer()
    models.script({ text: JSON.stringify(modelPlan(4)), pieces: 200, pieceDelayMs: 20 })
    const controller = new AbortController()
    const response = await fetch(`${server.url}/task-planning/plan/stream`, { method: 'POST', headers: AUTH, body: JSON.stringify(TASK), signal: controller.signal })
    const reader = response.body!.getReader()
    // Read until the first step arrived: the model is mid-reply.
    let text = ''
    while (!text.includes('"step"')) text += new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    await eventually(() => models.requests[0]!.aborted, 'the fake model to see the abort')
    expect(models.requests[0]!.endedAt).toBeDefined()
    await eventually(() => server.stdout().includes('"status":499'), 'the access line')
    const line = logLines(server.stdout()).find((l) => l.msg === 'request')!
    expect(line).toMatchObject({ status: 499, outcome: 'client_gone', key: 'ci', path: '/task-planning/plan/stream' })
    // The service goes on serving.
    models.script({ text: JSON.stringify(modelPlan(1)) })
    expect((await post(server.url, '/task-planning/plan')).status).toBe(200)
  })

  it('under 200 concurrent requests with 8 slots and a 2 s model: only well-formed 429s, bounded memory, and a graceful stop', async () => {
    const { server, models } = await llmServer(['--concurrency', '8', '--queue', '16'])
    models.script({ text: JSON.stringify(modelPlan(3)), pieces: 20, pieceDelayMs: 100 })
    const replies = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await post(server.url, '/task-planning/plan')
        return { status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> }
      }),
    )
    const ok = replies.filter((r) => r.status === 200)
    const refused = replies.filter((r) => r.status !== 200)
    // Eight run at once and sixteen wait their turn; the rest are refused at once (a few more may get
    // a slot on a machine slow enough that the first plans end before the last requests arrive).
    expect(ok.length).toBeGreaterThanOrEqual(24)
    expect(ok.every((r) => Array.isArray(r.body.steps) && (r.body.steps as unknown[]).length === 3)).toBe(true)
    for (const reply of refused) {
      expect(reply.status).toBe(429)
      expect(reply.retryAfter).toMatch(/^\d+$/)
      expect(reply.type).toContain('application/json')
      expect(reply.body).toEqual({ detail: expect.stringMatching(/^The service is busy: 8 plans are running and 16 waiting\. Retry after \d+ s\.$/) })
    }
    expect(models.requests.length).toBe(ok.length)
    const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) * 1024
    console.log(`serve: 200 concurrent requests, 8 slots, 2 s model: ${ok.length} planned, ${refused.length} refused with 429; peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`)
    expect(peakRss).toBeLessThan(512 * 1024 * 1024)

    // A second wave fills the slots; SIGTERM while they run: each finishes with its plan.
    const wave = Array.from({ length: 8 }, () => post(server.url, '/task-planning/plan'))
    await models.waitForRequests(ok.length + 8, 20_000)
    server.child.kill('SIGTERM')
    const finished = await Promise.all(wave)
    expect(finished.map((r) => r.status)).toEqual(Array(8).fill(200))
    expect(await server.exited).toBe(0)
  })
})
