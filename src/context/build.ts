import type { PlanRequest } from './request.js'
import { stripHtmlComments } from '../markdown/scan.js'
import { stringify } from 'yaml'

/** The fields of a GitHub issue the request is built from (REST or webhook shape). */
export interface IssueData {
  /** Numeric id (not the number): what the sub-issues API links by. */
  id?: number
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

/** Builds the planner request, cutting the body (then the workflow context) to stay within `budget` characters. */
export function buildPlanRequest(args: {
  issue: IssueData
  repository: RepositoryData
  userContext: Record<string, unknown>
  budget: number
}): PlanRequest {
  const { issue, repository, budget } = args
  const notes: string[] = []
  const request: PlanRequest = {
    issue: {
      number: issue.number,
      title: issue.title.trim(),
      body: stripHtmlComments(issue.body ?? ''),
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
    notes.push(`The issue body was cut to its first ${fmt(keep)} of ${fmt(body.length)} characters to fit the planner's budget (input \`context-budget\`, ${fmt(budget)}).`)
  }
  return request
}

/** Characters a request occupies once serialised, the measure the budget is kept in. */
export function requestSize(request: PlanRequest): number {
  return JSON.stringify({ ...request, notes: undefined }).length
}

/** Cuts at a line break near the limit when there is one, so the planner never sees half a sentence. */
function cutText(text: string, limit: number): string {
  if (text.length <= limit) return text
  const slice = text.slice(0, limit)
  const lineBreak = slice.lastIndexOf('\n')
  return lineBreak > limit * 0.8 ? slice.slice(0, lineBreak) : slice
}

const fmt = (n: number): string => n.toLocaleString('en-US')
