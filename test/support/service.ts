// Helpers for testing `issue-planner serve`: the service in this process or as the built CLI, a
// plain SSE reader, raw HTTP for bodies fetch will not send, and model replies for the fake models.
import { type ChildProcess, spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { createParser } from 'eventsource-parser'
import { parseServeConfig } from '../../src/server/config.ts'
import { type Service, createService } from '../../src/server/app.ts'

const ROOT = resolve(import.meta.dirname, '../..')
export const CLI = join(ROOT, 'dist/cli/index.js')

/** A client secret for tests: long enough for the service, and easy to look for in logs. */
export const CLIENT_SECRET = 'client-secret-must-never-be-logged-0123456789'
export const OTHER_SECRET = 'other-client-secret-never-logged-9876543210'

/** JSON log lines written by a service. */
export class LogLines extends Writable {
  readonly raw: string[] = []
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.raw.push(chunk.toString('utf8'))
    done()
  }
  get text(): string {
    return this.raw.join('')
  }
  get lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }
  /** The access line of each request, in the order they ended. */
  get requests(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === 'request')
  }
}

export interface RunningService {
  url: string
  service: Service
  logs: LogLines
  close: () => Promise<void>
}

/** The service in this process, listening on 127.0.0.1, configured by the CLI's own flags and variables. */
export async function startService(argv: string[], env: Record<string, string> = {}): Promise<RunningService> {
  const config = parseServeConfig(['--port', '0', ...argv], env)
  if (config === 'help') throw new Error('help')
  const logs = new LogLines()
  const service = createService(config, { logStream: logs })
  await service.app.listen({ host: '127.0.0.1', port: 0 })
  const address = service.app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { url: `http://127.0.0.1:${port}`, service, logs, close: () => service.app.close() }
}

export interface ServeProcess {
  child: ChildProcess
  url: string
  /** Everything written to stdout so far (JSON log lines). */
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>
}

/** `node dist/cli/index.js serve …` with only the given environment; resolves once it listens. */
export async function startCli(argv: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...argv], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  const url = await new Promise<string>((resolveUrl, reject) => {
    const check = (): void => {
      const line = stdout.split('\n').find((l) => l.includes('"msg":"listening"'))
      if (line) {
        child.stdout!.off('data', check)
        resolveUrl((JSON.parse(line) as { url: string }).url)
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => reject(new Error(`issue-planner serve exited (${code}) before listening: ${stderr}`)))
  })
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited }
}

export interface ReceivedUpdate {
  update: Record<string, unknown>
  /** When this process read it (ms since the epoch, the fake model's clock). */
  at: number
}

/** A plain SSE client (eventsource-parser, as any client would): every `data:` frame parsed as JSON. */
export async function readSse(response: Response): Promise<ReceivedUpdate[]> {
  const received: ReceivedUpdate[] = []
  const parser = createParser({ onEvent: (event) => received.push({ update: JSON.parse(event.data) as Record<string, unknown>, at: performance.timeOrigin + performance.now() }) })
  const decoder = new TextDecoder()
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
  return received
}

/**
 * The documented Python client's loop, `for update in plan_stream(...): print(update['data'], end='')`:
 * every update must have `data`, and the pieces are printed back to back.
 */
export function printLikeThePythonClient(updates: ReceivedUpdate[]): string {
  return updates
    .map(({ update }) => {
      if (!('data' in update)) throw new Error(`KeyError: 'data' in ${JSON.stringify(update)}`)
      return String(update.data)
    })
    .join('')
}

export interface RawReply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A POST with exactly these bytes, for bodies fetch would not send as is (invalid UTF-8, a body the
 * server refuses before reading it all). The reply counts even when the upload is cut short.
 */
export function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<RawReply> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    let answered = false
    req.on('response', () => (answered = true))
    req.on('error', (error) => {
      if (!answered) fail(error)
    })
    req.end(body)
  })
}

/** A model reply in the flat shape the LLM planners ask for (src/planners/llm/reply.ts). */
export function modelPlan(steps = 3, title = 'Per-key rate limits'): Record<string, unknown> {
  return {
    kind: 'plan',
    title,
    summary: 'Add a token bucket per API key, behind a flag, then roll it out.',
    questions: [],
    steps: Array.from({ length: steps }, (_, i) => ({
      title: `Step ${i + 1}: ${['Measure current traffic', 'Add the token bucket', 'Return 429 with Retry-After', 'Roll out behind a flag'][i % 4]}`,
      description: `Work for step ${i + 1}.`,
      acceptance_criteria: [`Check ${i + 1} passes`],
      estimate: `${i + 1}h`,
      depends_on: i === 0 ? [] : [i],
      risks: i === 1 ? ['Redis latency under load'] : [],
      files: [],
      subtasks: [],
    })),
  }
}

export function modelQuestions(questions: string[]): Record<string, unknown> {
  return { kind: 'questions', title: '', summary: '', questions, steps: [] }
}

/** Polls until `check` holds (a test's own timeout bounds the wait). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
