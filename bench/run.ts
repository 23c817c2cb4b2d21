// npm run bench: runs the built action (dist/index.js) against the loopback fakes, with the planner
// answering instantly, and prints request counts, wall time beside a bare Node start, and bundle size.
// Figures are for the README; nothing here asserts a timing.
import { spawnSync } from 'node:child_process'
import { statSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { performance } from 'node:perf_hooks'
import { dispatchEvent, EXAMPLE_REPO, labeledEvent } from '../test/support/events.ts'
import { FakeGitHub } from '../test/support/fake-github.ts'
import { FakePlanner, kubiyaStreamFrames, taskPlanningPlan, taskPlanningStreamFrames } from '../test/support/fake-planner.ts'
import { DIST_ENTRY, runAction } from '../test/support/run-action.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const TOKEN = 'bench-token'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function bareNodeMs(): number {
  const started = performance.now()
  spawnSync(process.execPath, ['-e', ''])
  return performance.now() - started
}

const github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
const planner = await FakePlanner.start()
planner.respond('/task-planning/plan', { json: taskPlanningPlan(20) })
const inputs = { planner: 'task-planning', 'planner-url': planner.url, stream: 'false' }

interface Scenario {
  name: string
  requests: number[]
  byOperation: string
  ms: number[]
}

async function measure(name: string, once: () => Promise<{ code: number | null; outputs: Record<string, string> }>, expected = 'planned'): Promise<Scenario> {
  const scenario: Scenario = { name, requests: [], byOperation: '', ms: [] }
  for (let i = 0; i < RUNS; i++) {
    github.reset()
    const started = performance.now()
    const run = await once()
    scenario.ms.push(performance.now() - started)
    if (run.code !== 0 || run.outputs.status !== expected) throw new Error(`${name}: run ended ${run.outputs.status} (exit ${run.code})`)
    scenario.requests.push(github.requests.length)
    const counts = new Map<string, number>()
    for (const r of github.requests) counts.set(`${r.method} ${r.operationId}`, (counts.get(`${r.method} ${r.operationId}`) ?? 0) + 1)
    scenario.byOperation = [...counts].map(([op, n]) => (n > 1 ? `${n}× ${op}` : op)).join(', ')
  }
  return scenario
}

const label = (issue: { number: number; title: string; body: string | null }, extra: Record<string, string> = inputs) =>
  runAction({ eventName: 'issues', payload: labeledEvent(issue), inputs: extra, apiUrl: github.url, repository: REPOSITORY, token: TOKEN })

const results: Scenario[] = []
results.push(
  await measure('label, first run (no comments), task-planning, 20 steps', () => {
    return label(github.addIssue({ title: 'Fresh issue', body: 'Body' }))
  }),
)
const replanned = github.addIssue({ title: 'Re-planned issue', body: 'Body' })
await label(replanned)
results.push(await measure('label again, nothing changed (cost guard: skipped, no plan)', () => label(replanned), 'skipped'))
results.push(
  await measure('workflow_dispatch re-plan (plan comment exists)', () =>
    runAction({ eventName: 'workflow_dispatch', payload: dispatchEvent(), inputs: { ...inputs, 'issue-number': String(replanned.number) }, apiUrl: github.url, repository: REPOSITORY, token: TOKEN }),
  ),
)
results.push(
  await measure('workflow_dispatch, first run', () => {
    const issue = github.addIssue({ title: 'Dispatched issue', body: 'Body' })
    return runAction({ eventName: 'workflow_dispatch', payload: dispatchEvent(), inputs: { ...inputs, 'issue-number': String(issue.number) }, apiUrl: github.url, repository: REPOSITORY, token: TOKEN })
  }),
)
results.push(
  await measure('label, first run, outline planner (offline)', () => {
    return label(github.addIssue({ title: 'Outline issue', body: '- [ ] one\n- [ ] two' }), { planner: 'outline' })
  }),
)

// Streaming: latency to the first signs of life on the issue, and what a streamed run costs in requests.
interface StreamScenario {
  name: string
  toPlanning: number[]
  toFirstEdit: number[]
  requests: number[]
  edits: number[]
}
async function measureStream(name: string, path: string, extra: Record<string, string>, frames: () => import('../test/support/fake-planner.ts').Frame[]): Promise<StreamScenario> {
  const s: StreamScenario = { name, toPlanning: [], toFirstEdit: [], requests: [], edits: [] }
  for (let i = 0; i < RUNS; i++) {
    github.reset()
    planner.requests.length = 0
    planner.respond(path, { stream: { format: 'sse', frames: frames(), frameDelayMs: 100 } })
    const issue = github.addIssue({ title: 'Streamed issue', body: 'Body' })
    const started = performance.timeOrigin + performance.now()
    const run = await label(issue, { 'planner-url': planner.url, 'progress-interval': '1', ...extra })
    if (run.outputs.status !== 'planned') throw new Error(`${name}: ${run.outputs.status}`)
    const writes = github.requests.filter((r) => r.operationId === 'issues/create-comment' || r.operationId === 'issues/update-comment')
    s.toPlanning.push(writes[0]!.receivedAt - started)
    s.toFirstEdit.push(writes[1]!.receivedAt - planner.requests[0]!.firstFrameAt!)
    s.requests.push(github.requests.length)
    s.edits.push(writes.length - 2)
  }
  return s
}
const streamed = [
  await measureStream('kubiya stream, 20 tasks, 26 events 100 ms apart', '/api/v1/tasks/plan/stream', { 'planner-api-key': planner.kubiyaKey }, () => kubiyaStreamFrames(20, { thinking: 20 })),
  await measureStream('task-planning stream, 20 steps, 30 pieces 100 ms apart', '/task-planning/plan/stream', { planner: 'task-planning' }, () => taskPlanningStreamFrames(20, { pieces: 30 })),
]

// Context gathering on a busy issue: 300 comments and a 1 MB body (the offline planner, so only reads count).
// GitHub itself caps bodies at 65,536 characters, so the 1 MB body arrives only in the event payload.
const busy = github.addIssue({ title: 'Busy issue', body: '- [ ] one\n- [ ] two' })
const hugeBody = `- [ ] one\n- [ ] two\n\n${'All work and no play. '.repeat(48_000)}`
for (let i = 0; i < 300; i++) github.addComment(busy.number, { body: `Comment ${i}: details about the rollout.`, author_association: i % 3 === 0 ? 'MEMBER' : 'NONE' })
github.setReadme('# Project\n\nWhat it does.\n')
github.setLanguages({ TypeScript: 100 })
github.setTree(['src/', 'package.json'])
const gathering = await measure('label, issue with 300 comments and a 1 MB body, outline planner', () => label({ ...busy, body: hugeBody }, { planner: 'outline', 'remove-label': 'false', 'dry-run': 'true' }))

// Sub-issues: a 20-step plan, first run and an unchanged re-run (a dispatch, which bypasses the cost guard).
planner.respond('/task-planning/plan', { json: taskPlanningPlan(20) })
const epic = github.addIssue({ title: 'Epic for sub-issues', body: 'Body' })
const subIssueInputs = { ...inputs, output: 'sub-issues' }
const subRuns: { name: string; ms: number; requests: number; writes: number; creates: number }[] = []
for (const name of ['sub-issues, 20 steps, first run', 'sub-issues, 20 steps, re-run']) {
  github.reset()
  const started = performance.now()
  const run = await runAction({ eventName: 'workflow_dispatch', payload: dispatchEvent(), inputs: { ...subIssueInputs, 'issue-number': String(epic.number) }, apiUrl: github.url, repository: REPOSITORY, token: TOKEN })
  if (run.outputs.status !== 'planned') throw new Error(`${name}: ${run.outputs.status}`)
  subRuns.push({
    name,
    ms: performance.now() - started,
    requests: github.requests.length,
    writes: github.requests.filter((r) => r.method !== 'GET').length,
    creates: github.requests.filter((r) => r.operationId === 'issues/create').length,
  })
}
await Promise.all([github.close(), planner.close()])

const bare = Array.from({ length: RUNS }, bareNodeMs)
const bundle = readFileSync(DIST_ENTRY)

console.log(`Issue Planner benchmark: ${RUNS} runs per scenario, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`)
console.log('| scenario | GitHub requests | requests by operation | median wall time | × bare `node -e ""` |')
console.log('| --- | --- | --- | --- | --- |')
const bareMedian = median(bare)
for (const s of results) {
  const requests = Math.min(...s.requests) === Math.max(...s.requests) ? String(s.requests[0]) : `${Math.min(...s.requests)}-${Math.max(...s.requests)}`
  console.log(`| ${s.name} | ${requests} | ${s.byOperation} | ${median(s.ms).toFixed(0)} ms | ${(median(s.ms) / bareMedian).toFixed(1)}× |`)
}
console.log(`| bare \`node -e ""\` | | | ${bareMedian.toFixed(0)} ms | 1.0× |`)
console.log(`\nBundle: dist/index.js ${(statSync(DIST_ENTRY).size / 1024).toFixed(0)} KiB (${(gzipSync(bundle).length / 1024).toFixed(0)} KiB gzipped)`)

console.log('\n| streamed run (progress-interval 1 s) | start → "planning" comment | first stream event → first progress edit | GitHub requests | progress edits |')
console.log('| --- | --- | --- | --- | --- |')
const range = (v: number[]): string => (Math.min(...v) === Math.max(...v) ? String(v[0]) : `${Math.min(...v)}-${Math.max(...v)}`)
for (const s of streamed) {
  console.log(`| ${s.name} | ${median(s.toPlanning).toFixed(0)} ms | ${median(s.toFirstEdit).toFixed(0)} ms | ${range(s.requests)} | ${range(s.edits)} |`)
}

console.log(`\n| context gathering | GitHub requests | requests by operation | median wall time |`)
console.log('| --- | --- | --- | --- |')
console.log(`| ${gathering.name} | ${range(gathering.requests)} | ${gathering.byOperation} | ${median(gathering.ms).toFixed(0)} ms |`)

console.log(`\n| sub-issues (one run each; writes paced by the throttling plugin) | GitHub requests | writes | issues created | wall time |`)
console.log('| --- | --- | --- | --- | --- |')
for (const r of subRuns) console.log(`| ${r.name} | ${r.requests} | ${r.writes} | ${r.creates} | ${(r.ms / 1000).toFixed(1)} s |`)
