import { scanMarkdown } from '../markdown/scan.js'

/** The pieces of repository context the planner may be sent besides the issue itself. */
export type SectionKey = 'questions' | 'comments' | 'parent' | 'references' | 'readme' | 'languages' | 'tree'

export interface ContextSection {
  key: SectionKey
  title: string
  /** Markdown; user content in it is already quoted (see quoteUntrusted). */
  text: string
}

/**
 * Highest first. What people said about this issue (including answers to the planner's questions)
 * says most about the work; the file tree says least.
 */
export const SECTION_PRIORITY: readonly SectionKey[] = ['questions', 'comments', 'parent', 'references', 'readme', 'languages', 'tree']

/** What the notes call each section. */
const SECTION_NAMES: Readonly<Record<SectionKey, string>> = {
  questions: "planner's earlier questions",
  comments: 'discussion',
  parent: 'parent issue',
  references: 'list of referenced issues',
  readme: 'README',
  languages: 'languages breakdown',
  tree: 'file tree',
}

/** Less of a section than this is not worth the room it takes: it is left out instead. */
const MIN_KEPT = 200
const SEPARATOR = '\n\n'

/**
 * Keeps the sections, in priority order, within `budget` characters of their rendering
 * (renderSections). The lowest priority goes first: a section that does not fit whole is cut at a
 * line boundary when at least MIN_KEPT characters of it fit, else left out. The discussion keeps its
 * newest part, since answers to the planner's questions come last; the others keep their start.
 */
export function packSections(sections: readonly ContextSection[], budget: number): { kept: ContextSection[]; notes: string[] } {
  const kept = inPriorityOrder(sections.filter((section) => section.text.trim() !== ''))
  const notes: string[] = []
  const why = `to fit the context budget (${fmt(budget)} characters)`
  let over = renderSections(kept).length - budget
  for (let i = kept.length - 1; i >= 0 && over > 0; i--) {
    const section = kept[i]!
    const name = SECTION_NAMES[section.key]
    const keep = section.key === 'comments' ? 'end' : 'start'
    const text = cutText(section.text, section.text.length - over, keep)
    if (text.length >= MIN_KEPT) {
      kept[i] = { ...section, text }
      over -= section.text.length - text.length
      const lost = keep === 'end' ? 'its oldest part' : 'its end'
      notes.push(`The ${name} was cut from ${fmt(section.text.length)} to ${fmt(text.length)} characters (${lost} left out) ${why}.`)
    } else {
      kept.splice(i, 1)
      over -= renderSection(section).length + (kept.length > 0 ? SEPARATOR.length : 0)
      notes.push(`The ${name} (${fmt(section.text.length)} characters) was left out ${why}.`)
    }
  }
  return { kept, notes }
}

/** Plain Markdown for planners that take one text, and for the job summary. */
export function renderSections(sections: readonly ContextSection[]): string {
  return sections.map(renderSection).join(SEPARATOR)
}

function renderSection(section: ContextSection): string {
  return `### ${section.title}\n\n${section.text}`
}

function inPriorityOrder(sections: readonly ContextSection[]): ContextSection[] {
  return [...sections].sort((a, b) => SECTION_PRIORITY.indexOf(a.key) - SECTION_PRIORITY.indexOf(b.key))
}

/**
 * Cuts `text` at a line boundary to at most `room` characters, keeping its start or its end. A cut
 * never leaves a fenced block open, because quoted user content must stay inside its fence: keeping
 * the start, a block cut through is closed again; keeping the end, the cut moves past the block.
 * Returns '' when no line boundary allows a cut.
 */
export function cutText(text: string, room: number, keep: 'start' | 'end' = 'start'): string {
  if (text.length <= room) return text
  if (room <= 0) return ''
  const blocks = fencedBlocks(text)
  // A cut at a block's first line counts as inside it: the line before may be its quote's header.
  const openAt = (at: number): FencedBlock | undefined => blocks.find((block) => block.start <= at && at < block.end)
  if (keep === 'start') {
    for (let end = text.lastIndexOf('\n', room); end > 0; end = text.lastIndexOf('\n', end - 1)) {
      const open = openAt(end)
      const kept = open ? `${text.slice(0, end)}\n${open.fence}` : text.slice(0, end).trimEnd()
      if (kept.length <= room) return kept
    }
    return ''
  }
  let start = text.indexOf('\n', text.length - room - 1) + 1
  while (start > 0) {
    const open = openAt(start)
    if (!open) return text.slice(start).replace(/^\n+/, '')
    start = text.indexOf('\n', open.end) + 1
  }
  return ''
}

interface FencedBlock {
  start: number
  end: number
  /** The opening fence's backticks or tildes, which also close it. */
  fence: string
}

function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = []
  let start = 0
  for (const segment of scanMarkdown(text)) {
    if (segment.kind === 'block') blocks.push({ start, end: start + segment.text.length, fence: /[`~]+/.exec(segment.text)?.[0] ?? '```' })
    start += segment.text.length
  }
  return blocks
}

const fmt = (n: number): string => n.toLocaleString('en-US')
