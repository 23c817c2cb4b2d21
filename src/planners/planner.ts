import type { ToolCallRecord } from './llm/explore/tools.js'
import type { PlanRequest } from '../context/request.js'
import type { Plan, PlanStep } from '../plan.js'

/** Tokens a model planner spent, as the provider reported them. */
export interface TokenUsage {
  inputTokens: number
  outputTokens: number
}

/** What an LLM planner read of the repository before it planned, for the job summary. */
export interface ExplorationReport {
  /** Where the files came from, e.g. "a checkout of octo-org/api on branch main". */
  source: string
  mode: 'checkout' | 'api'
  calls: readonly ToolCallRecord[]
  budget: { calls: number; chars: number; maxCalls: number; maxChars: number }
  /** GitHub requests the exploration made (0 with a checkout). */
  githubRequests: number
}

export type PlannerResult = (
  | { kind: 'plan'; plan: Plan }
  /** The planner asked questions or refused a vague task instead of planning. */
  | { kind: 'needs-info'; message: string; questions: string[] }
) & { usage?: TokenUsage; exploration?: ExplorationReport }

/** What a streaming planner has reported so far. */
export interface PlanProgress {
  /** Kubiya's stage name, e.g. "analyzing". */
  stage?: string
  /** 0-100, when the planner says. */
  percent?: number
  message?: string
  /** Title and steps already complete in a streamed plan document. */
  title?: string
  steps?: PlanStep[]
}

export interface Planner {
  /** Shown in logs and the comment footer. */
  readonly name: string
  /** False for planners that answer instantly without a network call. */
  readonly remote: boolean
  /**
   * `onProgress` is called on every stream event with a function that reads the progress so far;
   * reading it can cost a parse of the partial plan, so the caller reads it only when it shows it.
   * Planners that do not stream never call it.
   */
  plan(request: PlanRequest, signal: AbortSignal, onProgress?: ProgressListener): Promise<PlannerResult>
}

export type ProgressListener = (read: () => PlanProgress) => void

/** A failure whose message is written for the person reading the issue or the run log. */
export class PlannerError extends Error {
  constructor(
    message: string,
    readonly reason: 'config' | 'invalid-reply' | 'timeout' | 'network' | 'interrupted' | 'server',
  ) {
    super(message)
    this.name = 'PlannerError'
  }
}
