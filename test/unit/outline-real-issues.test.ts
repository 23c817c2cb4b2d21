import { readFileSync } from 'node:fs'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { buildPlanRequest, requestSize } from '../../src/context/build.ts'
import { issueAsTask } from '../../src/context/task-text.ts'
import type { Plan, PlanStep } from '../../src/plan.ts'
import { createOutlinePlanner, outlineIssue } from '../../src/planners/outline.ts'
import { type RenderContext, renderPlanned } from '../../src/publish/render.ts'

/** Issue bodies as GitHub stores them: issue forms and templates as they render into the body, and hand-written issues. */
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/issues/${name}`, import.meta.url), 'utf8')

function planOf(body: string, title = 'Issue title', labels: string[] = []): Plan {
  const result = outlineIssue(title, body, { labels })
  if (result.kind !== 'plan') throw new Error(`expected a plan, got: ${result.message}`)
  return result.plan
}

const names = (plan: Plan): string[] => plan.steps.map((s) => s.name)
const BUG_FIX = ['Reproduce the bug', 'Find the cause', 'Fix it and add a regression test', 'Verify the fix']
/** Every piece of text a plan shows, to check that form boilerplate is nowhere in it. */
const allText = (plan: Plan): string => JSON.stringify(plan)

const ctx: RenderContext = { plannerName: 'outline', runUrl: '', label: 'plan-me', maxSteps: 25, notes: [] }

/** The task items of a rendered comment as GitHub shows them (GFM to HTML): their text and whether they are ticked. */
function renderedTaskItems(plan: Plan): { text: string; checked: boolean }[] {
  const html = marked.parse(renderPlanned(plan, null, ctx).body, { gfm: true, async: false })
  return [...html.matchAll(/<input (checked="" )?disabled="" type="checkbox"> ([^\n<]*(?:<strong>[^<]*<\/strong>)?[^\n<]*)/g)].map((m) => ({
    text: (m[2] ?? '').replace(/<\/?strong>/g, '').trim(),
    checked: m[1] !== undefined,
  }))
}

describe('outline on issue forms', () => {
  it("GitHub's example bug report form (existing-issue box, behaviours, steps, environment, anything else) becomes a bug-fix plan", () => {
    const plan = planOf(fixture('bug-report-form.md'), 'snip import stops after 100 rows')
    expect(names(plan)).toEqual(BUG_FIX)
    const [reproduce, investigate, fix, verify] = plan.steps as [PlanStep, PlanStep, PlanStep, PlanStep]
    expect(plan.description).toBe(
      '`snip import --from bitly links.csv` stops after the first 100 rows and exits with status 0, so the missing links go unnoticed. The summary line still says `Imported 100 of 100 links`.',
    )
    expect(reproduce.subtasks).toEqual([
      'In this environment: a workspace on the Business plan with an API token in `SNIP_TOKEN`',
      'With this config: `~/.sniprc` containing `page_size = 100`',
      'Run `snip import --from bitly links.csv` with a CSV of more than 100 rows',
      'See the summary:',
      'Count the links in the dashboard: only 100 are there',
    ])
    // The code block under step 4 of the reproduction is kept whole, in the description.
    expect(reproduce.description).toContain('See the summary:\n\n```\nImported 100 of 100 links\n```')
    // The form's `render: markdown` environment arrives as a code block of "- key: value" lines.
    expect(reproduce.prerequisites).toEqual(['OS: Ubuntu 22.04', 'Node: 20.11.1', 'npm: 10.2.4'])
    expect(plan.steps.map((s) => s.dependencies)).toEqual([[], ['1'], ['2'], ['3']])
    expect(investigate.description).toBe('Trace where the behaviour departs from what is expected, and why.')
    expect(fix.acceptance_criteria).toEqual([
      'All rows of the CSV are imported (the file has 2,314), and the summary counts every row of the file.',
      'The regression test fails without the fix and passes with it.',
    ])
    expect(verify.description).toContain('All rows of the CSV are imported')
    expect(allText(plan)).not.toMatch(/existing issue|Anything else|No response|Environment/)
  })

  it("GitHub's issue-forms syntax example (contact, what happened, version, browsers, log output, code of conduct)", () => {
    const plan = planOf(fixture('bug-report-form-docs.md'), '[Bug]: Display names with emoji are not saved', ['bug', 'triage'])
    expect(names(plan)).toEqual(BUG_FIX)
    const [reproduce, investigate] = plan.steps as [PlanStep, PlanStep]
    expect(reproduce.subtasks).toEqual([])
    expect(reproduce.prerequisites).toEqual(['Version: 1.0.2 (Default)', 'What browsers are you seeing the problem on: Firefox, Chrome'])
    expect(investigate.description).toContain(
      "The logs from the report:\n\n```shell\nPATCH /api/profile 500\nERROR  profile.update: Incorrect string value: '\\xF0\\x9F\\x9A\\x80' for column 'display_name' at row 1\n```",
    )
    expect(plan.description).toBe('Saving a profile whose display name contains an emoji (`Ana 🚀`) shows "Something went wrong" and the old name stays. Names without emoji save fine.')
    expect(allText(plan)).not.toMatch(/Contact Details|Code of Conduct|I agree/)
  })

  it("GitHub's default bug report template (bold headings, placeholders left in) becomes a bug-fix plan", () => {
    const plan = planOf(fixture('bug-report-template.md'), 'Deleting a tag removes it from archived links')
    expect(names(plan)).toEqual(BUG_FIX)
    const [reproduce, , fix] = plan.steps as [PlanStep, PlanStep, PlanStep]
    expect(reproduce.subtasks).toEqual([
      "Go to 'Settings → Tags'",
      "Click on 'Delete' next to a tag used by an archived link",
      'Open the archived link',
      'See that the tag is gone',
    ])
    // The desktop answers are kept; the smartphone section still holds the template's "[e.g. iPhone6]" placeholders.
    expect(reproduce.prerequisites).toEqual(['OS: macOS 14.4', 'Browser: Safari', 'Version: 17.4'])
    expect(fix.acceptance_criteria?.[0]).toBe('Archived links keep their tags, or the dialog warns that archived links will lose it.')
    expect(allText(plan)).not.toMatch(/Screenshots|Additional context|e\.g\.|clear and concise|Steps to reproduce the behavior/)
  })

  it('a bug form with only its acknowledgement ticked and every field "_No response_" gets needs-info', () => {
    const body = ['### Is there an existing issue for this?', '', '- [X] I have searched the existing issues', '', '### Current Behavior', '', '_No response_', '', '### Steps To Reproduce', '', '_No response_', '', '### Anything else?', '', '_No response_'].join('\n')
    expect(outlineIssue('[Bug]: ', body, { labels: ['bug'] }).kind).toBe('needs-info')
  })

  it('a feature request form becomes agree, build, test, document, filled in from the request', () => {
    const plan = planOf(fixture('feature-request-form.md'), 'Flag links whose destination is broken')
    expect(names(plan)).toEqual(['Agree on the approach', 'Build the proposed solution', 'Test the new behaviour', 'Document it'])
    const [agree, build] = plan.steps as [PlanStep, PlanStep]
    expect(agree.description).toContain("The problem:\n\nI'm always frustrated when a short link stops working")
    expect(agree.description).toContain('Alternatives the request considered:\n\nA browser extension that checks the links')
    expect(build.description).toBe(
      'Check every link\'s destination once a day and show a "broken" badge on links whose destination\nanswers 404 or 410, or does not answer at all, with an email digest to the workspace admins.',
    )
    expect(plan.steps.map((s) => s.dependencies)).toEqual([[], ['1'], ['2'], ['2']])
    expect(allText(plan)).not.toMatch(/existing issue|Code of Conduct|Additional context|No response/)
  })

  it("GitHub's default feature request template whose solution is a list: the list items are the steps", () => {
    const plan = planOf(fixture('feature-request-template.md'), 'QR codes for links')
    expect(names(plan)).toEqual(["A QR code for every link, on the link's page", 'Download as PNG and SVG', "The QR code uses the workspace's custom domain when it has one"])
    expect(plan.description).toBe('Our links are shared in printed flyers, where people have to type them in by hand.')
  })
})

describe('outline on a 50 KB epic with 60 tasks after a long background', () => {
  const body = fixture('epic-60-tasks.md')
  /** The task lines of the Tasks section, read line by line: an oracle independent of the Markdown lexer. */
  const expected = body
    .slice(body.indexOf('## Tasks'))
    .split('\n')
    .filter((line) => /^- \[[ x]\] /.test(line))
    .map((line) => line.replace(/^- \[[ x]\] /, '').replace(/ \([^)]*\)$/, ''))

  it('is the size the issue describes', () => {
    expect(body.length).toBeGreaterThan(50_000)
    expect(body.indexOf('## Tasks')).toBeGreaterThan(50_000)
    expect(expected).toHaveLength(60)
  })

  it('has one step per task, in order, with sections, ticks, estimates and subtasks', () => {
    const plan = planOf(body, 'Leave the shared database cluster')
    expect(names(plan)).toEqual(expected)
    expect(plan.steps.slice(0, 3).map((s) => s.context?.section)).toEqual(['Phase 1: foundations', 'Phase 1: foundations', 'Phase 1: foundations'])
    expect(plan.steps.at(-1)?.context?.section).toBe('Phase 3: everything else')
    expect(plan.steps.filter((s) => s.context?.done === true).map((s) => s.name)).toEqual([
      'Move `accounts` to the new cluster',
      'Move `billing` to the new cluster',
      'Move `links` to the new cluster',
      'Move `redirects` to the new cluster',
      'Move `analytics` to the new cluster',
      'Move `exports` to the new cluster',
    ])
    expect(plan.steps.find((s) => s.name === 'Move `exports` to the new cluster')).toMatchObject({
      estimated_time: '1d',
      subtasks: ['copy the `exports` tables with logical replication', 'switch `exports` reads, then writes'],
      context: { done: true, done_subtasks: ['copy the `exports` tables with logical replication'] },
    })
    expect(plan.description).toMatch(/^Move every service off the shared Postgres 12 cluster/)
    // The checklist quoted in a code block of the background is not work.
    expect(names(plan)).not.toContain('snapshot the tables')
  })

  it('is read whole by the outline planner although `context-budget` cuts what a remote planner is sent', async () => {
    const budget = 16_000
    const request = buildPlanRequest({
      issue: { number: 7, title: 'Leave the shared database cluster', body, html_url: 'https://github.com/acme/snip/issues/7' },
      repository: { full_name: 'acme/snip', html_url: 'https://github.com/acme/snip' },
      userContext: {},
      budget,
    })
    // What remote planners get stays within the budget and holds none of the tasks.
    expect(requestSize(request)).toBeLessThanOrEqual(budget)
    expect(request.issue.body).not.toContain('## Tasks')
    expect(issueAsTask(request)).not.toContain('Shut down the shared cluster')
    expect(request.notes.join('\n')).toContain('`context-budget`')

    const result = await createOutlinePlanner().plan(request, new AbortController().signal)
    if (result.kind !== 'plan') throw new Error(result.message)
    expect(names(result.plan)).toEqual(expected)
  })

  it('says nothing about a cut body when the planner is the outline, which read it all', () => {
    const request = buildPlanRequest({
      issue: { number: 7, title: 'Leave the shared database cluster', body, html_url: 'https://github.com/acme/snip/issues/7' },
      repository: { full_name: 'acme/snip', html_url: 'https://github.com/acme/snip' },
      userContext: {},
      budget: 16_000,
      localPlanner: true,
    })
    expect(request.issue.fullBody!.length).toBeGreaterThan(request.issue.body.length)
    expect(request.notes.join('\n')).not.toContain('issue body was cut')
  })

  it('keeps the request unchanged when the body fits: no second copy of it', () => {
    const request = buildPlanRequest({
      issue: { number: 8, title: 'Small', body: '- [ ] One', html_url: 'https://github.com/acme/snip/issues/8' },
      repository: { full_name: 'acme/snip', html_url: 'https://github.com/acme/snip' },
      userContext: {},
      budget: 16_000,
    })
    expect(request.issue.body).toBe('- [ ] One')
    expect(request.issue).not.toHaveProperty('fullBody')
  })
})

describe('outline on nested and ticked lists', () => {
  const plan = planOf(fixture('nested-ticked.md'), 'Switch payments provider')

  it('keeps ticks at every level and nesting to three levels', () => {
    expect(plan.steps.map((s) => [s.name, s.estimated_time, s.context?.done ?? false])).toEqual([
      ['Set up the provider account', '1h', true],
      ['Migrate customers', '~2 days', false],
      ['Switch the checkout', '4h', false],
    ])
    expect(plan.steps[1]?.subtasks).toEqual([
      'Export customers from the old provider',
      '↳ Strip test-mode customers',
      '↳ Check the export against the invoice totals',
      // A fourth level is kept at the third.
      '↳ Ask finance for the March totals',
      'Import customers into the new provider',
    ])
    expect(plan.steps.map((s) => s.context?.done_subtasks)).toEqual([
      ['Verify the company', 'Add the webhook secret to the vault'],
      ['Export customers from the old provider', '↳ Strip test-mode customers'],
      undefined,
    ])
    expect(plan.steps[2]?.subtasks).toEqual(['Feature flag `billing_v2` per workspace', 'Turn it on for our own workspace first'])
  })

  it('shows those ticks in the comment as GitHub renders it, and no others', () => {
    const ticked = renderedTaskItems(plan)
      .filter((item) => item.checked)
      .map((item) => item.text)
    expect(ticked).toEqual([expect.stringMatching(/^1\. Set up the provider account\b/), 'Verify the company', 'Add the webhook secret to the vault', 'Export customers from the old provider', '↳ Strip test-mode customers'])
  })
})

describe('outline on task lists in other languages', () => {
  it('a German "## Aufgaben" numbered list: one step per item, estimates in German, open questions left out', () => {
    const plan = planOf(fixture('german-tasks.md'), 'CSV-Export für große Arbeitsbereiche')
    expect(plan.steps.map((s) => [s.name, s.estimated_time, s.context?.section])).toEqual([
      ['Export-Job auf Streaming umstellen', '2 Tage', 'Aufgaben'],
      ['Spalten `created_at` und `updated_at` in UTC ausgeben', '3 Std.', 'Aufgaben'],
      ['Fortschritt im Dashboard anzeigen', '1,5 T.', 'Aufgaben'],
      ['Alte Tabelle `export_jobs_v1` löschen', '30 min', 'Aufgaben'],
    ])
    expect(plan.steps[2]?.subtasks).toEqual(['Balken mit Prozentangabe', 'Knopf zum Abbrechen'])
    expect(plan.description).toBe('Der nächtliche CSV-Export bricht bei großen Arbeitsbereichen nach 30 Minuten ab, weil er alle Zeilen im Speicher sammelt.')
  })

  it('a Japanese "## タスク" list: one step per item, full-width estimates read, the reference links left out', () => {
    const plan = planOf(fixture('japanese-tasks.md'), 'ログイン画面の更新')
    expect(plan.steps.map((s) => [s.name, s.estimated_time, s.context?.section])).toEqual([
      ['ログイン画面のデザインを更新する', '2時間', 'タスク'],
      ['パスワードリセットのメール文面を修正する', '1.5d', 'タスク'],
      ['`auth/legacy.ts` の古い API を削除する', undefined, 'タスク'],
    ])
    expect(plan.steps[1]?.subtasks).toEqual(['日本語版', '英語版'])
  })

  it('a bold line works as a heading in any language too', () => {
    expect(names(planOf('**Aufgaben:**\n\n- Index anlegen\n- Migration schreiben'))).toEqual(['Index anlegen', 'Migration schreiben'])
  })
})

describe('outline on items with code blocks, tables and issue references', () => {
  const plan = planOf(fixture('code-tables-references.md'), 'API client clean-up')

  it('has the expected steps, references kept as the names', () => {
    expect(plan.steps.map((s) => [s.name, s.estimated_time, s.context?.done ?? false])).toEqual([
      ['#412', undefined, false],
      ['#398', '1d', true],
      ['Switch CI to the new cache key:', undefined, false],
      ['Document the rate limits per plan', '2h', false],
      // A sentence wrapped onto a second line is one name, its estimate read at the end.
      ['Rename `maxRetries` to `retries` in `client.ts` and keep the old name as an alias that logs a deprecation warning once per process', '30 min', false],
      ['Follow-up from octo-org/api-client#77: drop the `request` dependency', undefined, false],
    ])
  })

  it('keeps a code block and a table inside an item intact, as the description', () => {
    expect(plan.steps[2]?.description).toBe("```yaml\nkey: ${{ runner.os }}-npm-${{ hashFiles('package-lock.json') }}\n```")
    expect(plan.steps[3]?.description).toBe('| plan | requests per minute |\n| --- | --- |\n| Free | 60 |\n| Business | 600 |')
  })

  it('renders them as code and a table, and the references as plain text GitHub links', () => {
    const body = renderPlanned(plan, null, ctx).body
    const html = marked.parse(body, { gfm: true, async: false })
    expect(html).toContain('<code class="language-yaml">key: ${{ runner.os }}-npm-${{ hashFiles(&#39;package-lock.json&#39;) }}\n</code>')
    expect(html).toMatch(/<table>[\s\S]*<td>Business<\/td>\s*<td>600<\/td>[\s\S]*<\/table>/)
    expect(html).toContain('<strong>1. #412</strong>')
    expect(html).toContain('<strong>2. #398</strong>')
  })
})

describe('outline on an empty body', () => {
  it('asks the author for a description', () => {
    const result = outlineIssue('Make exports faster', '')
    expect(result).toEqual({
      kind: 'needs-info',
      message: 'This issue has no description yet, so there is nothing to plan from yet.',
      questions: [
        'What needs to be done? A task list with one line per step (`- [ ] step`) is the quickest way to say it.',
        'If something is broken: what are the steps to reproduce it, and what did you expect to happen instead?',
        'How will we know it is done?',
      ],
    })
  })
})
