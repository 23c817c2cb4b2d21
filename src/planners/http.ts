import pRetry, { AbortError } from 'p-retry'
import { PlannerError } from './planner.js'

export type FetchLike = typeof globalThis.fetch

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
}

/** Statuses that mean the request never reached a planner, so repeating it cannot pay for a plan twice. */
const RETRYABLE_STATUS = new Set([502, 503, 504])

class RetryableStatus extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`)
  }
}

/**
 * POSTs JSON and returns the status and body text. Retries only network failures and 502/503/504;
 * any other status, 4xx included, is returned for the caller to interpret.
 */
export async function postJson(
  fetchFn: FetchLike,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<Reply> {
  const { signal, retries = 2, minDelayMs = 1000, log } = options
  const attempt = async (): Promise<Reply> => {
    let response: Response
    try {
      response = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw new AbortError(timeoutError())
      // Nothing arrived, so no plan can have started: safe to try again.
      throw new NotConnected(error)
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      if (signal.aborted) throw new AbortError(timeoutError())
      // The planner had started answering; repeating the call would pay for a second plan.
      throw new AbortError(new PlannerError(`The connection to the planner at ${new URL(url).origin} broke while it was answering (${describeFailure(error)}). It was not retried, to avoid paying for a second plan; run the workflow again.`, 'network'))
    }
    const reply = { status: response.status, text }
    if (RETRYABLE_STATUS.has(reply.status)) throw new RetryableStatus(reply)
    return reply
  }
  try {
    return await pRetry(attempt, {
      retries,
      minTimeout: minDelayMs,
      factor: 2,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => error instanceof RetryableStatus || error instanceof NotConnected,
      onFailedAttempt: ({ error, retriesLeft, retryDelay }) => {
        if (retriesLeft > 0 && retryDelay > 0) {
          log?.(`Planner request failed (${describeFailure(error)}); retrying in ${(retryDelay / 1000).toFixed(1)} s.`)
        }
      },
    })
  } catch (error) {
    if (error instanceof RetryableStatus) return error.reply
    if (error instanceof PlannerError) throw error
    if (signal.aborted) throw timeoutError()
    throw new PlannerError(`Could not reach the planner at ${new URL(url).origin}: ${describeFailure(error)}.`, 'network')
  }
}

const timeoutError = (): PlannerError => new PlannerError('The planner did not answer in time.', 'timeout')

/** The request failed before any byte of a response arrived. */
class NotConnected extends Error {
  constructor(cause: unknown) {
    super(describeFailure(cause), { cause })
  }
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
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value
    if (Array.isArray(value)) {
      const parts = value.map((v) => pick(v)).filter(Boolean)
      return parts.length ? parts.join('; ') : undefined
    }
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>
      const loc = Array.isArray(o.loc) ? `${o.loc.join('.')}: ` : ''
      const main = pick(o.message) ?? pick(o.msg) ?? pick(o.detail) ?? pick(o.error)
      const suggestion = typeof o.suggestion === 'string' ? ` (${o.suggestion})` : ''
      return main ? `${loc}${main}${suggestion}` : undefined
    }
    return undefined
  }
  return pick(data) ?? quote(reply.text)
}
