// Scripted replies for the fake model servers (fake-models.ts): what a test asks the "model" to do,
// independent of any provider, and the plumbing every provider's renderer shares.
import { randomBytes } from 'node:crypto'

/** The provider failures a test can script; each provider answers with its own real status and body. */
export type ErrorKind = 'auth' | 'not-found-model' | 'rate-limit' | 'quota' | 'context-length' | 'server' | 'overloaded' | 'content-filter'

/** Token counts as the provider reports them. Defaults are estimates: about 4 characters per token. */
export interface Usage {
  input: number
  output: number
}

/**
 * How a streamed reply is delivered. Pieces are the units counted by `cutAfter`, `hangAfter` and `streamError`:
 * pieces of text and of tool-call arguments (Gemini sends each function call whole, as one piece).
 */
export interface Delivery {
  /** A number splits the text into that many pieces; an array gives them (they must join to the text). Default: about 4 characters each. */
  pieces?: number | string[]
  /** Pause before each piece; `atTokensPerSecond(50)` gives 20 ms. */
  pieceDelayMs?: number
  /** Drop the connection after this many pieces (non-streamed: after half the body). */
  cutAfter?: number
  /** Stop writing after this many pieces and keep the connection open (a model that stalls). */
  hangAfter?: number
  /** Send the provider's mid-stream error event after this many pieces instead of finishing. */
  streamError?: { after: number; kind: ErrorKind }
  usage?: Partial<Usage>
  /** Finish as if the output hit the token limit (OpenAI `max_output_tokens`/`length`, Anthropic `max_tokens`, Gemini `MAX_TOKENS`). */
  hitMaxTokens?: boolean
}

/** The model writes `text` (the JSON of a plan, fenced JSON, prose...). */
export interface TextReply extends Delivery {
  text: string
}

/** The model calls tools, optionally after a sentence of text; `args` is sent as the call's JSON arguments. */
export interface ToolCallsReply extends Delivery {
  toolCalls: { name: string; args: unknown }[]
  text?: string
}

/** The model refuses: OpenAI `refusal` content, Anthropic `stop_reason: "refusal"` with this explanation, Gemini `finishReason: SAFETY`. */
export interface RefusalReply extends Delivery {
  refusal: string
}

/**
 * The provider fails with its real status and body for `kind`; `status` overrides the default status.
 * `inStream: true` answers 200 and sends the error as the stream's first event, as the providers do for
 * some failures (OpenAI Responses `insufficient_quota`/`context_length_exceeded`, Anthropic `overloaded_error`).
 */
export interface ErrorReply {
  error: { kind: ErrorKind; status?: number }
  /** Seconds; sent as `retry-after` (and `retry-after-ms` for OpenAI and Azure, RetryInfo in the body for Gemini). */
  retryAfter?: number
  inStream?: boolean
}

/** The server reads the request and never answers (timeouts, cancellation). */
export interface HangReply {
  hang: true
}

export type Reply = TextReply | ToolCallsReply | RefusalReply | ErrorReply | HangReply

export interface ToolCallSpec {
  id: string
  name: string
  /** The arguments as JSON text, split into the pieces it is streamed in. */
  argPieces: string[]
}

/** A reply after checking, with everything a provider renderer needs. */
export type Answer =
  | { kind: 'text'; pieces: string[] }
  | { kind: 'tools'; preface: string[]; calls: ToolCallSpec[] }
  | { kind: 'refusal'; pieces: string[] }

export interface Performance {
  answer: Answer
  delivery: Delivery
}

/** One server-sent event; `data` objects go out as one-line JSON, strings as they are. `piece` marks model output. */
export interface SseEvent {
  event?: string
  data: unknown
  piece?: boolean
}

/** What a route sends back: one JSON body, or a stream of events. */
export type Rendered =
  | { kind: 'json'; status: number; headers?: Record<string, string>; body: unknown }
  | { kind: 'text'; status: number; headers?: Record<string, string>; body: string }
  | { kind: 'sse'; headers?: Record<string, string>; events: SseEvent[] }

/** An error reply: the HTTP status and body, and the event a stream carries for the same failure. */
export interface ProviderError {
  status: number
  headers: Record<string, string>
  body: unknown
  /** Non-JSON bodies (gateway pages). */
  text?: string
}

export type Provider = 'openai' | 'azure' | 'anthropic' | 'gemini'
export type Api = 'responses' | 'chat' | 'messages' | 'generate-content'

/** One turn of the conversation the request carries, as plain text. */
export interface PromptMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  text: string
}

/** A tool's result the client sent back to the model (multi-step runs). */
export interface ToolResult {
  callId: string
  name?: string
  output: string
}

/** What a route read from a request body, in provider-independent terms. */
export interface Inspection {
  model?: string
  stream: boolean
  /** How structured output was requested: a JSON schema, plain JSON mode, or a forced `json` tool (Anthropic and Gemini fallbacks). */
  output: 'text' | 'json-schema' | 'json-object' | 'json-tool'
  schema?: unknown
  /** Where the schema was found, e.g. `text.format.schema`. */
  schemaField?: string
  /** The forced tool a `text` reply is sent through when `output` is `json-tool`. */
  jsonTool?: string
  tools: string[]
  /** The request forbids tool calls (`tool_choice` none, Gemini mode NONE). */
  toolsOff?: boolean
  messages: PromptMessage[]
  toolResults: ToolResult[]
  /** Chat Completions: `stream_options.include_usage`. */
  includeUsage?: boolean
  /** The provider's answer to an invalid request (400), when there is one. */
  problem?: ProviderError
}

/** What every renderer gets besides the reply. */
export interface RenderContext {
  model: string
  stream: boolean
  usage: Usage
  inspection: Inspection
}

/** `{ pieceDelayMs }` for a model that writes about `n` pieces (tokens) a second. */
export function atTokensPerSecond(n: number): { pieceDelayMs: number } {
  return { pieceDelayMs: Math.round(1000 / n) }
}

/**
 * A model reply that puts `value` as JSON in a ```json fence, as models do when nothing enforces a
 * schema (OpenAI-compatible servers without structured outputs, prompts that ask for JSON).
 */
export function fencedJson(value: unknown, options: { before?: string; after?: string } = {}): string {
  const parts = [options.before, '```json\n' + JSON.stringify(value, null, 2) + '\n```', options.after]
  return parts.filter((part) => part !== undefined).join('\n\n')
}

/** About one token per piece: runs of up to four non-space characters with the spaces before them. */
export function splitIntoPieces(text: string, pieces?: number | string[]): string[] {
  if (Array.isArray(pieces)) {
    if (pieces.join('') !== text) throw new Error(`FakeModelServer script: the pieces do not join to the text (${JSON.stringify(pieces.join('').slice(0, 40))}…)`)
    return pieces
  }
  if (typeof pieces === 'number') {
    if (!Number.isInteger(pieces) || pieces < 1) throw new Error(`FakeModelServer script: pieces must be a positive integer, got ${pieces}`)
    const size = Math.max(1, Math.ceil(text.length / pieces))
    const out: string[] = []
    for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size))
    return out
  }
  return text.match(/\s*\S{1,4}|\s+$/g) ?? []
}

/** A rough token count (about 4 characters a token), used when a reply scripts no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

/** A random id with a provider's prefix, e.g. `resp_` + 48 hex digits. */
export function randomId(prefix: string, length = 24): string {
  return prefix + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length)
}

/** Checks a scripted reply and prepares its pieces, so a mistake fails at `script()` and not mid-request. */
export function prepare(reply: Reply, toolCallId: () => string): Performance | ErrorReply | HangReply {
  if ('hang' in reply) return reply
  if ('error' in reply) return reply
  const delivery: Delivery = reply
  for (const key of ['cutAfter', 'hangAfter', 'pieceDelayMs'] as const) {
    const value = delivery[key]
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new Error(`FakeModelServer script: ${key} must be a number ≥ 0, got ${value}`)
  }
  if ('toolCalls' in reply) {
    if (reply.toolCalls.length === 0) throw new Error('FakeModelServer script: toolCalls needs at least one call')
    const calls = reply.toolCalls.map((call) => ({ id: toolCallId(), name: call.name, argPieces: splitIntoPieces(JSON.stringify(call.args ?? {})) }))
    return { answer: { kind: 'tools', preface: splitIntoPieces(reply.text ?? ''), calls }, delivery }
  }
  if ('refusal' in reply) return { answer: { kind: 'refusal', pieces: splitIntoPieces(reply.refusal, reply.pieces) }, delivery }
  if ('text' in reply) {
    const pieces = splitIntoPieces(reply.text, reply.pieces)
    // A cut, stall or error after more pieces than the text has would never happen: the reply would just succeed.
    for (const [name, at] of [['cutAfter', delivery.cutAfter], ['hangAfter', delivery.hangAfter], ['streamError.after', delivery.streamError?.after]] as const) {
      if (at !== undefined && at > pieces.length) throw new Error(`FakeModelServer script: ${name} is ${at}, but the text has only ${pieces.length} pieces`)
    }
    return { answer: { kind: 'text', pieces }, delivery }
  }
  throw new Error(`FakeModelServer script: a reply needs text, toolCalls, refusal, error or hang; got ${JSON.stringify(reply)}`)
}

/** The whole text of an answer's output, for usage estimates and non-streamed bodies. */
export function answerText(answer: Answer): string {
  if (answer.kind === 'tools') return answer.preface.join('') + answer.calls.map((call) => call.name + call.argPieces.join('')).join('')
  return answer.pieces.join('')
}

/**
 * Cuts a rendered stream for a mid-stream error: keeps everything up to and including the `after`-th
 * piece (with `after: 0`, only what comes before the first piece).
 */
export function keepPieces(events: SseEvent[], after: number): SseEvent[] {
  let seen = 0
  const kept: SseEvent[] = []
  for (const event of events) {
    if (event.piece) {
      if (seen === after) break
      seen++
    } else if (seen === after && after > 0) {
      break
    }
    kept.push(event)
  }
  return kept
}
