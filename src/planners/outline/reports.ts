import type { MarkedToken, Tokens } from 'marked'
import type { PlanStep } from '../../plan.js'
import { type IssueDocument, type Section, answered } from './document.js'
import { type FieldRole, isBoilerplateText, looksLikeBug } from './fields.js'
import { step, subtasksOf } from './items.js'
import { blockText, blocksMarkdown, cutMarkdown, inlineText, oneLine, truncate } from './text.js'

/** A plan the outline builds from a bug report or feature request that has no list of its own. */
export interface ReportPlan {
  steps: PlanStep[]
  /** The report's own summary of the problem, for the plan description. */
  description: string
}

const MAX_PREREQUISITES = 10
const MAX_LINE = 300

/**
 * A bug report (steps to reproduce, or what happened together with what was expected, its logs, a
 * `bug` label or a "[Bug]" title) becomes the plan every fix follows, filled in from the report:
 * reproduce it (its steps as subtasks, its environment as prerequisites), find the cause (with its
 * logs), fix it with a regression test, verify.
 */
export function bugFixPlan(doc: IssueDocument, title: string, labels: readonly string[]): ReportPlan | undefined {
  const fields = answeredFields(doc)
  const repro = blocksOf(fields, 'repro')
  const actual = blocksOf(fields, 'actual')
  const expected = blocksOf(fields, 'expected')
  const logs = blocksOf(fields, 'logs')
  const isBug = repro.length > 0 || (actual.length > 0 && (expected.length > 0 || logs.length > 0 || looksLikeBug(title, labels)))
  if (!isBug) return undefined

  const reproSteps = subtasksOf(repro.filter((block): block is Tokens.List => block.type === 'list'))
  const reproText = blocksMarkdown(repro.filter((block) => block.type !== 'list'))
  const environment = environmentLines(fields.get('environment') ?? [])
  const expectedText = firstParagraph(expected)
  const where = environment.length > 0 ? ' in the environment it was reported in (see prerequisites)' : ''

  const reproduce = step(
    'Reproduce the bug',
    join([
      reproSteps.names.length > 0 ? `Follow the reported steps${where} until the bug shows.` : `Make the bug happen on purpose${where}.`,
      // The report's first paragraph is the plan's description already.
      cutMarkdown(blocksMarkdown(withoutFirstParagraph(actual)), 800),
      reproText ? cutMarkdown(reproText, 800) : '',
      cutMarkdown(reproSteps.notes.join('\n\n'), 800),
    ]),
    undefined,
  )
  reproduce.subtasks = reproSteps.names
  reproduce.prerequisites = environment

  const logText = blocksMarkdown(logs)
  const cause = blocksMarkdown(blocksOf(fields, 'cause'))
  const investigate = step(
    'Find the cause',
    join([
      cause ? `The report suggests a cause:\n\n${cutMarkdown(cause, 600)}` : 'Trace where the behaviour departs from what is expected, and why.',
      logText ? `The logs from the report:\n\n${cutMarkdown(logText, 1000)}` : '',
    ]),
    undefined,
  )
  investigate.dependencies = ['1']

  const suggestion = blocksMarkdown(blocksOf(fields, 'solution'))
  const fix = step(
    'Fix it and add a regression test',
    join([
      'Write a test that follows the steps to reproduce and fails on the current code, then fix the cause so that it passes.',
      suggestion ? `The report suggests:\n\n${cutMarkdown(suggestion, 600)}` : '',
    ]),
    undefined,
  )
  fix.dependencies = ['2']
  fix.acceptance_criteria = [...(expectedText ? [expectedText] : []), 'The regression test fails without the fix and passes with it.']

  const verify = step(
    'Verify the fix',
    join([
      `Follow the steps to reproduce again${where} and check that the bug is gone.`,
      expected.length > 0 ? `Expected:\n\n${cutMarkdown(blocksMarkdown(expected), 800)}` : '',
    ]),
    undefined,
  )
  verify.dependencies = ['3']

  return { steps: [reproduce, investigate, fix, verify], description: firstParagraph(actual) || firstParagraph(repro) }
}

/**
 * A feature request (a proposed solution, often with the problem behind it and alternatives) becomes
 * agree, build, test, document, filled in from the request.
 */
export function featurePlan(doc: IssueDocument): ReportPlan | undefined {
  const fields = answeredFields(doc)
  const solution = blocksOf(fields, 'solution')
  if (solution.length === 0) return undefined
  const problem = blocksOf(fields, 'problem')
  const alternatives = blocksOf(fields, 'alternatives')

  const agree = step(
    'Agree on the approach',
    join([
      problem.length > 0 ? `The problem:\n\n${cutMarkdown(blocksMarkdown(problem), 800)}` : 'Confirm the problem this solves and that the proposed solution is the one to build.',
      alternatives.length > 0 ? `Alternatives the request considered:\n\n${cutMarkdown(blocksMarkdown(alternatives), 600)}` : '',
    ]),
    undefined,
  )
  agree.acceptance_criteria = [alternatives.length > 0 ? 'The proposed solution, or one of the alternatives, is agreed on.' : 'The proposed solution is agreed on.']

  const parts = subtasksOf(solution.filter((block): block is Tokens.List => block.type === 'list'))
  const build = step('Build the proposed solution', cutMarkdown(join([blocksMarkdown(solution.filter((block) => block.type !== 'list')), ...parts.notes]), 1500), undefined)
  build.subtasks = parts.names
  build.dependencies = ['1']

  const test = step('Test the new behaviour', 'Add tests that show the problem is solved the way the request describes.', undefined)
  test.dependencies = ['2']
  const document = step('Document it', 'Describe the new behaviour where people will look for it: the documentation and the changelog.', undefined)
  document.dependencies = ['2']

  return { steps: [agree, build, test, document], description: firstParagraph(problem) || firstParagraph(solution) }
}

/** The answered sections of each role, in document order. */
function answeredFields(doc: IssueDocument): Map<FieldRole, Section[]> {
  const fields = new Map<FieldRole, Section[]>()
  for (const section of doc.sections) {
    const role = section.heading.role
    const blocks = answered(section.blocks)
    if (!role || blocks.length === 0) continue
    fields.set(role, [...(fields.get(role) ?? []), { ...section, blocks }])
  }
  return fields
}

function blocksOf(fields: Map<FieldRole, Section[]>, role: FieldRole): MarkedToken[] {
  return (fields.get(role) ?? []).flatMap((section) => section.blocks)
}

function withoutFirstParagraph(blocks: readonly MarkedToken[]): MarkedToken[] {
  const at = blocks.findIndex((block) => block.type === 'paragraph')
  return at === -1 ? [...blocks] : [...blocks.slice(0, at), ...blocks.slice(at + 1)]
}

function firstParagraph(blocks: readonly MarkedToken[]): string {
  const paragraph = blocks.find((block): block is Tokens.Paragraph => block.type === 'paragraph')
  return paragraph ? truncate(oneLine(inlineText(paragraph.tokens)), MAX_LINE) : ''
}

/**
 * The environment as one line per fact ("OS: Ubuntu 22.04"): list items, the lines of a form's
 * rendered code block, or a one-line answer named by its field ("Version: 1.0.2").
 */
function environmentLines(sections: readonly Section[]): string[] {
  const lines = sections.flatMap((section) => {
    const facts = section.blocks.flatMap(factLines)
    const only = facts.length === 1 ? facts[0] : undefined
    if (only !== undefined && !/[:：]/.test(only)) return [`${section.heading.text.replace(/[?？]$/, '')}: ${only}`]
    return facts
  })
  return lines.slice(0, MAX_PREREQUISITES).map((line) => truncate(line, MAX_LINE))
}

function factLines(block: MarkedToken): string[] {
  const text = block.type === 'list' ? block.items.map(itemText).join('\n') : blockText(block)
  return text
    .split('\n')
    .map((line) => oneLine(line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')))
    // "- OS:" is a form's prefilled answer nobody completed.
    .filter((line) => line && !/[:：]$/.test(line) && !isBoilerplateText(line))
}

/** The item's own text, without its nested lists. */
function itemText(item: Tokens.ListItem): string {
  return (item.tokens as MarkedToken[])
    .filter((token) => token.type !== 'list')
    .map(blockText)
    .join('\n')
}

function join(parts: readonly string[]): string {
  return parts.filter(Boolean).join('\n\n')
}
