/** Why a request got no slot: the queue was full, it waited too long, or the service is stopping. */
export class NoSlot extends Error {
  constructor(readonly reason: 'queue_full' | 'queue_timeout' | 'shutting_down') {
    super(reason)
    this.name = 'NoSlot'
  }
}

interface Waiter {
  grant: (release: () => void) => void
  refuse: (error: Error) => void
}

/**
 * At most `concurrency` plans at once; up to `queue` more wait, each at most `waitMs`, in arrival
 * order. Everything else is refused at once, so a burst costs a queue of promises, never a pile of
 * model calls.
 */
export class Limiter {
  private running = 0
  private readonly waiting: Waiter[] = []
  private stopped = false
  private readonly concurrency: number
  private readonly queue: number
  private readonly waitMs: number

  constructor(options: { concurrency: number; queue: number; waitMs: number }) {
    this.concurrency = options.concurrency
    this.queue = options.queue
    this.waitMs = options.waitMs
  }

  get inFlight(): number {
    return this.running
  }

  get queued(): number {
    return this.waiting.length
  }

  /**
   * Resolves with a release function once a slot is free; rejects with NoSlot, or with the signal's
   * reason when the client gave up while waiting. Call the release exactly once, when the plan ends.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (this.stopped) return Promise.reject(new NoSlot('shutting_down'))
    if (signal.aborted) return Promise.reject(signal.reason)
    if (this.running < this.concurrency) {
      this.running++
      return Promise.resolve(this.releaser())
    }
    if (this.waiting.length >= this.queue) return Promise.reject(new NoSlot('queue_full'))
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
        const at = this.waiting.indexOf(waiter)
        if (at !== -1) this.waiting.splice(at, 1)
      }
      const waiter: Waiter = {
        grant: (release) => {
          leave()
          resolve(release)
        },
        refuse: (error) => {
          leave()
          reject(error)
        },
      }
      const onAbort = (): void => waiter.refuse(signal.reason)
      const timer = setTimeout(() => waiter.refuse(new NoSlot('queue_timeout')), this.waitMs)
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  /** Refuses everything waiting and every later request; plans already running keep their slots. */
  stop(): void {
    this.stopped = true
    for (const waiter of [...this.waiting]) waiter.refuse(new NoSlot('shutting_down'))
  }

  private releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting[0]
      // The slot passes straight to the next in line, so a newcomer cannot overtake the queue.
      if (next) next.grant(this.releaser())
      else this.running--
    }
  }
}
