import { APICallError, NoObjectGeneratedError, NoOutputGeneratedError, StreamProviderError } from 'ai'
import { quote } from '../http.js'
import { PlannerError } from '../planner.js'

/** What a message needs to name the provider and the inputs to check. */
export interface ErrorContext {
  /** The provider's name for people, e.g. "Anthropic". */
  label: string
  model: string
  /** Where requests went, without path: shown so a wrong `planner-url` is easy to spot. */
  origin: string
  /** The variable(s) the key may come from, for the "key rejected" hint. */
  keyHint: string
  /** Why the provider refused, when its metadata said (Anthropic's explanation, Gemini's safety ratings). */
  refusal?: string
}

const KEY_REJECTED = /API_KEY_INVALID|api key not valid|invalid[_ ]api[_ ]key|incorrect api key|invalid x-api-key|authentication_error|permission_denied|unauthenticated/i
const CONTEXT_TOO_LONG = /context[_ ]length|context window|maximum context|too many tokens|prompt is too long|input is too long|token limit|exceeds the (?:maximum|limit)|reduce the length/i
const CONTENT_FILTER = /content[_ ]?filter|content management policy|safety|responsible ?ai|blocked/i

/**
 * Turns whatever the AI SDK threw (or passed to onError) into one message a maintainer can act on.
 * Only the status and the provider's own error text are used: an SDK error also carries the whole
 * request body, which holds the issue text and must never reach a log or a comment.
 */
export function describeModelError(error: unknown, ctx: ErrorContext): PlannerError {
  const own = findInChain(error, (e): e is PlannerError => e instanceof PlannerError)
  if (own) return own
  const call = findInChain(error, (e): e is APICallError => APICallError.isInstance(e))
  if (call) return describeCallError(call, ctx)
  const streamed = findInChain(error, (e): e is StreamProviderError => StreamProviderError.isInstance(e))
  if (streamed) return classifyMessage(providerMessage(streamed.data) ?? streamed.message, streamed.statusCode, ctx, ' while it was writing the plan')
  const noObject = findInChain(error, (e): e is NoObjectGeneratedError => NoObjectGeneratedError.isInstance(e))
  if (noObject) return describeNoObject(noObject, ctx)
  if (NoOutputGeneratedError.isInstance(error)) {
    return new PlannerError(`The ${ctx.label} model ${ctx.model} ended its reply without writing a plan.`, 'invalid-reply')
  }
  const said = providerMessage(error)
  if (said) return classifyMessage(said, undefined, ctx)
  return new PlannerError(`The ${ctx.label} model ${ctx.model} failed: ${error instanceof Error ? quote(error.message) : 'no reason given'}.`, 'server')
}

function describeCallError(error: APICallError, ctx: ErrorContext): PlannerError {
  const status = error.statusCode
  const said = providerMessage(parseJson(error.responseBody)) ?? providerMessage(error.data)
  if (status === undefined) {
    return new PlannerError(`Could not reach the ${ctx.label} API at ${ctx.origin}: ${quote(error.message)}. Check input \`planner-url\` and that the runner can reach it.`, 'network')
  }
  if (status >= 200 && status < 300) {
    // The reply had started and the connection broke: repeating it would pay for a second plan.
    return new PlannerError(`The connection to ${ctx.label} at ${ctx.origin} broke while the model was writing the plan. It was not retried, to avoid paying for a second plan; re-plan to try again.`, 'interrupted')
  }
  return classifyMessage(said ?? `HTTP ${status}`, status, ctx)
}

/** Decides what kind of failure a provider's message and status describe; `when` places a failure mid-reply. */
function classifyMessage(message: string, status: number | undefined, ctx: ErrorContext, when = ''): PlannerError {
  const said = quote(message, 300)
  const http = status !== undefined ? ` (HTTP ${status})` : ''
  // Gemini answers a wrong key with 400 API_KEY_INVALID, not 401.
  if (status === 401 || status === 403 || KEY_REJECTED.test(message)) {
    return new PlannerError(`${ctx.label} rejected the API key${http}: ${said}. Check input \`planner-api-key\` (or ${ctx.keyHint}) and that the key may use model ${ctx.model}.`, 'config')
  }
  if (status === 404) {
    return new PlannerError(`${ctx.label} has no model ${ctx.model} at ${ctx.origin}${http}: ${said}. Check input \`model\` (the model id, or for Azure the deployment name) and input \`planner-url\`.`, 'config')
  }
  if (CONTEXT_TOO_LONG.test(message)) {
    return new PlannerError(`The prompt is too long for ${ctx.label} model ${ctx.model}${http}: ${said}. Lower input \`context-budget\` (characters of context sent), or use a model with a larger context window.`, 'config')
  }
  if (status === 429 || /quota|rate.?limit|resource.?exhausted|insufficient_quota|credit balance/i.test(message)) {
    return new PlannerError(`${ctx.label} refused the request: rate limit or quota exhausted${http}: ${said}. Wait and re-plan, or raise the limits or billing of the account behind the key.`, 'server')
  }
  if (CONTENT_FILTER.test(message)) {
    return new PlannerError(`${ctx.label} refused to plan this issue (content filter)${http}: ${said}.`, 'invalid-reply')
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new PlannerError(`${ctx.label} refused the request${http}: ${said}. Check inputs \`model\` and \`planner-url\`.`, 'config')
  }
  return new PlannerError(`${ctx.label} failed${when || ' while planning'}${http}: ${said}. This is usually temporary: re-plan in a few minutes.`, 'server')
}

function describeNoObject(error: NoObjectGeneratedError, ctx: ErrorContext): PlannerError {
  const text = error.text ?? ''
  if (error.finishReason === 'content-filter') {
    const why = text || ctx.refusal
    return new PlannerError(`The ${ctx.label} model ${ctx.model} refused to plan this issue (content filter)${why ? `: ${quote(why, 300)}` : ''}.`, 'invalid-reply')
  }
  if (error.finishReason === 'length') {
    return new PlannerError(`The ${ctx.label} model ${ctx.model} ran out of output tokens before the plan was complete. Raise input \`max-output-tokens\`, or lower \`max-steps\`.`, 'invalid-reply')
  }
  return new PlannerError(`The ${ctx.label} model ${ctx.model} did not reply with a plan in the expected shape. It began: ${quote(text)}`, 'invalid-reply')
}

/** The human part of a provider's error object: `{error: {message}}` (OpenAI, Gemini, Anthropic), `{message}`, `{detail}`. */
export function providerMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined
  if (typeof value !== 'object' || value === null) return undefined
  const o = value as Record<string, unknown>
  if (typeof o.error === 'object' && o.error !== null) return providerMessage(o.error)
  for (const key of ['message', 'detail', 'error']) {
    if (typeof o[key] === 'string' && (o[key] as string).trim()) return (o[key] as string).trim()
  }
  return undefined
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function findInChain<T>(error: unknown, match: (e: unknown) => e is T): T | undefined {
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current !== undefined && current !== null && !seen.has(current)) {
    if (match(current)) return current
    seen.add(current)
    const next = current as { cause?: unknown; lastError?: unknown; errors?: unknown[] }
    current = next.lastError ?? next.cause ?? (Array.isArray(next.errors) ? next.errors.at(-1) : undefined)
  }
  return undefined
}

/**
 * The reason a provider gave for refusing, from the step's metadata: Anthropic's stop explanation, or
 * the Gemini safety categories that blocked the reply.
 */
export function refusalReason(metadata: unknown): string | undefined {
  const m = (metadata ?? {}) as { anthropic?: { stopDetails?: { explanation?: unknown } }; google?: { safetyRatings?: unknown } }
  const explanation = m.anthropic?.stopDetails?.explanation
  if (typeof explanation === 'string' && explanation.trim()) return explanation.trim()
  const ratings = Array.isArray(m.google?.safetyRatings) ? (m.google.safetyRatings as { category?: unknown; probability?: unknown; blocked?: unknown }[]) : []
  const blocked = ratings.filter((r) => r.blocked === true || r.probability === 'HIGH')
  if (blocked.length === 0) return undefined
  return `blocked for ${blocked.map((r) => `${String(r.category ?? 'a safety category')}${r.probability ? ` (${String(r.probability)})` : ''}`).join(', ')}`
}
