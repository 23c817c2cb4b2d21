import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PlanStep } from '../../src/plan.ts'
import type { PlanProgress } from '../../src/planners/planner.ts'
import type { RenderFrom } from '../../src/publish/comment.ts'
import { type ProgressOptions, ProgressReporter, describeProgress } from '../../src/publish/progress.ts'

const INTERVAL = 1000

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

const progress = (percent: number, stage = 'analyzing', message = `Working (${percent}%)`): PlanProgress => ({ stage, percent, message })

/** A read function as planners pass it: counts how often the reporter actually reads. */
const reading = (p: PlanProgress) => vi.fn(() => p)

function step(name: string): PlanStep {
  return { name, description: '', prerequisites: [], risks: [], subtasks: [], required_skills: [], dependencies: [] }
}

function setup(options: Partial<ProgressOptions> = {}) {
  const logs: string[] = []
  const writes: string[] = []
  const render = vi.fn((p: PlanProgress, _current: string | null) => `planning comment: ${describeProgress(p)}`)
  // The writer renders from the comment as it is right before the edit: here, no comment.
  const write = vi.fn(async (renderFrom: RenderFrom) => {
    writes.push(renderFrom(null))
  })
  const reporter = new ProgressReporter({ intervalMs: INTERVAL, maxEdits: 10, render, write, log: (m) => logs.push(m), ...options })
  return { reporter, render, write, writes, logs }
}

/** A promise resolved (or rejected) by the test, for a write still in flight. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void
  let reject!: (e: Error) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('ProgressReporter: pacing', () => {
  it('shows the first report at once: read, rendered, written and logged', async () => {
    const { reporter, render, writes, logs } = setup()
    const read = reading(progress(5, 'initializing', 'Starting the planner'))
    reporter.report(read)
    expect(read).toHaveBeenCalledTimes(1)
    expect(logs).toEqual(['Planning: initializing · 5% · Starting the planner'])

    await vi.advanceTimersByTimeAsync(0)
    expect(render).toHaveBeenCalledWith({ stage: 'initializing', percent: 5, message: 'Starting the planner' }, null)
    expect(writes).toEqual(['planning comment: Planning: initializing · 5% · Starting the planner'])
    expect(reporter.edits).toBe(1)
  })

  it('coalesces reports within an interval into one edit at its end, with the latest progress', async () => {
    const { reporter, writes } = setup()
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(100)
    reporter.report(reading(progress(20)))
    await vi.advanceTimersByTimeAsync(300)
    reporter.report(reading(progress(30)))
    await vi.advanceTimersByTimeAsync(500)
    reporter.report(reading(progress(40, 'generating')))

    await vi.advanceTimersByTimeAsync(INTERVAL - 900 - 1)
    expect(writes).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(writes).toEqual(['planning comment: Planning: analyzing · 10% · Working (10%)', 'planning comment: Planning: generating · 40% · Working (40%)'])
  })

  it('reads the progress only when it shows it: 1,000 reports in one interval cost two reads', async () => {
    const { reporter, writes } = setup()
    const reads = Array.from({ length: 1000 }, (_, i) => reading(progress(i / 10)))
    for (const read of reads) {
      reporter.report(read)
      await vi.advanceTimersByTimeAsync(0.5)
    }
    await vi.advanceTimersByTimeAsync(INTERVAL)

    const calls = reads.reduce((sum, read) => sum + read.mock.calls.length, 0)
    expect(calls).toBeLessThanOrEqual(2)
    expect(reads[0]).toHaveBeenCalledTimes(1)
    expect(reads.at(-1)).toHaveBeenCalledTimes(1)
    expect(writes).toHaveLength(2)
    expect(writes[1]).toContain('100%')
  })

  it('never writes more than maxEdits, over 10,000 reports spread across 1,000 intervals', async () => {
    const { reporter, write, logs } = setup({ maxEdits: 5 })
    for (let interval = 0; interval < 1000; interval++) {
      for (let i = 0; i < 10; i++) {
        reporter.report(reading(progress((interval * 10 + i) / 100, `stage ${interval}`)))
        await vi.advanceTimersByTimeAsync(INTERVAL / 10)
      }
    }
    await reporter.stop()

    expect(write).toHaveBeenCalledTimes(5)
    expect(reporter.edits).toBe(5)
    // Logging goes on after the edits run out: the run log still shows the progress.
    expect(logs.at(-1)).toMatch(/^Planning: stage 999 · 100% · /)
    expect(logs.length).toBeGreaterThan(900)
  })

  it('does not write a body identical to the last one written', async () => {
    const { reporter, write } = setup({ render: () => 'Planning… (no details yet)' })
    for (let i = 0; i < 5; i++) {
      reporter.report(reading(progress(i * 10)))
      await vi.advanceTimersByTimeAsync(INTERVAL)
    }
    expect(write).toHaveBeenCalledTimes(1)
    expect(reporter.edits).toBe(1)
  })

  it('runs edits one at a time: the next waits for a slow write to finish', async () => {
    const first = deferred()
    const writes: string[] = []
    const write = vi.fn((renderFrom: RenderFrom) => {
      writes.push(renderFrom(null))
      return writes.length === 1 ? first.promise : Promise.resolve()
    })
    const { reporter, render } = setup({ write })
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(0)
    reporter.report(reading(progress(50)))
    await vi.advanceTimersByTimeAsync(INTERVAL * 3)
    expect(writes).toHaveLength(1)
    expect(render.mock.calls.every(([shown]) => shown.percent === 10)).toBe(true)

    first.resolve()
    await vi.advanceTimersByTimeAsync(0)
    expect(writes).toHaveLength(2)
    expect(writes[1]).toContain('50%')
  })
})

describe('ProgressReporter: the comment as it is', () => {
  it('leaves reading the comment to the write, and renders each edit from what it read', async () => {
    const current = '<!-- plan -->\n- [x] **1. Ticked a moment ago**'
    const bodies: string[] = []
    const { reporter } = setup({
      render: (p, comment) => `${describeProgress(p)}\n${comment ?? ''}`,
      write: async (renderFrom) => {
        bodies.push(renderFrom(current))
      },
    })
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(0)
    expect(bodies).toEqual([`Planning: analyzing · 10% · Working (10%)\n${current}`])
  })
})

describe('ProgressReporter: stop', () => {
  it('waits for a write in flight, and nothing is written after it', async () => {
    const inFlight = deferred()
    const writes: string[] = []
    const write = vi.fn((renderFrom: RenderFrom) => {
      writes.push(renderFrom(null))
      return writes.length === 1 ? inFlight.promise : Promise.resolve()
    })
    const { reporter } = setup({ write })
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(0)
    // A second edit queues behind the slow one.
    reporter.report(reading(progress(60)))
    await vi.advanceTimersByTimeAsync(INTERVAL)

    let stopped = false
    const stopping = reporter.stop().then(() => {
      stopped = true
    })
    await vi.advanceTimersByTimeAsync(INTERVAL * 5)
    expect(stopped).toBe(false)

    inFlight.resolve()
    await stopping
    expect(stopped).toBe(true)

    reporter.report(reading(progress(90)))
    await vi.advanceTimersByTimeAsync(INTERVAL * 5)
    expect(writes).toHaveLength(1)
    expect(writes[0]).toContain('10%')
  })

  it('cancels an edit still waiting for its interval, and logs that last unshown progress', async () => {
    const { reporter, writes, logs } = setup()
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(200)
    reporter.report(reading(progress(70, 'generating', 'Writing the plan')))
    await reporter.stop()
    await vi.advanceTimersByTimeAsync(INTERVAL * 5)

    expect(writes).toHaveLength(1)
    expect(logs).toEqual(['Planning: analyzing · 10% · Working (10%)', 'Planning: generating · 70% · Writing the plan'])
  })

  it('does not read or log again when everything reported was shown', async () => {
    const { reporter, logs } = setup()
    const read = reading(progress(10))
    reporter.report(read)
    await vi.advanceTimersByTimeAsync(0)
    await reporter.stop()
    expect(read).toHaveBeenCalledTimes(1)
    expect(logs).toHaveLength(1)
  })

  it('resolves at once when nothing was reported', async () => {
    const { reporter, render, logs } = setup()
    await reporter.stop()
    expect(render).not.toHaveBeenCalled()
    expect(logs).toEqual([])
  })

  it('ignores reports after stop without reading them', async () => {
    const { reporter, write } = setup()
    await reporter.stop()
    const read = reading(progress(50))
    reporter.report(read)
    await vi.advanceTimersByTimeAsync(INTERVAL * 2)
    expect(read).not.toHaveBeenCalled()
    expect(write).not.toHaveBeenCalled()
  })
})

describe('ProgressReporter: failures and previews', () => {
  it('logs a failed write and keeps editing later', async () => {
    let attempt = 0
    const written: string[] = []
    const write = vi.fn(async (renderFrom: RenderFrom) => {
      if (++attempt === 1) throw new Error('Resource not accessible by integration')
      written.push(renderFrom(null))
    })
    const { reporter, logs } = setup({ write })
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(0)
    expect(logs).toContain('Could not show progress in the comment: Resource not accessible by integration')

    reporter.report(reading(progress(30)))
    await vi.advanceTimersByTimeAsync(INTERVAL)
    expect(write).toHaveBeenCalledTimes(2)
    expect(written).toEqual(['planning comment: Planning: analyzing · 30% · Working (30%)'])
    await expect(reporter.stop()).resolves.toBeUndefined()
  })

  it('logs a failed render the same way', async () => {
    const { reporter, write, logs } = setup({
      render: () => {
        throw new Error('no banner')
      },
    })
    reporter.report(reading(progress(10)))
    await vi.advanceTimersByTimeAsync(0)
    expect(write).not.toHaveBeenCalled()
    expect(logs).toContain('Could not show progress in the comment: no banner')
  })

  it('without `write` (a local preview) only logs, once per interval, and never renders', async () => {
    const render = vi.fn(() => 'body')
    const logs: string[] = []
    const reporter = new ProgressReporter({ intervalMs: INTERVAL, maxEdits: 10, render, log: (m) => logs.push(m) })
    reporter.report(reading(progress(10)))
    reporter.report(reading(progress(20)))
    await vi.advanceTimersByTimeAsync(INTERVAL)
    reporter.report(reading({ stage: 'generating', percent: 80, steps: [step('Add table'), step('Backfill')] }))
    await vi.advanceTimersByTimeAsync(INTERVAL)
    await reporter.stop()

    expect(logs).toEqual([
      'Planning: analyzing · 10% · Working (10%)',
      'Planning: analyzing · 20% · Working (20%)',
      'Planning: generating · 80% · 2 steps so far',
    ])
    expect(render).not.toHaveBeenCalled()
    expect(reporter.edits).toBe(0)
  })

  it('does not log the same line twice in a row', async () => {
    const { reporter, logs } = setup()
    for (let i = 0; i < 4; i++) {
      reporter.report(reading(progress(50)))
      await vi.advanceTimersByTimeAsync(INTERVAL)
    }
    reporter.report(reading(progress(60)))
    await vi.advanceTimersByTimeAsync(INTERVAL)
    reporter.report(reading(progress(60)))
    await reporter.stop()
    expect(logs).toEqual(['Planning: analyzing · 50% · Working (50%)', 'Planning: analyzing · 60% · Working (60%)'])
  })

  it('does not log progress that has nothing to describe', async () => {
    const { reporter, logs } = setup()
    reporter.report(reading({}))
    await vi.advanceTimersByTimeAsync(0)
    await reporter.stop()
    expect(logs).toEqual([])
  })
})

describe('describeProgress', () => {
  it('joins stage, rounded percentage, message and steps so far', () => {
    expect(describeProgress({ stage: 'analyzing', percent: 41.6, message: 'Reading the repository', steps: [step('a'), step('b'), step('c')] })).toBe(
      'Planning: analyzing · 42% · Reading the repository · 3 steps so far',
    )
  })

  it('says "step" for one step and keeps 0%', () => {
    expect(describeProgress({ percent: 0, steps: [step('a')] })).toBe('Planning: 0% · 1 step so far')
  })

  it('leaves out what is missing, and is empty when nothing is known', () => {
    expect(describeProgress({ message: 'Thinking…' })).toBe('Planning: Thinking…')
    expect(describeProgress({ steps: [] })).toBe('')
    expect(describeProgress({})).toBe('')
  })
})
