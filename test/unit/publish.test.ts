import { describe, expect, it } from 'vitest'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { checkedItems, itemKey } from '../../src/publish/checks.ts'
import { isPlanComment } from '../../src/publish/comment.ts'
import { PLAN_SECTION_MARKER, parseMarker, planSection, renderMarker } from '../../src/publish/marker.ts'
import { cancelledComment, failedComment, needsInfoComment, plannedComment, subIssuesComment } from '../../src/publish/final.ts'
import { COMMENT_LIMIT, type RenderContext, renderFailed, renderNeedsInfo, renderPlanned, renderPlanning, renderRefused } from '../../src/publish/render.ts'
import { inlineHtml, safeBlock, safeInline, safeTaskText } from '../../src/publish/sanitize.ts'
import { redact } from '../../src/secrets.ts'

const ctx: RenderContext = {
  plannerName: 'kubiya',
  runUrl: 'https://github.com/acme/snip/actions/runs/9001',
  label: 'plan-me',
  maxSteps: 25,
  notes: [],
}

function step(name: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra }
}

const plan: Plan = {
  title: 'Move sessions to Postgres',
  description: 'Store sessions in Postgres so the API can scale horizontally.',
  steps: [
    step('Add migration', { description: 'Create the `sessions` table.', subtasks: ['Write the migration', 'Add an index on user_id'], estimated_time: '2h' }),
    step('Deploy to staging', { description: 'Roll out behind the `pg_sessions` flag.', risks: ['Cold cache after the switch'], dependencies: ['1'] }),
    step('Remove legacy flag', { description: 'Delete the Redis code path.' }),
  ],
}

/** Prose with code removed: what GitHub would parse for mentions and HTML. */
function outsideCode(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
}

/** The reader ticks boxes in the comment, as GitHub does when a task list item is clicked. */
function tick(body: string, ...lines: string[]): string {
  let out = body
  for (const line of lines) {
    const unticked = line.replace('[x]', '[ ]')
    expect(out).toContain(unticked)
    out = out.replace(unticked, line)
  }
  return out
}

/** Step items of a rendered comment: top-level task items. */
const stepLines = (body: string) => body.split('\n').filter((l) => /^- \[[ x]\] \*\*\d+\. /.test(l))

// ---------------------------------------------------------------------------------------------

describe('safeBlock / safeInline: mentions', () => {
  const text = 'Thanks @alice and @acme/platform-team! Mail bob@example.com. Run `@alice --help` or:\n\n```\nnotify @alice\n```'

  it('neutralises user and team mentions in prose', () => {
    const out = safeBlock(text)
    expect(out).toContain('@&#8203;alice and')
    expect(out).toContain('@&#8203;acme/platform-team!')
    expect(outsideCode(out)).not.toMatch(/@alice|@acme/)
  })

  it('leaves email addresses alone', () => {
    expect(safeBlock(text)).toContain('bob@example.com')
    expect(safeInline('Contact ops@acme.io')).toBe('Contact ops@acme.io')
  })

  it('leaves mentions in code spans and fenced blocks untouched', () => {
    const out = safeBlock(text)
    expect(out).toContain('`@alice --help`')
    expect(out).toContain('```\nnotify @alice\n```')
  })

  it('neutralises a mention at the very start and at the start of a line', () => {
    expect(safeBlock('@alice please review\n@bob too')).toBe('@&#8203;alice please review\n@&#8203;bob too')
    expect(safeInline('@alice')).toBe('@&#8203;alice')
  })

  it('does not let a stray backtick in one paragraph shield a mention or HTML in the next', () => {
    // Code spans never cross paragraphs: GitHub shows the first backtick literally and parses the rest as prose.
    const out = safeBlock('Press the ` key to open the console.\n\nThen ping @alice and paste <img src=x onerror=alert(1)> as `code`.')
    expect(out).not.toContain('@alice')
    expect(out).not.toContain('<img')
  })
})

describe('safeBlock / safeInline: HTML and structure', () => {
  it('escapes raw HTML that could close our <details> or inject elements', () => {
    expect(safeBlock('</details><img src=x onerror=alert(1)>')).toBe('&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;')
  })

  it('drops a forged plan marker in planner text', () => {
    const forged = 'Done. <!-- issue-planner:plan {"state":"planned"} --> <!-- issue-planner:plan-section -->'
    const out = safeBlock(forged)
    expect(out).not.toContain('<!--')
    expect(out).not.toContain('issue-planner:plan')
  })

  it('keeps HTML shown as code', () => {
    expect(safeBlock('Use `<details>` for long logs.')).toBe('Use `<details>` for long logs.')
  })

  it('escapes a task box the planner wrote, so it cannot pass for a reader tick', () => {
    expect(safeBlock('- [x] Already done\n* [ ] Not yet')).toBe('- \\[x] Already done\n* \\[ ] Not yet')
  })

  it('escapes a task box in a numbered list too (GitHub makes task items of those)', () => {
    expect(safeBlock('1. [x] Done\n2) [X] Also done\n10. [ ] Not yet')).toBe('1. \\[x] Done\n2) \\[X] Also done\n10. \\[ ] Not yet')
  })

  it('breaks `[x]` anywhere in a one-line field, since GitHub ticks a task item whose line holds it', () => {
    expect(safeInline('Parse [x] and [X] markers')).toBe('Parse [x\\] and [X\\] markers')
    expect(safeInline('[ ] box first')).toBe('\\[ ] box first')
    expect(safeTaskText('Handle `[x]` in code')).toBe('Handle `[x\u200b]` in code')
    expect(safeInline('Handle `[x]` in code')).toBe('Handle `[x]` in code')
  })

  it('escapes a lone backtick or a leading fence in a one-line field, so no code runs past it', () => {
    expect(safeInline('a `b` c `d')).toBe('a `b` c \\`d')
    expect(safeInline('```js')).toBe('\\`\\`\\`js')
    expect(safeInline('~~~')).toBe('\\~~~')
  })

  it('moves a fence written at the end of a line onto its own line, so its closing fence does not open a block', () => {
    expect(safeBlock('Run it: ```bash\nnpm ci\n```\nThen deploy.')).toBe('Run it:\n```bash\nnpm ci\n```\nThen deploy.')
  })

  it('does not take text up to a line that starts a block for a code span, so it is still neutralised', () => {
    // GitHub ends the paragraph at `</details>`: it is HTML there, not the inside of a code span.
    expect(safeBlock('See `foo\n</details>` end')).toBe('See `foo\n&lt;/details&gt;` end')
  })

  it('writes a one-line field as HTML for the inside of an HTML block', () => {
    expect(inlineHtml('Use `<b>` for @alice & <i>x</i>')).toBe('Use <code>&lt;b&gt;</code> for @&#8203;alice &amp; &lt;i&gt;x&lt;/i&gt;')
  })

  it('folds newlines in one-line fields so list items and headings cannot escape the line', () => {
    const out = safeInline('a\n- [x] b\n# h')
    expect(out).not.toContain('\n')
    // `[x\]` shows as `[x]`, but GitHub no longer ticks the task item whose line holds it.
    expect(out).toBe('a - [x\\] b # h')
  })

  it('caps length with an ellipsis', () => {
    expect(safeInline('x'.repeat(500), 100)).toHaveLength(100)
    expect(safeInline('x'.repeat(500), 100).endsWith('…')).toBe(true)
    expect(safeBlock('y'.repeat(5000), 1000)).toHaveLength(1000)
  })
})

// ---------------------------------------------------------------------------------------------

describe('parseMarker / planSection', () => {
  it('round-trips the marker state', () => {
    for (const state of ['planning', 'planned', 'needs-info', 'failed'] as const) {
      expect(parseMarker(`${renderMarker({ state })}\n\nbody`)).toEqual({ state })
    }
  })

  it('only recognises the marker at the very start of the body', () => {
    expect(parseMarker(`Quoting the bot:\n${renderMarker({ state: 'planned' })}`)).toBeNull()
    expect(parseMarker('<!-- issue-planner:plan {not json} -->')).toBeNull()
    expect(parseMarker(null)).toBeNull()
    expect(parseMarker(undefined)).toBeNull()
  })

  it('reads a marker without a state as planned', () => {
    expect(parseMarker('<!-- issue-planner:plan {} -->')).toEqual({ state: 'planned' })
  })

  it('returns the text after the plan section marker, or null', () => {
    expect(planSection(`${renderMarker({ state: 'planned' })}\n\n${PLAN_SECTION_MARKER}\n### Plan\n- [ ] a\n`)).toBe('### Plan\n- [ ] a')
    expect(planSection('no section here')).toBeNull()
    expect(planSection(null)).toBeNull()
  })
})

// ---------------------------------------------------------------------------------------------

describe('checkedItems', () => {
  const first = renderPlanned(plan, null, ctx).body
  const ticked = tick(first, '- [x] **2. Deploy to staging**', '  - [x] Write the migration')

  it('reads nothing from a fresh plan', () => {
    expect(checkedItems(planSection(first) ?? '')).toEqual([])
  })

  it('reads the ticked step and the ticked subtask, keyed by name', () => {
    expect(checkedItems(planSection(ticked) ?? '')).toEqual([
      { key: 'add migration > write the migration', text: 'Write the migration', step: 'Add migration' },
      { key: 'deploy to staging', text: 'Deploy to staging' },
    ])
  })

  it('reads an upper-case X as ticked', () => {
    expect(checkedItems('- [X] **1. Ship it**')).toEqual([{ key: 'ship it', text: 'Ship it' }])
  })

  it('ignores task-looking lines inside a collapsed details block', () => {
    expect(checkedItems('- [ ] **1. Ship it**\n  <details><summary>Details</summary>\n\n  - [x] planner text\n\n  </details>')).toEqual([])
  })

  it('keys ignore numbering, emphasis, estimates, punctuation and case', () => {
    expect(itemKey('**12. Deploy to Staging!** · ⏱ 1h')).toBe(itemKey('**1. deploy to staging**'))
    expect(itemKey('**3. Notify @&#8203;alice**')).toBe('notify alice')
  })
})

describe('renderPlanned', () => {
  it('renders each step as a task item with its subtasks nested beneath', () => {
    const { body } = renderPlanned(plan, null, ctx)
    expect(parseMarker(body)).toEqual({ state: 'planned' })
    expect(body).toContain('### 🗺️ Move sessions to Postgres')
    expect(stepLines(body)).toEqual(['- [ ] **1. Add migration** · ⏱ 2h', '- [ ] **2. Deploy to staging** · after 1', '- [ ] **3. Remove legacy flag**'])
    expect(body).toContain('  - [ ] Write the migration\n  - [ ] Add an index on user_id')
    expect(body).toContain('- [ ] **2. Deploy to staging** · after 1\n  Roll out behind the `pg_sessions` flag.\n  ⚠️ Cold cache after the switch\n')
    expect(body).toContain('`plan-me`')
  })

  it('keeps ticks when steps move, are renumbered or change capitalisation, and lists ticks that no longer match', () => {
    const previous = tick(renderPlanned(plan, null, ctx).body, '- [x] **2. Deploy to staging**', '  - [x] Write the migration', '- [x] **3. Remove legacy flag**')
    const replanned: Plan = {
      ...plan,
      steps: [
        step('Deploy To Staging'),
        step('add migration', { subtasks: ['write the Migration', 'Add an index on user_id', 'Backfill existing sessions'] }),
        step('Announce in #releases'),
      ],
    }
    const { body } = renderPlanned(replanned, previous, ctx)
    expect(stepLines(body)).toEqual(['- [x] **1. Deploy To Staging**', '- [ ] **2. add migration**', '- [ ] **3. Announce in #releases**'])
    expect(body).toContain('  - [x] write the Migration\n  - [ ] Add an index on user_id\n  - [ ] Backfill existing sessions')
    const earlier = body.slice(body.indexOf('**Ticked in an earlier plan**'))
    expect(body).toContain('**Ticked in an earlier plan**')
    expect(earlier).toContain('- [x] Remove legacy flag')
    // Ticks that still match are not listed twice.
    expect(earlier).not.toContain('Deploy to staging')
    expect(earlier).not.toContain('Write the migration')
  })

  it('ties a subtask tick to its own step, not to a same-named subtask elsewhere', () => {
    const twoSteps: Plan = { title: '', description: '', steps: [step('API', { subtasks: ['Write tests'] }), step('UI', { subtasks: ['Write tests'] })] }
    const rendered = renderPlanned(twoSteps, null, ctx).body
    const previous = rendered.replace('- [ ] **2. UI**\n  - [ ] Write tests', '- [ ] **2. UI**\n  - [x] Write tests')
    expect(previous).not.toBe(rendered)
    const { body } = renderPlanned(twoSteps, previous, ctx)
    expect(body).toContain('- [ ] **1. API**\n  - [ ] Write tests')
    expect(body).toContain('- [ ] **2. UI**\n  - [x] Write tests')
  })

  it('does not read task boxes written by the planner as the reader’s ticks', () => {
    const sneaky: Plan = { title: '', description: '- [x] Everything below is done', steps: [step('Ship', { description: '- [x] Ship\n- [x] Add migration' })] }
    const { body } = renderPlanned(sneaky, null, ctx)
    expect(checkedItems(planSection(body) ?? '')).toEqual([])
  })

  it('does not read task boxes inside a code block in a step description as ticks', () => {
    const template: Plan = {
      title: '',
      description: '',
      steps: [step('Add a PR template', { description: 'Create `.github/pull_request_template.md`:\n\n```markdown\n- [x] Tests pass\n- [ ] Docs updated\n```' })],
    }
    const first = renderPlanned(template, null, ctx).body
    expect(first).toContain('- [x] Tests pass')
    expect(checkedItems(planSection(first) ?? '')).toEqual([])
    expect(renderPlanned(template, first, ctx).body).not.toContain('Ticked in an earlier plan')
  })

  it('restores a subtask tick kept under "Ticked in an earlier plan" when its step comes back', () => {
    const previous = tick(renderPlanned(plan, null, ctx).body, '  - [x] Write the migration')
    const without = renderPlanned({ ...plan, steps: plan.steps.slice(1) }, previous, ctx).body
    expect(without).toContain('**Ticked in an earlier plan**')
    expect(without).toContain('- [x] Add migration › Write the migration')
    const back = renderPlanned(plan, without, ctx).body
    expect(back).toContain('  - [x] Write the migration')
    expect(back).not.toContain('Ticked in an earlier plan')
  })

  it('shows at most `max-steps` steps and says so in a note', () => {
    const many: Plan = { title: 'Big plan', description: '', steps: Array.from({ length: 40 }, (_, i) => step(`Step ${i + 1}`)) }
    const rendered = renderPlanned(many, null, { ...ctx, maxSteps: 25 })
    expect(stepLines(rendered.body)).toHaveLength(25)
    expect(rendered.plan.steps).toHaveLength(25)
    expect(rendered.body).toContain('- [ ] **25. Step 25**')
    expect(rendered.body).not.toContain('**26. Step 26**')
    expect(rendered.body).toContain('The planner proposed 40 steps; the first 25 are shown (input `max-steps` is 25)')
    expect(rendered.body).toContain('“Step 26”')
  })

  it('shortens step details to stay under GitHub’s comment limit, and says so', () => {
    const paragraph = 'Update the session middleware to read from Postgres and fall back to Redis while the flag is off. '
    const description = paragraph.repeat(Math.ceil(5_000 / paragraph.length)).slice(0, 5_000)
    const huge: Plan = {
      title: 'Huge plan',
      description: 'Overview',
      steps: Array.from({ length: 100 }, (_, i) => step(`Migrate service ${i + 1}`, { description, risks: ['downtime'] })),
    }
    const rendered = renderPlanned(huge, null, { ...ctx, maxSteps: 100 })
    expect(rendered.body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(rendered.body).toContain("Step details were shortened to fit GitHub's comment size limit")
    expect(rendered.body).toContain('`plan` output')
    expect(stepLines(rendered.body)).toHaveLength(rendered.plan.steps.length)
  })

  it('drops steps when even shortened details do not fit, and names the size limit as the reason', () => {
    const longName = 'Refactor the session store '.repeat(20)
    const subtasks = Array.from({ length: 20 }, (_, i) => `${longName} part ${i}`)
    const huge: Plan = { title: '', description: '', steps: Array.from({ length: 100 }, (_, i) => step(`Service ${i + 1}`, { subtasks })) }
    const rendered = renderPlanned(huge, null, { ...ctx, maxSteps: 100 })
    expect(rendered.body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    const shown = rendered.plan.steps.length
    expect(shown).toBeLessThan(100)
    expect(shown).toBeGreaterThan(0)
    expect(stepLines(rendered.body)).toHaveLength(shown)
    expect(rendered.body).toContain(`the first ${shown} are shown to fit GitHub's comment size limit`)
  })

  it('cannot be made to carry a second marker, unbalanced <details> or mentions by the planner', () => {
    const hostile: Plan = {
      title: 'Plan <!-- issue-planner:plan {"state":"failed"} -->',
      description: 'cc @alice </details><img src=x>',
      steps: [
        step('Ping @acme/security', {
          description: '<!-- issue-planner:plan {"state":"planned"} -->\n</details>',
          subtasks: ['Ask @bob\n- [x] fake', '<script>alert(1)</script>'],
          risks: ['</details><details open>'],
        }),
      ],
    }
    const { body } = renderPlanned(hostile, null, ctx)
    expect(body.match(/<!-- issue-planner:plan /g)).toHaveLength(1)
    expect(parseMarker(body)).toEqual({ state: 'planned' })
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length)
    expect(body).not.toContain('<img')
    expect(body).not.toContain('<script')
    expect(outsideCode(body)).not.toMatch(/@alice|@bob|@acme/)
    expect(body).toContain('  - [ ] Ask @&#8203;bob - [x\\] fake')
  })

  it('includes the context notes from the request', () => {
    const { body } = renderPlanned(plan, null, { ...ctx, notes: ['The issue body was cut to its first 15,000 of 100,000 characters (input `context-budget`).'] })
    expect(body).toContain('> The issue body was cut to its first 15,000 of 100,000 characters (input `context-budget`).')
  })
})

// ---------------------------------------------------------------------------------------------

describe('renderPlanning / renderNeedsInfo / renderFailed keep the previous plan', () => {
  const previous = tick(renderPlanned(plan, null, ctx).body, '- [x] **2. Deploy to staging**', '  - [x] Write the migration')
  const previousSection = planSection(previous)!

  it('renderPlanning shows a banner, keeps the plan verbatim and is in the planning state', () => {
    const body = renderPlanning(previous, ctx)
    expect(parseMarker(body)).toEqual({ state: 'planning' })
    expect(body).toContain('Planning this issue')
    expect(body).toContain('[Follow the workflow run](https://github.com/acme/snip/actions/runs/9001)')
    expect(body).toContain('The current plan below stays')
    expect(planSection(body)).toBe(previousSection)
    expect(body).toContain('- [x] **2. Deploy to staging**')
  })

  it('renderPlanning without an earlier plan has no plan section', () => {
    const body = renderPlanning(null, { ...ctx, runUrl: '' })
    expect(parseMarker(body)).toEqual({ state: 'planning' })
    expect(body).not.toContain(PLAN_SECTION_MARKER)
    expect(body).not.toContain('Follow the workflow run')
  })

  /** The needs-info banner: what the issue's author reads above any previous plan. */
  const banner = (body: string): string => body.slice(0, body.indexOf(PLAN_SECTION_MARKER) === -1 ? undefined : body.indexOf(PLAN_SECTION_MARKER))

  it("renderNeedsInfo asks the author the planner's questions, says a reply is enough, and keeps the plan", () => {
    const body = renderNeedsInfo(
      { message: 'The planner needs clarification.', questions: ['Which database holds the sessions?', 'Can @alice approve downtime?'] },
      previous,
      { ...ctx, answersReplan: true, readsComments: true },
    )
    expect(parseMarker(body)).toEqual({ state: 'needs-info' })
    expect(body).toContain('**Could you tell us:**')
    expect(body).toContain('1. Which database holds the sessions?')
    expect(body).toContain('2. Can @&#8203;alice approve downtime?')
    expect(body).toContain('Answer in a comment on this issue: that is all it takes. A new plan is made from your reply.')
    expect(body).toContain('The previous plan is kept below.')
    expect(planSection(body)).toBe(previousSection)
  })

  it('renderNeedsInfo quotes the refusal message when there are no questions, with what helps', () => {
    const body = renderNeedsInfo({ message: 'Task description is too vague.\nName the service to migrate.', questions: [] }, null, { ...ctx, readsComments: true })
    expect(body).toContain('> Task description is too vague.\n> Name the service to migrate.')
    expect(body).toContain('**It helps to say:**')
    expect(body).toContain('Add the details in a comment on this issue: that is all it takes.')
    expect(body).not.toContain('Could you tell us')
    expect(body).not.toContain(PLAN_SECTION_MARKER)
  })

  it.each([
    ['the label removed, the command on', { labelRemoved: true, command: '/plan', answersReplan: true, readsComments: true }],
    ['the label left on, a custom command', { labelRemoved: false, command: '!replan', answersReplan: true, readsComments: true }],
    ['answers not re-planning', { labelRemoved: true, command: '', answersReplan: false, readsComments: true }],
    ['the offline planner', { labelRemoved: true, command: '/plan', answersReplan: true, readsComments: false }],
  ])('renderNeedsInfo names no label, command, setting or workflow (%s)', (_, settings) => {
    const shown = banner(renderNeedsInfo({ message: 'Too vague', questions: ['Which region?'] }, previous, { ...ctx, ...settings })).replace(/<!--[\s\S]*?-->/g, '')
    expect(shown).not.toMatch(/label|plan-me|\/plan|!replan|input|workflow|setting/i)
    expect(shown).toContain('that is all it takes.')
  })

  it('renderNeedsInfo says when a reply is read if answers do not re-plan by themselves', () => {
    expect(renderNeedsInfo({ message: '', questions: ['Which region?'] }, null, { ...ctx, answersReplan: false, readsComments: true })).toContain('Your reply is read when the issue is planned again.')
  })

  it('renderNeedsInfo sends answers for a planner that reads only the issue to its description', () => {
    const body = renderNeedsInfo({ message: '', questions: ['What needs to be done?'] }, null, { ...ctx, answersReplan: true, readsComments: false })
    expect(body).toContain('Add the answers to the issue description, then reply with a short comment: that is all it takes. A new plan is made from the updated description.')
    expect(renderNeedsInfo({ message: '', questions: ['What needs to be done?'] }, null, { ...ctx, answersReplan: false, readsComments: false })).toContain(
      'Add the answers to the issue description: that is all it takes. It is read when the issue is planned again.',
    )
  })

  it('renderFailed shows the notice in a caution banner, links the run, and keeps the plan with its ticks', () => {
    const body = renderFailed('Kubiya planning failed (HTTP 500): overloaded.\nIt was not retried.', previous, ctx)
    expect(parseMarker(body)).toEqual({ state: 'failed' })
    expect(body).toContain('> [!CAUTION]')
    expect(body).toContain('**Planning failed.** Kubiya planning failed (HTTP 500): overloaded. It was not retried.')
    expect(banner(body)).toContain('The [workflow run](https://github.com/acme/snip/actions/runs/9001) has the details. The previous plan is kept below.')
    expect(banner(body)).not.toContain('plan-me')
    expect(planSection(body)).toBe(previousSection)
  })

  it('renderFailed without a notice (a configuration problem) is one neutral line with the run, above the kept plan', () => {
    const body = renderFailed(null, previous, ctx)
    expect(parseMarker(body)).toEqual({ state: 'failed' })
    expect(banner(body).replace(/<!--[\s\S]*?-->/g, '').trim()).toBe('This issue could not be planned ([workflow run](https://github.com/acme/snip/actions/runs/9001)). The previous plan is kept below.')
    expect(planSection(body)).toBe(previousSection)
    expect(renderFailed(null, null, { ...ctx, runUrl: '' }).replace(/<!--[\s\S]*?-->/g, '').trim()).toBe('This issue could not be planned.')
  })

  it('renderFailed escapes HTML in the message', () => {
    const body = renderFailed('Bad gateway: <html><body>502</body></html>', null, ctx)
    expect(body).toContain('&lt;html&gt;')
    expect(body).not.toContain('<html>')
  })

  it('a plan re-rendered after a failure still keeps the ticks', () => {
    const failed = renderFailed('timeout', previous, ctx)
    const { body } = renderPlanned(plan, failed, ctx)
    expect(body).toContain('- [x] **2. Deploy to staging**')
    expect(body).toContain('  - [x] Write the migration')
  })
})

// ---------------------------------------------------------------------------------------------

describe('when GitHub refuses the final comment', () => {
  const previous = tick(renderPlanned(plan, null, ctx).body, '- [x] **2. Deploy to staging**', '  - [x] Write the migration')
  const current = renderPlanning(previous, ctx)

  it('the shortened plan has no details, says why, keeps the ticks and fits in 20,000 characters', () => {
    const subtasks = Array.from({ length: 20 }, (_, i) => `${'Refactor the session store '.repeat(8)}${i}`)
    const big: Plan = { ...plan, steps: [...plan.steps, ...Array.from({ length: 22 }, (_, i) => step(`Service ${i + 1}`, { subtasks, description: 'x'.repeat(2000) }))] }
    const detailed: Plan = { ...plan, steps: plan.steps.map((s) => ({ ...s, prerequisites: ['Access to staging'] })) }
    expect(renderPlanned(detailed, current, ctx).body).toContain('<details><summary>1 prerequisite</summary>')
    expect(renderPlanned(detailed, current, ctx, { shortened: true }).body).not.toContain('<details>')
    const short = renderPlanned(big, current, ctx, { shortened: true })
    expect(short.body).not.toContain('<details>')
    expect(short.body.length).toBeLessThan(20_500)
    expect(short.body).toContain('GitHub refused the full plan comment, so this one is shortened')
    expect(short.body).not.toContain('Step details were shortened to fit')
    expect(short.body).toContain('- [x] **2. Deploy to staging**')
    expect(stepLines(short.body)).toHaveLength(short.plan.steps.length)
    expect(parseMarker(short.body)?.state).toBe('planned')
  })

  it('the error notice keeps only the reader’s ticks, where the next plan finds them', () => {
    const body = renderRefused('GitHub refused it.', current, ctx)
    expect(parseMarker(body)).toEqual({ state: 'failed' })
    expect(body).toContain('**Planning failed.** GitHub refused it.')
    expect(body).toContain('The boxes ticked in the previous plan are listed below.')
    expect(planSection(body)).toBe('**Ticked in an earlier plan** (kept so no progress is lost):\n\n- [x] Add migration › Write the migration\n- [x] Deploy to staging')
    const next = renderPlanned(plan, body, ctx).body
    expect(next).toContain('- [x] **2. Deploy to staging**')
    expect(next).toContain('  - [x] Write the migration')
    expect(planSection(renderRefused('GitHub refused it.', renderPlanning(null, ctx), ctx))).toBeNull()
  })

  it('a plan falls back to the shortened plan, then to the error notice, which still gives the plan to the outputs', () => {
    const final = plannedComment(plan, ctx)
    expect(final.states.map((s) => s.status)).toEqual(['planned', 'planned'])
    expect(final.states[1]!.render(current)).toContain('this one is shortened')
    final.states[0]!.render(current)
    const notice = final.refused('HTTP 422: Validation Failed: Body is too long')
    expect(notice).toMatchObject({ status: 'failed', message: expect.stringContaining('GitHub refused to store it in this comment, even shortened (HTTP 422: Validation Failed: Body is too long)') })
    expect(notice.plan?.steps).toHaveLength(3)
    expect(notice.render(current)).toContain('- [x] Deploy to staging')
  })

  it('questions fall back to an error notice that still quotes them', () => {
    const notice = needsInfoComment({ message: '', questions: ['Which database?', 'Which region?'] }, ctx).refused('HTTP 422: Validation Failed')
    expect(notice.status).toBe('failed')
    expect(notice.message).toBe('The planner needs more detail before it can plan, but GitHub refused to store its questions in this comment (HTTP 422: Validation Failed). It asked: 1. Which database? 2. Which region?')
  })

  it('in sub-issues mode the error notice still lists the children, so a re-run finds them', () => {
    const children = [
      { step: 1, name: 'Add migration', number: 11, action: 'created' as const, state: 'open' as const },
      { step: 2, name: 'Deploy to staging', number: 12, action: 'done' as const, state: 'closed' as const },
      { step: 3, name: 'Remove legacy flag', action: 'not-created' as const },
    ]
    const notice = subIssuesComment(plan, 3, { children, linked: false, dependencies: 'none', warnings: [] }, ctx).refused('HTTP 422: Validation Failed')
    expect(notice.message).toBe("The steps' issues were made, but GitHub refused the plan comment (HTTP 422: Validation Failed).")
    expect(planSection(notice.render(current))).toBe('- [ ] #11\n- [x] #12')
  })
})

// ---------------------------------------------------------------------------------------------

describe('isPlanComment', () => {
  const body = renderPlanned(plan, null, ctx).body
  const comment = (association: string, type: string | undefined, text = body) => ({
    id: 1,
    body: text,
    html_url: 'https://github.com/acme/snip/issues/314#issuecomment-1',
    author_association: association,
    user: type === undefined ? null : { type },
  })

  it('accepts a plan comment written by a bot (github-actions[bot] is NONE)', () => {
    expect(isPlanComment(comment('NONE', 'Bot'))).toBe(true)
  })

  it.each(['OWNER', 'MEMBER', 'COLLABORATOR'])('accepts a plan comment written with a %s token', (association) => {
    expect(isPlanComment(comment(association, 'User'))).toBe(true)
  })

  it.each(['NONE', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER'])('rejects a %s who pasted the marker', (association) => {
    expect(isPlanComment(comment(association, 'User'))).toBe(false)
  })

  it('rejects a comment from a deleted user without access', () => {
    expect(isPlanComment(comment('NONE', undefined))).toBe(false)
  })

  it('rejects comments without the marker at the start, even from a bot', () => {
    expect(isPlanComment(comment('NONE', 'Bot', 'Thanks for the report!'))).toBe(false)
    expect(isPlanComment(comment('OWNER', 'User', `> quoting\n${body}`))).toBe(false)
    expect(isPlanComment({ ...comment('OWNER', 'User'), body: null })).toBe(false)
  })
})

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    const text = 'Authorization: UserKey kb_live_8f3a9c failed; retried with kb_live_8f3a9c and token ghs_123456'
    expect(redact(text, ['kb_live_8f3a9c', 'ghs_123456'])).toBe('Authorization: UserKey *** failed; retried with *** and token ***')
  })

  it('ignores values shorter than 4 characters so ordinary words survive', () => {
    const text = 'The plan has 3 steps and an API key abc'
    expect(redact(text, ['abc', '3', '', 'an'])).toBe(text)
  })

  it('redacts a value of exactly 4 characters', () => {
    expect(redact('pin 9876 used', ['9876'])).toBe('pin *** used')
  })

  it('treats secrets as literal text, not patterns', () => {
    expect(redact('key a.b*c+d? and aXbbc', ['a.b*c+d?'])).toBe('key *** and aXbbc')
  })
})

describe('how to re-plan, as the workflow is configured', () => {
  const plan: Plan = { title: 'T', description: '', steps: [{ name: 'Only step', description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [] }] }

  it('says to add the label again when the run removes it, and mentions the command when enabled', () => {
    expect(renderPlanned(plan, null, { ...ctx, labelRemoved: true, command: '/plan' }).body).toContain('To re-plan, add the `plan-me` label again, or comment `/plan`;')
  })

  it('tells maintainers how to retry in the run\'s message, not on the issue', () => {
    const failed = failedComment({ message: 'boom', notice: 'boom' }, { ...ctx, labelRemoved: true, command: '' }).states[0]!
    expect(failed.message).toBe('boom To plan the issue again, add the `plan-me` label again.')
    expect(failed.render(null)).not.toContain('plan-me')
    const cancelled = cancelledComment('The run was cancelled (SIGTERM) before the planner finished.', { ...ctx, labelRemoved: false, command: '!replan' }).states[0]!
    expect(cancelled.message).toBe('The run was cancelled (SIGTERM) before the planner finished. To plan the issue again, remove the `plan-me` label and add it again, or comment `!replan`.')
    expect(cancelled.render(null)).not.toContain('plan-me')
    // A local preview has no run to retry.
    expect(failedComment({ message: 'boom', notice: 'boom' }, { ...ctx, runUrl: '' }).states[0]!.message).toBe('boom')
  })

  it('a configuration problem stays out of the issue even when GitHub refuses the notice', () => {
    const final = failedComment({ message: 'OpenAI has no model gpt-x (HTTP 404). Check input `model`.', notice: null }, ctx)
    const refused = final.refused('HTTP 422: Validation Failed')
    expect(refused.message).toContain('Check input `model`')
    expect(refused.render(null)).not.toMatch(/gpt-x|input/)
  })
})
