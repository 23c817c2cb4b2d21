import type { PlanRequest } from '../context/request.js'
import type { Plan } from '../plan.js'

export type PlannerResult =
  | { kind: 'plan'; plan: Plan }
  /** The planner asked questions or refused a vague task instead of planning. */
  | { kind: 'needs-info'; message: string; questions: string[] }

export interface Planner {
  /** Shown in logs and the comment footer. */
  readonly name: string
  /** False for planners that answer instantly without a network call. */
  readonly remote: boolean
  plan(request: PlanRequest, signal: AbortSignal): Promise<PlannerResult>
}

/** A failure whose message is written for the person reading the issue or the run log. */
export class PlannerError extends Error {
  constructor(
    message: string,
    readonly reason: 'config' | 'invalid-reply' | 'timeout' | 'network' | 'server',
  ) {
    super(message)
    this.name = 'PlannerError'
  }
}
