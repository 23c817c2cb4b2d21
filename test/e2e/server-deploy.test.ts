// Running the service elsewhere: the Dockerfile's recipe replayed without Docker (which cannot run
// here), and the README's Kubernetes Deployment and Service checked against the service and the image.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { marked } from 'marked'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { envName, parseServeConfig } from '../../src/server/config.ts'
import { CLIENT_SECRET, eventually } from '../support/service.ts'

const ROOT = resolve(import.meta.dirname, '../..')

interface Recipe {
  from: string
  workdir: string
  copies: { from: string; to: string }[]
  env: Record<string, string>
  user: string
  expose: number[]
  entrypoint: string[]
}

/**
 * Reads the Dockerfile's instructions. Only the ones the recipe uses are understood: a new kind (RUN,
 * ADD, …) fails here, so this test is updated with the Dockerfile.
 */
function readDockerfile(text: string): Recipe {
  const recipe: Recipe = { from: '', workdir: '/', copies: [], env: {}, user: 'root', expose: [], entrypoint: [] }
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue
    const [, instruction, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? []
    switch (instruction?.toUpperCase()) {
      case 'FROM':
        recipe.from = rest!
        break
      case 'WORKDIR':
        recipe.workdir = rest!
        break
      case 'COPY': {
        const [from, to] = rest!.split(/\s+/)
        recipe.copies.push({ from: from!, to: to! })
        break
      }
      case 'ENV':
        for (const pair of rest!.split(/\s+/)) recipe.env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1)
        break
      case 'USER':
        recipe.user = rest!
        break
      case 'EXPOSE':
        recipe.expose.push(...rest!.split(/\s+/).map(Number))
        break
      case 'ENTRYPOINT':
        recipe.entrypoint = JSON.parse(rest!) as string[]
        break
      default:
        throw new Error(`Dockerfile: this test does not replay "${line}"`)
    }
  }
  return recipe
}

const recipe = readDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
const image = mkdtempSync(join(tmpdir(), 'issue-planner-image-'))
afterAll(() => rmSync(image, { recursive: true, force: true }))
/** A path inside the image, in the replayed file system. */
const inImage = (path: string): string => join(image, path.startsWith('/') ? path : join(recipe.workdir, path))
/** COPY, replayed into the image directory. */
beforeAll(() => {
  for (const { from, to } of recipe.copies) cpSync(join(ROOT, from), inImage(to), { recursive: true })
})

describe('Dockerfile', () => {
  it('is Node 24, a non-root user, and the port the service listens on', () => {
    expect(recipe.from).toMatch(/^node:24(\.|-|$)/)
    expect(recipe.user).toBe('node')
    expect(recipe.expose).toEqual([Number(recipe.env.ISSUE_PLANNER_PORT)])
    expect(recipe.env.ISSUE_PLANNER_HOST).toBe('0.0.0.0')
  })

  it('copies only what .dockerignore lets into the build context', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1))
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^\*$/m)
    for (const { from } of recipe.copies) expect(allowed).toContain(from)
  })

  it('replayed without Docker, the copied files alone run the service on Node 24', async () => {
    // Nothing outside the copied files may help: no node_modules anywhere above the image.
    for (let dir = inImage(recipe.workdir); dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules'))).toBe(false)
    const [command, ...args] = recipe.entrypoint
    expect(command).toBe('node')
    // As `docker run -e …`: the keys, and an address this test can use instead of 0.0.0.0:8080.
    const env = { PATH: process.env.PATH ?? '', ...recipe.env, ISSUE_PLANNER_HOST: '127.0.0.1', ISSUE_PLANNER_PORT: '0', ISSUE_PLANNER_API_KEYS: `ci=${CLIENT_SECRET}` }
    const child = spawn(process.execPath, args.map((a) => (a.startsWith('/') ? inImage(a) : a)), { cwd: inImage(recipe.workdir), env })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    const exited = new Promise<number | null>((done) => child.on('close', done))
    await eventually(() => stdout.includes('"msg":"listening"'), 'the service to listen')
    const url = (JSON.parse(stdout.split('\n').find((l) => l.includes('"msg":"listening"'))!) as { url: string }).url
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' })
    const plan = await fetch(`${url}/task-planning/plan`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify({ task_description: 'Ship\n\n- [ ] one\n- [ ] two' }) })
    expect(plan.status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('refuses to run open on the image’s 0.0.0.0', async () => {
    const [, ...args] = recipe.entrypoint
    const child = spawn(process.execPath, [...args.map((a) => (a.startsWith('/') ? inImage(a) : a)), '--no-auth'], { cwd: inImage(recipe.workdir), env: { PATH: process.env.PATH ?? '', ...recipe.env } })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    expect(await new Promise((done) => child.on('close', done))).toBe(2)
    expect(stderr).toContain('--no-auth is only allowed on a loopback host')
  })
})

describe('README: Kubernetes Deployment and Service', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Run your own planner service'), readme.indexOf('\n## ', readme.indexOf('## Run your own planner service') + 1))
  const documents: Record<string, unknown>[] = []
  marked.walkTokens(marked.lexer(section), (token) => {
    if (token.type !== 'code' || !/^ya?ml\b/.test(token.lang ?? '')) return
    for (const doc of parseAllDocuments(token.text)) {
      expect(doc.errors).toEqual([])
      documents.push(doc.toJS() as Record<string, unknown>)
    }
  })
  type K8s = { metadata: { name: string; labels?: Record<string, string> }; spec: Record<string, unknown> }
  const deployment = documents.find((d) => d.kind === 'Deployment') as K8s | undefined
  const service = documents.find((d) => d.kind === 'Service') as K8s | undefined

  it('parses, and has both', () => {
    expect(deployment?.metadata.name).toBe('issue-planner')
    expect(service?.metadata.name).toBe('issue-planner')
  })

  it('selects its own pods, on the port the image exposes, with the service’s probes', () => {
    const spec = deployment!.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; terminationGracePeriodSeconds: number } } }
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels)
    expect(service!.spec.selector).toEqual(spec.selector.matchLabels)
    const container = spec.template.spec.containers[0]!
    const http = container.ports.find((p) => p.name === 'http')!
    expect(recipe.expose).toContain(http.containerPort)
    expect((service!.spec.ports as { targetPort: string }[])[0]!.targetPort).toBe('http')
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' })
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' })
  })

  it('configures the service with options it has, and gives it time to drain and finish', () => {
    const spec = deployment!.spec as { template: { spec: { containers: Container[]; terminationGracePeriodSeconds: number } } }
    const container = spec.template.spec.containers[0]!
    const env: Record<string, string> = { ...recipe.env }
    for (const variable of container.env) {
      expect(variable.name.startsWith('ISSUE_PLANNER_') || ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'AZURE_API_KEY', 'KUBIYA_API_KEY'].includes(variable.name)).toBe(true)
      env[variable.name] = variable.value ?? 'secret-from-kubernetes-0123456789'
    }
    // The arguments and variables as the image's entry point reads them, the keys file as the Secret mounts it.
    const config = parseServeConfig(container.args, env, (path) => {
      expect(path).toBe(`${container.volumeMounts[0]!.mountPath}/keys`)
      return `acme-api=${CLIENT_SECRET}\n`
    })
    if (config === 'help') throw new Error('help')
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, keys: [{ name: 'acme-api' }] })
    expect(config.planner.planner).toBe('anthropic')
    expect(spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(config.drainDelayMs + config.shutdownTimeoutMs)
    expect(envName('drain-delay')).toBe('ISSUE_PLANNER_DRAIN_DELAY')
  })
})

interface Container {
  args: string[]
  ports: { name: string; containerPort: number }[]
  env: { name: string; value?: string }[]
  volumeMounts: { mountPath: string }[]
  readinessProbe: { httpGet: unknown }
  livenessProbe: { httpGet: unknown }
}
