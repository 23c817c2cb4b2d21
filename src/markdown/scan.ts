/**
 * A minimal Markdown scanner that knows just what sanitising needs: where code is (fenced blocks and
 * inline spans, shown verbatim by GitHub) and where HTML comments are (hidden by GitHub).
 */
export interface Segment {
  /** `block` is a fenced code block, `code` an inline code span. */
  kind: 'text' | 'code' | 'block' | 'comment'
  text: string
}

export function scanMarkdown(markdown: string): Segment[] {
  const segments: Segment[] = []
  const push = (kind: Segment['kind'], text: string): void => {
    const last = segments.at(-1)
    if (last && last.kind === kind) last.text += text
    else if (text !== '') segments.push({ kind, text })
  }
  let i = 0
  const n = markdown.length
  const paragraphEnd = paragraphEnds(markdown)
  while (i < n) {
    if (i === 0 || markdown[i - 1] === '\n') {
      const end = fencedBlockEnd(markdown, i)
      if (end > i) {
        push('block', markdown.slice(i, end))
        i = end
        continue
      }
    }
    const ch = markdown[i]
    if (ch === '`') {
      const end = codeSpanEnd(markdown, i, paragraphEnd)
      // A backtick run that never closes is literal text, not code.
      push(end === runEnd(markdown, i) ? 'text' : 'code', markdown.slice(i, end))
      i = end
    } else if (ch === '<' && markdown.startsWith('<!--', i)) {
      // An unterminated comment hides the rest of the document on GitHub.
      const close = markdown.indexOf('-->', i + 4)
      const end = close === -1 ? n : close + 3
      push('comment', markdown.slice(i, end))
      i = end
    } else {
      // After a newline the next position is a line start, where a fence may open.
      const next = ch === '\n' ? i + 1 : nextSpecial(markdown, i + 1)
      push('text', markdown.slice(i, next))
      i = next
    }
  }
  return segments
}

/** Applies `transform` to the prose only; code stays verbatim and comments are dropped. */
export function mapProse(markdown: string, transform: (prose: string) => string): string {
  return scanMarkdown(markdown)
    .map((s) => (s.kind === 'text' ? transform(s.text) : s.kind === 'comment' ? '' : s.text))
    .join('')
}

const FENCE_OPEN = /[ ]{0,3}(`{3,}|~{3,})[^\n]*/y

/** If a fenced code block opens at `start` (a line start), the index just past its closing line. */
function fencedBlockEnd(text: string, start: number): number {
  FENCE_OPEN.lastIndex = start
  const open = FENCE_OPEN.exec(text)
  if (!open) return start
  const marker = open[1] as string
  const info = open[0].slice(open[0].indexOf(marker) + marker.length)
  if (marker[0] === '`' && info.includes('`')) return start
  const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`, 'gm')
  close.lastIndex = start + open[0].length
  const found = close.exec(text)
  return found ? found.index + found[0].length : text.length
}

function runEnd(text: string, start: number): number {
  let end = start
  while (text[end] === '`') end++
  return end
}

/**
 * The index just past an inline code span starting at `start`, or past the backtick run if it never
 * closes. Like GitHub, a span never reaches past the end of its paragraph.
 */
function codeSpanEnd(text: string, start: number, paragraphEnd: (from: number) => number): number {
  const opening = runEnd(text, start)
  const length = opening - start
  const limit = paragraphEnd(opening)
  let search = opening
  while (true) {
    const at = text.indexOf('`', search)
    if (at === -1 || at >= limit) return opening
    const close = runEnd(text, at)
    if (close - at === length) return close
    search = close
  }
}

/**
 * Where a paragraph ends: at a blank line, or at a line that may start a block of its own (a code
 * fence, HTML, a list item, a quote, a heading), since GitHub ends the paragraph there and a code
 * span cannot reach past it. Erring towards "ends here" only means text is treated as prose.
 */
const PARAGRAPH_BREAK = /\n[ \t]*\n|\n(?= {0,3}(?:`{3,}|~{3,}|<|>|#{1,6}(?:[ \t]|$)|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)))/gm

/**
 * Where the paragraph containing `from` ends. The scanner asks with increasing positions, so one
 * answer serves every code span of a paragraph: without it, a long paragraph full of spans is read
 * once per span (quadratic: 24 s for 1 MB).
 */
function paragraphEnds(text: string): (from: number) => number {
  let known = { from: Number.POSITIVE_INFINITY, end: -1 }
  return (from) => {
    if (from >= known.from && from <= known.end) return known.end
    PARAGRAPH_BREAK.lastIndex = from
    known = { from, end: PARAGRAPH_BREAK.exec(text)?.index ?? text.length }
    return known.end
  }
}

function nextSpecial(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i]
    if (ch === '`' || ch === '<') return i
    if (ch === '\n' && i + 1 < text.length) return i + 1
  }
  return text.length
}
