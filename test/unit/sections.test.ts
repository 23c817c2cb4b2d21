import { describe, expect, it } from 'vitest'
import { type ContextSection, type SectionKey, SECTION_PRIORITY, cutText, packSections, renderSections } from '../../src/context/sections.ts'
import { quoteUntrusted } from '../../src/context/untrusted.ts'
import { scanMarkdown } from '../../src/markdown/scan.ts'

/** `count` numbered lines of `width` characters each (newline included), so cuts are easy to predict. */
const lines = (name: string, count: number, width = 50): string =>
  Array.from({ length: count }, (_, i) => `${name} line ${i + 1} `.padEnd(width - 1, '.')).join('\n')

const section = (key: SectionKey, text: string): ContextSection => ({ key, title: key.toUpperCase(), text })

const all = (): ContextSection[] => [
  section('tree', lines('tree', 4)),
  section('readme', lines('readme', 20)),
  section('languages', '- TypeScript: 98.0%\n- Shell: 2.0%'),
  section('comments', lines('comment', 10)),
  section('references', lines('reference', 3)),
  section('parent', lines('parent', 10)),
]

describe('packSections', () => {
  it('keeps everything, highest priority first, when the budget allows', () => {
    const { kept, notes } = packSections(all(), 100_000)
    // Every key but the planner's earlier questions, which only follow a request for more detail.
    expect(kept.map((s) => s.key)).toEqual(SECTION_PRIORITY.filter((key) => key !== 'questions'))
    expect(notes).toEqual([])
  })

  it('renders each section under its title', () => {
    expect(renderSections([section('tree', '- src/'), section('languages', '- Go: 100.0%')])).toBe('### TREE\n\n- src/\n\n### LANGUAGES\n\n- Go: 100.0%')
  })

  it('leaves out the lowest priority first, naming it and its size', () => {
    const whole = renderSections(packSections(all(), 100_000).kept).length
    const tree = all().find((s) => s.key === 'tree')!
    const { kept, notes } = packSections(all(), whole - 10)
    // 10 characters over, and the tree is only 199 characters: a cut would leave less than 200, so it goes.
    expect(kept.map((s) => s.key)).toEqual(['comments', 'parent', 'references', 'readme', 'languages'])
    expect(notes).toEqual([`The file tree (${tree.text.length} characters) was left out to fit the context budget (${(whole - 10).toLocaleString('en-US')} characters).`])
  })

  it('cuts a section at a line boundary when enough of it fits, and says how much', () => {
    const sections = [section('comments', lines('comment', 4)), section('readme', lines('readme', 20))]
    const whole = renderSections(sections).length
    const { kept, notes } = packSections(sections, whole - 120)
    const readme = kept[1]!
    expect(readme.text).toBe(lines('readme', 17))
    expect(notes).toEqual([`The README was cut from 999 to 849 characters (its end left out) to fit the context budget (${(whole - 120).toLocaleString('en-US')} characters).`])
    expect(renderSections(kept).length).toBeLessThanOrEqual(whole - 120)
  })

  it('drops the lower sections before it cuts a higher one', () => {
    const budget = renderSections([section('comments', lines('comment', 10)), section('parent', lines('parent', 5))]).length
    const { kept, notes } = packSections(all(), budget)
    expect(kept.map((s) => s.key)).toEqual(['comments', 'parent'])
    expect(kept[1]!.text).toBe(lines('parent', 5))
    expect(notes.map((n) => n.split(' (')[0]!.split(' was')[0])).toEqual([
      'The file tree',
      'The languages breakdown',
      'The README',
      'The list of referenced issues',
      'The parent issue',
    ])
    expect(notes.at(-1)).toMatch(/^The parent issue was cut from 499 to 249 characters \(its end left out\)/)
  })

  it('keeps the newest part of the discussion: answers to the planner come last', () => {
    const comments = section('comments', lines('comment', 10))
    const { kept, notes } = packSections([comments], renderSections([section('comments', lines('comment', 6))]).length)
    expect(kept[0]!.text).toBe(lines('comment', 10).split('\n').slice(4).join('\n'))
    expect(notes).toEqual([expect.stringMatching(/^The discussion was cut from 499 to 299 characters \(its oldest part left out\)/)])
  })

  it('stays within the budget whatever the budget', () => {
    for (let budget = 0; budget <= 3_000; budget += 37) {
      const { kept } = packSections(all(), budget)
      expect(renderSections(kept).length, `budget ${budget}`).toBeLessThanOrEqual(budget)
      for (const s of kept) expect(s.text.length).toBeGreaterThanOrEqual(Math.min(200, all().find((a) => a.key === s.key)!.text.length))
    }
  })

  it('ignores empty sections', () => {
    expect(packSections([section('tree', '  \n'), section('languages', '- Go: 100.0%')], 1_000).kept.map((s) => s.key)).toEqual(['languages'])
  })
})

describe('cutText: quoted user content stays quoted', () => {
  const quotes = [1, 2, 3].map((n) => quoteUntrusted(`comment ${n}`, lines(`comment ${n}`, 8))).join('\n\n')

  /** True when every fenced block in `text` is closed by its own fence. */
  const balanced = (text: string): boolean =>
    scanMarkdown(text)
      .filter((s) => s.kind === 'block')
      .every((block) => {
        const fence = /^`+/.exec(block.text)![0]
        return block.text.endsWith(`\n${fence}`)
      })

  it('closes a fence it cuts through when keeping the start', () => {
    for (let room = 200; room < quotes.length; room += 23) {
      const cut = cutText(quotes, room)
      expect(cut.length, `room ${room}`).toBeLessThanOrEqual(room)
      expect(balanced(cut), `room ${room}`).toBe(true)
      expect(quotes.startsWith(cut.slice(0, cut.lastIndexOf('\n')))).toBe(true)
    }
  })

  it('moves past a quote it would cut through when keeping the end', () => {
    for (let room = 200; room < quotes.length; room += 23) {
      const cut = cutText(quotes, room, 'end')
      expect(cut.length, `room ${room}`).toBeLessThanOrEqual(room)
      expect(quotes.endsWith(cut)).toBe(true)
      expect(cut === '' || cut.startsWith('The following is quoted user content')).toBe(true)
    }
  })

  it('returns the text when it fits, and nothing when no line boundary does', () => {
    expect(cutText('short', 10)).toBe('short')
    expect(cutText('one long line without a break', 10)).toBe('')
    expect(cutText('abc\ndef', 0)).toBe('')
  })
})
