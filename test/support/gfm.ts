import { compile, parse, postprocess, preprocess } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'

/**
 * Renders a comment body the way GitHub does, to assert on what readers see rather than on the
 * Markdown text: micromark with its GFM extension (CommonMark and GFM spec compliant), raw HTML
 * allowed as GitHub allows `<details>`, `<summary>`, `<b>`, `<code>`.
 *
 * One cmark-gfm behaviour the GFM spec does not have is reproduced on top: its task-list extension
 * (extensions/tasklist.c, `open_tasklist_item`) sets a box checked when `strstr` finds `[x]` or `[X]`
 * anywhere in the item's line, not only in the box itself, so `- [ ] Parse [x] markers` shows ticked
 * on GitHub. Each box's checked state is decided from its source line that way.
 */
export interface Rendered {
  html: string
  /** Every task box in document order, checked as GitHub would show it, with its source line. */
  boxes: { checked: boolean; line: string }[]
}

export function renderGfm(markdown: string): Rendered {
  const options = { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true }
  const events = postprocess(parse(options).document().write(preprocess()(markdown, undefined, true)))
  const lines = markdown.split('\n')
  const boxes = events
    .filter(([kind, token]) => kind === 'enter' && (token.type as string) === 'taskListCheck')
    .map(([, token]) => {
      const line = lines[token.start.line - 1] ?? ''
      // cmark-gfm searches the whole line it was handed, from the list marker on.
      return { checked: /\[[xX]\]/.test(line), line }
    })
  let n = 0
  const html = compile(options)(events).replace(/<input type="checkbox" disabled=""(?: checked="")? \/>/g, () => {
    const box = boxes[n++]
    return `<input type="checkbox" disabled=""${box?.checked ? ' checked=""' : ''} />`
  })
  return { html, boxes }
}

/**
 * The HTML's tags as a tree check: every element that opens is closed in order (void elements
 * aside). Returns the problems found, empty when the structure is sound.
 */
export function unbalancedTags(html: string): string[] {
  const VOID = new Set(['input', 'br', 'hr', 'img'])
  const stack: string[] = []
  const problems: string[] = []
  for (const match of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match as unknown as [string, string, string, string]
    if (VOID.has(name) || selfClosing) continue
    if (!closing) stack.push(name)
    else if (stack.at(-1) === name) stack.pop()
    else problems.push(`</${name}> while <${stack.at(-1) ?? 'nothing'}> is open`)
  }
  return [...problems, ...stack.map((name) => `<${name}> never closed`)]
}

/** The text of an HTML fragment, entities decoded, as a reader sees it. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&')
}
