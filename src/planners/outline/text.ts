import type { MarkedToken, Token } from 'marked'
import { cutText } from '../../context/sections.js'

/** Inline code stays code: it is safe in a comment and often names the thing to change. */
export function codeSpan(code: string): string {
  if (code.trim() === '') return ''
  const longestRun = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longestRun + 1)
  return longestRun > 0 ? `${fence} ${code} ${fence}` : `${fence}${code}${fence}`
}

/** Inline Markdown reduced to what a reader sees (code spans kept): `**a**` → a, `[text](url)` → text, images → alt text. */
export function inlineText(tokens: Token[]): string {
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

/** Plain text of a block, keeping line breaks so callers can take the first line. */
export function blockText(token: MarkedToken): string {
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

/**
 * Blocks as the author wrote them (code fences, tables and links intact), for a description the
 * renderer shows as Markdown. Leftover HTML and blank space are left out.
 */
export function blocksMarkdown(blocks: readonly MarkedToken[]): string {
  return blocks
    .filter((block) => block.type !== 'space' && block.type !== 'html' && block.type !== 'def')
    .map((block) => block.raw.replace(/\s+$/, ''))
    .filter(Boolean)
    .join('\n\n')
}

/** Cuts Markdown at a line boundary, closing a code fence the cut would leave open. */
export function cutMarkdown(markdown: string, max: number): string {
  if (markdown.length <= max) return markdown
  const cut = cutText(markdown, max - 2)
  return cut ? `${cut}\n…` : truncate(oneLine(markdown), max)
}

/** Lowercase letters, digits and spaces only, so "### 📋 Tasks:" and "TODO" compare as names. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Cuts at a word boundary so a long line ends in a whole word and an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
