import { stringify } from 'yaml'
import type { PlanRequest } from './request.js'
import { type ContextSection, cutText as cutAtLine, packSections } from './sections.js'
import { cleanUntrusted } from './untrusted.js'

/** The fields of a GitHub issue the request is built from (REST or webhook shape). */
export interface IssueData {
  number: number
  title: string
  body?: string | null
  html_url: string
  labels?: (string | { name?: string | null })[]
}

/** The fields of `GET /repos/{owner}/{repo}` the request uses. */
export interface RepositoryData {
  full_name: string
  description?: string | null
  topics?: string[]
  language?: string | null
  default_branch?: string
  html_url: string
}

/** Smallest share of the budget the issue body keeps before the user context is cut instead. */
const MIN_BODY_SHARE = 0.5

/** What the context stage adds to the issue itself: gathered sections, a command's refinement, the step position. */
export interface ExtraContext {
  sections: ContextSection[]
  /** Notes from gathering (reads that failed). */
  notes: string[]
  step?: PlanRequest['step']
  refinement?: PlanRequest['refinement']
}

/** Most of the budget a previous plan sent for refinement may take. */
const REFINEMENT_SHARE = 0.3

/**
 * Builds the planner request within `budget` characters, in a fixed priority order: the issue, the
 * workflow's `context`, a command's refinement, then the gathered sections (cut lowest priority first).
 * Only when the issue alone is too long is its body cut.
 */
export function buildPlanRequest(args: {
  issue: IssueData
  repository: RepositoryData
  userContext: Record<string, unknown>
  budget: number
  extra?: ExtraContext
  /** The planner runs on the runner and reads the whole issue: a cut body is then not worth a note. */
  localPlanner?: boolean
}): PlanRequest {
  const { issue, repository, budget } = args
  const extra = args.extra ?? { sections: [], notes: [] }
  const notes: string[] = [...extra.notes]
  const request: PlanRequest = {
    issue: {
      number: issue.number,
      title: cleanUntrusted(issue.title).replace(/\s+/g, ' ').trim(),
      body: cleanUntrusted(issue.body ?? ''),
      url: issue.html_url,
      labels: (issue.labels ?? [])
        .map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
        .filter((name) => name !== ''),
    },
    repository: {
      fullName: repository.full_name,
      description: repository.description ?? '',
      topics: repository.topics ?? [],
      language: repository.language ?? '',
      defaultBranch: repository.default_branch ?? '',
      url: repository.html_url,
    },
    userContext: args.userContext,
    sections: [],
    ...(extra.step ? { step: extra.step } : {}),
    notes,
  }

  const userSize = JSON.stringify(request.userContext).length
  const userCap = Math.floor(budget * (1 - MIN_BODY_SHARE))
  if (userSize > userCap) {
    const text = stringify(request.userContext)
    request.userContext = { text: cutText(text, userCap) }
    notes.push(`The workflow's \`context\` input was cut from ${fmt(userSize)} to about ${fmt(userCap)} characters.`)
  }

  const body = request.issue.body
  let keep = body.length
  // Escapes make the serialised body longer than the raw text, so shrink until the whole request fits.
  while (requestSize(request) > budget && keep > 0) {
    keep = Math.max(0, keep - (requestSize(request) - budget) - 120)
    request.issue.body = `${cutText(body, keep)}\n\n[… ${fmt(body.length - keep)} more characters of the issue body were not sent]`
  }
  if (keep < body.length) {
    // The budget is about what leaves the runner; a local planner still reads the whole issue.
    request.issue.fullBody = body
    if (!args.localPlanner) notes.push(`The issue body was cut to its first ${fmt(keep)} of ${fmt(body.length)} characters to fit the planner's budget (input \`context-budget\`, ${fmt(budget)}).`)
  }

  if (extra.refinement) {
    const room = Math.max(0, Math.min(budget - requestSize(request), Math.floor(budget * REFINEMENT_SHARE)))
    const previousPlan = cutAtLine(extra.refinement.previousPlan, room)
    if (previousPlan.length < extra.refinement.previousPlan.length) notes.push(`The previous plan sent for refinement was cut to ${fmt(previousPlan.length)} characters.`)
    request.refinement = { guidance: extra.refinement.guidance, previousPlan }
  }

  // Sections take what is left; JSON escaping can still overshoot, so pack again a little tighter.
  let room = budget - requestSize(request)
  for (let attempt = 0; attempt < 4 && room > 0; attempt++) {
    const packed = packSections(extra.sections, room)
    request.sections = packed.kept
    const over = requestSize(request) - budget
    if (over <= 0) {
      notes.push(...packed.notes)
      break
    }
    request.sections = []
    room -= over + 200
  }
  if (request.sections.length === 0 && extra.sections.length > 0) {
    notes.push(`No room was left in the budget (input \`context-budget\`) for: ${extra.sections.map((s) => s.title).join(', ')}.`)
  }
  return request
}

/** Characters a request occupies once serialised, the measure the budget is kept in. */
export function requestSize(request: PlanRequest): number {
  return JSON.stringify({ ...request, issue: { ...request.issue, fullBody: undefined }, notes: undefined }).length
}

/** Cuts at a line boundary (never inside a code fence) like every other cut; one huge line is cut where it must be. */
function cutText(text: string, limit: number): string {
  return cutAtLine(text, limit) || text.slice(0, limit)
}

const fmt = (n: number): string => n.toLocaleString('en-US')
