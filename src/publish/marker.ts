/**
 * The plan comment is found again by a hidden marker at the very start of its body, and the plan
 * itself sits after a second marker so a status banner can change without touching the plan.
 */
export type CommentState = 'planning' | 'planned' | 'needs-info' | 'failed' | 'cancelled'

export interface MarkerData {
  state: CommentState
  /** Hash of the context the plan was made from: an unchanged issue is not re-planned by a re-label. */
  hash?: string
}

const MARKER = /^<!-- issue-planner:plan (\{[^\n]*?\}) -->/
export const PLAN_SECTION_MARKER = '<!-- issue-planner:plan-section -->'

/** Whether a comment is one of ours in any state (plan, progress, error, a refusal reply): never read as someone's words. */
export function isOurComment(body: string | null | undefined): boolean {
  return /^\s*<!--\s*issue-planner:/i.test(body ?? '')
}

export function renderMarker(data: MarkerData): string {
  return `<!-- issue-planner:plan ${JSON.stringify(data)} -->`
}

/** The marker's data when `body` is a plan comment, else null. */
export function parseMarker(body: string | null | undefined): MarkerData | null {
  const match = MARKER.exec(body ?? '')
  if (!match) return null
  try {
    const data = JSON.parse(match[1]!) as Partial<MarkerData>
    return { state: data.state ?? 'planned', ...(typeof data.hash === 'string' ? { hash: data.hash } : {}) }
  } catch {
    return null
  }
}

/** The plan section of an existing plan comment (kept through re-planning and failures), or null. */
export function planSection(body: string | null | undefined): string | null {
  const text = body ?? ''
  const at = text.indexOf(PLAN_SECTION_MARKER)
  return at === -1 ? null : text.slice(at + PLAN_SECTION_MARKER.length).trim()
}
