import pRetry, { AbortError } from 'p-retry'
import { PlannerError } from './planner.js'

export type FetchLike = typeof globalThis.fetch

/** How a remote planner is reached: shared by both protocols. */
export interface RemotePlannerOptions {
  baseUrl: string
  apiKey: string
  fetch: FetchLike
  /** Use the streaming route, which reports progress, instead of the plain one. */
  stream: boolean
  log?: (message: string) => void
}

export interface Reply {
  status: number
  text: string
}

export interface PostOptions {
  signal: AbortSignal
  /** Retries after the first attempt; every attempt may be a paid plan, so keep this small. */
  retries?: number
  /** First backoff delay; later ones double, with jitter. */
  minDelayMs?: number
  log?: (message: string) => void
  /** `accept` header: JSON for a plan, an event stream for the streaming routes. */
  accept?: string
}

/** Statuses that mean the request never reached a planner, so repeating it cannot pay for a plan twice. */
const RETRYABLE_STATUS = new Set([502, 503, 504])
/** A Retry-After longer than this is not waited for: the run would sit idle for minutes. */
const MAX_RETRY_AFTER_MS = 60_000

class RetryableStatus extends Error {
  constructor(
    readonly response: Response,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${response.status}`)
  }
}

/** The request failed before any byte of a response arrived. */
class NotConnected extends Error {
  constructor(cause: unknown) {
    super(describeFailure(cause), { cause })
  }
}

const timeoutError = (): PlannerError => new PlannerError('The planner did not answer in time.', 'timeout')

/**
 * POSTs JSON and returns the response once its headers arrived. Retries only what cannot have started
 * a plan: network failures before any response, 502/503/504, and 429/503 with a Retry-After (honoured,
 * up to a minute). Any other status, 4xx included, is returned for the caller to interpret.
 */
export async function connect(
  fetchFn: FetchLike,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<Response> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: options.accept ?? 'application/json', ...headers },
    body: JSON.stringify(body),
  }
  return fetchWithRetry(fetchFn, url, init, options)
}

/**
 * A fetch with the retry policy of `connect`, for clients that build their own requests (the AI SDK's
 * providers): the request's own signal bounds it, and `extraStatuses` adds statuses that are safe to
 * repeat for that API (408 for model providers, which answer it before any work starts).
 */
export function retryingFetch(fetchFn: FetchLike, options: Omit<PostOptions, 'signal' | 'accept'> & { extraStatuses?: number[] }): FetchLike {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    const signal = init?.signal ?? new AbortController().signal
    return fetchWithRetry(fetchFn, url, { ...init, signal }, { ...options, signal })
  }
}

async function fetchWithRetry(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
  options: Omit<PostOptions, 'accept'> & { extraStatuses?: number[] },
): Promise<Response> {
  const { signal, retries = 2, minDelayMs = 1000, log } = options
  const attempt = async (): Promise<Response> => {
    let response: Response
    try {
      response = await fetchFn(url, { ...init, signal })
    } catch (error) {
      if (signal.aborted) throw new AbortError(abortReason(signal))
      // Nothing arrived, so no plan can have started: safe to try again.
      throw new NotConnected(error)
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    const retryable = RETRYABLE_STATUS.has(response.status) || options.extraStatuses?.includes(response.status) === true || (response.status === 429 && retryAfterMs !== undefined)
    if (retryable && (retryAfterMs ?? 0) <= MAX_RETRY_AFTER_MS) throw new RetryableStatus(response, retryAfterMs)
    return response
  }
  try {
    return await pRetry(attempt, {
      retries,
      minTimeout: minDelayMs,
      factor: 2,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => error instanceof RetryableStatus || error instanceof NotConnected,
      onFailedAttempt: async ({ error, retriesLeft, retryDelay }) => {
        if (retriesLeft === 0) return
        const wait = Math.max(retryDelay, error instanceof RetryableStatus ? (error.retryAfterMs ?? 0) : 0)
        log?.(`Planner request failed (${describeFailure(error)}); retrying in ${(wait / 1000).toFixed(1)} s.`)
        if (error instanceof RetryableStatus) await error.response.body?.cancel()
        // p-retry waits retryDelay itself; a longer Retry-After is made up here.
        if (wait > retryDelay) await sleep(wait - retryDelay, signal)
      },
    })
  } catch (error) {
    if (error instanceof RetryableStatus) return error.response
    if (error instanceof PlannerError) throw error
    if (signal.aborted) throw abortReason(signal)
    throw new PlannerError(`Could not reach the planner at ${new URL(url).origin}: ${describeFailure(error)}.`, 'network')
  }
}

/** POSTs JSON and reads the whole reply. A connection that breaks mid-reply is final: the plan already ran. */
export async function postJson(
  fetchFn: FetchLike,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<Reply> {
  const response = await connect(fetchFn, url, body, headers, options)
  return { status: response.status, text: await readText(response, url, options.signal) }
}

/** Reads a response body; failures mid-body are reported as an interruption, never retried. */
export async function readText(response: Response, url: string, signal: AbortSignal): Promise<string> {
  try {
    return await response.text()
  } catch (error) {
    throw interrupted(error, url, signal)
  }
}

/** The error for a connection that broke after the planner started answering (or the abort that broke it). */
export function interrupted(error: unknown, url: string, signal: AbortSignal): Error {
  if (signal.aborted) return abortReason(signal)
  return new PlannerError(
    `The connection to the planner at ${new URL(url).origin} broke while it was answering (${describeFailure(error)}). It was not retried, to avoid paying for a second plan; run the workflow again.`,
    'interrupted',
  )
}

/** Why a signal aborted: our timeout, or a cancellation reason passed in by the caller. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  if (reason instanceof Error && reason.name !== 'TimeoutError' && reason.name !== 'AbortError') return reason
  return timeoutError()
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}

/** undici hides the useful part ("ECONNREFUSED") in `cause`. */
function describeFailure(error: unknown): string {
  if (error instanceof RetryableStatus || error instanceof NotConnected) return error.message
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause
  if (cause instanceof Error) return 'code' in cause && cause.code ? String(cause.code) : cause.message
  return error.message
}

/** Reads a JSON reply; a reply that is not JSON is quoted in the error so the user sees what came back. */
export function parseJsonReply(reply: Reply, plannerName: string): unknown {
  try {
    return JSON.parse(reply.text)
  } catch {
    throw new PlannerError(`The ${plannerName} planner's reply is not JSON: ${quote(reply.text)}`, 'invalid-reply')
  }
}

/** A short, single-line excerpt of untrusted text for error messages. */
export function quote(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat === '') return '(empty reply)'
  return `"${flat.length > max ? `${flat.slice(0, max)}…` : flat}"`
}

/** The human part of an error reply: FastAPI `detail` (string, object or list), `message`, `error`, or the raw text. */
export function errorMessage(reply: Reply): string {
  let data: unknown
  try {
    data = JSON.parse(reply.text)
  } catch {
    return quote(reply.text)
  }
  return errorText(data) ?? quote(reply.text)
}

/**
 * Reads an error value: a string; a list of them, joined; or an object's `message`, `msg`, `detail` or
 * `error`, with its `loc`, its `details` (the cause, e.g. a missing model key) and its `suggestion`.
 */
export function errorText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined
  if (Array.isArray(value)) {
    const parts = value.map(errorText).filter(Boolean)
    return parts.length ? parts.join('; ') : undefined
  }
  if (!value || typeof value !== 'object') return undefined
  const o = value as Record<string, unknown>
  const main = errorText(o.message) ?? errorText(o.msg) ?? errorText(o.detail) ?? errorText(o.error)
  if (!main) return undefined
  const loc = Array.isArray(o.loc) ? `${o.loc.join('.')}: ` : ''
  const details = errorText(o.details)
  const cause = details && !main.includes(details) ? `${main.replace(/[\s.:;]+$/, '')}: ${details}` : main
  const suggestion = errorText(o.suggestion)
  return `${loc}${cause}${suggestion ? ` (${suggestion})` : ''}`
}
