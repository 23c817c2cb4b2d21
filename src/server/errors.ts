import { PlannerError } from '../planners/planner.js'
import { redact } from '../secrets.js'
import { asFlags } from './config.js'
import type { Outcome } from './metrics.js'

/** Abort reasons: why the service stopped a plan it had started. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed the connection before the plan was ready.')
    this.name = 'ClientGone'
  }
}

export class ServiceTimeout extends Error {
  constructor(readonly ms: number) {
    super(`The plan took longer than ${Math.round(ms / 1000)} s (the service's --timeout) and was stopped.`)
    this.name = 'ServiceTimeout'
  }
}

export class ShuttingDown extends Error {
  constructor() {
    super('The service is shutting down and stopped this plan before it finished: send the request again.')
    this.name = 'ShuttingDown'
  }
}

/** How a failed plan is answered: the status (or, in a stream, the error code) and what the client and the log are told. */
export interface Failure {
  status: number
  outcome: Outcome
  /** `detail.error` in a stream's last update. */
  code: string
  /** For the client. */
  message: string
  /** For the service's log: never model output, which may repeat the task. */
  logged: string
}

/**
 * Classifies a plan that did not finish: stopped by the service itself (the signal's reason says
 * why), failed upstream (502; 504 for the upstream's own timeout), or a fault of the service (500,
 * with no detail for the client). The provider's key is removed from every message.
 */
export function describeFailure(error: unknown, signal: AbortSignal, secrets: readonly string[]): Failure {
  if (signal.aborted) {
    const reason: unknown = signal.reason
    if (reason instanceof ClientGone) return { status: 499, outcome: 'client_gone', code: 'client_gone', message: reason.message, logged: reason.message }
    if (reason instanceof ServiceTimeout) return { status: 504, outcome: 'timeout', code: 'timeout', message: reason.message, logged: reason.message }
    if (reason instanceof ShuttingDown) return { status: 503, outcome: 'shutting_down', code: 'shutting_down', message: reason.message, logged: reason.message }
  }
  if (error instanceof PlannerError) {
    const said = redact(asFlags(error.message), secrets)
    // An unusable reply is described with its start; the log keeps only what went wrong.
    const logged = error.reason === 'invalid-reply' ? withoutExcerpts(said) : said
    if (error.reason === 'timeout') return { status: 504, outcome: 'timeout', code: 'timeout', message: `The backing planner timed out: ${said}`, logged }
    return { status: 502, outcome: 'upstream_error', code: 'upstream_error', message: `The backing planner failed: ${said}`, logged: `${error.reason}: ${logged}` }
  }
  const logged = error instanceof Error ? `${error.name}: ${redact(error.message, secrets)}` : 'a non-error value was thrown'
  return { status: 500, outcome: 'error', code: 'internal', message: 'Internal Server Error', logged }
}

/** Replaces quoted excerpts ("…" in the planners' messages) with an ellipsis. */
export function withoutExcerpts(message: string): string {
  const first = message.indexOf('"')
  const last = message.lastIndexOf('"')
  return first === -1 || last === first ? message : `${message.slice(0, first)}"…"${message.slice(last + 1)}`
}
