import { Lexer, type MarkedToken, type Tokens } from 'marked'
import { type FieldRole, fieldRole, isBoilerplateRole, isBoilerplateText, isPlanningName } from './fields.js'
import { blockText, inlineText, normalise, oneLine, truncate } from './text.js'

const MAX_PLAN_DESCRIPTION = 500
/** Longer bold lines are emphasis, not a heading. */
const MAX_PSEUDO_HEADING = 100

export interface Heading {
  text: string
  depth: number
  /** Named like a plan ("Tasks", "Acceptance criteria"). */
  planning: boolean
  /** A paragraph that is one bold line ("**To Reproduce**"), as GitHub's Markdown templates write headings. */
  pseudo: boolean
  role?: FieldRole
}

/** The blocks between one heading and the next. */
export interface Section {
  heading: Heading
  /** The enclosing heading, if any: a grouping such as "## Phase 1" above "### Backend". */
  parent?: string
  blocks: MarkedToken[]
}

/** A top-level list together with where it sits in the document. */
export interface PlacedList {
  list: Tokens.List
  section?: Section
  /** Under a heading like "Tasks", or right after a "**Steps:**" or "Steps:" line. */
  planning: boolean
  /** The section's own list: right under its heading, after at most a short introduction. */
  direct: boolean
}

export interface IssueDocument {
  /** First free-standing paragraph: the issue's own summary. */
  intro: string
  sections: Section[]
  lists: PlacedList[]
}

/**
 * One pass over the top-level blocks. Code blocks are single tokens, so a list inside a fence is
 * never seen as a list; blockquotes are kept as content but never read for lists, because they
 * usually quote someone else's text.
 */
export function readIssue(title: string, body: string): IssueDocument {
  const doc: IssueDocument = { intro: '', sections: [], lists: [] }
  const headings: Heading[] = []
  let current: Section | undefined
  /** Paragraphs seen in the current section before its first other block. */
  let lead = 0
  let afterLabel = false

  const open = (heading: Heading, parent: string | undefined): void => {
    current = { heading, ...(parent ? { parent } : {}), blocks: [] }
    doc.sections.push(current)
    lead = 0
    afterLabel = false
  }

  const content = (token: MarkedToken): void => {
    current?.blocks.push(token)
    const direct = current !== undefined && lead >= 0 && lead <= 2
    if (token.type === 'list') {
      const planning = afterLabel || headings.some((h) => h.planning) || (current?.heading.pseudo === true && current.heading.planning && direct)
      doc.lists.push({ list: token, ...(current ? { section: current } : {}), planning, direct })
    }
    if (token.type === 'paragraph') {
      const text = inlineText(token.tokens)
      const label = isPlanningLabel(text)
      if (!doc.intro && !label && !isBoilerplateText(text) && !isBoilerplateRole(current?.heading.role)) {
        doc.intro = truncate(oneLine(text), MAX_PLAN_DESCRIPTION)
      }
      afterLabel = label
      if (lead >= 0) lead++
    } else {
      afterLabel = false
      lead = -1
    }
  }

  for (const token of Lexer.lex(body, { gfm: true }) as MarkedToken[]) {
    // Leftover HTML (comments, <details>) is neither content nor a break between a label and its list.
    if (token.type === 'space' || token.type === 'html' || token.type === 'def') continue

    if (token.type === 'heading') {
      const text = headingText(inlineText(token.tokens))
      // The CLI's issue files (and some authors) repeat the title as a level-1 heading.
      if (token.depth === 1 && normalise(text) === normalise(title)) continue
      // Headings deeper than 4 are details inside the current section, not sections of their own.
      if (token.depth > 4) {
        content(token)
        continue
      }
      while ((headings.at(-1)?.depth ?? 0) >= token.depth) headings.pop()
      const heading = makeHeading(text, token.depth, false)
      open(heading, headings.at(-1)?.text)
      headings.push(heading)
      continue
    }

    const pseudo = token.type === 'paragraph' ? pseudoHeading(token) : undefined
    if (pseudo) {
      open(makeHeading(pseudo.text, Math.min((headings.at(-1)?.depth ?? 2) + 1, 6), true), headings.at(-1)?.text)
      pseudo.rest.forEach(content)
      continue
    }
    content(token)
  }
  return doc
}

function makeHeading(text: string, depth: number, pseudo: boolean): Heading {
  const role = fieldRole(text)
  return { text, depth, planning: isPlanningName(text), pseudo, ...(role ? { role } : {}) }
}

/**
 * "**Describe the bug**" on a line of its own, or at the start of a paragraph whose other lines are
 * the answer: GitHub's default Markdown templates use these as headings.
 */
function pseudoHeading(paragraph: Tokens.Paragraph): { text: string; rest: MarkedToken[] } | undefined {
  const [first, next] = paragraph.tokens as MarkedToken[]
  if (first?.type !== 'strong') return undefined
  const text = headingText(inlineText(first.tokens))
  if (!text || text.includes('\n') || text.length > MAX_PSEUDO_HEADING) return undefined
  const after = next === undefined ? '' : next.type === 'text' || next.type === 'br' ? next.raw : 'x'
  if (!/^[ \t]*[:：]?[ \t]*(?:\n|$)/.test(after)) return undefined
  const newline = paragraph.raw.indexOf('\n')
  const rest = newline === -1 ? '' : paragraph.raw.slice(newline + 1).trim()
  return { text, rest: rest ? (Lexer.lex(rest, { gfm: true }) as MarkedToken[]).filter((t) => t.type !== 'space') : [] }
}

function headingText(text: string): string {
  return oneLine(text).replace(/\s*[:：]$/, '')
}

/** A paragraph ending in a line like "**Tasks:**" or "Steps:" introduces the list after it. */
function isPlanningLabel(paragraph: string): boolean {
  const lastLine = paragraph.trim().split('\n').at(-1) ?? ''
  return isPlanningName(lastLine)
}

/** A section's content that a reporter actually wrote: no "_No response_", no template placeholders. */
export function answered(blocks: readonly MarkedToken[]): MarkedToken[] {
  return blocks.filter((block) => !isBoilerplateText(blockText(block)))
}
