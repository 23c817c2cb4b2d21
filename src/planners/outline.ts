import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked'
import type { Plan, PlanStep } from '../plan.js'
import type { Planner, PlannerResult } from './planner.js'

/**
 * The offline planner: no network and no AI. It reads the issue's own Markdown structure
 * (task lists, a "Tasks" section, or plain section headings) and turns it into a plan, so a
 * repository gets a useful checklist comment without configuring any planner service.
 */
export function createOutlinePlanner(): Planner {
  return {
    name: 'outline',
    remote: false,
    plan: async (request) => outlineIssue(request.issue.title, request.issue.body),
  }
}

const MAX_NAME = 200
const MAX_HEADING_SUMMARY = 300
const MAX_PLAN_DESCRIPTION = 500

/** Section and label names whose lists are the author's own plan (compared after `normalise`). */
const PLANNING_NAME =
  /^(?:(?:next|implementation|proposed|action)\s+)?(?:tasks?(?:\s+list)?|steps?|plan|acceptance\s+criteria|to-?\s?dos?|checklist|deliverables?|work\s+items?|implementation|requirements?)$/

/** What issue templates leave behind in a field nobody filled in, e.g. GitHub issue forms' "_No response_". */
const BOILERPLATE = new Set(['no response', 'n/a', 'na', 'none', 'tbd', '-'])

/** A duration such as `2h`, `~3 days`, `1-2 wks` or `30 min`. */
const DURATION = String.raw`~?\s*\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*(?:h|hrs?|hours?|d|days?|w|wks?|weeks?|m|mins?|minutes?)`
const ESTIMATE_PREFIX = String.raw`(?:est(?:imate)?\.?:?\s*)?`
/** A trailing estimate: `(2h)`, `[4h]`, `(est. 1d)` or a dash-separated `— 2d`. */
const TRAILING_ESTIMATE = new RegExp(
  String.raw`\s*(?:[(\[]\s*${ESTIMATE_PREFIX}(${DURATION})\s*[)\]]|\s(?:--|[—–-])\s*${ESTIMATE_PREFIX}(${DURATION}))$`,
  'i',
)

interface Heading {
  text: string
  depth: number
  planning: boolean
}

/** The blocks between one heading and the next, for the headings fallback. */
interface Section {
  heading: Heading
  /** The enclosing heading, if any: a grouping such as "## Phase 1" above "### Backend". */
  parent?: string
  blocks: MarkedToken[]
}

/** A top-level list together with where it sits in the document. */
interface PlacedList {
  list: Tokens.List
  /** Nearest heading above the list. */
  section?: string
  /** Under a heading like "Tasks", or right after a "**Steps:**" paragraph. */
  planning: boolean
}

interface Outline {
  /** First free-standing paragraph: the issue's own summary. */
  intro: string
  lists: PlacedList[]
  sections: Section[]
}

export function outlineIssue(title: string, body: string): PlannerResult {
  const outline = scan(Lexer.lex(body, { gfm: true }) as MarkedToken[], title)
  const found = taskListSteps(outline) ?? planningListSteps(outline) ?? headingSteps(outline)
  if (!found) return needsInfo(body)
  const plan: Plan = {
    title: title.trim(),
    description: outline.intro || found.fallbackDescription,
    steps: found.steps,
  }
  return { kind: 'plan', plan }
}

interface Found {
  steps: PlanStep[]
  /** Used as the plan description when the issue has no paragraph of its own. */
  fallbackDescription: string
}

/** Rule 1: every task item in the document, in order, with its heading as context. */
function taskListSteps(outline: Outline): Found | undefined {
  const steps = outline.lists.flatMap(({ list, section }) =>
    taskItems(list).flatMap((item) => itemStep(item, section) ?? []),
  )
  return nonEmpty(steps, "Outline of the issue's own task list.")
}

/** Top-level task items; a plain item is looked through, so "- Backend" with tasks under it still counts. */
function taskItems(list: Tokens.List): Tokens.ListItem[] {
  return list.items.flatMap((item) => {
    if (!item.task) return nestedLists(item).flatMap(taskItems)
    return isAcknowledgement(item) ? [] : [item]
  })
}

/**
 * Issue forms render their checkbox fields as task items ("- [x] I agree to follow the Code of
 * Conduct", "- [X] I have searched existing issues"); those first-person ticks are not work.
 */
function isAcknowledgement(item: Tokens.ListItem): boolean {
  return /^I(?:['’](?:ve|m))?\s/.test(itemLines(item)[0] ?? '')
}

/** Rule 2: the items of lists the author put under "Tasks", "Acceptance criteria" and the like. */
function planningListSteps(outline: Outline): Found | undefined {
  const steps = outline.lists
    .filter((placed) => placed.planning)
    .flatMap(({ list, section }) => list.items.flatMap((item) => itemStep(item, section) ?? []))
  return nonEmpty(steps, "Outline of the issue's own list of steps.")
}

/** Rule 3: each filled-in section (heading levels 2-4) becomes a step summarised by its text. */
function headingSteps(outline: Outline): Found | undefined {
  const steps = outline.sections
    .filter(({ heading }) => heading.depth >= 2 && heading.depth <= 4)
    .flatMap(({ heading, parent, blocks }): PlanStep[] => {
      const summary = sectionSummary(blocks)
      // An empty section is template boilerplate, or only a grouping for the headings below it.
      if (!summary) return []
      return [step(truncate(heading.text, MAX_NAME), summary, parent)]
    })
  return nonEmpty(steps, "Outline of the issue's own sections.")
}

function nonEmpty(steps: PlanStep[], fallbackDescription: string): Found | undefined {
  return steps.length > 0 ? { steps, fallbackDescription } : undefined
}

/** Rule 4: nothing to outline, so explain what the planner looks for instead of inventing steps. */
function needsInfo(body: string): PlannerResult {
  const what = body.trim() ? 'this issue has no task list, "Tasks" section or section headings yet' : 'this issue has no description yet'
  return {
    kind: 'needs-info',
    message:
      `The outline planner builds a plan from the issue's own structure, and ${what}. ` +
      'Give it a little structure and it will turn that into a plan:',
    questions: [
      'Add a task list (`- [ ] step`) with one line per step.',
      'Or add a `## Tasks` heading with a numbered list.',
      'Or choose an AI planner (`planner: kubiya` or `task-planning`) in the workflow.',
    ],
  }
}

/**
 * One pass over the top-level blocks. Code blocks are single tokens, so a list inside a fence is
 * never seen as a list; blockquotes are skipped because they usually quote someone else's text.
 */
function scan(tokens: MarkedToken[], title: string): Outline {
  const outline: Outline = { intro: '', lists: [], sections: [] }
  const headings: Heading[] = []
  let afterLabel = false

  for (const token of tokens) {
    // Leftover HTML (comments, <details>) is neither content nor a break between a label and its list.
    if (token.type === 'space' || token.type === 'html' || token.type === 'def') continue

    if (token.type === 'heading') {
      afterLabel = false
      const text = headingText(token)
      // The CLI's issue files (and some authors) repeat the title as a level-1 heading.
      if (token.depth === 1 && sameText(text, title)) continue
      const heading: Heading = { text, depth: token.depth, planning: isPlanningName(text) }
      while ((headings.at(-1)?.depth ?? 0) >= heading.depth) headings.pop()
      // Headings deeper than 4 are details inside the current section, not sections of their own.
      if (heading.depth <= 4) {
        outline.sections.push({ heading, parent: headings.at(-1)?.text, blocks: [] })
      } else {
        outline.sections.at(-1)?.blocks.push(token)
      }
      headings.push(heading)
      continue
    }

    outline.sections.at(-1)?.blocks.push(token)
    if (token.type === 'list') {
      outline.lists.push({
        list: token,
        section: headings.at(-1)?.text,
        planning: afterLabel || headings.some((h) => h.planning),
      })
    }
    if (token.type === 'paragraph') {
      const text = inlineText(token.tokens)
      const label = isPlanningLabel(text)
      if (!outline.intro && !label && !isBoilerplate(text)) outline.intro = truncate(oneLine(text), MAX_PLAN_DESCRIPTION)
      afterLabel = label
    } else {
      afterLabel = false
    }
  }
  return outline
}

/** A list item as a step: first line is the name, the rest is the description, nested items are subtasks. */
function itemStep(item: Tokens.ListItem, section: string | undefined): PlanStep | undefined {
  const [headline = '', ...rest] = itemLines(item)
  const { name, estimate } = splitEstimate(headline)
  if (!name) return undefined
  const result = step(truncate(name, MAX_NAME), oneLine(rest.join(' ')), section)
  if (estimate) result.estimated_time = estimate
  result.subtasks = nestedLists(item).flatMap(subtaskNames)
  // The plan has no "done" field; keep the author's tick so a renderer can show it.
  if (item.checked) result.context = { ...result.context, done: true }
  return result
}

/** Nested items at any depth, flattened: subtasks are plain strings. */
function subtaskNames(list: Tokens.List): string[] {
  return list.items.flatMap((item) => {
    const name = truncate(itemLines(item)[0] ?? '', MAX_NAME)
    return [...(name ? [name] : []), ...nestedLists(item).flatMap(subtaskNames)]
  })
}

/** The item's own text (not its nested lists), as trimmed non-empty lines. */
function itemLines(item: Tokens.ListItem): string[] {
  const text = (item.tokens as MarkedToken[])
    .filter((token) => token.type !== 'list')
    .map(blockText)
    .join('\n')
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  // An empty checkbox ("- [ ]") is not parsed as a task, so its brackets arrive as text.
  if (lines[0]) lines[0] = lines[0].replace(/^\[[ xX]?\]\s*/, '')
  return lines.filter(Boolean)
}

function nestedLists(item: Tokens.ListItem): Tokens.List[] {
  return (item.tokens as MarkedToken[]).filter((token): token is Tokens.List => token.type === 'list')
}

/** Takes a trailing `(2h)`, `[4h]` or `— 2d` off a step name. */
function splitEstimate(headline: string): { name: string; estimate?: string } {
  const match = TRAILING_ESTIMATE.exec(headline)
  const estimate = (match?.[1] ?? match?.[2])?.replace(/\s+/g, ' ').trim()
  if (!match || !estimate) return { name: headline.trim() }
  return { name: headline.slice(0, match.index).trim(), estimate }
}

/** A section's first paragraph, or the start of its text when it has no paragraph (a list, a log). */
function sectionSummary(blocks: MarkedToken[]): string {
  const content = blocks.filter((block) => !isBoilerplate(blockText(block)))
  const paragraph = content.find((block) => block.type === 'paragraph')
  const text = paragraph ? oneLine(blockText(paragraph)) : joinLines(content.map(blockText).join('\n'))
  return truncate(text, MAX_HEADING_SUMMARY)
}

/** List items and log lines on one line, separated so "Open the page" and "Click save" don't run together. */
function joinLines(text: string): string {
  return text
    .split('\n')
    .map(oneLine)
    .filter(Boolean)
    .reduce((joined, line) => (joined ? `${joined}${/[.!?:;,]$/.test(joined) ? ' ' : '; '}${line}` : line), '')
}

function step(name: string, description: string, section: string | undefined): PlanStep {
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

/** Plain text of a block, keeping line breaks so callers can take the first line. */
function blockText(token: MarkedToken): string {
  switch (token.type) {
    case 'paragraph':
    case 'heading':
      return inlineText(token.tokens)
    case 'text':
      // Tight list items hold their text directly, with inline tokens when it has any markup.
      return token.tokens ? inlineText(token.tokens) : token.text
    case 'list':
      return token.items.map((item) => (item.tokens as MarkedToken[]).map(blockText).join('\n')).join('\n')
    case 'blockquote':
      return (token.tokens as MarkedToken[]).map(blockText).join('\n')
    case 'code':
      return token.text
    case 'table':
      return [token.header, ...token.rows].map((row) => row.map((cell) => inlineText(cell.tokens)).join(' | ')).join('\n')
    default:
      return ''
  }
}

/** Inline code stays code: it is safe in a comment and often names the thing to change. */
function codeSpan(code: string): string {
  if (code.trim() === '') return ''
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  return longestRun > 0 ? `${fence} ${code} ${fence}` : `${fence}${code}${fence}`
}

/** Inline Markdown reduced to what a reader sees (code spans kept): `**a**` → a, `[text](url)` → text, images → alt text. */
function inlineText(tokens: Token[]): string {
  return (tokens as MarkedToken[])
    .map((token) => {
      switch (token.type) {
        case 'checkbox':
        case 'html':
          return ''
        case 'br':
          return '\n'
        case 'codespan':
          return codeSpan(token.text)
        case 'escape':
          return token.text
        default:
          return 'tokens' in token && token.tokens ? inlineText(token.tokens) : 'text' in token ? token.text : ''
      }
    })
    .join('')
}

function headingText(heading: Tokens.Heading): string {
  return oneLine(inlineText(heading.tokens)).replace(/\s*:$/, '')
}

/** Lowercase letters, digits and spaces only, so "### 📋 Tasks:" and "TODO" compare as names. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function isPlanningName(text: string): boolean {
  return PLANNING_NAME.test(normalise(text))
}

/** A paragraph ending in a line like "**Tasks:**" or "Steps:" introduces the list after it. */
function isPlanningLabel(paragraph: string): boolean {
  const lastLine = paragraph.trim().split('\n').at(-1) ?? ''
  return isPlanningName(lastLine)
}

function isBoilerplate(text: string): boolean {
  const plain = text.trim().toLowerCase()
  return plain === '' || BOILERPLATE.has(plain)
}

function sameText(a: string, b: string): boolean {
  return normalise(a) === normalise(b)
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Cuts at a word boundary so a long line ends in a whole word and an ellipsis. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
