// npm run bench (second part): the LLM planners. Runs the built action against the loopback fake GitHub
// and the fake model server, and prints: start-up of runs that load no model code, before and after the
// LLM planners; bundle and chunk sizes; model's first token → first visible step at ~50 tokens a second;
// prompt tokens (counted with a real tokenizer) for the examples and a 300-comment issue; GitHub requests
// per LLM-planned run. Figures are for the README; nothing here asserts a timing.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { gzipSync } from 'node:zlib'
import { Tiktoken } from 'js-tiktoken/lite'
import o200k from 'js-tiktoken/ranks/o200k_base'
import { EXAMPLE_REPO, issuesEvent, labeledEvent } from '../test/support/events.ts'
import { FakeGitHub } from '../test/support/fake-github.ts'
import { FakeModelServer, type Reply, atTokensPerSecond } from '../test/support/fake-models.ts'
import { exploreRepoFiles, materializeExploreRepo } from '../test/support/explore-repo.ts'
import { DIST_ENTRY, runAction } from '../test/support/run-action.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
/** The last build before the LLM planners: the "before" of the start-up figures. */
const BASELINE = process.env.BENCH_BASELINE ?? '59b8c88'
const TOKEN = 'bench-token'
const KEY = 'sk-bench'
const REPOSITORY = `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`
const ROOT = join(dirname(DIST_ENTRY), '..')
const tokenizer = new Tiktoken(o200k)
const tokens = (text: string): number => tokenizer.encode(text).length

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const bareNodeMs = (): number => {
  const started = performance.now()
  spawnSync(process.execPath, ['-e', ''])
  return performance.now() - started
}

const github = await FakeGitHub.start({ token: TOKEN, ...EXAMPLE_REPO })
const models = await FakeModelServer.start({ key: KEY })
github.setReadme('# Snip\n\nSnip shortens links. It is a Fastify API in TypeScript with a Postgres store.\n\n## Development\n\nnpm ci && npm test\n')
github.setLanguages({ TypeScript: 92_000, Shell: 3_000 })
github.setTree(['README.md', 'package.json', 'src/', 'src/app.ts', 'src/routes/', 'src/routes/links.ts', 'src/limits/', 'src/limits/config.ts', 'src/store/', 'src/store/postgres.ts', 'test/', 'test/links.test.ts'])

const label = (issue: { number: number; title: string; body: string | null }, inputs: Record<string, string>, entry?: string) =>
  runAction({ eventName: 'issues', payload: labeledEvent(issue), inputs, apiUrl: github.url, repository: REPOSITORY, token: TOKEN, ...(entry ? { entry } : {}) })

// 1. Start-up of runs that need no model, the build before the LLM planners against this one.
const baselineDir = mkdtempSync(join(tmpdir(), 'issue-planner-baseline-'))
execFileSync('sh', ['-c', `git -C "${ROOT}" archive ${BASELINE} dist | tar -x -C "${baselineDir}"`])
const builds = { before: join(baselineDir, 'dist/index.js'), after: DIST_ENTRY }
const startup: Record<string, Record<'before' | 'after', number[]>> = { 'skipped event (issues.opened)': { before: [], after: [] }, 'label, outline planner': { before: [], after: [] } }
for (let i = 0; i < RUNS; i++) {
  for (const which of ['before', 'after'] as const) {
    // The old build sent an undocumented query parameter, which GitHub ignores and the fake refuses.
    github.strictQuery = which === 'after'
    let started = performance.now()
    const skipped = await runAction({ eventName: 'issues', payload: issuesEvent('opened'), inputs: {}, apiUrl: github.url, repository: REPOSITORY, token: TOKEN, entry: builds[which] })
    startup['skipped event (issues.opened)']![which].push(performance.now() - started)
    if (skipped.outputs.status !== 'skipped') throw new Error(`skip (${which}): ${skipped.outputs.status}`)
    const issue = github.addIssue({ title: 'Checklist', body: '- [ ] one\n- [ ] two' })
    started = performance.now()
    const outline = await label(issue, { planner: 'outline' }, builds[which])
    startup['label, outline planner']![which].push(performance.now() - started)
    if (outline.outputs.status !== 'planned') throw new Error(`outline (${which}): ${outline.outputs.status}`)
  }
}
const bare = median(Array.from({ length: RUNS }, bareNodeMs))

// 2. A realistic plan, streamed at about 50 tokens a second: first token → first step visible on the issue.
const realisticPlan = JSON.parse(readFileSync(join(ROOT, 'bench/fixtures/llm-plan.json'), 'utf8')) as Record<string, unknown>
const planText = JSON.stringify(realisticPlan)
const latency: { firstStep: number[]; requests: number[]; byOperation: string } = { firstStep: [], requests: [], byOperation: '' }
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  github.reset()
  models.requests.length = 0
  models.script({ text: planText, ...atTokensPerSecond(50), usage: { input: 3000, output: tokens(planText) } })
  const issue = github.addIssue({ title: 'Rate-limit the public API', body: 'Clients hammer `/v1/links`. Add per-key limits with a 429 and Retry-After.' })
  const run = await label(issue, { planner: 'anthropic', model: 'claude-sonnet-5', 'planner-url': models.baseURL('anthropic'), 'planner-api-key': KEY, 'progress-interval': '1' })
  if (run.outputs.status !== 'planned') throw new Error(`latency run: ${run.outputs.status}`)
  const firstStep = github.requests.find((r) => r.operationId === 'issues/update-comment' && (r.body as { body: string }).body.includes('**Steps so far'))
  latency.firstStep.push(firstStep!.receivedAt - models.requests[0]!.firstPieceAt!)
  latency.requests.push(github.requests.length)
  const counts = new Map<string, number>()
  for (const r of github.requests) counts.set(`${r.method} ${r.operationId}`, (counts.get(`${r.method} ${r.operationId}`) ?? 0) + 1)
  latency.byOperation = [...counts].map(([op, n]) => (n > 1 ? `${n}× ${op}` : op)).join(', ')
}

// 3. Prompt tokens: what the model is sent for the examples, and for a busy issue at the default budget.
async function promptTokens(title: string, body: string): Promise<{ tokens: number; chars: number }> {
  models.requests.length = 0
  models.script({ text: planText })
  const issue = github.addIssue({ title, body })
  const run = await label(issue, { planner: 'openai', model: 'gpt-5.4-mini', 'planner-url': models.baseURL('openai'), 'planner-api-key': KEY, stream: 'false', 'dry-run': 'true' })
  if (run.outputs.status !== 'planned') throw new Error(`${title}: ${run.outputs.status}`)
  const request = models.requests[0]!
  const sent = `${request.prompt}\n${JSON.stringify(request.schema)}`
  return { tokens: tokens(sent), chars: sent.length }
}
const prompts: { name: string; tokens: number; chars: number }[] = []
for (const file of readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.md')).sort()) {
  const text = readFileSync(join(ROOT, 'examples', file), 'utf8')
  const title = /^#\s+(.+)$/m.exec(text)?.[1] ?? file
  prompts.push({ name: `examples/${file}`, ...(await promptTokens(title, text.replace(/^#\s+.+$/m, '').trim())) })
}
const busy = github.addIssue({ title: 'Busy issue', body: 'x' })
for (let i = 0; i < 300; i++) github.addComment(busy.number, { body: `Comment ${i}: we saw timeouts on the EU cluster after the last deploy; logs attached in the run.`, author_association: i % 3 === 0 ? 'MEMBER' : 'NONE' })
prompts.push({ name: 'an issue with 300 comments (default `context-budget`, 16,000)', ...(await (async () => {
  models.requests.length = 0
  models.script({ text: planText })
  const run = await label(busy, { planner: 'openai', model: 'gpt-5.4-mini', 'planner-url': models.baseURL('openai'), 'planner-api-key': KEY, stream: 'false', 'dry-run': 'true' })
  if (run.outputs.status !== 'planned') throw new Error(`busy: ${run.outputs.status}`)
  const sent = `${models.requests[0]!.prompt}\n${JSON.stringify(models.requests[0]!.schema)}`
  return { tokens: tokens(sent), chars: sent.length }
})()) })
// 4. Exploration: a typical look around (list, find, search, two reads), then the plan; checkout and API.
const exploreScript = (): Reply[] => [
  { toolCalls: [{ name: 'list_directory', args: { path: '' } }] },
  { toolCalls: [{ name: 'find_files', args: { pattern: '*.ts', path: 'src' } }] },
  { toolCalls: [{ name: 'search_files', args: { pattern: 'requestsPerMinute', path: 'src', include: '*.ts', ignoreCase: false } }] },
  { toolCalls: [{ name: 'read_file', args: { path: 'src/limits/config.ts', startLine: 1, endLine: 60 } }, { name: 'read_file', args: { path: 'src/limits/limiter.ts', startLine: 1, endLine: 80 } }] },
  { text: planText },
]
github.setFiles(await exploreRepoFiles())
const checkout = await materializeExploreRepo({ remoteUrl: `https://github.com/${REPOSITORY}.git` })
const exploring: { mode: string; calls: number; chars: number; inputTokens: number; ms: number[]; requests: number; steps: number }[] = []
for (const [mode, env] of [['checkout', { GITHUB_WORKSPACE: checkout.root }], ['GitHub API', {}]] as const) {
  const ms: number[] = []
  let last = { calls: 0, chars: 0, inputTokens: 0, requests: 0, steps: 0 }
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    github.reset()
    models.requests.length = 0
    models.script(...exploreScript())
    const issue = github.addIssue({ title: 'Make the rate limit configurable per route', body: 'Some routes need a higher limit than the global one.' })
    const started = performance.now()
    const run = await runAction({ eventName: 'issues', payload: labeledEvent(issue), inputs: { planner: 'anthropic', model: 'claude-sonnet-5', 'planner-url': models.baseURL('anthropic'), 'planner-api-key': KEY, 'dry-run': 'true' }, env, apiUrl: github.url, repository: REPOSITORY, token: TOKEN })
    ms.push(performance.now() - started)
    if (run.outputs.status !== 'planned') throw new Error(`explore (${mode}): ${run.outputs.status}`)
    const summary = /: (\d+) of \d+ tool calls, ([\d,]+) of [\d,]+ characters/.exec(run.summary)
    last = {
      calls: Number(summary?.[1] ?? 0),
      chars: Number((summary?.[2] ?? '0').replace(/,/g, '')),
      // Every step sends the model the whole conversation again: count them all.
      inputTokens: models.requests.reduce((sum, r) => sum + tokens(`${r.prompt}\n${JSON.stringify(r.schema ?? '')}`), 0),
      requests: github.requests.filter((r) => r.operationId === 'repos/get-content' || (r.operationId === 'git/get-tree')).length,
      steps: models.requests.length,
    }
  }
  exploring.push({ mode, ms, ...last })
}
await checkout.cleanup()
await Promise.all([github.close(), models.close()])

// Report.
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`
console.log(`\nLLM planners: ${RUNS} runs per start-up scenario, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`)
console.log(`| run that needs no model | before the LLM planners (${BASELINE}) | now | × bare \`node -e ""\` before → now |`)
console.log('| --- | --- | --- | --- |')
for (const [name, t] of Object.entries(startup)) {
  console.log(`| ${name} | ${median(t.before).toFixed(0)} ms | ${median(t.after).toFixed(0)} ms | ${(median(t.before) / bare).toFixed(1)}× → ${(median(t.after) / bare).toFixed(1)}× |`)
}
console.log(`| bare \`node -e ""\` | ${bare.toFixed(0)} ms | | |`)

const distDir = dirname(DIST_ENTRY)
const chunks = readdirSync(distDir).filter((f) => /^\d+\.index\.js$/.test(f))
const chunkBytes = chunks.reduce((sum, f) => sum + statSync(join(distDir, f)).size, 0)
const main = readFileSync(DIST_ENTRY)
console.log(`\nBundle: dist/index.js ${kib(main.length)} (${kib(gzipSync(main).length)} gzipped), before ${kib(statSync(builds.before).size)}; ${chunks.length} chunk files loaded only by LLM runs, ${kib(chunkBytes)} in all (largest ${kib(Math.max(...chunks.map((f) => statSync(join(distDir, f)).size)))})`)

console.log(`\n| LLM run (anthropic against its fake, ${tokens(planText)}-token plan at ~50 tokens/s, progress-interval 1 s) | model's first token → first step on the issue | GitHub requests | requests by operation |`)
console.log('| --- | --- | --- | --- |')
console.log(`| label, first run | ${median(latency.firstStep).toFixed(0)} ms | ${Math.min(...latency.requests)}-${Math.max(...latency.requests)} | ${latency.byOperation} |`)

console.log('\n| prompt (system + user message + schema) | characters | tokens (o200k_base) |')
console.log('| --- | --- | --- |')
for (const p of prompts) console.log(`| ${p.name} | ${p.chars.toLocaleString('en-US')} | ${p.tokens.toLocaleString('en-US')} |`)
console.log(`| reply: the ${(realisticPlan.steps as unknown[]).length}-step plan in bench/fixtures/llm-plan.json | ${planText.length.toLocaleString('en-US')} | ${tokens(planText).toLocaleString('en-US')} |`)

console.log('\n| exploration (list, find, search, 2 reads, then the plan; anthropic fake answering at once) | tool calls | characters returned | model calls | input tokens, all steps (o200k_base) | GitHub tree and content requests | median wall time |')
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const e of exploring) console.log(`| ${e.mode} | ${e.calls} | ${e.chars.toLocaleString('en-US')} | ${e.steps} | ${e.inputTokens.toLocaleString('en-US')} | ${e.requests} | ${median(e.ms).toFixed(0)} ms |`)
