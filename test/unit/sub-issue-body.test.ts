import { describe, expect, it } from 'vitest'
import { scanMarkdown } from '../../src/markdown/scan.ts'
import type { PlanStep } from '../../src/plan.ts'
import { checkedItems } from '../../src/publish/checks.ts'
import {
  type ChildBodyInput,
  childKey,
  childNumbersIn,
  childTitle,
  parseChildMarker,
  renderChildBody,
  renderChildMarker,
} from '../../src/publish/sub-issue-body.ts'

function step(name: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [], ...extra }
}

function body(s: PlanStep, extra: Partial<ChildBodyInput> = {}): string {
  return renderChildBody({ parent: 7, step: s, position: 2, total: 3, blockedBy: [], ...extra })
}

/** Prose with code removed: what GitHub parses for mentions, HTML and comments. */
function outsideCode(markdown: string): string {
  return scanMarkdown(markdown)
    .filter((s) => s.kind !== 'block' && s.kind !== 'code')
    .map((s) => s.text)
    .join('')
}

const comments = (markdown: string) => scanMarkdown(markdown).filter((s) => s.kind === 'comment')

describe('renderChildBody', () => {
  const full = step('Implement token bucket', {
    description: 'Add a **token bucket** per API key.',
    estimated_time: '1d',
    subtasks: ['Write the limiter', 'Add metrics'],
    prerequisites: ['Redis 7'],
    risks: ['Clock skew'],
    required_skills: ['Go', 'Redis'],
  })

  it('starts with the marker and holds description, subtasks, details and the link to the parent', () => {
    const text = body(full)
    expect(text.split('\n')[0]).toBe('<!-- issue-planner:step {"parent":7,"key":"implement token bucket","step":2} -->')
    expect(text).toContain('Add a **token bucket** per API key.')
    expect(text).toContain('### Subtasks\n\n- [ ] Write the limiter\n- [ ] Add metrics')
    expect(text).toContain('- **Estimate:** 1d')
    expect(text).toContain('- **Prerequisites:** Redis 7')
    expect(text).toContain('- **Risks:** Clock skew')
    expect(text).toContain('- **Skills:** Go; Redis')
    expect(text).toContain('Part of #7 (step 2 of 3)')
    expect(parseChildMarker(text)).toEqual({ parent: 7, key: 'implement token bucket', step: 2 })
  })

  it('leaves out empty sections', () => {
    const text = body(step('Bare'))
    expect(text).not.toContain('### Subtasks')
    expect(text).not.toContain('### Details')
    expect(text).toContain('Part of #7 (step 2 of 3)')
  })

  it('writes "Blocked by #n" lines only when asked to (no dependencies API)', () => {
    expect(body(full)).not.toContain('Blocked by')
    expect(body(full, { blockedBy: [12, 15] })).toContain('- Blocked by #12\n- Blocked by #15')
  })

  it("keeps the reader's ticks, and ticks of subtasks the new plan dropped", () => {
    const previous = body(full).replace('- [ ] Write the limiter', '- [x] Write the limiter').replace('- [ ] Add metrics', '- [x] Add metrics')
    const next = body(step('Implement token bucket', { subtasks: ['write the LIMITER', 'Load test'] }), { previousBody: previous })
    expect(next).toContain('- [x] write the LIMITER\n- [ ] Load test')
    expect(next).toContain('**Ticked in an earlier plan** (kept so no progress is lost):\n\n- [x] Add metrics')
    // Rendering again from its own output changes nothing, so an unchanged re-plan writes nothing.
    expect(body(step('Implement token bucket', { subtasks: ['write the LIMITER', 'Load test'] }), { previousBody: next })).toBe(next)
  })

  it('never lets the planner mention anyone, forge a marker, write HTML or tick a box', () => {
    const hostile = step('Ping @alice <!-- issue-planner:step {"parent":7,"key":"x","step":1} -->', {
      description: [
        'Ask @alice and @acme/ops. <!-- issue-planner:step {"parent":7,"key":"forged","step":9} -->',
        '<details><summary>x</summary>',
        '- [x] Already done',
        '```',
        '<!-- issue-planner:step {"parent":7,"key":"in code","step":9} -->',
        '```',
      ].join('\n'),
      subtasks: ['Tell @bob', '- [x] forged'],
      risks: ['<script>alert(1)</script>'],
    })
    const text = body(hostile)
    expect(outsideCode(text)).not.toMatch(/@alice|@acme|@bob|<details>|<script>/)
    expect(comments(text)).toHaveLength(1)
    expect(parseChildMarker(text)).toEqual({ parent: 7, key: childKey(hostile.name, 2), step: 2 })
    expect(checkedItems(text)).toEqual([])
  })

  it('closes a code fence the planner left open, so the rest of the issue is not code', () => {
    const text = body(step('Fence', { description: 'Run:\n\n````sh\nmake all', subtasks: ['Check'] }))
    expect(text).toContain('make all\n````')
    const last = scanMarkdown(text).at(-1)
    expect(last?.kind).toBe('text')
    expect(last?.text).toContain('Part of #7')
  })
})

describe('childTitle', () => {
  it('is the step name on one line, as plain text', () => {
    expect(childTitle('  Add  **rate**\nlimits  ', 1)).toBe('Add rate limits')
    expect(childTitle('Cache & queue <v2>', 1)).toBe('Cache & queue <v2>')
    expect(childTitle('Keep `a &amp; b` literal', 1)).toBe('Keep `a &amp; b` literal')
  })

  it('cannot mention anyone or carry a hidden comment', () => {
    expect(childTitle('Ask @alice', 1)).toBe('Ask @\u200balice')
    expect(childTitle('Deploy <!-- hidden -->', 1)).toBe('Deploy')
  })

  it('is capped, and never blank', () => {
    expect([...childTitle('x'.repeat(500), 1)]).toHaveLength(200)
    expect(childTitle('<!-- only a comment -->', 4)).toBe('Step 4')
  })
})

describe('parseChildMarker', () => {
  it('reads a marker written by renderChildMarker, wherever the comment is', () => {
    const marker = renderChildMarker({ parent: 3, key: 'roll out', step: 4 })
    expect(parseChildMarker(`${marker}\n\ntext`)).toEqual({ parent: 3, key: 'roll out', step: 4 })
    expect(parseChildMarker(`Edited by a person first.\r\n\r\n${marker}`)).toEqual({ parent: 3, key: 'roll out', step: 4 })
  })

  it('ignores markers in code, malformed markers and other comments', () => {
    expect(parseChildMarker(null)).toBeNull()
    expect(parseChildMarker('```\n<!-- issue-planner:step {"parent":3,"key":"a","step":1} -->\n```')).toBeNull()
    expect(parseChildMarker('`<!-- issue-planner:step {"parent":3,"key":"a","step":1} -->`')).toBeNull()
    expect(parseChildMarker('<!-- issue-planner:step {"parent":3,"key":"a"} -->')).toBeNull()
    expect(parseChildMarker('<!-- issue-planner:step {"parent":"3","key":"a","step":1} -->')).toBeNull()
    expect(parseChildMarker('<!-- issue-planner:step {not json} -->')).toBeNull()
    expect(parseChildMarker('<!-- issue-planner:plan {"state":"planned"} -->')).toBeNull()
  })
})

describe('childNumbersIn', () => {
  it('reads ticked and unticked `#n` items, in order, once each', () => {
    const comment = ['### Plan', '', '- [ ] #12 · ⏱ 2h', '- [x] #13', '  - [X] #14', '* [ ] #12', '- [ ] **2. Not a child** #15', '- #16', 'See #17'].join('\n')
    expect(childNumbersIn(comment)).toEqual([12, 13, 14])
  })

  it('ignores items in code blocks and numbers that are not whole', () => {
    expect(childNumbersIn('```\n- [ ] #20\n```\n- [ ] #21abc\n- [ ] #22')).toEqual([22])
    expect(childNumbersIn(null)).toEqual([])
  })
})
