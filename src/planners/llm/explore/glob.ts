/**
 * Glob patterns as `.gitignore` and most tools read them, matched without regular expressions so that
 * no pattern (the model writes some of them) can take more than time proportional to its length
 * times the path's:
 *
 * - `*` is any run of characters within one path segment, `?` one character, `[abc]`/`[a-z]`/`[!a]`
 *   one character of (or not of) a set, `{ts,tsx}` one of the alternatives (not nested);
 * - `**` as a whole segment is any number of segments, zero included;
 * - a pattern without `/` (a trailing one aside) matches a name at any depth (`*.pem`, `secrets`);
 * - a pattern with `/` is anchored at the repository root (`src/**\/*.ts`, `/build`).
 */
export interface Glob {
  readonly source: string
  /** True when the repository-relative path (segments joined by `/`) matches. */
  matches(path: string): boolean
}

/** Characters that make a pattern a glob rather than a plain name. */
const GLOB_CHARS = /[*?[{]/

/** Most alternatives one pattern may expand to: `{a,b}{c,d}` is four patterns. */
const MAX_EXPANSIONS = 64

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern)
}

/** Compiles a pattern; an unclosed `[` or `{` is read literally, so every string is a pattern. */
export function compileGlob(pattern: string): Glob {
  const trimmed = pattern.trim().replace(/\/+$/, '')
  const anchored = trimmed.includes('/')
  const body = trimmed.replace(/^\/+/, '')
  const alternatives = expandBraces(body).map((expanded): Segment[] => {
    const segments = expanded.split('/').filter((s) => s !== '').map(parseSegment)
    // An unanchored pattern is a name anywhere: as if written `**/name`.
    return anchored ? segments : [ANY_SEGMENTS, ...segments]
  })
  return {
    source: pattern,
    matches: (path) => {
      const parts = path.split('/').filter((s) => s !== '')
      return alternatives.some((segments) => matchSegments(segments, parts))
    },
  }
}

// ---- braces ----------------------------------------------------------------------------------------

function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{')
  if (open === -1) return [pattern]
  const close = pattern.indexOf('}', open)
  if (close === -1) return [pattern]
  const options = pattern.slice(open + 1, close).split(',')
  const rest = expandBraces(pattern.slice(close + 1))
  const out: string[] = []
  for (const option of options) {
    for (const tail of rest) {
      if (out.length >= MAX_EXPANSIONS) return out
      out.push(pattern.slice(0, open) + option + tail)
    }
  }
  return out
}

// ---- segments -----------------------------------------------------------------------------------

type Token = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; negated: boolean; ranges: Array<[string, string]> }

const ANY_SEGMENTS: unique symbol = Symbol('**')
type Segment = Token[] | typeof ANY_SEGMENTS

function parseSegment(segment: string): Segment {
  if (segment === '**') return ANY_SEGMENTS
  const tokens: Token[] = []
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!
    if (char === '*') {
      // `**` inside a segment (`a**b`) is just `*`.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' })
    } else if (char === '?') {
      tokens.push({ kind: 'any' })
    } else if (char === '[') {
      const set = parseSet(segment, i)
      if (set) {
        tokens.push(set.token)
        i = set.end
      } else {
        tokens.push({ kind: 'char', char })
      }
    } else if (char === '\\' && i + 1 < segment.length) {
      tokens.push({ kind: 'char', char: segment[++i]! })
    } else {
      tokens.push({ kind: 'char', char })
    }
  }
  return tokens
}

function parseSet(segment: string, start: number): { token: Token; end: number } | null {
  let i = start + 1
  const negated = segment[i] === '!' || segment[i] === '^'
  if (negated) i++
  const ranges: Array<[string, string]> = []
  // A `]` right after the opening bracket is a member, as in POSIX.
  let first = true
  for (; i < segment.length; i++) {
    const char = segment[i]!
    if (char === ']' && !first) return { token: { kind: 'set', negated, ranges }, end: i }
    first = false
    if (segment[i + 1] === '-' && i + 2 < segment.length && segment[i + 2] !== ']') {
      ranges.push([char, segment[i + 2]!])
      i += 2
    } else {
      ranges.push([char, char])
    }
  }
  return null
}

function matchToken(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === char
    case 'any':
      return true
    case 'set':
      return token.ranges.some(([low, high]) => char >= low && char <= high) !== token.negated
    case 'star':
      return true
  }
}

/** Wildcard matching of one segment: the classic two-pointer walk, linear in practice, quadratic at worst. */
function matchName(tokens: Token[], name: string): boolean {
  let t = 0
  let n = 0
  let starAt = -1
  let resumeAt = 0
  while (n < name.length) {
    const token = tokens[t]
    if (token && token.kind === 'star') {
      starAt = t++
      resumeAt = n
    } else if (token && matchToken(token, name[n]!)) {
      t++
      n++
    } else if (starAt !== -1) {
      t = starAt + 1
      n = ++resumeAt
    } else {
      return false
    }
  }
  while (tokens[t]?.kind === 'star') t++
  return t === tokens.length
}

/** Segment-by-segment matching with `**`, memoised so it stays polynomial however many `**` there are. */
function matchSegments(segments: Segment[], parts: string[]): boolean {
  const memo = new Map<number, boolean>()
  const match = (s: number, p: number): boolean => {
    const key = s * (parts.length + 1) + p
    const known = memo.get(key)
    if (known !== undefined) return known
    let result: boolean
    const segment = segments[s]
    if (segment === undefined) result = p === parts.length
    else if (segment === ANY_SEGMENTS) result = match(s + 1, p) || (p < parts.length && match(s, p + 1))
    else result = p < parts.length && matchName(segment, parts[p]!) && match(s + 1, p + 1)
    memo.set(key, result)
    return result
  }
  return match(0, 0)
}
