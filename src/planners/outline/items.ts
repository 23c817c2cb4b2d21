import { Lexer, type MarkedToken, type Tokens } from 'marked'
import type { PlanStep } from '../../plan.js'
import { splitEstimate } from './estimate.js'
import { blockText, blocksMarkdown, codeSpan, cutMarkdown, inlineText, oneLine, truncate } from './text.js'

export const MAX_NAME = 200
const MAX_DESCRIPTION = 1500
/** Steps keep the nesting to three levels: the step, its subtasks, and theirs. */
const NESTED_MARK = '↳ '

/** An empty step, as every planner's steps look once normalised. */
export function step(name: string, description: string, section: string | undefined): PlanStep {
  return {
    name,
    description,
    prerequisites: [],
    risks: [],
    subtasks: [],
    required_skills: [],
    dependencies: [],
    ...(section ? { context: { section } } : {}),
  }
}

/**
 * A list item as a step: its first sentence or line is the name (with a trailing estimate taken
 * off), the rest of its text, code and tables are the description as written, and nested items are
 * the subtasks. Ticks stay: a ticked item is `context.done`, ticked sub-items are listed in
 * `context.done_subtasks`.
 */
export function itemStep(item: Tokens.ListItem, section: string | undefined): PlanStep | undefined {
  const parts = itemParts(item)
  const { name: headline, estimate } = splitEstimate(parts.headline)
  if (!headline) return undefined
  const { name, overflow } = stepName(headline)
  const nested = subtasksOf(parts.nested)
  const description = [overflow, parts.rest, ...nested.notes].filter(Boolean).join('\n\n')
  const result = step(name, cutMarkdown(description, MAX_DESCRIPTION), section)
  if (estimate) result.estimated_time = estimate
  result.subtasks = nested.names
  const context: Record<string, unknown> = { ...result.context }
  if (item.checked) context.done = true
  if (nested.done.length > 0) context.done_subtasks = nested.done
  if (Object.keys(context).length > 0) result.context = context
  return result
}

/** The items of `lists` as subtasks: a third-level item starts with "↳ " so the nesting stays readable. */
export function subtasksOf(lists: readonly Tokens.List[]): Subtasks {
  const out: Subtasks = { names: [], done: [], notes: [] }
  lists.forEach((list) => collectSubtasks(list, 1, out))
  return out
}

export interface Subtasks {
  names: string[]
  /** Names of the sub-items ticked in the issue. */
  done: string[]
  /** Code, tables and paragraphs under a sub-item: they go in the step's description, not lost. */
  notes: string[]
}

/** `level` 1 is a subtask, 2 and deeper are shown as its subtasks ("↳ "). */
function collectSubtasks(list: Tokens.List, level: number, out: Subtasks): void {
  for (const item of list.items) {
    const parts = itemParts(item)
    const text = truncate(parts.headline, MAX_NAME)
    if (text) {
      const name = level >= 2 ? `${NESTED_MARK}${text}` : text
      out.names.push(name)
      if (item.checked) out.done.push(name)
      if (parts.rest) out.notes.push(`${text.replace(/[:：]$/, '')}:\n\n${parts.rest}`)
    }
    parts.nested.forEach((nested) => collectSubtasks(nested, level + 1, out))
  }
}

/** Items nested in this one. */
export function nestedLists(item: Tokens.ListItem): Tokens.List[] {
  return (item.tokens as MarkedToken[]).filter((token): token is Tokens.List => token.type === 'list')
}

interface ItemParts {
  /** The item's first sentence or line as plain text (code spans kept). */
  headline: string
  /** Everything else the item says, as Markdown. */
  rest: string
  nested: Tokens.List[]
}

/** The item's own text split into its headline and the rest, and the lists nested in it. */
export function itemParts(item: Tokens.ListItem): ItemParts {
  const tokens = (item.tokens as MarkedToken[]).filter((token) => token.type !== 'checkbox' && token.type !== 'space')
  const nested = tokens.filter((token): token is Tokens.List => token.type === 'list')
  const [first, ...others] = tokens.filter((token) => token.type !== 'list')
  if (!first) return { headline: '', rest: '', nested }
  if (first.type !== 'paragraph' && first.type !== 'text') {
    // An item that opens with code or a table: named by its first line, shown whole below.
    const firstLine = blockText(first).split('\n').find((line) => line.trim()) ?? ''
    return { headline: first.type === 'code' ? codeSpan(firstLine.trim()) : oneLine(firstLine), rest: blocksMarkdown([first, ...others]), nested }
  }
  // An empty checkbox ("- [ ]") is not parsed as a task, and a loose item keeps its box in the text.
  const lines = first.raw.replace(/^\[[ xX]?\](?:[ \t]+|$)/, '').replace(/\s+$/, '').split('\n')
  const count = headlineLines(lines)
  const headline = oneLine(inlineText(Lexer.lexInline(lines.slice(0, count).join('\n'), { gfm: true })))
  const rest = [lines.slice(count).join('\n').trim(), blocksMarkdown(others)].filter(Boolean).join('\n\n')
  return { headline, rest, nested }
}

/**
 * How many of a paragraph's lines make up its first sentence. A line break ends it after a sentence
 * mark, a colon or an estimate, or before a capital letter; a sentence wrapped onto a line that goes
 * on in lower case, or with an open code span, continues it, so no name is cut mid-sentence.
 */
function headlineLines(lines: readonly string[]): number {
  let count = 1
  while (count < lines.length) {
    const joined = lines.slice(0, count).join('\n')
    const previous = (lines[count - 1] ?? '').trim()
    const next = (lines[count] ?? '').trim()
    const openCode = (joined.match(/`/g) ?? []).length % 2 === 1
    const ended = /[.!?。！？:：;]$/.test(previous) || splitEstimate(previous).estimate !== undefined
    // Upper case (or a script without case, such as Japanese) after an unfinished line starts anew.
    const wraps = /^[\p{Ll}\d`("'“‘]/u.test(next) || /[,(/&–—-]$/.test(previous)
    if (!openCode && (ended || !wraps)) break
    count++
  }
  return count
}

/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|vs|approx|ca|cf|no|z\.B|bzw|usw|Nr)|\.\.)$/i

/**
 * A name no longer than MAX_NAME: the first sentence when the headline holds more, cut at a word
 * only when one sentence is that long. Whatever the name leaves out opens the description.
 */
function stepName(headline: string): { name: string; overflow: string } {
  if (headline.length <= MAX_NAME) return { name: headline, overflow: '' }
  for (const match of headline.matchAll(/[.!?](?=\s)|[。！？]/gu)) {
    const end = match.index + match[0].length
    if (end > MAX_NAME) break
    const sentence = headline.slice(0, end)
    if ((sentence.match(/`/g) ?? []).length % 2 === 1 || ABBREVIATION.test(sentence.slice(0, -1))) continue
    return { name: sentence.trim(), overflow: headline.slice(end).trim() }
  }
  return { name: truncate(headline, MAX_NAME), overflow: headline }
}
