/**
 * Fake LLM provider servers on 127.0.0.1 that speak each provider's real wire protocol, so the LLM
 * planners (Vercel AI SDK 7 providers) run end to end without network. One server answers every
 * provider on one port:
 *
 *   provider (SDK setting)                      baseURL to give the SDK        routes served
 *   openai       createOpenAI / .chat()         fake.baseURL('openai')         POST /v1/responses, POST /v1/chat/completions
 *   openai-compatible createOpenAICompatible    fake.baseURL('openai-compatible') same two (Bearer key, or none with `keyless`)
 *   azure        createAzure({ baseURL })       fake.baseURL('azure')          POST /openai/v1/responses, POST /openai/v1/chat/completions,
 *                                                                              POST /openai/deployments/{name}/chat/completions?api-version=…
 *   anthropic    createAnthropic                fake.baseURL('anthropic')      POST /v1/messages
 *   google       createGoogleGenerativeAI       fake.baseURL('google')         POST /v1beta/models/{model}:generateContent,
 *                                                                              POST /v1beta/models/{model}:streamGenerateContent?alt=sse
 *
 * Azure: against 127.0.0.1 the SDK treats the base URL as a gateway and appends only the path, so give it
 * `${fake.url}/openai/v1` (a real resource URL gets `?api-version=v1`; the fake accepts it and records it).
 *
 * Usage:
 *   const fake = await FakeModelServer.start({ key: 'sk-test' })   // one key for every provider; `keyless: true` skips auth
 *   fake.script({ text: fencedJson(plan), pieces: 40 }, { error: { kind: 'rate-limit' }, retryAfter: 1 }, …)
 *   …run the action or the SDK against fake.baseURL('anthropic')…
 *   fake.requests[0]  // { method, path, query, headers, body, provider, api, model, stream, output, schema, schemaField,
 *                     //   tools, messages, toolResults, prompt, refused?, reply, status, receivedAt, firstPieceAt, endedAt, aborted }
 *   await fake.close()
 *
 * Replies are queued across all routes; each request takes the next, and the last one repeats. A reply is:
 *   { text, pieces?, pieceDelayMs?, usage?: {input, output}, cutAfter?, hangAfter?, streamError?: {after, kind}, hitMaxTokens? }
 *   { toolCalls: [{ name, args }], text?, …the same delivery options }      tool calls in each provider's format
 *   { refusal: 'reason', … }                                               OpenAI refusal content / Anthropic stop_reason "refusal"
 *                                                                          with stop_details.explanation / Gemini finishReason SAFETY
 *   { error: { kind, status? }, retryAfter?, inStream? }                   kinds: auth, not-found-model, rate-limit, quota,
 *                                                                          context-length, server, overloaded, content-filter
 *   { hang: true }                                                         reads the request, never answers
 * Statuses that differ between providers: a wrong Gemini key is 400 (reason API_KEY_INVALID; a missing one 403),
 * Anthropic's empty credit balance is 400 and overloaded 529, and Gemini answers a blocked prompt (content-filter
 * without a status) with 200, `promptFeedback.blockReason` and no candidates.
 * Streamed text goes out in pieces of about 4 characters (one token); non-streamed calls get the whole reply.
 * `atTokensPerSecond(50)` gives `{ pieceDelayMs: 20 }`; `firstPieceAt` records when the first piece was written.
 * `fencedJson(value)` builds a reply that wraps JSON in a ```json fence. Usage defaults to an estimate of
 * 4 characters a token (prompt text, tool definitions and schema in; output text out).
 *
 * Each route checks what the provider checks before the model runs, and answers as it would: the key header
 * (OpenAI `Authorization: Bearer`, Azure `api-key`, Anthropic `x-api-key` + `anthropic-version`, Gemini
 * `x-goog-api-key`), the model, required fields, strict JSON schemas (OpenAI), tool results that answer a
 * tool call. Refused requests do not use up a scripted reply. Where each provider carries the structured
 * output schema (recorded as `schema`, `schemaField`, `output`):
 *   OpenAI Responses  text.format {type: json_schema, strict: true} → schema in text.format.schema
 *   Chat Completions  response_format {type: json_schema, json_schema: {schema, strict}}; openai-compatible only
 *                     with supportsStructuredOutputs: true (else response_format {type: json_object}, no schema)
 *   Anthropic         output_config.format {type: json_schema, schema} for models with native structured output
 *                     (claude-sonnet-4-5, opus-4-1 and later); older or unknown ids get a forced tool
 *                     `json` (tool_choice {type: any}) and a text reply is sent as that tool's input
 *   Gemini            generationConfig.responseJsonSchema (+ responseMimeType application/json); Gemini 2.x with
 *                     function tools gets a forced `json` function instead (toolConfig mode ANY), answered likewise
 *
 * What the SDK makes of these replies (pinned by test/unit/fake-models.test.ts):
 *   - `openai(model)` and `azure(deployment)` call the Responses API; `.chat(model)` calls Chat Completions.
 *   - A failure before any output reaches `onError` as an APICallError with the provider's status, including
 *     failures sent inside a 200 stream by the Responses API (insufficient_quota) and Anthropic (overloaded_error
 *     first); openai-compatible and Gemini report those as StreamProviderError. An error event after output has
 *     started reaches `onError` as a StreamProviderError (statusCode from the error type; none for
 *     openai-compatible). Then `output` rejects (NoOutputGeneratedError, or NoObjectGeneratedError after output).
 *   - A dropped connection never reaches `onError`: iterating `partialOutputStream` rejects with an APICallError
 *     ("Failed to process successful response", statusCode 200) and so does `output`.
 *   - The SDK retries 408/409/429/5xx itself before the stream starts (`maxRetries`, default 2), honouring
 *     `retry-after-ms`/`retry-after`; Gemini sends neither (RetryInfo in the body), so the SDK backs off from 2 s.
 *   - Refusals finish with 'content-filter': OpenAI's text is the refusal, Anthropic's reason is in
 *     providerMetadata.anthropic.stopDetails.explanation, Gemini's in providerMetadata.google.safetyRatings.
 *     @ai-sdk/azure bundles an older @ai-sdk/openai that ignores refusals: finish 'stop' with no text.
 *   - Usage arrives per call as inputTokens/outputTokens (Chat Completions only with stream_options.include_usage,
 *     which @ai-sdk/openai always asks for and @ai-sdk/openai-compatible only with includeUsage: true).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspectMessages, messagesErrorStream, renderMessages } from './fake-models-anthropic.ts'
import { anthropicError, azureError, geminiError, openaiError, type ErrorContext } from './fake-models-errors.ts'
import { generateContentErrorStream, inspectGenerateContent, promptBlocked, renderGenerateContent } from './fake-models-gemini.ts'
import { chatErrorStream, inspectChat, inspectResponses, newResponseStore, renderChat, renderResponses, responsesErrorStream, type ResponseStore } from './fake-models-openai.ts'
import {
  answerText,
  type Answer,
  estimateTokens,
  prepare,
  randomId,
  type Api,
  type Delivery,
  type ErrorReply,
  type HangReply,
  type Inspection,
  type PromptMessage,
  type Provider,
  type ProviderError,
  type Rendered,
  type RenderContext,
  type Reply,
  type ToolResult,
} from './fake-models-script.ts'

export { atTokensPerSecond, fencedJson, splitIntoPieces } from './fake-models-script.ts'
export type { ErrorKind, ErrorReply, HangReply, RefusalReply, Reply, TextReply, ToolCallsReply, Usage } from './fake-models-script.ts'

export interface FakeModelServerOptions {
  /** The key every provider route expects. */
  key?: string
  /** Accept requests with any key or none, like Ollama, vLLM or LM Studio. */
  keyless?: boolean
}

/** One request the fake received, with what it read from it and how it answered. */
export interface ModelRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** The parsed JSON body (the raw text when it is not JSON). */
  body: unknown
  provider?: Provider
  api?: Api
  model?: string
  stream: boolean
  output: Inspection['output']
  /** The structured output schema, found where the provider carries it (`schemaField`). */
  schema?: unknown
  schemaField?: string
  tools: string[]
  messages: PromptMessage[]
  toolResults: ToolResult[]
  /** All the prompt's text (system, user, assistant and tool results), for asserting what the model saw. */
  prompt: string
  /** Set when the fake answered before any scripted reply: wrong key, invalid body, unknown route, nothing scripted. */
  refused?: { status: number; reason: string }
  /** The scripted reply this request used. */
  reply?: Reply
  status?: number
  receivedAt: number
  /** When the first piece of model output was written (ms since the epoch). */
  firstPieceAt?: number
  endedAt?: number
  /** The client closed the connection before the reply was complete (timeouts, cancellation). */
  aborted: boolean
}

interface Route {
  provider: Provider
  api: Api
  /** Gemini and Azure deployment URLs name the model in the path. */
  model?: string
  stream?: boolean
}

const DEFAULT_KEY = 'sk-fake-model-key-0123456789'

const now = (): number => performance.timeOrigin + performance.now()
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Which provider and API a request path belongs to. */
function routeOf(method: string, path: string, query: Record<string, string>): Route | undefined {
  if (method !== 'POST') return undefined
  if (path === '/v1/responses') return { provider: 'openai', api: 'responses' }
  if (path === '/v1/chat/completions') return { provider: 'openai', api: 'chat' }
  if (path === '/openai/v1/responses') return { provider: 'azure', api: 'responses' }
  if (path === '/openai/v1/chat/completions') return { provider: 'azure', api: 'chat' }
  const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path)
  if (deployment && query['api-version']) return { provider: 'azure', api: 'chat', model: decodeURIComponent(deployment[1]!) }
  if (path === '/v1/messages') return { provider: 'anthropic', api: 'messages' }
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path)
  if (gemini) return { provider: 'gemini', api: 'generate-content', model: decodeURIComponent(gemini[1]!), stream: gemini[2] === 'streamGenerateContent' }
  return undefined
}

function errorOf(provider: Provider, kind: ErrorReply['error']['kind'], context: ErrorContext, status?: number): ProviderError {
  switch (provider) {
    case 'openai':
      return openaiError(kind, context, status)
    case 'azure':
      return azureError(kind, context, status)
    case 'anthropic':
      return anthropicError(kind, context, status)
    case 'gemini':
      return geminiError(kind, context, status)
  }
}

/** A reply that is one body, not a stream. */
type PlainReply = Extract<Rendered, { kind: 'json' | 'text' }>

function asRendered(error: ProviderError): PlainReply {
  return error.text !== undefined ? { kind: 'text', status: error.status, headers: error.headers, body: error.text } : { kind: 'json', status: error.status, headers: error.headers, body: error.body }
}

/** Scripted model replies over each provider's real protocol; see the top of this file. */
export class FakeModelServer {
  readonly requests: ModelRequest[] = []
  readonly url: string
  readonly key: string
  private readonly keyless: boolean
  private readonly server: Server
  private readonly open = new Set<ServerResponse>()
  private readonly responses: ResponseStore = newResponseStore()
  private queue: Reply[] = []
  private closing = false

  // No parameter properties: the benchmark runs these files with Node's type stripping.
  private constructor(server: Server, url: string, options: FakeModelServerOptions) {
    this.server = server
    this.url = url
    this.key = options.key ?? DEFAULT_KEY
    this.keyless = options.keyless ?? false
  }

  static async start(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const fake = new FakeModelServer(server, `http://127.0.0.1:${port}`, options)
    server.on('request', (req, res) => void fake.handle(req, res))
    return fake
  }

  /** The base URL to give each provider's SDK (and the action's `planner-url`). */
  baseURL(provider: 'openai' | 'openai-compatible' | 'azure' | 'anthropic' | 'google'): string {
    return { openai: `${this.url}/v1`, 'openai-compatible': `${this.url}/v1`, azure: `${this.url}/openai/v1`, anthropic: `${this.url}/v1`, google: `${this.url}/v1beta` }[provider]
  }

  /** Replaces the queue of replies; each request takes the next one and the last one repeats. */
  script(...replies: Reply[]): this {
    for (const reply of replies) prepare(reply, () => 'check')
    this.queue = [...replies]
    return this
  }

  /** Resolves when `count` requests have arrived (refused ones included). */
  async waitForRequests(count: number, timeoutMs = 5000): Promise<ModelRequest[]> {
    const deadline = Date.now() + timeoutMs
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`FakeModelServer: expected ${count} requests within ${timeoutMs} ms, got ${this.requests.length}`)
      await sleep(5)
    }
    return this.requests.slice(0, count)
  }

  async close(): Promise<void> {
    this.closing = true
    for (const res of this.open) res.destroy()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private next(): Reply | undefined {
    return this.queue.length > 1 ? this.queue.shift() : this.queue[0]
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', this.url)
    const query = Object.fromEntries(url.searchParams)
    const record: ModelRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query,
      headers: req.headers,
      body: raw,
      stream: false,
      output: 'text',
      tools: [],
      messages: [],
      toolResults: [],
      prompt: '',
      receivedAt: now(),
      aborted: false,
    }
    this.requests.push(record)
    let closedByServer = false
    res.on('close', () => {
      this.open.delete(res)
      record.endedAt = now()
      if (!res.writableFinished && !closedByServer && !this.closing) record.aborted = true
    })
    const refuse = async (rendered: PlainReply, reason: string): Promise<void> => {
      record.refused = { status: rendered.status, reason }
      await this.write(res, rendered, {}, record, () => (closedByServer = true))
    }

    const route = routeOf(record.method, record.path, query)
    if (!route) {
      await refuse({ kind: 'json', status: 404, body: { error: { message: `Invalid URL (${record.method} ${record.path})`, type: 'invalid_request_error', param: null, code: null } } }, 'unknown route')
      return
    }
    record.provider = route.provider
    record.api = route.api
    const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1]
    const context: ErrorContext = { model: route.model ?? '', api: route.api, key: bearer }

    const authProblem = this.authProblem(route.provider, req.headers, query, context)
    if (authProblem) {
      await refuse(asRendered(authProblem), 'key')
      return
    }

    let body: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(raw)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      body = parsed as Record<string, unknown>
      record.body = body
    } catch {
      await refuse(asRendered(this.unparsable(route.provider)), 'body is not a JSON object')
      return
    }

    const inspection = this.inspect(route, body, req.headers)
    Object.assign(record, {
      model: inspection.model,
      stream: inspection.stream,
      output: inspection.output,
      schema: inspection.schema,
      schemaField: inspection.schemaField,
      tools: inspection.tools,
      messages: inspection.messages,
      toolResults: inspection.toolResults,
      prompt: inspection.messages.map((message) => message.text).join('\n\n'),
    })
    if (inspection.problem) {
      await refuse(asRendered(inspection.problem), 'invalid request')
      return
    }
    context.model = inspection.model ?? ''

    const reply = this.next()
    if (!reply) {
      await refuse({ kind: 'text', status: 500, body: `FakeModelServer: no reply scripted for ${record.method} ${record.path}` }, 'nothing scripted')
      return
    }
    record.reply = reply
    if ('hang' in reply) return
    const { rendered, delivery } = this.perform(route, reply, inspection, body, record, context)
    await this.write(res, rendered, delivery, record, () => (closedByServer = true))
  }

  /** Turns a scripted reply into what the provider would send for this request. */
  private perform(route: Route, reply: Exclude<Reply, HangReply>, inspection: Inspection, body: Record<string, unknown>, record: ModelRequest, context: ErrorContext): { rendered: Rendered; delivery: Delivery } {
    let rendered: Rendered
    let delivery: Delivery = {}
    try {
      const performance = prepare(reply, () => this.toolCallId(route.provider))
      if ('hang' in performance) throw new Error('unreachable: hang replies are handled before')
      if ('error' in performance) {
        rendered = this.renderError(route, performance, inspection, { ...context, retryAfter: performance.retryAfter })
      } else {
        const callable = inspection.toolsOff ? [] : inspection.tools.filter((name) => name !== inspection.jsonTool)
        if (performance.answer.kind === 'tools' && callable.length === 0) {
          throw new Error(`FakeModelServer script: the reply calls ${performance.answer.calls.map((call) => call.name).join(', ')}, but this request offers the model no tools to call`)
        }
        delivery = performance.delivery
        // The model reads the prompt, the tool definitions and the schema; estimate over all three.
        const read = record.prompt + JSON.stringify(body.tools ?? []) + JSON.stringify(inspection.schema ?? '')
        const usage = { input: delivery.usage?.input ?? estimateTokens(read), output: delivery.usage?.output ?? estimateTokens(answerText(performance.answer)) }
        const renderContext: RenderContext = { model: context.model, stream: inspection.stream, usage, inspection }
        rendered = this.render(route, performance.answer, delivery, renderContext, body, context)
      }
    } catch (error) {
      // A script that cannot be sent in this provider's format (e.g. non-JSON text for a forced json tool).
      rendered = { kind: 'text', status: 500, body: error instanceof Error ? error.message : String(error) }
      record.refused = { status: 500, reason: rendered.body }
    }
    if (route.provider === 'gemini' && inspection.stream && record.query.alt !== 'sse' && rendered.kind === 'sse') {
      // Without alt=sse, streamGenerateContent sends the chunks as one JSON array.
      rendered = { kind: 'json', status: 200, body: rendered.events.map((event) => event.data) }
    }
    return { rendered, delivery }
  }

  private authProblem(provider: Provider, headers: IncomingHttpHeaders, query: Record<string, string>, context: ErrorContext): ProviderError | undefined {
    if (this.keyless) return undefined
    switch (provider) {
      case 'openai': {
        const auth = headers.authorization
        if (auth === `Bearer ${this.key}`) return undefined
        if (auth === undefined) {
          return {
            status: 401,
            headers: {},
            body: {
              error: {
                message:
                  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
                type: 'invalid_request_error',
                param: null,
                code: null,
              },
            },
          }
        }
        return openaiError('auth', context)
      }
      case 'azure':
        return headers['api-key'] === this.key ? undefined : azureError('auth', context)
      case 'anthropic': {
        const key = headers['x-api-key']
        if (key === this.key) return undefined
        if (key === undefined) return { ...anthropicError('auth', context), body: { type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' }, request_id: randomId('req_011C', 20) } }
        return anthropicError('auth', context)
      }
      case 'gemini': {
        const key = headers['x-goog-api-key'] ?? query.key
        if (key === this.key) return undefined
        return geminiError('auth', context, key === undefined ? 403 : 400)
      }
    }
  }

  private unparsable(provider: Provider): ProviderError {
    if (provider === 'anthropic') return { status: 400, headers: {}, body: { type: 'error', error: { type: 'invalid_request_error', message: 'There was an issue with your request body. Please check that it is valid JSON.' } } }
    if (provider === 'gemini') return { status: 400, headers: {}, body: { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } } }
    return {
      status: 400,
      headers: {},
      body: { error: { message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)", type: 'invalid_request_error', param: null, code: null } },
    }
  }

  private inspect(route: Route, body: Record<string, unknown>, headers: IncomingHttpHeaders): Inspection {
    switch (route.api) {
      case 'responses':
        return inspectResponses(body, this.responses, route.provider === 'azure')
      case 'chat':
        return inspectChat(route.model && body.model === undefined ? { ...body, model: route.model } : body, route.provider === 'azure')
      case 'messages':
        return inspectMessages(body, headers['anthropic-version'] as string | undefined)
      case 'generate-content':
        return inspectGenerateContent(body, route.model ?? '', route.stream ?? false)
    }
  }

  private toolCallId(provider: Provider): string {
    if (provider === 'anthropic') return randomId('toolu_01', 22)
    if (provider === 'gemini') return randomId('', 8)
    return randomId('call_', 24)
  }

  private render(route: Route, answer: Answer, delivery: Delivery, context: RenderContext, body: Record<string, unknown>, errorContext: ErrorContext): Rendered {
    const failure = delivery.streamError
    const failureError = failure ? errorOf(route.provider, failure.kind, errorContext) : undefined
    const streamError = failure && failureError ? { after: failure.after, error: failureError } : undefined
    const hit = delivery.hitMaxTokens ?? false
    switch (route.api) {
      case 'responses':
        return renderResponses(answer, hit, context, body.store === false ? undefined : this.responses, streamError)
      case 'chat':
        return renderChat(answer, hit, context, route.provider === 'azure', streamError)
      case 'messages':
        return renderMessages(answer, hit, context, failure ? { after: failure.after, kind: failure.kind, context: errorContext } : undefined)
      case 'generate-content':
        return renderGenerateContent(answer, hit, context, streamError)
    }
  }

  private renderError(route: Route, reply: ErrorReply, inspection: Inspection, context: ErrorContext): Rendered {
    const { kind, status } = reply.error
    const renderContext: RenderContext = { model: context.model, stream: inspection.stream, usage: { input: estimateTokens(inspection.messages.map((m) => m.text).join('')), output: 0 }, inspection }
    if (route.provider === 'gemini' && kind === 'content-filter' && status === undefined) return promptBlocked(renderContext)
    const error = errorOf(route.provider, kind, context, status)
    if (!reply.inStream || !inspection.stream) return asRendered(error)
    switch (route.api) {
      case 'responses':
        return responsesErrorStream(renderContext, error)
      case 'chat':
        return chatErrorStream(error)
      case 'messages':
        return messagesErrorStream(kind, context)
      case 'generate-content':
        return generateContentErrorStream(error)
    }
  }

  /** Closes the connection mid-reply, after what was written reaches the client (a dropped connection, not a reset). */
  private async cut(res: ServerResponse, serverClose: () => void): Promise<void> {
    serverClose()
    await new Promise<void>((resolve) => res.write('', () => resolve()))
    res.socket?.end()
  }

  /** Sends a rendered reply, piece by piece for streams, honouring the delivery's delays, cuts and stalls. */
  private async write(res: ServerResponse, rendered: Rendered, delivery: Delivery, record: ModelRequest, serverClose: () => void): Promise<void> {
    if (rendered.kind !== 'sse') {
      const text = rendered.kind === 'json' ? JSON.stringify(rendered.body) : rendered.body
      const type = rendered.kind === 'json' ? 'application/json' : 'text/plain; charset=utf-8'
      record.status = rendered.status
      res.writeHead(rendered.status, { 'content-type': type, ...rendered.headers })
      if (rendered.status === 200 && !record.refused) record.firstPieceAt ??= now()
      if (delivery.cutAfter !== undefined) {
        res.write(text.slice(0, Math.floor(text.length / 2)))
        await this.cut(res, serverClose)
        return
      }
      res.end(text)
      return
    }
    record.status = 200
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...rendered.headers })
    res.flushHeaders()
    let pieces = 0
    for (const event of rendered.events) {
      if (event.piece) {
        if (delivery.cutAfter !== undefined && pieces >= delivery.cutAfter) {
          await this.cut(res, serverClose)
          return
        }
        if (delivery.hangAfter !== undefined && pieces >= delivery.hangAfter) return
        if (delivery.pieceDelayMs) await sleep(delivery.pieceDelayMs)
        pieces++
      }
      if (res.destroyed) return
      const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data)
      if (event.piece) record.firstPieceAt ??= now()
      res.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${data}\n\n`)
    }
    res.end()
  }
}
