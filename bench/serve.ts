// npm run bench (third part): `issue-planner serve`. Starts the built CLI on 127.0.0.1, backed by
// `outline` and by an LLM planner (openai against the fake model server, answering at once), and
// prints requests per second and latency at 1 and 8 requests at a time on both routes, and the
// latency the service adds over calling the same planner in this process. Figures are for the README;
// nothing here asserts a timing.
import { execFileSync } from 'node:child_process'
import { registerHooks } from 'node:module'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

// The planners are imported from src/ to call them directly; its imports name the .js files the
// build writes, so they are resolved to the .ts sources here.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (error) {
      if (specifier.startsWith('.') && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context)
      throw error
    }
  },
})
const { FakeModelServer } = await import('../test/support/fake-models.ts')
const { startCli, CLIENT_SECRET } = await import('../test/support/service.ts')
const { createPlanner } = await import('../src/planners/index.ts')
const { readPlanBody, toPlanRequest } = await import('../src/server/request.ts')
const { parseServeConfig } = await import('../src/server/config.ts')

const ROOT = join(import.meta.dirname, '..')
const PROVIDER_KEY = 'sk-bench-provider-key'
const AUTH = { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' }
const REQUESTS = { outline: Number(process.env.BENCH_SERVE_REQUESTS ?? 2000), llm: Number(process.env.BENCH_SERVE_LLM_REQUESTS ?? 400) }
const WARM_UP = 50
/** An epic of 12 tasks: outline plans it from its own task list. */
const TASK = {
  task_description: `Rate-limit the public API\n\nClients hammer /v1/links. Add per-key limits.\n\n${Array.from({ length: 12 }, (_, i) => `- [ ] Task ${i + 1}: part of the rollout (${(i % 3) + 1}h)`).join('\n')}`,
  context: { environment: 'production', service_name: 'links-api' },
}
const planText = readFileSync(join(ROOT, 'bench/fixtures/llm-plan.json'), 'utf8')

const CLOCK_TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
/** CPU time a process has used so far (user + system), from /proc. */
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS
}
const rssMb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

interface Load {
  rps: number
  p50: number
  p95: number
}

/** `total` requests, `concurrency` at a time, each read to its end; every one must succeed. */
async function load(url: string, path: string, concurrency: number, total: number): Promise<Load> {
  const latencies: number[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++
      const started = performance.now()
      const response = await fetch(`${url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(TASK) })
      const text = await response.text()
      latencies.push(performance.now() - started)
      if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}: ${text.slice(0, 200)}`)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  return { rps: total / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
}

/** The same planner the service runs, called in this process: the baseline of the overhead. */
async function direct(argv: string[], env: Record<string, string>, total: number): Promise<{ p50: number; p95: number }> {
  const config = parseServeConfig(['--no-auth', ...argv], env)
  if (config === 'help') throw new Error('help')
  const read = readPlanBody(TASK)
  if (!read.ok) throw new Error('bad task')
  const request = toPlanRequest(read.body, { budget: config.planner.contextBudget, localPlanner: config.planner.planner === 'outline' })
  const planner = createPlanner(config.planner, globalThis.fetch, () => {})
  const latencies: number[] = []
  for (let i = 0; i < WARM_UP + total; i++) {
    const started = performance.now()
    const result = await planner.plan(request, AbortSignal.timeout(60_000), () => {})
    if (result.kind !== 'plan') throw new Error('direct: no plan')
    if (i >= WARM_UP) latencies.push(performance.now() - started)
  }
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) }
}

const models = await FakeModelServer.start({ key: PROVIDER_KEY })
models.script({ text: planText })
const backends: { name: string; argv: string[]; env: Record<string, string>; total: number }[] = [
  { name: 'outline', argv: [], env: {}, total: REQUESTS.outline },
  { name: 'LLM (openai fake, instant)', argv: ['--planner', 'openai', '--model', 'gpt-5.4-mini', '--planner-url', models.baseURL('openai')], env: { OPENAI_API_KEY: PROVIDER_KEY }, total: REQUESTS.llm },
]

const rows: string[] = []
const overhead: string[] = []
const memory: string[] = []
for (const backend of backends) {
  const server = await startCli(['--concurrency', '8', ...backend.argv], { ISSUE_PLANNER_API_KEYS: `bench=${CLIENT_SECRET}`, ...backend.env })
  const pid = server.child.pid!
  const idle = rssMb(pid, 'VmRSS')
  await load(server.url, '/task-planning/plan', 8, WARM_UP)
  await load(server.url, '/task-planning/plan/stream', 8, WARM_UP)
  for (const path of ['/task-planning/plan', '/task-planning/plan/stream']) {
    for (const concurrency of [1, 8]) {
      const cpuBefore = cpuMs(pid)
      const result = await load(server.url, path, concurrency, backend.total)
      const cpuPerRequest = (cpuMs(pid) - cpuBefore) / backend.total
      rows.push(`| ${backend.name} | \`${path.replace('/task-planning', '')}\` | ${concurrency} | ${backend.total} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(1)} ms | ${result.p95.toFixed(1)} ms | ${cpuPerRequest.toFixed(1)} ms |`)
      if (concurrency === 1 && path === '/task-planning/plan') {
        const baseline = await direct(backend.argv, backend.env, Math.min(backend.total, 400))
        overhead.push(`| ${backend.name} | ${baseline.p50.toFixed(2)} ms | ${result.p50.toFixed(2)} ms | +${(result.p50 - baseline.p50).toFixed(2)} ms | ${(result.p50 / baseline.p50).toFixed(2)}× |`)
      }
    }
  }
  memory.push(`${backend.name}: ${idle.toFixed(0)} MB idle, peak ${rssMb(pid, 'VmHWM').toFixed(0)} MB`)
  server.child.kill('SIGTERM')
  if ((await server.exited) !== 0) throw new Error(`${backend.name}: the service did not stop cleanly`)
}
await models.close()

console.log(`\nissue-planner serve: Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; client and service on 127.0.0.1, service --concurrency 8\n`)
console.log('| backing planner | route | requests at a time | requests | requests/s | median latency | p95 latency | service CPU per request |')
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
rows.forEach((row) => console.log(row))
console.log('\n| backing planner (plain route, one at a time) | planner called directly, median | through the service, median | added by the service | ratio |')
console.log('| --- | --- | --- | --- | --- |')
overhead.forEach((row) => console.log(row))
console.log(`\nService memory (RSS): ${memory.join('; ')}`)
