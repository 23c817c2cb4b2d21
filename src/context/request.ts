/** What every planner is asked: the issue, its repository and the workflow's own context. */
export interface PlanRequest {
  issue: {
    number: number
    title: string
    /** Issue body with HTML comments removed and possibly cut to the budget. */
    body: string
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
  /** Human-readable notes about what was cut to stay within the budget. */
  notes: string[]
}
