import type { PlanProgress } from '../planners/planner.js'
import type { RenderFrom } from './comment.js'

export interface ProgressOptions {
  /** Least time between two edits (and log lines). */
  intervalMs: number
  /** Most edits for the whole run, however long the stream: GitHub rate-limits content edits. */
  maxEdits: number
  /** Renders the comment body for the progress so far from the comment's body as it is then (null: no comment). */
  render: (progress: PlanProgress, current: string | null) => string
  /** Writes the body `render` makes from the comment as it is right before the edit; absent in local previews, which only log. */
  write?: (render: RenderFrom) => Promise<unknown>
  log: (message: string) => void
}

/**
 * Turns a stream of progress reports into a few comment edits. The first report is shown at once;
 * later ones are coalesced so there is at most one edit per interval and `maxEdits` in all. Edits run
 * one at a time, and `stop()` waits for the last so the final comment is never overwritten by one.
 */
export class ProgressReporter {
  edits = 0
  private readonly options: ProgressOptions
  private latest: (() => PlanProgress) | undefined
  private lastTickAt = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  private stopped = false
  private lastShown = ''
  private lastLine = ''

  constructor(options: ProgressOptions) {
    this.options = options
  }

  /** Records the latest progress; cheap, so a planner may call it for every event. */
  readonly report = (read: () => PlanProgress): void => {
    if (this.stopped) return
    this.latest = read
    if (this.timer) return
    const wait = this.lastTickAt + this.options.intervalMs - Date.now()
    if (wait <= 0) this.tick()
    else this.timer = setTimeout(() => this.tick(), wait)
  }

  /** Stops reporting (logging the last progress not yet shown) and waits for an edit in flight. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.latest) this.logLine(this.latest())
    await this.chain
  }

  private logLine(progress: PlanProgress): void {
    const line = describeProgress(progress)
    if (line && line !== this.lastLine) {
      this.lastLine = line
      this.options.log(line)
    }
  }

  private tick(): void {
    this.timer = undefined
    const read = this.latest
    if (this.stopped || !read) return
    this.latest = undefined
    this.lastTickAt = Date.now()
    const progress = read()
    this.logLine(progress)
    const { write } = this.options
    if (!write || this.edits >= this.options.maxEdits) return
    this.chain = this.chain.then(async () => {
      if (this.stopped || this.edits >= this.options.maxEdits) return
      // The rest of the comment (the previous plan) is carried over as it is, so the progress alone
      // decides whether an edit would change anything.
      const shown = this.options.render(progress, null)
      if (shown === this.lastShown) return
      this.lastShown = shown
      this.edits++
      await write((current) => this.options.render(progress, current))
    }).catch((error: unknown) => {
      // A lost progress edit is harmless; the final comment is written regardless.
      this.options.log(`Could not show progress in the comment: ${error instanceof Error ? error.message : String(error)}`)
    })
  }
}

/** One log line for the progress: stage, percentage, message, steps so far. */
export function describeProgress(progress: PlanProgress): string {
  const parts: string[] = []
  if (progress.stage) parts.push(progress.stage)
  if (progress.percent !== undefined) parts.push(`${Math.round(progress.percent)}%`)
  if (progress.message) parts.push(progress.message)
  if (progress.steps?.length) parts.push(`${progress.steps.length} step${progress.steps.length === 1 ? '' : 's'} so far`)
  return parts.length ? `Planning: ${parts.join(' · ')}` : ''
}
