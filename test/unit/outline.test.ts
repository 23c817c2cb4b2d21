import { describe, expect, it } from 'vitest'
import type { PlanRequest } from '../../src/context/request.ts'
import { PlanSchema, type Plan } from '../../src/plan.ts'
import { createOutlinePlanner, outlineIssue } from '../../src/planners/outline.ts'

/** Runs the planner and fails the test unless it produced a plan. */
function planOf(body: string, title = 'Issue title'): Plan {
  const result = outlineIssue(title, body)
  if (result.kind !== 'plan') throw new Error(`expected a plan, got: ${result.message}`)
  return result.plan
}

const names = (plan: Plan) => plan.steps.map((s) => s.name)

describe('outlineIssue: task lists', () => {
  const epic = [
    'Rework how we store sessions so that the API can scale horizontally.',
    '',
    '## Backend',
    '',
    '- [ ] Add a `sessions` table (2h)',
    '  - [x] write the migration',
    '  - add an index on `user_id`',
    '- [x] Move session reads to Postgres',
    '',
    'Some notes between the lists.',
    '',
    '### 🖥️ Frontend',
    '',
    '- [ ] Show active sessions on the account page',
    '- [ ] Add a "sign out everywhere" button',
  ].join('\n')

  it('turns the task items of every list into steps, in order, with their heading as section', () => {
    const plan = planOf(epic, 'Move sessions to Postgres')
    expect(plan.title).toBe('Move sessions to Postgres')
    expect(plan.description).toBe('Rework how we store sessions so that the API can scale horizontally.')
    expect(names(plan)).toEqual([
      'Add a `sessions` table',
      'Move session reads to Postgres',
      'Show active sessions on the account page',
      'Add a "sign out everywhere" button',
    ])
    expect(plan.steps.map((s) => s.context?.section)).toEqual(['Backend', 'Backend', '🖥️ Frontend', '🖥️ Frontend'])
  })

  it('makes nested items, task or not, the subtasks of their step', () => {
    const [first] = planOf(epic).steps
    expect(first?.subtasks).toEqual(['write the migration', 'add an index on `user_id`'])
    expect(first?.estimated_time).toBe('2h')
  })

  it('keeps a third level as subtasks marked "↳" under theirs, and puts deeper items at that level', () => {
    const [only] = planOf('- [ ] Ship it\n  - build\n    - lint\n      - eslint\n    - compile\n  - deploy').steps
    expect(only?.subtasks).toEqual(['build', '↳ lint', '↳ eslint', '↳ compile', 'deploy'])
  })

  it('keeps checked items and marks them done', () => {
    const plan = planOf('- [x] Done already\n- [ ] Still to do')
    expect(names(plan)).toEqual(['Done already', 'Still to do'])
    expect(plan.steps[0]?.context).toEqual({ done: true })
    expect(plan.steps[1]?.context).toBeUndefined()
  })

  it('returns a plan with every list field present', () => {
    const [only] = planOf('- [ ] One thing').steps
    expect(only).toEqual({
      name: 'One thing',
      description: '',
      prerequisites: [],
      risks: [],
      subtasks: [],
      required_skills: [],
      dependencies: [],
    })
  })

  it('produces a plan the canonical schema accepts unchanged, but for its done markers (which only the outline may set)', () => {
    const plan = planOf(epic)
    const withoutDone = plan.steps.map(({ context, ...step }) => {
      const kept = Object.entries(context ?? {}).filter(([key]) => key !== 'done' && key !== 'done_subtasks')
      return kept.length ? { ...step, context: Object.fromEntries(kept) } : step
    })
    expect(plan.steps.some((step) => step.context?.done === true)).toBe(true)
    expect(PlanSchema.parse(plan)).toEqual({ ...plan, steps: withoutDone })
  })

  it('uses the lines and paragraphs after the first as the description, as Markdown', () => {
    const body = '- [ ] Rotate the signing key\n  Old tokens stay valid for a day.\n\n  Announce it in #ops first.\n- [ ] Next'
    const [first] = planOf(body).steps
    expect(first?.name).toBe('Rotate the signing key')
    expect(first?.description).toBe('Old tokens stay valid for a day.\n\nAnnounce it in #ops first.')
  })

  it('ignores plain items next to task items but finds tasks nested under a plain item', () => {
    const body = '- Backend\n  - [ ] Add endpoint\n  - [ ] Add tests\n- A plain note'
    expect(names(planOf(body))).toEqual(['Add endpoint', 'Add tests'])
  })

  it('prefers task lists over a "Tasks" section and headings', () => {
    const body = '## Tasks\n\n1. Numbered step\n\n## Checklist\n\n- [ ] The real task'
    expect(names(planOf(body))).toEqual(['The real task'])
  })

  it('reads bodies with the CRLF line endings GitHub stores', () => {
    const plan = planOf('Intro\r\n\r\n## Tasks\r\n\r\n- [ ] Build (2h)\r\n  - lint\r\n- [ ] Ship\r\n')
    expect(plan.steps.map((s) => [s.name, s.estimated_time, s.subtasks])).toEqual([
      ['Build', '2h', ['lint']],
      ['Ship', undefined, []],
    ])
  })

  it('keeps duplicate names and drops items with no text', () => {
    const body = '- [ ] Run the tests\n- [ ] Deploy\n- [ ] Run the tests\n- [ ] `   `\n- [ ] '
    expect(names(planOf(body))).toEqual(['Run the tests', 'Deploy', 'Run the tests'])
  })

  it("ignores an issue form's first-person checkboxes so the form's other content is outlined", () => {
    const body = [
      '### Acceptance criteria',
      '',
      '1. Export button',
      '',
      '### Code of Conduct',
      '',
      "- [x] I agree to follow this project's Code of Conduct",
      "- [X] I've searched the existing issues",
    ].join('\n')
    expect(names(planOf(body))).toEqual(['Export button'])
  })

  it("ignores an issue form's other answer boxes: participation and platform questions", () => {
    const body = [
      '### Which platforms are affected?',
      '',
      '- [X] macOS',
      '- [ ] Linux',
      '',
      '### Are you willing to submit a PR?',
      '',
      '- [X] Yes I am willing to submit a PR!',
      '',
      '## Tasks',
      '',
      '- [ ] Fix the keychain lookup on macOS',
    ].join('\n')
    expect(names(planOf(body))).toEqual(['Fix the keychain lookup on macOS'])
  })

  it('takes no section from a level-1 heading that repeats the title', () => {
    const [only] = planOf('# Issue title\n\n- [ ] Step', 'Issue title').steps
    expect(only?.context).toBeUndefined()
  })
})

describe('outlineIssue: step names', () => {
  it('reduces inline Markdown to its text, keeping code spans', () => {
    const body = '- [ ] **Update** the [README](https://example.com/readme) with `npm ci` and _examples_ ~~soon~~ ![logo](l.png) \\*'
    expect(names(planOf(body))).toEqual(['Update the README with `npm ci` and examples soon logo *'])
  })

  it('drops leftover HTML tags and comments but keeps their text', () => {
    expect(names(planOf('- [ ] Press <kbd>Ctrl</kbd>+C <!-- note -->'))).toEqual(['Press Ctrl+C'])
  })

  it.each([
    ['Write tests (2h)', 'Write tests', '2h'],
    ['Write tests (~3 days)', 'Write tests', '~3 days'],
    ['Write tests [4h]', 'Write tests', '4h'],
    ['Write tests — 2d', 'Write tests', '2d'],
    ['Write tests - 1-2 days', 'Write tests', '1-2 days'],
    ['Write tests (est. 30 min)', 'Write tests', '30 min'],
    ['Write tests (1.5 hours)', 'Write tests', '1.5 hours'],
    ['Write tests (1.5d)', 'Write tests', '1.5d'],
    ['Write tests (~2 days)', 'Write tests', '~2 days'],
    ['Write tests (30 min)', 'Write tests', '30 min'],
    ['Tests schreiben (3 Std.)', 'Tests schreiben', '3 Std.'],
    ['Tests schreiben (ca. 2 Tage)', 'Tests schreiben', 'ca. 2 Tage'],
    ['テストを書く（2時間）', 'テストを書く', '2時間'],
    ['Écrire les tests (2 jours)', 'Écrire les tests', '2 jours'],
  ])('takes the estimate off %j', (item, name, estimate) => {
    const [only] = planOf(`- [ ] ${item}`).steps
    expect(only?.name).toBe(name)
    expect(only?.estimated_time).toBe(estimate)
  })

  it.each([['Support HTTP/2 (RFC 7540)'], ['Upgrade to Node 24'], ['Fix the 2h-timeout'], ['Use the sub-domain']])(
    'leaves %j alone',
    (item) => {
      const [only] = planOf(`- [ ] ${item}`).steps
      expect(only?.name).toBe(item)
      expect(only?.estimated_time).toBeUndefined()
    },
  )

  it('caps a long one-sentence name at a word boundary and keeps the whole sentence in the description', () => {
    const sentence = `${'word '.repeat(100).trim()}`
    const [only] = planOf(`- [ ] ${sentence}`).steps
    expect(only?.name.length).toBeLessThanOrEqual(200)
    expect(only?.name).toMatch(/word…$/)
    expect(only?.description).toBe(sentence)
  })

  it('joins a sentence wrapped onto the next line instead of cutting it there', () => {
    const body = '- [ ] Make sure only workspace admins\n  can delete a domain (2h)\n- [ ] Add `--dry-run` to\n  `snip import`\n- [ ] Add the endpoint\n  Only admins may call it.'
    expect(planOf(body).steps.map((s) => [s.name, s.description, s.estimated_time])).toEqual([
      ['Make sure only workspace admins can delete a domain', '', '2h'],
      ['Add `--dry-run` to `snip import`', '', undefined],
      ['Add the endpoint', 'Only admins may call it.', undefined],
    ])
  })

  it('names a step by its first sentence when the item is too long for one name, never at an abbreviation', () => {
    const first = 'Cache the rendered previews, e.g. the Open Graph images, in the CDN.'
    const rest = `${'Invalidate them when a link changes its destination or title. '.repeat(4).trim()}`
    const [only] = planOf(`- [ ] ${first} ${rest}`).steps
    expect(only?.name).toBe(first)
    expect(only?.description).toBe(rest)
  })

  it('keeps `#123` items as issue references, as steps and as subtasks', () => {
    const plan = planOf('- [ ] #412\n- [ ] Ship the follow-ups\n  - [x] #413\n  - [ ] octo-org/snip#7')
    expect(names(plan)).toEqual(['#412', 'Ship the follow-ups'])
    expect(plan.steps[1]).toMatchObject({ subtasks: ['#413', 'octo-org/snip#7'], context: { done_subtasks: ['#413'] } })
  })
})

describe('outlineIssue: lists under planning headings and labels', () => {
  it('uses a numbered list under "Acceptance criteria:"', () => {
    const body = [
      'Users keep asking for CSV export.',
      '',
      '### Acceptance criteria:',
      '',
      '1. Export button on the reports page',
      '2. The file opens in Excel',
      '   - with UTF-8 BOM',
      '3. Large reports stream instead of timing out',
    ].join('\n')
    const plan = planOf(body)
    expect(names(plan)).toEqual([
      'Export button on the reports page',
      'The file opens in Excel',
      'Large reports stream instead of timing out',
    ])
    expect(plan.steps[1]?.subtasks).toEqual(['with UTF-8 BOM'])
    expect(plan.steps[0]?.context).toEqual({ section: 'Acceptance criteria' })
    expect(plan.description).toBe('Users keep asking for CSV export.')
  })

  it.each([['## Tasks'], ['### 📋 Tasks'], ['## TODO'], ['## To do'], ['## To-do:'], ['## Implementation plan'], ['## Work items'], ['## Deliverables'], ['## Requirements'], ['## Next steps']])(
    'recognises %j as a planning heading',
    (heading) => {
      expect(names(planOf(`${heading}\n\n- First\n- Second`))).toEqual(['First', 'Second'])
    },
  )

  it('counts lists anywhere under a planning heading, including sub-headings and after a paragraph', () => {
    const body = '## Plan\n\nRoughly in this order:\n\n- Design\n\n### Later\n\n- Build\n\n## Notes\n\n- Not a step'
    expect(names(planOf(body))).toEqual(['Design', 'Build'])
  })

  it('uses the list right after a bold "**Steps:**" paragraph', () => {
    const body = 'We should speed up CI.\n\n**Steps:**\n1. Cache `node_modules`\n2. Split the test job\n\n- an unrelated list'
    const plan = planOf(body)
    expect(names(plan)).toEqual(['Cache `node_modules`', 'Split the test job'])
    expect(plan.description).toBe('We should speed up CI.')
  })

  it('uses the list right after a plain "Steps:" line at the end of a paragraph', () => {
    expect(names(planOf('Context first.\nSteps:\n- One\n- Two'))).toEqual(['One', 'Two'])
  })

  it('does not take "Steps to reproduce" as the plan: they are what the bug-fix plan reproduces', () => {
    const plan = planOf('**Steps to reproduce:**\n\n1. Open the app\n2. Click save', 'Saving crashes')
    expect(names(plan)).toEqual(['Reproduce the bug', 'Find the cause', 'Fix it and add a regression test', 'Verify the fix'])
    expect(plan.steps[0]?.subtasks).toEqual(['Open the app', 'Click save'])
  })

  it('takes a list that is what its section says, whatever the heading is called', () => {
    const body = '## Hintergrund\n\nText.\n\n## Arbeitspakete\n\nIn dieser Reihenfolge:\n\n- Index anlegen\n- Migration schreiben\n\n## System\n\n- OS: Ubuntu 22.04\n- Node: 20.11'
    const plan = planOf(body)
    expect(plan.steps.map((s) => [s.name, s.context?.section])).toEqual([
      ['Index anlegen', 'Arbeitspakete'],
      ['Migration schreiben', 'Arbeitspakete'],
    ])
  })

  it('does not take lists of questions, links or facts, nor lists in sections that only describe', () => {
    const body = '## Fragen\n\n- Wer?\n- Warum?\n\n## Links\n\n- https://example.com/a\n- [Spec](https://example.com/spec)\n\n## Background\n\n- it was slow\n\n## Versions\n\n- App: 2.1.0\n- API: 14'
    expect(outlineIssue('x', body).kind).toBe('needs-info')
  })

  it('never reads steps from a fenced code block', () => {
    const body = '## Tasks\n\n```md\n- [ ] not a task\n1. not a step\n```\n\n- The only step'
    expect(names(planOf(body))).toEqual(['The only step'])
  })
})

describe('outlineIssue: headings fallback', () => {
  it('turns filled-in sections into steps, skipping "_No response_" ones and those that only describe', () => {
    const body = [
      '### Description',
      '',
      'foo',
      '',
      '### Backend',
      '',
      '_No response_',
      '',
      '### Frontend',
      '',
      'The page loads in under a second.',
      '',
      'More detail in a second paragraph.',
    ].join('\n')
    const plan = planOf(body)
    expect(plan.steps.map((s) => [s.name, s.description])).toEqual([['Frontend', 'The page loads in under a second.']])
    expect(plan.description).toBe('foo')
  })

  it('summarises a section without a paragraph by its first 300 characters, never leaving a code fence open', () => {
    const body = `## Migration\n\n\`\`\`sql\n${'ALTER TABLE links ADD COLUMN x int;\n'.repeat(20)}\`\`\`\n\n## Rollout\n\nBehind the flag.`
    const plan = planOf(body)
    const migration = plan.steps[0]?.description ?? ''
    expect(migration.length).toBeLessThanOrEqual(300)
    expect(migration).toMatch(/^```sql\nALTER TABLE links ADD COLUMN x int;\n[\s\S]*\n```\n…$/)
    expect(plan.steps[1]).toMatchObject({ name: 'Rollout', description: 'Behind the flag.' })
  })

  it('ignores the title heading, level 5+ headings and empty grouping headings', () => {
    const body = '# Issue title\n\n## Phase 1\n\n### Backend\n\nAPI work.\n\n##### Detail\n\nSmall print.\n\n### Frontend\n\nUI work.'
    const plan = planOf(body, 'Issue title')
    expect(plan.steps.map((s) => [s.name, s.context?.section])).toEqual([
      ['Backend', 'Phase 1'],
      ['Frontend', 'Phase 1'],
    ])
    expect(plan.description).toBe('API work.')
  })

  it('falls back to a sentence about the source when the issue has no paragraph of its own', () => {
    expect(planOf('- [ ] Only a task').description).toBe("Outline of the issue's own task list.")
  })
})

describe('outlineIssue: nothing to outline', () => {
  it('asks for structure when the body is plain prose', () => {
    const result = outlineIssue('Make it faster', 'The dashboard is slow.\n\nIt should be faster, especially on Mondays.')
    expect(result.kind).toBe('needs-info')
    if (result.kind !== 'needs-info') return
    expect(result.message).toBe('This issue does not say yet what needs to be done, so there is nothing to plan from yet.')
    // Written for the issue's author: nothing about workflow settings or labels.
    expect(result.questions).toEqual([
      'What needs to be done? A task list with one line per step (`- [ ] step`) is the quickest way to say it.',
      'If something is broken: what are the steps to reproduce it, and what did you expect to happen instead?',
      'How will we know it is done?',
    ])
  })

  it('says so when the body is empty', () => {
    const result = outlineIssue('Make it faster', '  \n')
    expect(result.kind).toBe('needs-info')
    if (result.kind === 'needs-info') expect(result.message).toMatch(/no description yet/)
  })

  it('treats an issue form left entirely empty as having no structure', () => {
    expect(outlineIssue('x', '### Description\n\n_No response_\n\n### Steps\n\n_No response_').kind).toBe('needs-info')
  })

  it('does not plan from a list that sits under no planning heading', () => {
    expect(outlineIssue('x', 'Some ideas:\n\n- faster\n- cheaper').kind).toBe('needs-info')
  })
})

describe('createOutlinePlanner', () => {
  it('is a local planner that outlines the request issue', async () => {
    const planner = createOutlinePlanner()
    expect(planner.name).toBe('outline')
    expect(planner.remote).toBe(false)
    const request: PlanRequest = {
      issue: { number: 1, title: 'Ship it', body: '- [ ] Build\n- [ ] Release', url: '', labels: [] },
      repository: { fullName: 'o/r', description: '', topics: [], language: '', defaultBranch: 'main', url: '' },
      userContext: {},
      sections: [],
      notes: [],
    }
    const result = await planner.plan(request, new AbortController().signal)
    expect(result).toEqual(outlineIssue('Ship it', '- [ ] Build\n- [ ] Release'))
  })
})
