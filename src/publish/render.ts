import type { RepositoryPaths } from '../context/gather.js'
import type { Plan, PlanStep } from '../plan.js'
import { resolveDependencies } from '../plan-graph.js'
import type { PlanProgress } from '../planners/planner.js'
import type { ChildReport, SubIssuesResult } from './sub-issues.js'
import { type CheckedItem, EARLIER_TICKS_HEADING, checkedItems, earlierTickLine } from './checks.js'
import { type CommentState, PLAN_SECTION_MARKER, planSection, renderMarker } from './marker.js'
import { dependencyGraphSection, droppedNote, renderStepItem, summaryLine } from './render-steps.js'
import { safeBlock, safeInline, safeTaskText } from './sanitize.js'

/** GitHub refuses comment bodies longer than this. */
export const COMMENT_LIMIT = 65_536
/** Room kept for the marker, the status banner and the footer around the plan section. */
const SECTION_LIMIT = COMMENT_LIMIT - 4_000
/**
 * The plan section once GitHub refused the full comment: small enough to fit even if GitHub counted
 * UTF-8 bytes (three per character for most scripts) rather than characters.
 */
const SHORTENED_SECTION_LIMIT = 20_000

export interface RenderContext {
  plannerName: string
  /** Link to the workflow run; empty for local previews. */
  runUrl: string
  label: string
  maxSteps: number
  /** Notes on what was cut from the request (context stage). */
  notes: string[]
  /** Hash of the request, kept in the marker of final plans so an unchanged issue is not paid for twice. */
  contextHash?: string
  /** The run removes the trigger label (input `remove-label`), so re-planning means adding it again. */
  labelRemoved?: boolean
  /** The comment command, when enabled. */
  command?: string
  /** A comment by the author that answers the planner's questions plans the issue again (input `needs-info-label` is set). */
  answersReplan?: boolean
  /** The planner reads the discussion; the offline one reads only the issue, so answers belong in its description. */
  readsComments?: boolean
  /** The repository's paths, to flag files a plan names that do not exist. */
  paths?: RepositoryPaths
}

/** How a maintainer asks for a new plan, as the workflow is configured. */
export function replanHow(ctx: RenderContext): string {
  const label = ctx.labelRemoved ? `add the \`${ctx.label}\` label again` : `remove the \`${ctx.label}\` label and add it again`
  return ctx.command ? `${label}, or comment \`${ctx.command}\`` : label
}

export interface RenderedPlan {
  /** The full comment body. */
  body: string
  /** The plan as published: steps beyond `max-steps` or the size limit removed. */
  plan: Plan
}

/**
 * The final comment for a plan: previous ticks kept, size kept under GitHub's limit. `shortened`,
 * once GitHub refused the full comment anyway: step details left out, and far smaller.
 */
export function renderPlanned(plan: Plan, previousBody: string | null, ctx: RenderContext, { shortened = false } = {}): RenderedPlan {
  const checked = checkedItems(planSection(previousBody) ?? '')
  const wanted = Math.min(plan.steps.length, ctx.maxSteps)
  const limit = shortened ? SHORTENED_SECTION_LIMIT : SECTION_LIMIT
  const render = (count: number, compact: boolean): string => renderSection(plan, count, compact, checked, ctx, shortened ? { refused: true } : {})
  let count = wanted
  let compact = shortened
  let section = render(count, compact)
  if (section.length > limit && !compact) {
    compact = true
    section = render(count, compact)
  }
  while (section.length > limit && count > 1) {
    count = Math.max(1, Math.floor(count * 0.8))
    section = render(count, compact)
  }
  return {
    body: compose('planned', '', section, ctx.contextHash),
    plan: { ...plan, steps: plan.steps.slice(0, count) },
  }
}

/**
 * The final comment in sub-issues mode: each step is its child issue (`- [ ] #123`, which GitHub shows
 * with the issue's title and state; ticked once it is closed), steps without an issue yet are named,
 * and children of steps no longer in the plan are listed so a re-run still finds them.
 */
export function renderPlannedSubIssues(plan: Plan, proposed: number, result: SubIssuesResult, ctx: RenderContext): string {
  const notes = [...ctx.notes, ...result.warnings]
  if (result.error) notes.push(`**Not every step has an issue yet.** ${result.error}`)
  const later = resolveDependencies(plan.steps).after.flatMap((after, i) => after.filter((n) => n > i + 1).map((n) => `step ${i + 1} after ${n}`))
  if (later.length > 0) notes.push(`Issue dependencies are recorded on the issue of a step only for earlier steps, so these links to a later step are in the graph but not on the issues: ${later.join(', ')}.`)
  const section = renderSection(plan, plan.steps.length, true, [], { ...ctx, notes }, { children: { result, proposed } })
  return compose('planned', '', section, ctx.contextHash)
}

/**
 * "Planning…": shown while the planner works, with its progress once it streams (stage and percentage,
 * or the steps already written). An existing plan stays visible below until the new one is ready.
 */
export function renderPlanning(previousBody: string | null, ctx: RenderContext, progress?: PlanProgress): string {
  const previous = planSection(previousBody)
  const link = ctx.runUrl ? ` [Follow the workflow run](${ctx.runUrl}).` : ''
  const keep = previous ? ' The current plan below stays until the new one is ready.' : ''
  const lines = [`⏳ **Planning this issue…** The ${ctx.plannerName} planner usually needs a minute or two; this comment will show the plan when it is ready.${link}${keep}`]
  const status = progress ? progressLine(progress) : ''
  if (status) lines.push('', status)
  let banner = alert('NOTE', lines)
  const steps = progress?.steps ?? []
  if (steps.length > 0) {
    // Numbered, not task items: boxes ticked in a draft would be lost when the plan replaces it.
    const title = progress?.title ? `: ${safeInline(progress.title, 200)}` : ''
    banner += `\n\n**Steps so far${title}**\n\n${steps.slice(0, ctx.maxSteps).map((step, i) => `${i + 1}. ${safeInline(step.name, 200)}`).join('\n')}`
  }
  return compose('planning', banner, previous)
}

/** The run was cancelled while planning: say so, keep any previous plan. How to retry is in the run's log. */
export function renderCancelled(previousBody: string | null, ctx: RenderContext): string {
  const previous = planSection(previousBody)
  const banner = alert('WARNING', [
    `**Planning was cancelled** before the planner finished${ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : ''}.${previous ? ' The previous plan is kept below.' : ''}`,
  ])
  return compose('cancelled', banner, previous)
}

function progressLine(progress: PlanProgress): string {
  const parts: string[] = []
  if (progress.percent !== undefined) {
    const percent = Math.max(0, Math.min(100, Math.round(progress.percent)))
    const filled = Math.round(percent / 10)
    parts.push(`\`${'█'.repeat(filled)}${'░'.repeat(10 - filled)}\` ${percent}%`)
  }
  if (progress.stage) parts.push(`**${safeInline(progress.stage, 60)}**`)
  if (progress.message) parts.push(safeInline(progress.message, 200))
  return parts.join(' · ')
}

/**
 * The planner asked questions or refused a vague task. Written to the issue's author, who may have no
 * access to the repository: what to add, and that a reply in a comment is all it takes.
 */
export function renderNeedsInfo(result: { message: string; questions: string[] }, previousBody: string | null, ctx: RenderContext): string {
  const questions = result.questions.slice(0, 10)
  const lines = [alert('NOTE', ['**Thanks for the issue! A few details are missing before it can be planned.**']), '']
  if (questions.length > 0) {
    lines.push('**Could you tell us:**', '', ...questions.map((q, i) => `${i + 1}. ${safeInline(q, 600)}`), '')
  } else {
    if (result.message) lines.push(quoteBlock(safeBlock(result.message, 2000)), '')
    lines.push(
      '**It helps to say:**',
      '',
      '- what needs to be done, one line per step if you can;',
      '- what "done" looks like: the behaviour you expect, or a few checks that show it works;',
      '- what is involved: components, files or services, versions, deadlines.',
      '',
    )
  }
  lines.push(howToAnswer(questions.length > 0, ctx))
  const previous = planSection(previousBody)
  if (previous) lines.push('', 'The previous plan is kept below.')
  return compose('needs-info', lines.join('\n'), previous, ctx.contextHash)
}

/** Where the author's answer goes for this planner, and what happens then: nothing they would need access for. */
function howToAnswer(asked: boolean, ctx: RenderContext): string {
  if (ctx.readsComments) {
    const what = asked ? 'Answer in a comment on this issue' : 'Add the details in a comment on this issue'
    return `${what}: that is all it takes. ${ctx.answersReplan ? 'A new plan is made from your reply.' : 'Your reply is read when the issue is planned again.'}`
  }
  const what = asked ? 'Add the answers to the issue description' : 'Add the details to the issue description'
  return ctx.answersReplan
    ? `${what}, then reply with a short comment: that is all it takes. A new plan is made from the updated description.`
    : `${what}: that is all it takes. It is read when the issue is planned again.`
}

/**
 * An error notice; a previous plan, and the reader's ticks in it, are kept below it. `notice` is what
 * the issue's readers are told; null for a configuration problem, which the run's log explains to
 * maintainers and of which the issue gets one neutral line.
 */
export function renderFailed(notice: string | null, previousBody: string | null, ctx: RenderContext): string {
  const previous = planSection(previousBody)
  const kept = previous ? ' The previous plan is kept below.' : ''
  if (notice === null) {
    const link = ctx.runUrl ? ` ([workflow run](${ctx.runUrl}))` : ''
    return compose('failed', `This issue could not be planned${link}.${kept}`, previous)
  }
  return compose('failed', failureBanner(notice, ctx, kept), previous)
}

/**
 * The last resort once GitHub refused the fuller final comment: an error notice that keeps only what
 * later runs need. With `children` (sub-issues mode) that is the list of them, by which a re-run finds
 * them where GitHub has no sub-issues; otherwise the reader's ticks in the current comment, listed as
 * ticked in an earlier plan so that the next plan ticks its matching steps.
 */
export function renderRefused(message: string, currentBody: string | null, ctx: RenderContext, children?: ChildReport[]): string {
  if (children) {
    const items = children.flatMap((c) => (c.number === undefined ? [] : [`- [${c.state === 'closed' ? 'x' : ' '}] #${c.number}`]))
    return compose('failed', failureBanner(message, ctx, items.length ? ' The issues made for the steps are listed below.' : ''), items.join('\n') || null)
  }
  const checked = checkedItems(planSection(currentBody) ?? '')
  const ticks = checked.length ? `${EARLIER_TICKS_HEADING} (kept so no progress is lost):\n\n${checked.map(earlierTickLine).join('\n')}` : null
  return compose('failed', failureBanner(message, ctx, ticks ? ' The boxes ticked in the previous plan are listed below.' : ''), ticks)
}

/** What went wrong, for anyone reading the issue; what to do about it is in the run's log, for maintainers. */
function failureBanner(notice: string, ctx: RenderContext, tail: string): string {
  const text = safeBlock(notice, 1500).replace(/\n+/g, ' ')
  const details = ctx.runUrl ? `The [workflow run](${ctx.runUrl}) has the details.` : ''
  return alert('CAUTION', [`**Planning failed.**${text ? ` ${text}` : ''}`, ...(details || tail ? ['', `${details}${tail}`.trim()] : [])])
}

function compose(state: CommentState, banner: string, section: string | null, hash?: string): string {
  const parts = [renderMarker(hash ? { state, hash } : { state })]
  if (banner) parts.push(banner)
  if (section) parts.push(`${PLAN_SECTION_MARKER}\n${section}`)
  return parts.join('\n\n')
}

function alert(kind: 'NOTE' | 'WARNING' | 'CAUTION', lines: string[]): string {
  return [`> [!${kind}]`, ...lines.map((l) => (l ? `> ${l}` : '>'))].join('\n')
}

function quoteBlock(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n')
}

/** In sub-issues mode: the publisher's report, and how many steps the planner proposed before `max-steps`. */
interface ChildListing {
  result: SubIssuesResult
  proposed: number
}

/** `children` in sub-issues mode; `refused` when GitHub refused the full comment, so this one is shortened. */
function renderSection(plan: Plan, count: number, compact: boolean, checked: CheckedItem[], ctx: RenderContext, { children, refused = false }: { children?: ChildListing; refused?: boolean } = {}): string {
  const ticked = new Set(checked.map((c) => c.key))
  const seen = new Set<string>()
  const out: string[] = []
  const shown = plan.steps.slice(0, count)
  const graph = resolveDependencies(plan.steps, count)
  out.push(`### 🗺️ ${plan.title ? safeInline(plan.title, 200) : 'Plan'}`, '', summaryLine(shown, graph), '')
  if (plan.description) out.push(safeBlock(plan.description, compact ? 1000 : 4000), '')
  // Steps from different sections of the issue (an epic's "Backend" and "Frontend") are grouped under them.
  const grouped = new Set(shown.map(sectionOf)).size > 1
  shown.forEach((step, index) => {
    const section = sectionOf(step)
    if (grouped && section && (index === 0 || section !== sectionOf(shown[index - 1]!))) {
      // A blank line ends the list above; none between items, so each list stays tight.
      if (index > 0) out.push('')
      out.push(`**${safeInline(section, 120)}**`, '')
    }
    const child = children?.result.children.find((c) => c.step === index + 1)
    out.push(children ? renderChildItem(step, index, child) : renderStepItem({ step, index, after: graph.after[index] ?? [], ticked, seen, compact, ...(ctx.paths ? { paths: ctx.paths } : {}) }))
  })
  out.push('')
  if (children) out.push(...leftoverChildren(children.result))
  if (!compact || children) out.push(...dependencyGraphSection(shown, graph))

  const orphans = checked.filter((c) => !seen.has(c.key))
  if (orphans.length > 0) {
    out.push(`${EARLIER_TICKS_HEADING} (kept so no progress is lost):`, '')
    out.push(...orphans.map(earlierTickLine), '')
  }

  const notes = [...ctx.notes]
  const dropped = droppedNote(graph.dropped)
  if (dropped) notes.push(dropped)
  const proposed = children?.proposed ?? plan.steps.length
  if (children && proposed > plan.steps.length) {
    notes.push(`The planner proposed ${proposed} steps; issues were made for the first ${plan.steps.length} (input \`max-steps\` is ${ctx.maxSteps}).`)
  }
  if (plan.steps.length > count) {
    const why = count < Math.min(plan.steps.length, ctx.maxSteps) ? "to fit GitHub's comment size limit" : `(input \`max-steps\` is ${ctx.maxSteps})`
    notes.push(`The planner proposed ${plan.steps.length} steps; the first ${count} are shown ${why}. The rest were left out: ${plan.steps.slice(count, count + 5).map((s) => `“${safeInline(s.name, 80)}”`).join(', ')}${plan.steps.length - count > 5 ? ', …' : ''}.`)
  }
  if (refused) notes.push('GitHub refused the full plan comment, so this one is shortened: step details are left out. The workflow run\'s `plan` output has them in full.')
  else if (compact && !children) notes.push('Step details were shortened to fit GitHub\'s comment size limit; the workflow run\'s `plan` output has them in full.')
  if (notes.length > 0) out.push(notes.map((n) => `> ${n}`).join('\n>\n'), '')

  const via = ctx.runUrl ? ` in [this workflow run](${ctx.runUrl})` : ''
  const keeps = children ? 'each step is a sub-issue, updated in place' : 'ticked items keep their ticks'
  out.push('---', `<sub>Planned by Issue Planner with the \`${ctx.plannerName}\` planner${via}. To re-plan, ${replanHow(ctx)}; ${keeps}.</sub>`)
  return out.join('\n')
}

/** A step in sub-issues mode: its issue, or its name and why it has none yet. */
function renderChildItem(step: PlanStep, index: number, child: ChildReport | undefined): string {
  if (child?.number !== undefined) return `- [${child.state === 'closed' ? 'x' : ' '}] #${child.number}`
  const why = child?.error ? `: ${safeInline(child.error, 200)}` : child?.action.startsWith('would-') ? ', dry run' : ''
  return `- [ ] **${index + 1}. ${safeTaskText(step.name.replace(/\*\*|__/g, ''), 200)}** (no issue yet${why})`
}

/**
 * Children of steps no longer in the plan. Open ones stay task items (that is how a later run finds
 * one that is not linked); closed ones are folded away as plain references.
 */
function leftoverChildren(result: SubIssuesResult): string[] {
  const leftovers = result.children.filter((c) => c.step === undefined && c.number !== undefined)
  const open = leftovers.filter((c) => c.state !== 'closed')
  const closed = leftovers.filter((c) => c.state === 'closed')
  const out: string[] = []
  if (open.length) out.push('**Kept from an earlier plan** (no longer planned, but in use):', '', ...open.map((c) => `- [ ] #${c.number}`), '')
  if (closed.length) {
    out.push('<details><summary>Removed from the plan</summary>', '', closed.map((c) => `#${c.number}${c.action === 'closed-not-planned' ? ' (closed as not planned)' : ''}`).join(', '), '', '</details>', '')
  }
  return out
}

function sectionOf(step: PlanStep): string {
  const section = step.context?.section
  return typeof section === 'string' ? section : ''
}
