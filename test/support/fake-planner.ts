import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One Server-Sent Events frame; `data` objects are sent as one-line JSON. */
export interface Frame {
  event?: string
  data: unknown
}

/** A streamed answer: SSE frames or NDJSON lines, written one by one. */
export interface ScriptedStream {
  format: 'sse' | 'ndjson'
  frames: Frame[]
  /** Pause before each frame. */
  frameDelayMs?: number
  /** Drop the connection after this many frames (a stream cut mid-way). */
  cutAfter?: number
  /** Leave the last frame without its terminating blank line / newline. */
  unterminated?: boolean
  /** Send no content type, so the client has to tell the format from the bytes. */
  noContentType?: boolean
}

/** One scripted answer. `hang` never answers (for timeouts); `destroy` drops the connection. */
export interface ScriptedReply {
  status?: number
  json?: unknown
  text?: string
  headers?: Record<string, string>
  delayMs?: number
  hang?: boolean
  destroy?: boolean
  stream?: ScriptedStream
}

export interface PlannerRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: unknown
  /** When the first stream frame was written (ms since the epoch), for latency figures. */
  firstFrameAt?: number
}

/**
 * A plan endpoint on 127.0.0.1 that speaks either protocol from planner-protocols.md. Replies are
 * queued per path; the last one repeats. The Kubiya routes check auth and the request body the way
 * the real server does: a body its pydantic model rejects gets FastAPI's 422 `detail` array on both
 * routes, a wrong key gets 401 on the plain route and an `Authentication failed:` error frame under
 * HTTP 200 on the stream route.
 */
export class FakePlanner {
  readonly requests: PlannerRequest[] = []
  private readonly scripts = new Map<string, ScriptedReply[]>()
  private readonly open = new Set<ServerResponse>()

  private readonly server: Server
  readonly url: string
  readonly kubiyaKey: string

  // No parameter properties: the benchmark runs these files with Node's type stripping.
  private constructor(server: Server, url: string, kubiyaKey: string) {
    this.server = server
    this.url = url
    this.kubiyaKey = kubiyaKey
  }

  static async start(options: { kubiyaKey?: string } = {}): Promise<FakePlanner> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const fake = new FakePlanner(server, `http://127.0.0.1:${port}`, options.kubiyaKey ?? 'kubiya-test-key-0123456789')
    server.on('request', (req, res) => void fake.handle(req, res))
    return fake
  }

  /** Queues replies for a path such as `/api/v1/tasks/plan`; the last one keeps answering. */
  respond(path: string, ...replies: ScriptedReply[]): this {
    this.scripts.set(path, replies)
    return this
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res)
    res.on('close', () => this.open.delete(res))
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    let body: unknown = raw
    try {
      body = JSON.parse(raw)
    } catch {
      // Kept as text: a request that is not JSON is itself worth asserting on.
    }
    const path = (req.url ?? '/').split('?')[0]!
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body })

    const refusal = path.startsWith('/api/v1/tasks/') ? this.kubiyaRefusal(req, path, body) : undefined
    const reply = refusal ?? this.next(path)
    const recorded = this.requests.at(-1)!
    if (reply.hang) return
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs))
    if (reply.destroy) {
      res.destroy()
      return
    }
    if (reply.stream) {
      await this.writeStream(res, reply.stream, recorded)
      return
    }
    const text = reply.text ?? JSON.stringify(reply.json ?? {})
    res.writeHead(reply.status ?? 200, { 'content-type': reply.text !== undefined ? 'text/plain' : 'application/json', ...reply.headers })
    res.end(text)
  }

  private async writeStream(res: ServerResponse, stream: ScriptedStream, recorded: PlannerRequest): Promise<void> {
    const headers: Record<string, string> = stream.noContentType ? {} : { 'content-type': stream.format === 'sse' ? 'text/event-stream' : 'application/x-ndjson' }
    res.writeHead(200, { ...headers, 'cache-control': 'no-cache' })
    res.flushHeaders()
    for (const [i, frame] of stream.frames.entries()) {
      if (stream.cutAfter !== undefined && i >= stream.cutAfter) {
        res.destroy()
        return
      }
      if (stream.frameDelayMs) await new Promise((r) => setTimeout(r, stream.frameDelayMs))
      if (res.destroyed) return
      const last = i === stream.frames.length - 1
      const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data)
      const terminator = last && stream.unterminated ? '' : stream.format === 'sse' ? '\n\n' : '\n'
      recorded.firstFrameAt ??= performance.timeOrigin + performance.now()
      res.write(stream.format === 'sse' ? `${frame.event ? `event: ${frame.event}\n` : ''}data: ${data}${terminator}` : `${data}${terminator}`)
    }
    res.end()
  }

  private next(path: string): ScriptedReply {
    const queue = this.scripts.get(path)
    if (!queue || queue.length === 0) return { status: 404, json: { detail: 'Not Found' } }
    return queue.length > 1 ? queue.shift()! : queue[0]!
  }

  /**
   * What the real control plane answers before planning. The plain route checks the key (a FastAPI
   * dependency) before the body model; the stream route validates the body, then checks the key inside
   * its stream, so a wrong key arrives under HTTP 200 as a `progress` frame and an error frame.
   */
  private kubiyaRefusal(req: IncomingMessage, path: string, body: unknown): ScriptedReply | undefined {
    const auth = req.headers.authorization ?? ''
    const authorized = auth === `UserKey ${this.kubiyaKey}` || auth === `Bearer ${this.kubiyaKey}`
    const reason = 'Token does not contain organization_id'
    const stream = path.endsWith('/stream')
    if (!authorized && !stream) return { status: 401, json: { detail: `Authentication required: ${reason}` } }
    const invalid = kubiyaRequestErrors(body)
    if (invalid.length > 0) return { status: 422, json: { detail: invalid } }
    if (authorized) return undefined
    const frames: Frame[] = [
      { event: 'progress', data: { stage: 'initializing', message: 'Starting task planning', progress: 0 } },
      { event: 'error', data: { message: `Authentication failed: ${reason}` } },
    ]
    return { stream: { format: 'sse', frames } }
  }
}

/** One entry of FastAPI's 422 `detail` array, as pydantic v2 reports it. */
export interface ValidationIssue {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

type FieldCheck = (value: unknown, loc: (string | number)[]) => ValidationIssue[]

const issue = (type: string, loc: (string | number)[], msg: string, input: unknown): ValidationIssue[] => [{ type, loc, msg, input }]
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// pydantic's lax mode, for the types the request model declares.
const str: FieldCheck = (v, loc) => (typeof v === 'string' ? [] : issue('string_type', loc, 'Input should be a valid string', v))
const dict: FieldCheck = (v, loc) => (isObject(v) ? [] : issue('dict_type', loc, 'Input should be a valid dictionary', v))
const int: FieldCheck = (v, loc) => {
  if (typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) return []
  if (typeof v === 'number') return issue('int_from_float', loc, 'Input should be a valid integer, got a number with a fractional part', v)
  if (typeof v === 'string') return /^\s*[+-]?\d+\s*$/.test(v) ? [] : issue('int_parsing', loc, 'Input should be a valid integer, unable to parse string as an integer', v)
  return issue('int_type', loc, 'Input should be a valid integer', v)
}
const BOOL_STRINGS = ['0', 'off', 'f', 'false', 'n', 'no', '1', 'on', 't', 'true', 'y', 'yes']
const bool: FieldCheck = (v, loc) => {
  if (typeof v === 'boolean' || v === 0 || v === 1) return []
  if (typeof v === 'string') return BOOL_STRINGS.includes(v.toLowerCase()) ? [] : issue('bool_parsing', loc, 'Input should be a valid boolean, unable to interpret input', v)
  return issue('bool_type', loc, 'Input should be a valid boolean', v)
}
const oneOf =
  (...values: string[]): FieldCheck =>
  (v, loc) => {
    if (typeof v === 'string' && values.includes(v)) return []
    const expected = `${values.slice(0, -1).map((x) => `'${x}'`).join(', ')} or '${values.at(-1)}'`
    return [{ type: 'enum', loc, msg: `Input should be ${expected}`, input: v, ctx: { expected } }]
  }
const listOfObjects: FieldCheck = (v, loc) => (Array.isArray(v) ? v.flatMap((item, i) => dict(item, [...loc, i])) : issue('list_type', loc, 'Input should be a valid list', v))
const nullable =
  (check: FieldCheck): FieldCheck =>
  (v, loc) =>
    v === null ? [] : check(v, loc)

/** The control plane's task-planning request model (0.9.x): every declared key and its pydantic type. */
const KUBIYA_REQUEST_MODEL: Record<string, { check: FieldCheck; required?: boolean }> = {
  description: { check: str, required: true },
  priority: { check: oneOf('low', 'medium', 'high', 'critical') },
  project_id: { check: nullable(str) },
  agents: { check: listOfObjects },
  teams: { check: listOfObjects },
  environments: { check: listOfObjects },
  worker_queues: { check: listOfObjects },
  refinement_feedback: { check: nullable(str) },
  conversation_context: { check: nullable(str) },
  previous_plan: { check: nullable(dict) },
  iteration: { check: int },
  planning_strategy: { check: oneOf('claude_code_sdk', 'agno') },
  quick_mode: { check: bool },
}

/**
 * What FastAPI answers 422 with for a Kubiya plan request body: every failing field at once, in model
 * order; unknown keys are ignored, as pydantic does by default.
 */
export function kubiyaRequestErrors(body: unknown): ValidationIssue[] {
  if (!isObject(body)) return issue('model_attributes_type', ['body'], 'Input should be a valid dictionary or object to extract fields from', body)
  return Object.entries(KUBIYA_REQUEST_MODEL).flatMap(([field, { check, required }]) => {
    if (!(field in body)) return required ? issue('missing', ['body', field], 'Field required', body) : []
    return check(body[field], ['body', field])
  })
}

/** A Task Planning Service plan with `n` steps, the documented shape. */
export function taskPlanningPlan(n: number, title = 'Add rate limiting to the public API'): Record<string, unknown> {
  return {
    title,
    description: 'Introduce per-key rate limits, then roll them out behind a flag.',
    plan: 'Free-text plan overview',
    steps: Array.from({ length: n }, (_, i) => ({
      name: `Step ${i + 1}: ${['Design the limits', 'Add the middleware', 'Write tests', 'Roll out'][i % 4]}`,
      description: `Details for step ${i + 1}. Coordinate with @platform-team before starting.`,
      estimated_time: `${(i % 3) + 1}h`,
      prerequisites: i === 0 ? 'Access to the API gateway config' : [],
      risks: ['Legitimate clients throttled'],
      subtasks: ['Draft', 'Review'],
      required_skills: ['TypeScript'],
      dependencies: i > 0 ? [String(i)] : [],
      context: { service_name: 'api-gateway' },
      unknown_field: 'ignored',
    })),
  }
}

/** A Kubiya `{plan: TaskPlan}` reply with `n` tasks split over two teams. */
export function kubiyaPlanReply(n: number): Record<string, unknown> {
  const task = (id: number): Record<string, unknown> => ({
    id,
    title: `Task ${id}: ${['Audit current limits', 'Implement token bucket', 'Load-test', 'Document'][id % 4]}`,
    description: `Do task ${id}.`,
    details: 'Implementation notes.',
    test_strategy: 'Unit and load tests',
    priority: 'medium',
    dependencies: id > 1 ? [id - 1] : [],
    status: 'pending',
    subtasks: [{ id: 1000 + id, title: `Sub of ${id}`, description: '', details: '', test_strategy: '', priority: 'low', dependencies: [], status: 'pending', subtasks: [] }],
    skills_to_use: ['go'],
  })
  const half = Math.ceil(n / 2)
  return {
    plan: {
      title: 'Rate limiting rollout',
      summary: 'Add per-key limits to the API.',
      complexity: { story_points: 8, confidence: 'medium', reasoning: 'Touches the hot path.' },
      team_breakdown: [
        { team_name: 'Backend', agent_name: 'backend-agent', responsibilities: ['API'], estimated_time_hours: 16, tasks: Array.from({ length: half }, (_, i) => task(i + 1)) },
        { team_name: 'SRE', agent_name: null, responsibilities: ['Rollout'], estimated_time_hours: 4, tasks: Array.from({ length: n - half }, (_, i) => task(half + i + 1)) },
      ],
      recommended_execution: { entity_type: 'agent' },
      cost_estimate: { estimated_cost_usd: 1.2 },
      risks: ['Throttling real users'],
      prerequisites: ['Gateway access'],
      success_criteria: ['p99 latency unchanged'],
      has_questions: false,
      questions: null,
    },
  }
}

/** Kubiya's stream for a successful plan: progress through the stages, some thinking, then `complete`. */
export function kubiyaStreamFrames(n: number, options: { thinking?: number; errorsFirst?: string[] } = {}): Frame[] {
  const frames: Frame[] = [{ event: 'progress', data: { stage: 'initializing', message: 'Starting planner', progress: 5 } }]
  for (const message of options.errorsFirst ?? []) frames.push({ event: 'error', data: { message } })
  frames.push({ event: 'progress', data: { stage: 'analyzing', message: 'Analyzing the task', progress: 25 } })
  for (let i = 0; i < (options.thinking ?? 3); i++) frames.push({ event: 'thinking', data: { content: `token ${i} `, index: i } })
  frames.push({ event: 'tool_call', data: { tool_name: 'list_agents', tool_call_id: 't1' } })
  frames.push({ event: 'tool_result', data: { tool_call_id: 't1', result: '[]' } })
  frames.push({ event: 'progress', data: { stage: 'generating', message: 'Writing the plan', progress: 80 } })
  frames.push({ event: 'complete', data: { ...kubiyaPlanReply(n), progress: 100, message: 'Plan ready' } })
  return frames
}

/**
 * The Task Planning stream: the plan document cut into `pieces` text updates (`{data: "..."}`),
 * optionally inside a code fence, optionally followed by a last update carrying the whole plan.
 */
export function taskPlanningStreamFrames(n: number, options: { pieces?: number; fenced?: boolean; finalObject?: boolean } = {}): Frame[] {
  const plan = taskPlanningPlan(n)
  const document = JSON.stringify(plan, null, 1)
  const text = options.fenced ? `\`\`\`json\n${document}\n\`\`\`` : document
  const pieces = options.pieces ?? 20
  const size = Math.ceil(text.length / pieces)
  const frames: Frame[] = []
  for (let at = 0; at < text.length; at += size) frames.push({ data: { data: text.slice(at, at + size) } })
  if (options.finalObject) frames.push({ data: { plan } })
  return frames
}
