import type { MarkedToken, Tokens } from 'marked'
import type { Plan, PlanStep } from '../plan.js'
import { type IssueDocument, type PlacedList, answered, readIssue } from './outline/document.js'
import { isAcknowledgement, isBoilerplateRole, isDescriptive } from './outline/fields.js'
import { MAX_NAME, itemParts, itemStep, nestedLists, step } from './outline/items.js'
import { type ReportPlan, bugFixPlan, featurePlan } from './outline/reports.js'
import { blocksMarkdown, cutMarkdown, inlineText, oneLine, truncate } from './outline/text.js'
import type { Planner, PlannerResult } from './planner.js'

/**
 * The offline planner: no network and no AI. It reads the issue's own Markdown structure (task
 * lists, lists under headings, a bug report's or feature request's fields, or plain section
 * headings) and turns it into a plan, so a repository gets a useful checklist comment without
 * configuring any planner service. It runs on the runner, so it reads the whole issue body, not
 * the part `context-budget` lets a remote planner be sent.
 */
export function createOutlinePlanner(): Planner {
  return {
    name: 'outline',
    remote: false,
    plan: async (request) => outlineIssue(request.issue.title, request.issue.fullBody ?? request.issue.body, { labels: request.issue.labels }),
  }
}

const MAX_HEADING_SUMMARY = 300

export interface OutlineOptions {
  /** The issue's labels: a `bug` label makes a report without steps to reproduce a bug report. */
  labels?: readonly string[]
}

/** The plan the issue's own structure gives, or a request for structure when it has none. */
export function outlineIssue(title: string, body: string, options: OutlineOptions = {}): PlannerResult {
  const doc = readIssue(title, body)
  const found =
    taskListSteps(doc) ??
    planningListSteps(doc) ??
    fromReport(bugFixPlan(doc, title, options.labels ?? []), 'Plan to fix the reported bug.') ??
    sectionListSteps(doc) ??
    fromReport(featurePlan(doc), 'Plan for the requested feature.') ??
    headingSteps(doc)
  if (!found) return needsInfo(body)
  const plan: Plan = {
    title: title.trim(),
    description: found.description || doc.intro || found.fallbackDescription,
    steps: found.steps,
  }
  return { kind: 'plan', plan }
}

interface Found {
  steps: PlanStep[]
  /** The plan's own summary, when the rule has a better one than the issue's first paragraph. */
  description?: string
  /** Used as the plan description when the issue has no paragraph of its own. */
  fallbackDescription: string
}

/** Rule 1: every task item in the document, in order, with its heading as section. */
function taskListSteps(doc: IssueDocument): Found | undefined {
  const steps = doc.lists
    .filter(({ section }) => !isBoilerplateRole(section?.heading.role))
    .flatMap(({ list, section }) => taskItems(list).flatMap((item) => itemStep(item, section?.heading.text) ?? []))
  return nonEmpty(steps, "Outline of the issue's own task list.")
}

/** Top-level task items; a plain item is looked through, so "- Backend" with tasks under it still counts. */
function taskItems(list: Tokens.List): Tokens.ListItem[] {
  return list.items.flatMap((item) => {
    if (!item.task) return nestedLists(item).flatMap(taskItems)
    return isAcknowledgement(itemParts(item).headline) ? [] : [item]
  })
}

/** Rule 2: the items of lists the author put under "Tasks", "Acceptance criteria" and the like. */
function planningListSteps(doc: IssueDocument): Found | undefined {
  return nonEmpty(listSteps(doc.lists.filter((placed) => placed.planning && !isBoilerplateRole(placed.section?.heading.role))), "Outline of the issue's own list of steps.")
}

/**
 * Rule 4: a list that is what a section says, whatever language its heading is in ("## Aufgaben",
 * "## タスク", "**Tasks**"). Sections that describe rather than plan, a form's fields, lists of
 * questions and lists of facts ("OS: Ubuntu 22.04") are not work.
 */
function sectionListSteps(doc: IssueDocument): Found | undefined {
  const lists = doc.lists.filter(({ section, direct, list }) => {
    if (!section || !direct) return false
    const { role, text } = section.heading
    return (role === undefined || role === 'solution') && !isDescriptive(text) && !isQuestionsOrFacts(list)
  })
  return nonEmpty(listSteps(lists), "Outline of the lists in the issue's sections.")
}

function listSteps(lists: readonly PlacedList[]): PlanStep[] {
  return lists.flatMap(({ list, section }) => list.items.flatMap((item) => itemStep(item, section?.heading.text) ?? []))
}

/** Every item a question ("Soll X bleiben?") or a bare link, or every item a fact with a number ("Node: 20.11"). */
function isQuestionsOrFacts(list: Tokens.List): boolean {
  if (list.items.every((item) => /[?？]$/.test(itemParts(item).headline) || isOnlyLink(item))) return true
  const lines = list.items.map((item) => itemParts(item).headline)
  const facts = lines.filter((line) => /^[^:：]{1,30}[:：]\s*\S/.test(line) && line.split(/[:：]/)[0]!.trim().split(/\s+/).length <= 3)
  return facts.length === lines.length && facts.filter((line) => /\d/.test(line)).length * 2 >= lines.length
}

/** An item that is only a link (a reading list, not work). */
function isOnlyLink(item: Tokens.ListItem): boolean {
  const first = (item.tokens as MarkedToken[]).find((token) => token.type === 'text' || token.type === 'paragraph')
  const inline = first && 'tokens' in first && first.tokens ? (first.tokens as MarkedToken[]).filter((token) => token.type !== 'checkbox' && !(token.type === 'text' && !token.text.trim())) : []
  return inline.length === 1 && inline[0]!.type === 'link'
}

/** Rule 6: each filled-in section (heading levels 2-4, or a bold line) becomes a step summarised by its text. */
function headingSteps(doc: IssueDocument): Found | undefined {
  const steps = doc.sections
    .filter(({ heading }) => (heading.pseudo || (heading.depth >= 2 && heading.depth <= 4)) && heading.role === undefined && !isDescriptive(heading.text))
    .flatMap(({ heading, parent, blocks }): PlanStep[] => {
      const content = answered(blocks)
      // Only questions, links or facts: nothing to do in it.
      if (content.every((block) => block.type === 'list' && isQuestionsOrFacts(block))) return []
      const summary = sectionSummary(content)
      // An empty section is template boilerplate, or only a grouping for the headings below it.
      if (!summary) return []
      return [step(truncate(heading.text, MAX_NAME), summary, parent)]
    })
  return nonEmpty(steps, "Outline of the issue's own sections.")
}

/** A section's first paragraph, or the start of what it holds when it has none (a list, code). */
function sectionSummary(blocks: readonly MarkedToken[]): string {
  const paragraph = blocks.find((block): block is Tokens.Paragraph => block.type === 'paragraph')
  if (paragraph) return truncate(oneLine(inlineText(paragraph.tokens)), MAX_HEADING_SUMMARY)
  return cutMarkdown(blocksMarkdown(blocks), MAX_HEADING_SUMMARY)
}

function fromReport(report: ReportPlan | undefined, fallbackDescription: string): Found | undefined {
  return report ? { steps: report.steps, description: report.description, fallbackDescription } : undefined
}

function nonEmpty(steps: PlanStep[], fallbackDescription: string): Found | undefined {
  return steps.length > 0 ? { steps, fallbackDescription } : undefined
}

/**
 * Nothing to outline: ask the issue's author, in words they can act on, for what a plan needs
 * instead of inventing steps. Replying is enough; nothing here is a setting only maintainers have.
 */
function needsInfo(body: string): PlannerResult {
  const what = body.trim() ? 'does not say yet what needs to be done' : 'has no description yet'
  return {
    kind: 'needs-info',
    message: `This issue ${what}, so there is nothing to plan from yet.`,
    questions: [
      'What needs to be done? A task list with one line per step (`- [ ] step`) is the quickest way to say it.',
      'If something is broken: what are the steps to reproduce it, and what did you expect to happen instead?',
      'How will we know it is done?',
    ],
  }
}
