import { mapProse, scanMarkdown } from '../markdown/scan.js'
import type { PlanStep } from '../plan.js'
import { EARLIER_TICKS_HEADING, checkedItems, earlierTickLine, itemKey } from './checks.js'
import { safeBlock, safeInline, safeTaskText } from './sanitize.js'

/**
 * What a child issue (one plan step in `output: sub-issues` mode) says, and how it is recognised
 * again: a hidden marker naming the parent and the step. Pure text work; the GitHub side is in
 * sub-issues.ts.
 */
export interface ChildMarker {
  /** Number of the planned (parent) issue. */
  parent: number
  /** `itemKey` of the step's name, so a step whose capitalisation or punctuation changed keeps its child. */
  key: string
  /** 1-based position of the step when the child was last written. */
  step: number
}

export interface ChildBodyInput {
  parent: number
  step: PlanStep
  /** 1-based position of the step in the plan. */
  position: number
  /** Steps in the plan. */
  total: number
  /** Children blocking this one, written as lines only when GitHub has no issue-dependencies API. */
  blockedBy: number[]
  /** The child's current body: the reader's ticks in it are kept. */
  previousBody?: string | null
}

const MARKER = /^<!-- issue-planner:step (\{[^\n]*\}) -->$/
/** GitHub accepts 256 characters; a shorter title stays readable in lists. */
const TITLE_MAX = 200
const DESCRIPTION_MAX = 8000
const SUBTASKS_MAX = 50
const LIST_ITEMS_MAX = 10

/**
 * The child's title: the step's name made safe like any planner text, then turned back into plain
 * text, because GitHub shows a title as text (an escaped `&amp;` would be shown literally) and
 * renders no HTML or mentions in it.
 */
export function childTitle(name: string, position: number): string {
  const safe = safeInline(name.replace(/\*\*|__/g, ''), TITLE_MAX)
  return mapProse(safe, decodeEntities).trim() || `Step ${position}`
}

/** The key a step's child carries in its marker. */
export function childKey(name: string, position: number): string {
  return itemKey(childTitle(name, position))
}

export function renderChildMarker(marker: ChildMarker): string {
  return `<!-- issue-planner:step ${JSON.stringify(marker)} -->`
}

/**
 * The marker of a child issue, or null. Only a real HTML comment counts: planner text cannot write
 * one (sanitising escapes `<`), and a marker shown inside code is text, not a marker.
 */
export function parseChildMarker(body: string | null | undefined): ChildMarker | null {
  for (const segment of scanMarkdown(body ?? '')) {
    const match = segment.kind === 'comment' ? MARKER.exec(segment.text) : null
    const data = match ? parseJson(match[1]!) : null
    if (isMarker(data)) return { parent: data.parent, key: data.key, step: data.step }
  }
  return null
}

/** Numbers of `- [ ] #123` / `- [x] #123` items in a previous plan comment body, in order, once each. */
export function childNumbersIn(commentBody: string | null): number[] {
  const numbers = proseLines(commentBody ?? '').flatMap((line) => {
    const match = CHILD_ITEM.exec(line)
    return match ? [Number(match[1])] : []
  })
  return [...new Set(numbers)]
}

const CHILD_ITEM = /^\s*[-*+] \[[ xX]\] #(\d+)\b/

/**
 * The child issue's body: marker, description, subtasks (keeping the reader's ticks), details and a
 * line back to the parent. Everything from the planner is sanitised.
 */
export function renderChildBody(input: ChildBodyInput): string {
  const { step, position } = input
  const marker = renderChildMarker({ parent: input.parent, key: childKey(step.name, position), step: position })
  const parts = [marker]
  const description = safeBlock(step.description, DESCRIPTION_MAX)
  if (description) parts.push(description)
  parts.push(...subtaskSections(step.subtasks, input.previousBody ?? ''))
  const details = detailLines(step, input.blockedBy)
  if (details.length > 0) parts.push(['### Details', '', ...details].join('\n'))
  parts.push('---', `<sub>Part of #${input.parent} (step ${position} of ${input.total}). Planned by Issue Planner: re-planning updates this issue and keeps ticked subtasks ticked.</sub>`)
  return parts.join('\n\n')
}

/** Subtasks as a task list, plus any ticked subtask the new plan dropped, so no progress is lost. */
function subtaskSections(subtasks: string[], previousBody: string): string[] {
  const checked = checkedItems(previousBody)
  const ticked = new Set(checked.map((c) => c.key))
  const shown = new Set<string>()
  const items = subtasks.slice(0, SUBTASKS_MAX).map((subtask) => {
    const text = safeTaskText(subtask, 200)
    const key = itemKey(text)
    shown.add(key)
    return `- [${ticked.has(key) ? 'x' : ' '}] ${text}`
  })
  const sections: string[] = []
  if (items.length > 0) sections.push(['### Subtasks', '', ...items].join('\n'))
  const orphans = checked.filter((c) => !shown.has(c.key))
  if (orphans.length > 0) sections.push(`${EARLIER_TICKS_HEADING} (kept so no progress is lost):\n\n${orphans.map(earlierTickLine).join('\n')}`)
  return sections
}

function detailLines(step: PlanStep, blockedBy: number[]): string[] {
  const list = (items: string[]): string => items.slice(0, LIST_ITEMS_MAX).map((i) => safeInline(i, 300)).join('; ')
  const lines: string[] = []
  if (step.estimated_time) lines.push(`- **Estimate:** ${safeInline(step.estimated_time, 40)}`)
  if (step.acceptance_criteria?.length) lines.push(`- **Done when:** ${list(step.acceptance_criteria)}`)
  if (step.files?.length) lines.push(`- **Files:** ${step.files.slice(0, LIST_ITEMS_MAX).map((f) => `\`${safeInline(f, 200).replace(/`/g, '')}\``).join(', ')}`)
  if (step.prerequisites.length) lines.push(`- **Prerequisites:** ${list(step.prerequisites)}`)
  if (step.risks.length) lines.push(`- **Risks:** ${list(step.risks)}`)
  if (step.required_skills.length) lines.push(`- **Skills:** ${list(step.required_skills)}`)
  lines.push(...blockedBy.map((number) => `- Blocked by #${number}`))
  return lines
}

/** The text outside code blocks and comments, line by line (what GitHub parses as Markdown items). */
function proseLines(markdown: string): string[] {
  return scanMarkdown(markdown)
    .map((s) => (s.kind === 'text' ? s.text : '\n'.repeat(s.text.split('\n').length - 1)))
    .join('')
    .split('\n')
}

/**
 * Undoes the entities and escapes `safeInline` writes; `&amp;` last, so `&amp;lt;` stays the text
 * `&lt;`. A title is plain text: `[x]` in it ticks nothing.
 */
function decodeEntities(text: string): string {
  return text.replace(/\\([[\]`])/g, '$1').replace(/&#8203;/g, '\u200b').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

function isMarker(data: unknown): data is ChildMarker {
  if (typeof data !== 'object' || data === null) return false
  const { parent, key, step } = data as Record<string, unknown>
  return Number.isInteger(parent) && typeof key === 'string' && Number.isInteger(step)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
