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
    // A task box written by the planner must not read as one the reader ticked.
    .replace(/^(\s*[-*+]\s+)\[([ xX])\]/gm, '$1\\[$2]')
}

/** Markdown block text (descriptions, messages): code kept verbatim, everything else neutralised. */
export function safeBlock(text: string, maxLength = 4000): string {
  return closeOpenFence(mapProse(cap(text.replace(/\r\n?/g, '\n').trim(), maxLength), neutraliseProse).trim())
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
  return mapProse(line, neutraliseProse)
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text
}
