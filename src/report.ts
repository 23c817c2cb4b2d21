import type { Outcome } from './pipeline.js'
import type { ExplorationReport } from './planners/planner.js'
import type { Plan, PlanStep } from './plan.js'
import { resolveDependencies } from './plan-graph.js'
import { redact } from './secrets.js'
import { parseMarker } from './publish/marker.js'
import { safeInline } from './publish/sanitize.js'

/**
 * Every output the action declares, as strings, ready for `core.setOutput`; what the outcome does not
 * have is empty (`[]`, `0`), so a skipped or early-failed run sets them all too.
 */
export function outputsOf(outcome: Pick<Outcome, 'status' | 'plan' | 'comment' | 'subIssues' | 'usage'>, secrets: readonly string[]): Record<string, string> {
  const clean = (s: string): string => redact(s, secrets)
  return {
    status: outcome.status,
    plan: outcome.plan ? clean(JSON.stringify(outcome.plan)) : '',
    steps: outcome.plan ? clean(JSON.stringify(stepsOutput(outcome.plan))) : '[]',
    'step-count': String(outcome.plan?.steps.length ?? 0),
    'comment-id': outcome.comment ? String(outcome.comment.id) : '',
    'comment-url': outcome.comment?.html_url ?? '',
    'sub-issues': JSON.stringify(outcome.subIssues ?? []),
    usage: outcome.usage ? JSON.stringify(outcome.usage) : '',
  }
}

/** A step of the `steps` output: numbered, its dependencies resolved to the numbers of the steps it comes after. */
export type OutputStep = Omit<PlanStep, 'dependencies'> & { number: number; dependencies: number[] }

/**
 * The steps for later jobs: each with its 1-based `number`, and `dependencies` as the numbers of
 * the published steps it comes after (references the comment's note lists as dropped are not there).
 */
export function stepsOutput(plan: Plan): OutputStep[] {
  const { after } = resolveDependencies(plan.steps)
  return plan.steps.map((step, i) => ({ number: i + 1, ...step, dependencies: after[i] ?? [] }))
}

const HEADINGS: Record<Outcome['status'], string> = {
  planned: 'planned',
  'needs-info': 'needs more detail',
  skipped: 'skipped',
  failed: 'failed',
  cancelled: 'cancelled',
}

/** The job summary: the comment as readers see it, and exactly what the planner was sent. */
export function summaryOf(outcome: Outcome, dryRun: boolean, secrets: readonly string[]): string {
  const parts = [`## Issue Planner: #${outcome.issueNumber} ${HEADINGS[outcome.status]}${dryRun ? ' (dry run: nothing was written to the issue)' : ''}`]
  if (outcome.comment && !dryRun) parts.push(`Plan comment: ${outcome.comment.html_url}`)
  if ((outcome.status === 'failed' || outcome.status === 'cancelled') && outcome.message) parts.push(`**Error:** ${outcome.message}`)
  if (outcome.status === 'skipped' && outcome.message) parts.push(outcome.message)
  if (outcome.usage) parts.push(`Tokens: ${outcome.usage.inputTokens.toLocaleString('en-US')} input, ${outcome.usage.outputTokens.toLocaleString('en-US')} output.`)
  if (outcome.progressEdits !== undefined) parts.push(`Progress edits of the comment while the planner streamed: ${outcome.progressEdits}.`)
  if (outcome.exploration) parts.push(explorationSection(outcome.exploration))
  const report = outcome.subIssueReport
  if (report) {
    const cell = (text: string): string => safeInline(text, 200).replace(/\|/g, '\\|')
    const rows = report.children.map((c) => `| ${c.step ?? '–'} | ${cell(c.name)} | ${c.number !== undefined ? `#${c.number}` : '–'} | ${c.action}${c.error ? `: ${cell(c.error)}` : ''} |`)
    parts.push(['### Sub-issues', '', '| step | name | issue | what happened |', '| --- | --- | --- | --- |', ...rows].join('\n'))
    if (!report.linked) parts.push('Sub-issues are not available on this GitHub: the issues were created but not linked.')
    report.warnings.forEach((w) => parts.push(`> [!WARNING]\n> ${w}`))
  }
  if (outcome.body) {
    // The marker line is ours, not the readers'.
    const visible = parseMarker(outcome.body) ? outcome.body.slice(outcome.body.indexOf('-->') + 3).trim() : outcome.body
    parts.push(visible)
  }
  if (outcome.request) {
    // The uncut body is for planners that run on the runner; it was not sent anywhere.
    const sent = JSON.stringify({ ...outcome.request, issue: { ...outcome.request.issue, fullBody: undefined } }, null, 2)
    parts.push(`<details><summary>What the planner was sent (${sent.length.toLocaleString('en-US')} characters)</summary>\n\n\`\`\`\`json\n${sent}\n\`\`\`\`\n\n</details>`)
  }
  return redact(parts.join('\n\n'), secrets)
}

/** Every tool call the planner made while exploring: what it asked for and how much came back. */
function explorationSection(report: ExplorationReport): string {
  // Paths and queries come from the model: one line each, no table breaks, no mentions.
  const cell = (text: string): string => safeInline(text, 200).replace(/\|/g, '\\|')
  const rows = report.calls.map((c, i) => {
    const lines = c.lines ? `${c.lines.from}-${c.lines.to}` : ''
    return `| ${i + 1} | ${c.tool} | ${cell(c.path)}${c.query ? ` · ${cell(c.query)}` : ''} | ${lines} | ${c.chars.toLocaleString('en-US')} | ${c.outcome} |`
  })
  const { calls, chars, maxCalls, maxChars } = report.budget
  const requests = report.mode === 'api' ? `, ${report.githubRequests} GitHub request${report.githubRequests === 1 ? '' : 's'}` : ''
  return [
    `### Exploration`,
    '',
    `The planner read ${cell(report.source)}: ${calls} of ${maxCalls} tool calls, ${chars.toLocaleString('en-US')} of ${maxChars.toLocaleString('en-US')} characters${requests}.`,
    '',
    ...(rows.length ? ['| # | tool | path | lines | characters | outcome |', '| --- | --- | --- | --- | --- | --- |', ...rows] : ['It made no tool calls.']),
  ].join('\n')
}
