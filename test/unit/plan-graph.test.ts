import { describe, expect, it } from 'vitest'
import { formatHours, parseEstimate } from '../../src/estimate.ts'
import { criticalPath, linkCount, resolveDependencies } from '../../src/plan-graph.ts'
import { droppedNote } from '../../src/publish/render-steps.ts'
import { outputsOf, stepsOutput } from '../../src/report.ts'

const steps = (...list: [name: string, ...dependencies: string[]][]) => list.map(([name, ...dependencies]) => ({ name, dependencies }))

describe('resolveDependencies', () => {
  it('resolves numbers in the forms planners write them', () => {
    const graph = resolveDependencies(steps(['A'], ['B', '1'], ['C', 'step 2', '#1'], ['D', 'Step #3.', 'task 2']))
    expect(graph.after).toEqual([[], [1], [1, 2], [2, 3]])
    expect(graph.dropped).toEqual([])
  })

  it('resolves names whatever their case, punctuation or emphasis', () => {
    const graph = resolveDependencies(
      steps(['Domain CRUD API'], ['Add the `sessions` table'], ['Wire the UI', 'domain crud api', 'Add the sessions table.'], ['Ship it!', '**Wire the UI**']),
    )
    expect(graph.after).toEqual([[], [], [1, 2], [3]])
    expect(graph.dropped).toEqual([])
  })

  it('resolves "3. Name" and "step 3 (Name)" by the name, and by the number when the name names no step', () => {
    const graph = resolveDependencies(steps(['Audit'], ['Design the bucket'], ['Build', '2. Design the bucket', 'Step 1 (the audit we did)'], ['Test', '1: Design the bucket']))
    expect(graph.after).toEqual([[], [], [1, 2], [2]])
  })

  it('resolves a part of a name when exactly one other step has it, and not a short or ambiguous one', () => {
    const graph = resolveDependencies(
      steps(['Implement the middleware'], ['Load test the middleware in staging'], ['Dashboards', 'the middleware'], ['Docs', 'implement the middleware for the API'], ['Release', 'API', 'load test']),
    )
    expect(graph.after[2]).toEqual([])
    expect(graph.after[3]).toEqual([1])
    expect(graph.after[4]).toEqual([2])
    expect(graph.dropped.map((d) => [d.step, d.reference, d.reason])).toEqual([
      [3, 'the middleware', 'unknown'],
      [5, 'API', 'unknown'],
    ])
  })

  it('drops unknown references, with what the planner wrote', () => {
    const graph = resolveDependencies(steps(['A'], ['B', '99', '0', 'Nonexistent step', '1']))
    expect(graph.after).toEqual([[], [1]])
    expect(graph.dropped).toEqual([
      { step: 2, reference: '99', reason: 'unknown' },
      { step: 2, reference: '0', reason: 'unknown' },
      { step: 2, reference: 'Nonexistent step', reason: 'unknown' },
    ])
  })

  it('drops a step depending on itself, by number or by name', () => {
    const graph = resolveDependencies(steps(['Audit'], ['Build', '2', 'build']))
    expect(graph.after).toEqual([[], []])
    expect(graph.dropped).toEqual([
      { step: 2, reference: '2', reason: 'self', target: 2 },
      { step: 2, reference: 'build', reason: 'self', target: 2 },
    ])
  })

  it('prefers another step of the same name over the step itself, and the nearest earlier one', () => {
    const graph = resolveDependencies(steps(['Write tests'], ['Build'], ['Write tests', 'write tests'], ['Ship', 'Write tests']))
    expect(graph.after).toEqual([[], [], [1], [3]])
  })

  it('keeps a link to a later step when it closes no cycle', () => {
    const graph = resolveDependencies(steps(['Docs', '3'], ['Build'], ['Design']))
    expect(graph.after).toEqual([[3], [], []])
    expect(graph.dropped).toEqual([])
  })

  it('drops the link that would close a cycle, keeping the links to earlier steps, and says which chain it closes', () => {
    const graph = resolveDependencies(steps(['A', '3'], ['B', '1'], ['C', '2'], ['D', '3', '4x']))
    expect(graph.after).toEqual([[], [1], [2], [3]])
    expect(graph.dropped).toEqual([
      { step: 1, reference: '3', reason: 'cycle', target: 3, via: [3, 2, 1] },
      { step: 4, reference: '4x', reason: 'unknown' },
    ])
  })

  it('drops both halves of nothing: a two-step cycle loses only its forward link', () => {
    const graph = resolveDependencies(steps(['A', 'B'], ['B', 'A']))
    expect(graph.after).toEqual([[], [1]])
    expect(graph.dropped).toEqual([{ step: 1, reference: 'B', reason: 'cycle', target: 2, via: [2, 1] }])
  })

  it('ignores "none" and blanks, and counts a link named twice once', () => {
    const graph = resolveDependencies(steps(['A'], ['B', 'None', '', 'N/A', '-', '1', 'a', 'step 1']))
    expect(graph.after).toEqual([[], [1]])
    expect(graph.dropped).toEqual([])
    expect(linkCount(graph)).toBe(1)
  })

  it('drops a link to a step that is not shown, naming the step', () => {
    const graph = resolveDependencies(steps(['A'], ['B', '3', 'Deploy'], ['Deploy']), 2)
    expect(graph.after).toEqual([[], []])
    expect(graph.dropped).toEqual([
      { step: 2, reference: '3', reason: 'not-shown', target: 3 },
      { step: 2, reference: 'Deploy', reason: 'not-shown', target: 3 },
    ])
  })
})

describe('criticalPath', () => {
  const graph = resolveDependencies(steps(['Audit'], ['Design', '1'], ['Build', '2'], ['Load test', '3'], ['Dashboards', '3'], ['Roll out', '4', '5']))

  it('is the chain with the most estimated hours', () => {
    expect(criticalPath(graph, [2, 4, 12, 8, 4, 16])).toEqual({ steps: [1, 2, 3, 4, 6], hours: 42, estimated: true })
    expect(criticalPath(graph, [2, 4, 12, 1, 20, 16])).toEqual({ steps: [1, 2, 3, 5, 6], hours: 54, estimated: true })
  })

  it('says when a step on it has no estimate, and falls back on the longest chain without estimates', () => {
    expect(criticalPath(graph, [2, 4, 12, undefined, undefined, 16])).toMatchObject({ steps: [1, 2, 3, 4, 6], estimated: false })
    expect(criticalPath(graph, [])).toMatchObject({ steps: [1, 2, 3, 4, 6], hours: 0, estimated: false })
  })

  it('is undefined when no step depends on another', () => {
    expect(criticalPath(resolveDependencies(steps(['A'], ['B'])), [1, 2])).toBeUndefined()
  })
})

describe('droppedNote', () => {
  it('lists every dropped reference with its reason', () => {
    const graph = resolveDependencies(steps(['A', '3'], ['B', '1', 'B'], ['C', '2', '99']))
    expect(droppedNote(graph.dropped)).toBe(
      '**Dependencies left out:** step 1: “3” would close a cycle (3 already comes after 2, which comes after 1); step 2: “B” is the step itself; step 3: “99” names no step of this plan.',
    )
  })

  it('is empty when nothing was dropped, and neutralises what the planner wrote', () => {
    expect(droppedNote([])).toBe('')
    expect(droppedNote([{ step: 1, reference: '@alice <b>x</b>', reason: 'unknown' }])).toBe('**Dependency left out:** step 1: “@&#8203;alice &lt;b&gt;x&lt;/b&gt;” names no step of this plan.')
  })
})

describe('parseEstimate', () => {
  it.each([
    ['2h', 2],
    ['1.5d', 12],
    ['~2 days', 16],
    ['3 Std.', 3],
    ['30 min', 0.5],
    ['1w', 40],
    ['2 hours', 2],
    ['1 day', 8],
    ['a day', 8],
    ['half a day', 4],
    ['1h 30m', 1.5],
    ['1d 4h', 12],
    ['2-3 days', 20],
    ['2 to 4 hours', 3],
    ['about 3h', 3],
    ['ca. 2 Tage', 16],
    ['1,5 Tage', 12],
    ['2 Wochen', 80],
    ['3日', 24],
    ['4時間', 4],
    ['(2h)', 2],
    ['1 month', 160],
    ['≈ 2 weeks', 80],
  ])('reads %s as %s hours', (text, hours) => {
    expect(parseEstimate(text)).toBe(hours)
  })

  it.each(['TBD', '3 SP', '5 story points', '4', '2h if cached, 2d otherwise', '', 'a while', '0h', '2 hamsters'])('does not read %j', (text) => {
    expect(parseEstimate(text)).toBeUndefined()
  })
})

describe('formatHours', () => {
  it.each([
    [0.25, '≈ 15 min'],
    [1, '≈ 1 hour'],
    [6.2, '≈ 6 hours'],
    [8, '≈ 1 day'],
    [28, '≈ 3.5 days'],
    [42, '≈ 5.5 days'],
    [100, '≈ 2.5 weeks'],
  ])('writes %s hours as %s', (hours, text) => {
    expect(formatHours(hours)).toBe(text)
  })
})

describe('the steps output', () => {
  const plan = {
    title: 'T',
    description: '',
    steps: [
      { name: 'Audit', description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: ['None'] },
      { name: 'Build', description: 'b', estimated_time: '2h', prerequisites: [], risks: ['r'], subtasks: ['s'], required_skills: [], dependencies: ['audit', '99'] },
      { name: 'Ship', description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: ['2', 'step 1', 'Ship'] },
    ],
  }

  it('numbers each step and carries its dependencies as resolved step numbers', () => {
    expect(stepsOutput(plan)).toEqual([
      { number: 1, ...plan.steps[0], dependencies: [] },
      { number: 2, ...plan.steps[1], dependencies: [1] },
      { number: 3, ...plan.steps[2], dependencies: [1, 2] },
    ])
    expect(JSON.parse(outputsOf({ status: 'planned', plan, comment: null }, []).steps!)).toEqual(JSON.parse(JSON.stringify(stepsOutput(plan))))
  })
})
