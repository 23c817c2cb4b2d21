import { mapProse, scanMarkdown } from '../markdown/scan.js'

/**
 * Planner output (and issue text we echo) is untrusted. Outside code it may not: ping people
 * (`@user`, `@org/team`), inject raw HTML (which could close our <details>, hide text or forge our
 * hidden marker), or, in one-line fields, start new list items or headings.
 */
const MENTION = /(^|[^\w`&/])@([a-z\d](?:[a-z\d-]{0,38})(?:\/[\w.-]+)?)/gi

function neutraliseProse(prose: string): string {
  return prose
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A zero-width space after "@" keeps the text readable and stops GitHub's mention parser.
    .replace(MENTION, '$1@&#8203;$2')
    // A task box written by the planner must not read as one the reader ticked (GitHub makes task
    // items of numbered list items too).
    .replace(/^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\]/gm, '$1\\[$2]')
}

/**
 * One-line fields go after a list marker or on a task item's line. GitHub (cmark-gfm) ticks a task
 * item whose line holds `[x]` anywhere, so the sequence is broken (`[x\]` shows as `[x]`); a box at
 * the start would make a task item of a numbered line; a lone backtick would open a code span that
 * runs on into the text we put after the field.
 */
function neutraliseInline(prose: string): string {
  return neutraliseProse(prose)
    .replace(/\[([xX])\]/g, '[$1\\]')
    .replace(/^\[ \]/, '\\[ ]')
    .replace(/`/g, '\\`')
    .replace(/^( ?)~~~/, '$1\\~~~')
}

/**
 * A code fence written at the end of a line of prose ("Run: ```sh") is text to GitHub, but its
 * closing fence, at the start of a line, opens a code block that swallows the rest of the comment.
 * Moved to a line of its own, it is the code block the author meant.
 */
function fenceOnItsOwnLine(prose: string): string {
  return prose.replace(/^([^\n`~]*[^\s`~])[ \t]*(`{3,}|~{3,})([^\s`~]*)[ \t]*$/gm, '$1\n$2$3')
}

/** Markdown block text (descriptions, messages): code kept verbatim, everything else neutralised. */
export function safeBlock(text: string, maxLength = 4000): string {
  const prose = mapProse(cap(text.replace(/\r\n?/g, '\n').trim(), maxLength), fenceOnItsOwnLine)
  return closeOpenFence(mapProse(prose, neutraliseProse).trim())
}

/**
 * Closes a code fence the planner left open (or that the length cap cut): GitHub would otherwise
 * show everything after it in the comment or issue as code.
 */
function closeOpenFence(text: string): string {
  const last = scanMarkdown(`${text}\n\n.`).at(-1)
  if (last?.kind !== 'block') return text
  const fence = /^ {0,3}(`{3,}|~{3,})/.exec(last.text)?.[1] ?? '```'
  return `${text}\n${fence}`
}

/** A one-line field (step names, list items): newlines folded, Markdown structure cannot escape the line. */
export function safeInline(text: string, maxLength = 300): string {
  const line = cap(text.replace(/\s+/g, ' ').trim(), maxLength)
  // A fence at the start of a one-line field is no code block: placed after `1. ` it would open one.
  return scanMarkdown(line)
    .map((s) => (s.kind === 'code' ? s.text : s.kind === 'comment' ? '' : neutraliseInline(s.text)))
    .join('')
}

/**
 * A one-line field on a task item's own line (a step's name, a subtask): as `safeInline`, and a
 * `[x]` inside code gets a zero-width space, since GitHub ticks the item for that too.
 */
export function safeTaskText(text: string, maxLength = 300): string {
  return scanMarkdown(safeInline(text, maxLength))
    .map((s) => (s.kind === 'code' ? s.text.replace(/\[([xX])\]/g, '[$1\u200b]') : s.text))
    .join('')
}

/**
 * A one-line field as HTML, for the inside of an HTML block (where GitHub reads no Markdown): code
 * spans become `<code>`, everything is escaped, and mentions are neutralised as in prose.
 */
export function inlineHtml(text: string, maxLength = 300): string {
  const line = cap(text.replace(/\s+/g, ' ').trim(), maxLength)
  return scanMarkdown(line)
    .map((s) => {
      if (s.kind === 'comment') return ''
      if (s.kind !== 'code') return neutraliseMentions(escapeHtml(s.text))
      const ticks = /^`+/.exec(s.text)![0].length
      const inner = s.text.slice(ticks, -ticks).replace(/^ (.*[^ ].*) $/, '$1')
      return `<code>${neutraliseMentions(escapeHtml(inner))}</code>`
    })
    .join('')
}

/** Text for HTML: `&`, `<`, `>` and quotes escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function neutraliseMentions(html: string): string {
  return html.replace(MENTION, '$1@&#8203;$2')
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text
}
