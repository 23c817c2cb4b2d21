import type { ContextSection } from './sections.js'

/** What every planner is asked: the issue, its repository and the workflow's own context. */
export interface PlanRequest {
  issue: {
    number: number
    /** Cleaned of hidden text, on one line. */
    title: string
    /** Cleaned of HTML comments, hidden HTML and invisible characters; possibly cut to the budget. */
    body: string
    /**
     * The cleaned body before it was cut, present only when `body` was cut. Planners that run on the
     * runner and send nothing anywhere (outline) read it; remote planners are sent `body` only.
     */
    fullBody?: string
    url: string
    labels: string[]
  }
  repository: {
    fullName: string
    description: string
    topics: string[]
    language: string
    defaultBranch: string
    url: string
  }
  /** The `context` input: a mapping supplied by the workflow author. */
  userContext: Record<string, unknown>
  /** What else the planner should know (discussion, parent, references, README, languages, files), highest priority first, within the budget. */
  sections: ContextSection[]
  /** When this issue is one step of a planned parent: which one (`step_number`). */
  step?: { parent: number; number: number }
  /** A `/plan` command: its guidance and the plan it refines. */
  refinement?: { guidance: string; previousPlan: string }
  /** Human-readable notes about what was cut or could not be read. */
  notes: string[]
}
