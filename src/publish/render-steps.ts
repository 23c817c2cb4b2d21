import type { RepositoryPaths } from '../context/gather.js'
import { mapProse } from '../markdown/scan.js'
import { formatHours, parseEstimate } from '../estimate.js'
import type { PlanStep } from '../plan.js'
import { type DependencyGraph, type DroppedReference, criticalPath, linkCount } from '../plan-graph.js'
import { doneSubtasks, itemKey, subtaskKey } from './checks.js'
import { inlineHtml, safeBlock, safeInline, safeTaskText } from './sanitize.js'

/**
 * The parts of a plan comment that show the steps: the one-line summary under the title, each
 * step as a tight task item (what matters visible, the long parts folded under a summary that says
 * what is inside), the dependency graph and the note on dependencies that were dropped.
 */

/** "Done when" stays on the step while it is this short; longer criteria are folded away. */
const SHORT_CRITERIA = 160
/** About what one line of a comment shows, in characters of Markdown. */
const ONE_LINE = 120

/** Hours of each step's estimate, undefined where it has none that reads as a duration. */
export function stepHours(steps: readonly PlanStep[]): (number | undefined)[] {
  return steps.map((step) => (step.estimated_time ? parseEstimate(step.estimated_time) : undefined))
}

/**
 * "**6 steps** · ⏱ ≈ 5.5 days in total (1 step without a time estimate) · ⚠️ 5 risks · critical
 * path 1 → 2 → 3 → 4 → 6 (≈ 5.5 days)": how big, what is risky, what comes first.
 */
export function summaryLine(steps: readonly PlanStep[], graph: DependencyGraph): string {
  const hours = stepHours(steps)
  const known = hours.filter((h): h is number => h !== undefined)
  const parts = [`**${plural(steps.length, 'step')}**`]
  const unestimated = steps.length - known.length
  if (known.length === 0) parts.push('⏱ no time estimates')
  else parts.push(`⏱ ${formatHours(sum(known))} in total${unestimated > 0 ? ` (${plural(unestimated, 'step')} without a time estimate)` : ''}`)
  const risks = sum(steps.map((s) => s.risks.length))
  parts.push(risks > 0 ? `⚠️ ${plural(risks, 'risk')}` : 'no risks named')
  const path = criticalPath(graph, hours)
  if (path) parts.push(`critical path ${path.steps.join(' → ')}${path.estimated ? ` (${formatHours(path.hours)})` : ''}`)
  return parts.join(' · ')
}

export interface StepView {
  step: PlanStep
  index: number
  /** Numbers of the steps it comes after (resolved). */
  after: number[]
  /** Keys of the items the reader ticked in the previous plan. */
  ticked: Set<string>
  /** Receives the keys of the items rendered, so ticks that no longer match are listed. */
  seen: Set<string>
  /** Near GitHub's size limit: details left out. */
  compact: boolean
  paths?: RepositoryPaths
}

/**
 * A step as a task item without blank lines (so GitHub keeps the list tight): the `**N. name**`
 * label ticks are keyed by, its estimate and the steps it comes after, its description, its risks,
 * short acceptance criteria, subtasks, and the long parts folded away.
 */
export function renderStepItem(view: StepView): string {
  const { step, index, ticked, seen, compact } = view
  const name = safeTaskText(step.name.replace(/\*\*|__/g, ''), 200)
  const label = `**${index + 1}. ${name}**`
  const key = itemKey(label)
  seen.add(key)
  const estimate = step.estimated_time ? ` · ⏱ ${safeTaskText(step.estimated_time, 40)}` : ''
  // What comes first is ours (step numbers), so it may share the task item's line.
  const after = view.after.length > 0 ? ` · after ${view.after.join(', ')}` : ''
  // The outline planner marks items already ticked in the issue itself as done.
  const done = ticked.has(key) || step.context?.done === true
  const lines = [`- [${done ? 'x' : ' '}] ${label}${estimate}${after}`]
  if (step.description) lines.push(indent(withoutBlankLines(safeBlock(step.description, compact ? 300 : 1500))))
  const criteria = criteriaText(step)
  const glance = [riskLine(step, compact), !compact && criteria && criteria.length <= SHORT_CRITERIA ? `✅ **Done when:** ${criteria}` : ''].filter(Boolean)
  // Short enough for one line of a comment, risks and criteria share it.
  if (glance.length > 0 && glance.join(' · ').length <= ONE_LINE) lines.push(`  ${glance.join(' · ')}`)
  else lines.push(...glance.map((part) => `  ${part}`))
  const doneInPlan = doneSubtasks(step)
  for (const subtask of step.subtasks.slice(0, 20)) {
    const text = safeTaskText(subtask, 200)
    const subKey = subtaskKey(key, text)
    seen.add(subKey)
    lines.push(`  - [${ticked.has(subKey) || doneInPlan.has(subtask) ? 'x' : ' '}] ${text}`)
  }
  if (!compact) lines.push(...foldedDetails(step, criteria.length > SHORT_CRITERIA, view.paths).map((l) => `  ${l}`))
  return lines.join('\n')
}

/** "⚠️ Redis latency; clock skew": the step's risks, on the step itself. */
function riskLine(step: PlanStep, compact: boolean): string {
  const risks = step.risks.slice(0, compact ? 3 : 6).map((r) => safeInline(r, compact ? 120 : 240))
  return risks.length > 0 ? `⚠️ ${risks.join('; ')}${step.risks.length > risks.length ? '; …' : ''}` : ''
}

function criteriaText(step: PlanStep): string {
  return (step.acceptance_criteria ?? []).slice(0, 10).map((c) => safeInline(c, 300)).join('; ')
}

/**
 * The long parts of a step as one HTML block with no blank line in it: Markdown inside `<details>`
 * needs blank lines around it, and those would make GitHub render the whole list loose (a
 * paragraph per step). The summary says what is inside: "2 prerequisites · 3 files · 2 skills".
 */
function foldedDetails(step: PlanStep, longCriteria: boolean, paths?: RepositoryPaths): string[] {
  const rows: string[] = []
  const counts: string[] = []
  const list = (items: string[]): string => items.slice(0, 10).map((i) => inlineHtml(i, 300)).join('; ')
  if (longCriteria && step.acceptance_criteria?.length) {
    rows.push(`<b>Done when:</b> ${list(step.acceptance_criteria)}`)
    counts.push(plural(step.acceptance_criteria.length, 'acceptance criterion', 'acceptance criteria'))
  }
  if (step.prerequisites.length) {
    rows.push(`<b>Prerequisites:</b> ${list(step.prerequisites)}`)
    counts.push(plural(step.prerequisites.length, 'prerequisite'))
  }
  if (step.files?.length) {
    const files = step.files.slice(0, 15).map((file) => fileLabel(file, paths))
    const missing = files.filter((f) => f.missing).length
    rows.push(`<b>Files:</b> ${files.map((f) => f.html).join(', ')}`)
    counts.push(`${plural(step.files.length, 'file')}${missing > 0 ? ` (${missing} not in the repository)` : ''}`)
  }
  if (step.required_skills.length) {
    rows.push(`<b>Skills:</b> ${list(step.required_skills)}`)
    counts.push(plural(step.required_skills.length, 'skill'))
  }
  const context = Object.entries(step.context ?? {}).filter(([key]) => !SHOWN_ELSEWHERE.has(key)).slice(0, 6)
  for (const [key, value] of context) {
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    rows.push(`<b>${inlineHtml(key.replace(/_/g, ' '), 40)}:</b> ${inlineHtml(text ?? '', 300)}`)
  }
  if (context.length) counts.push(plural(context.length, 'note'))
  if (rows.length === 0) return []
  return [`<details><summary>${counts.join(' · ')}</summary>`, '<ul>', ...rows.map((r) => `<li>${r}</li>`), '</ul>', '</details>']
}

/** Context keys the renderer shows as structure (a group heading, a tick) rather than as details. */
const SHOWN_ELSEWHERE = new Set(['section', 'done', 'done_subtasks'])

/**
 * A path the plan names, as code; flagged when the repository's tree was read in full and has no such
 * path, so a reader is not sent looking for a file a model made up. Areas ("the API layer") are not paths.
 */
function fileLabel(file: string, paths?: RepositoryPaths): { html: string; missing: boolean } {
  const html = `<code>${inlineHtml(file.replace(/`/g, ''), 200)}</code>`
  const path = file.trim().replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/:\d+(?:-\d+)?$/, '')
  const looksLikePath = /^[\w@.-]+(?:\/[\w@.-]+)*$/.test(path) && (path.includes('/') || path.includes('.'))
  if (!paths?.complete || !looksLikePath || paths.paths.has(path)) return { html, missing: false }
  return { html: `${html} (not in the repository)`, missing: true }
}

/**
 * The dependency graph as a Mermaid flowchart in a collapsed section (GitHub draws it), once there
 * are two links or more; the critical path is drawn heavier. Empty otherwise.
 */
export function dependencyGraphSection(steps: readonly PlanStep[], graph: DependencyGraph): string[] {
  const links = linkCount(graph)
  if (links < 2) return []
  const linked = new Set(graph.after.flatMap((after, i) => (after.length ? [i + 1, ...after] : [])))
  const nodes = [...linked].sort((a, b) => a - b)
  const path = criticalPath(graph, stepHours(steps))
  const lines = ['flowchart TD', ...nodes.map((n) => `  s${n}["${mermaidText(`${n}. ${steps[n - 1]!.name}`, 48)}"]`)]
  graph.after.forEach((after, i) => after.forEach((before) => lines.push(`  s${before} --> s${i + 1}`)))
  if (path) lines.push('  classDef critical stroke-width:3px', `  class ${path.steps.map((n) => `s${n}`).join(',')} critical`)
  const summary = `Dependency graph: ${plural(links, 'link')}${path ? ', critical path drawn heavier' : ''}`
  return [`<details><summary>${summary}</summary>`, '', '```mermaid', ...lines, '```', '', '</details>', '']
}

/**
 * Text for a quoted Mermaid label. Planner text is untrusted: anything but letters, digits and
 * plain punctuation is written as a Mermaid entity code (`#35;`), so it cannot end the label, start
 * a statement, use Markdown or HTML, or close the code fence.
 */
export function mermaidText(text: string, maxLength: number): string {
  const folded = text.replace(/\s+/g, ' ').trim()
  const capped = [...folded].length > maxLength ? `${[...folded].slice(0, maxLength - 1).join('').trimEnd()}…` : folded
  return [...capped].map((ch) => (/^[\p{L}\p{N} .,:!?'()+_-]$/u.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join('')
}

/** The note that lists every dependency that was dropped, and why; empty when none was. */
export function droppedNote(dropped: readonly DroppedReference[]): string {
  if (dropped.length === 0) return ''
  const items = dropped.slice(0, 12).map((d) => {
    const said = `step ${d.step}: “${safeInline(d.reference, 80)}”`
    switch (d.reason) {
      case 'unknown':
        return `${said} names no step of this plan`
      case 'self':
        return `${said} is the step itself`
      case 'not-shown':
        return `${said} is step ${d.target}, which is not shown here`
      case 'cycle':
        return `${said} would close a cycle (${d.via![0]} already comes after ${d.via!.slice(1).join(', which comes after ')})`
    }
  })
  const more = dropped.length > items.length ? `; and ${dropped.length - items.length} more` : ''
  return `**${dropped.length === 1 ? 'Dependency' : 'Dependencies'} left out:** ${items.join('; ')}${more}.`
}

/** Blank lines (outside code) would make the task list loose; GitHub shows each line break anyway. */
function withoutBlankLines(markdown: string): string {
  return mapProse(markdown, (prose) => prose.replace(/\n(?:[ \t]*\n)+/g, '\n'))
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : ''))
    .join('\n')
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
