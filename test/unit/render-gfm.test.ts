import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type Plan, type PlanStep, PlanSchema } from '../../src/plan.ts'
import { checkedItems } from '../../src/publish/checks.ts'
import { planSection } from '../../src/publish/marker.ts'
import { type RenderContext, renderPlanned, renderPlannedSubIssues, renderPlanning } from '../../src/publish/render.ts'
import { childTitle, renderChildBody } from '../../src/publish/sub-issue-body.ts'
import type { SubIssuesResult } from '../../src/publish/sub-issues.ts'
import { renderGfm, textOf, unbalancedTags } from '../support/gfm.ts'

// The comment is rendered as GitHub renders it (see test/support/gfm.ts) and the assertions are on
// the HTML: what a reader sees, not what the Markdown text happens to contain.

const ctx: RenderContext = { plannerName: 'anthropic', runUrl: 'https://github.com/acme/snip/actions/runs/1', label: 'plan-me', maxSteps: 25, notes: [] }
const paths = { paths: new Set(['docs', 'docs/limits.md', 'src', 'src/app.ts', 'src/limits', 'src/limits/bucket.ts', 'ops', 'ops/dashboards', 'ops/dashboards/limits.json']), complete: true }
const sixSteps = PlanSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/plans/rate-limiting.json', import.meta.url), 'utf8')))
const step = (name: string, extra: Partial<PlanStep> = {}): PlanStep => ({ name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra })

const FOOTER = /<sub>Planned by Issue Planner with the <code>\w+<\/code> planner/

/** The Mermaid source of the rendered comment's graph, as GitHub hands it to Mermaid. */
function mermaidOf(html: string): string[] {
  const blocks = [...html.matchAll(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g)].map((m) => textOf(m[1]!))
  expect(blocks).toHaveLength(1)
  return blocks[0]!.trimEnd().split('\n')
}

/** Mermaid's flowchart grammar, as far as the renderer writes it; returns the links. */
function parseFlowchart(lines: string[]): { nodes: Map<number, string>; links: [number, number][] } {
  expect(lines[0]).toBe('flowchart TD')
  const nodes = new Map<number, string>()
  const links: [number, number][] = []
  for (const line of lines.slice(1)) {
    const node = /^ {2}s(\d+)\["((?:[^"`<>;#\n]|#\d+;)*)"\]$/.exec(line)
    const link = /^ {2}s(\d+) --> s(\d+)$/.exec(line)
    if (node) nodes.set(Number(node[1]), node[2]!)
    else if (link) links.push([Number(link[1]), Number(link[2])])
    else expect(line).toMatch(/^ {2}(?:classDef critical stroke-width:3px|class s\d+(?:,s\d+)* critical)$/)
  }
  for (const [from, to] of links) expect([nodes.has(from), nodes.has(to)]).toEqual([true, true])
  return { nodes, links }
}

describe('the plan comment as GitHub renders it', () => {
  const { body } = renderPlanned(sixSteps, null, { ...ctx, paths })
  const { html, boxes } = renderGfm(body)

  it('starts with the summary line under the title', () => {
    expect(html).toContain(
      '<h3>🗺️ Rate limiting rollout</h3>\n<p><strong>6 steps</strong> · ⏱ ≈ 5.5 days in total (1 step without a time estimate) · ⚠️ 5 risks · critical path 1 → 2 → 3 → 4 → 6 (≈ 5.5 days)</p>',
    )
  })

  it('is one tight task list: a box per step and subtask, no paragraph inside an item', () => {
    expect(boxes).toHaveLength(6 + 6)
    expect(boxes.every((b) => !b.checked)).toBe(true)
    expect(html).not.toMatch(/<li>\s*<p>/)
    expect(unbalancedTags(html)).toEqual([])
  })

  it('shows each step\'s risks and what it comes after on the step, and folds the rest under a summary of what is inside', () => {
    expect(html).toContain('<strong>6. Roll out behind a flag</strong> · ⏱ 2 days · after 4, 5\nEnable the limits per tier, free tier first, then everyone.\n⚠️ Customers hit limits they did not expect; A bad bucket size throttles everyone')
    expect(html).toContain('<details><summary>2 prerequisites · 3 files (1 not in the repository) · 2 skills</summary>')
    const summaries = [...html.matchAll(/<summary>([^<]*)<\/summary>/g)].map((m) => m[1])
    expect(summaries).toHaveLength(6 + 1)
    for (const summary of summaries.slice(0, 6)) expect(summary).toMatch(/^\d+ [a-z]+(?: \(1 not in the repository\))?(?: · \d+ [a-z]+(?: \(1 not in the repository\))?)*$/)
  })

  it('draws the resolved dependencies as a well-formed Mermaid graph in a collapsed section', () => {
    expect(html).toMatch(/<details><summary>Dependency graph: 6 links, critical path drawn heavier<\/summary>\s*<pre><code class="language-mermaid">/)
    const { nodes, links } = parseFlowchart(mermaidOf(html))
    expect(nodes.get(3)).toBe('3. Implement the middleware')
    expect(links).toEqual([[1, 2], [2, 3], [3, 4], [3, 5], [4, 6], [5, 6]])
  })

  it('notes the dependency it dropped, and ends with the footer (nothing swallowed it)', () => {
    expect(html).toMatch(/<blockquote>\s*<p><strong>Dependency left out:<\/strong> step 6: “99” names no step of this plan.<\/p>\s*<\/blockquote>/)
    expect(html).toMatch(FOOTER)
  })
})

describe('planner text cannot tick a box', () => {
  // GitHub ticks a task item whose line holds `[x]` anywhere (see test/support/gfm.ts).
  const hostile: Plan = {
    title: '[x] Done already',
    description: '- [x] Everything\n1. [x] is\n2) [X] done\n* [ ] not yet',
    steps: [
      step('Parse [x] markers', { estimated_time: '[X] 2h', subtasks: ['[x] done already', 'Handle `[x]` and `[X]` in code', '1. [x] numbered'] }),
      step('`[x]` in a code span', { description: 'Done:\n- [x] a\n10. [x] b\n  + [X] c', risks: ['[x] a risk'], acceptance_criteria: ['[x] criteria'], prerequisites: ['- [x] pre'] }),
      step('[ ] starts with a box', { subtasks: ['[ ] empty box', '- [x] listed'] }),
    ],
  }

  it('in the plan', () => {
    const { body } = renderPlanned(hostile, null, ctx)
    const { boxes, html } = renderGfm(body)
    expect(boxes.filter((b) => b.checked)).toEqual([])
    // One box per step and subtask: planner text made no box of its own.
    expect(boxes).toHaveLength(3 + 5)
    expect(html).toContain('<strong>1. Parse [x] markers</strong> · ⏱ [X] 2h')
    expect(checkedItems(planSection(body) ?? '')).toEqual([])
  })

  it('in the steps shown while the planner streams', () => {
    const body = renderPlanning(null, ctx, { steps: hostile.steps })
    expect(renderGfm(body).boxes).toEqual([])
  })

  it('nor open a code block from a step name in that numbered list', () => {
    const body = renderPlanning(null, ctx, { steps: [step('```js'), step('~~~'), step('Next')] })
    const { html } = renderGfm(body)
    expect(html).not.toContain('<pre>')
    expect(html).toContain('<li>Next</li>')
  })

  it('in sub-issues mode, for a step without an issue yet', () => {
    const result: SubIssuesResult = { children: [{ step: 1, name: hostile.steps[0]!.name, action: 'not-created', error: '[x] refused' }], linked: true, dependencies: 'none', warnings: [] }
    const body = renderPlannedSubIssues({ ...hostile, steps: hostile.steps.slice(0, 1) }, 1, result, ctx)
    const { boxes } = renderGfm(body)
    expect(boxes).toHaveLength(1)
    expect(boxes[0]!.checked).toBe(false)
  })
})

describe('a code fence in planner text cannot swallow what follows', () => {
  const fences: Plan = {
    title: 'Fences',
    description: 'Run it like this: ```bash\nnpm ci\n```\nThen deploy.',
    steps: [
      step('Fix ``` parsing', { description: 'Use ```\n</details>\n``` and more', subtasks: ['```js', 'inline ``` fence'], risks: ['```'], prerequisites: ['```sh'] }),
      step('Half-open fence', { description: 'Example:\n```\nnever closed', acceptance_criteria: ['`unclosed span'] }),
      step('Last step', { description: 'Still a step, not code.', dependencies: ['1', '2'] }),
    ],
  }

  it('keeps every step, the details, the graph and the footer out of code', () => {
    const { body } = renderPlanned(fences, null, ctx)
    const { html } = renderGfm(body)
    expect(unbalancedTags(html)).toEqual([])
    for (const label of ['1. Fix ``` parsing', '2. Half-open fence', '3. Last step']) expect(html).toContain(`<strong>${label}</strong>`)
    expect(html).toContain('Still a step, not code.')
    expect(html).toMatch(FOOTER)
    expect((html.match(/<details>/g) ?? []).length).toBe((html.match(/<\/details>/g) ?? []).length)
    const code = (html.match(/<pre><code(?! class="language-mermaid")[\s\S]*?<\/pre>/g) ?? []).join('\n')
    // Planner text may show as code; nothing the renderer wrote after it may.
    expect(code).not.toMatch(/Last step|Planned by|prerequisite|Done when|Dependency graph/)
    parseFlowchart(mermaidOf(html))
  })

  it('turns a fence written at the end of a line into the code block that was meant', () => {
    const { html } = renderGfm(renderPlanned(fences, null, ctx).body)
    expect(html).toContain('<p>Run it like this:</p>\n<pre><code class="language-bash">npm ci\n</code></pre>\n<p>Then deploy.</p>')
  })
})

describe('Mermaid labels from untrusted step names', () => {
  it('stay one label each: no quote, fence, statement or HTML gets out', () => {
    const names = ['A"] --> B; click s1 href "js:x"', 'Close ``` the fence', '<img src=x onerror=alert(1)>', 'Tabs\tand\nnewlines # and ; and `ticks`', 'Ünïcödé 日本語 (ok)']
    const plan: Plan = { title: '', description: '', steps: names.map((name, i) => step(name, { dependencies: i > 0 ? [String(i)] : [] })) }
    const { html } = renderGfm(renderPlanned(plan, null, ctx).body)
    const { nodes, links } = parseFlowchart(mermaidOf(html))
    expect(links).toEqual([[1, 2], [2, 3], [3, 4], [4, 5]])
    expect(nodes.get(5)).toBe('5. Ünïcödé 日本語 (ok)')
    expect(nodes.get(1)).toBe('1. A#34;#93; --#62; B#59; click s1 href #34;js:x#34;')
    expect(nodes.get(2)).toBe('2. Close #96;#96;#96; the fence')
    expect(html).not.toContain('<img')
    expect(html).toMatch(FOOTER)
  })
})

describe('the other layouts stay sound', () => {
  it('the shortened comment: summary, no details, balanced', () => {
    const { body } = renderPlanned(sixSteps, null, ctx, { shortened: true })
    const { html } = renderGfm(body)
    expect(html).toContain('<p><strong>6 steps</strong> · ')
    expect(html).not.toContain('<details>')
    expect(html).not.toMatch(/<li>\s*<p>/)
    expect(unbalancedTags(html)).toEqual([])
  })

  it('grouped steps: one tight list per section', () => {
    const grouped: Plan = { title: 'Epic', description: '', steps: [step('API', { context: { section: 'Backend' }, risks: ['r'] }), step('DB', { context: { section: 'Backend' } }), step('Page', { context: { section: 'Frontend' }, dependencies: ['1'] })] }
    const { html } = renderGfm(renderPlanned(grouped, null, ctx).body)
    expect(html).toContain('<p><strong>Backend</strong></p>\n<ul>')
    expect(html).toContain('<p><strong>Frontend</strong></p>\n<ul>')
    expect(html).not.toMatch(/<li>\s*<p>/)
    expect(unbalancedTags(html)).toEqual([])
  })

  it('sub-issues mode: summary, graph and the children as a task list', () => {
    const result: SubIssuesResult = {
      children: sixSteps.steps.map((s, i) => ({ step: i + 1, name: s.name, number: 40 + i, state: i === 0 ? 'closed' : 'open', action: 'created' })),
      linked: true,
      dependencies: 'recorded',
      warnings: [],
    }
    const { html, boxes } = renderGfm(renderPlannedSubIssues(sixSteps, 6, result, ctx))
    expect(html).toContain('<p><strong>6 steps</strong> · ⏱ ≈ 5.5 days in total')
    expect(boxes.map((b) => b.checked)).toEqual([true, false, false, false, false, false])
    parseFlowchart(mermaidOf(html))
    expect(unbalancedTags(html)).toEqual([])
  })

  it('sub-issues mode: says which links to a later step are not on the issues', () => {
    const forward: Plan = { title: '', description: '', steps: [step('Docs', { dependencies: ['3'] }), step('Build'), step('Design', { dependencies: ['2'] })] }
    const result: SubIssuesResult = { children: forward.steps.map((s, i) => ({ step: i + 1, name: s.name, number: 40 + i, state: 'open', action: 'created' })), linked: true, dependencies: 'recorded', warnings: [] }
    const { html } = renderGfm(renderPlannedSubIssues(forward, 3, result, ctx))
    expect(html).toContain('these links to a later step are in the graph but not on the issues: step 1 after 3.')
  })
})

describe('ticks made in the previous layout survive a re-plan', () => {
  // A comment as the action wrote it before this layout: loose list, "Details" toggles.
  const old = [
    '<!-- issue-planner:plan {"state":"planned"} -->',
    '',
    '<!-- issue-planner:plan-section -->',
    '### 🗺️ Rate limiting rollout',
    '',
    '- [x] **1. Audit current limits** · ⏱ 2h',
    '  List every limit the API enforces today and where it lives.',
    '',
    '  <details><summary>Details</summary>',
    '',
    '  - **Done when:** A doc lists every limit',
    '',
    '  </details>',
    '',
    '- [ ] **3. Implement the middleware** · ⏱ 1.5d',
    '',
    '  - [x] One bucket per API key',
    '  - [ ] Answer 429 with Retry-After',
    '',
    '  <details><summary>Details</summary>',
    '',
    '  - **Depends on:** step 2 (Design the token bucket)',
    '',
    '  </details>',
    '',
  ].join('\n')

  it('keeps the step and subtask ticks', () => {
    const { body } = renderPlanned(sixSteps, old, ctx)
    expect(body).toContain('- [x] **1. Audit current limits** · ⏱ 2h\n')
    expect(body).toContain('  - [x] One bucket per API key\n')
    expect(body).not.toContain('Ticked in an earlier plan')
    const { boxes } = renderGfm(body)
    expect(boxes.filter((b) => b.checked).map((b) => b.line.trim())).toEqual(['- [x] **1. Audit current limits** · ⏱ 2h', '- [x] One bucket per API key'])
  })
})

describe('a sub-issue\'s body', () => {
  it('has no box ticked by planner text in its subtasks', () => {
    const body = renderChildBody({ parent: 7, step: step('Parse markers', { subtasks: ['Handle `[x]` in code', '[X] upper case', '- [x] listed'] }), position: 1, total: 1, blockedBy: [] })
    const { boxes, html } = renderGfm(body)
    expect(boxes).toHaveLength(3)
    expect(boxes.filter((b) => b.checked)).toEqual([])
    expect(html).toContain('Handle <code>[x\u200b]</code> in code')
  })

  it('has a title with no escapes in it (GitHub shows titles as plain text)', () => {
    expect(childTitle('Parse [x] and `tick` <b>', 1)).toBe('Parse [x] and `tick` <b>')
  })
})
