// The service's concurrency limit: slots, a short queue in arrival order, then refusals.
import { describe, expect, it } from 'vitest'
import { Limiter, NoSlot } from '../../src/server/limiter.ts'

const never = new AbortController().signal

async function reason(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'granted',
    (error: unknown) => (error instanceof NoSlot ? error.reason : error),
  )
}

describe('Limiter', () => {
  it('grants up to the concurrency at once, queues the next in order, and refuses beyond the queue', async () => {
    const limiter = new Limiter({ concurrency: 2, queue: 2, waitMs: 60_000 })
    const first = await limiter.acquire(never)
    const second = await limiter.acquire(never)
    const order: string[] = []
    const third = limiter.acquire(never).then((release) => (order.push('third'), release))
    const fourth = limiter.acquire(never).then((release) => (order.push('fourth'), release))
    expect(await reason(limiter.acquire(never))).toBe('queue_full')
    expect([limiter.inFlight, limiter.queued]).toEqual([2, 2])

    first()
    first() // a second release of the same slot changes nothing
    const releaseThird = await third
    expect([limiter.inFlight, limiter.queued]).toEqual([2, 1])
    second()
    const releaseFourth = await fourth
    expect(order).toEqual(['third', 'fourth'])
    releaseThird()
    releaseFourth()
    expect([limiter.inFlight, limiter.queued]).toEqual([0, 0])
  })

  it('refuses a request that waited longer than allowed', async () => {
    const limiter = new Limiter({ concurrency: 1, queue: 1, waitMs: 20 })
    await limiter.acquire(never)
    expect(await reason(limiter.acquire(never))).toBe('queue_timeout')
    expect(limiter.queued).toBe(0)
  })

  it('drops a waiting request whose client went away', async () => {
    const limiter = new Limiter({ concurrency: 1, queue: 1, waitMs: 60_000 })
    const release = await limiter.acquire(never)
    const controller = new AbortController()
    const waiting = limiter.acquire(controller.signal)
    controller.abort(new Error('client gone'))
    expect(await reason(waiting)).toEqual(new Error('client gone'))
    release()
    expect([limiter.inFlight, limiter.queued]).toEqual([0, 0])
  })

  it('on stop, refuses the queue and every later request, and lets running plans finish', async () => {
    const limiter = new Limiter({ concurrency: 1, queue: 5, waitMs: 60_000 })
    const release = await limiter.acquire(never)
    const waiting = limiter.acquire(never)
    limiter.stop()
    expect(await reason(waiting)).toBe('shutting_down')
    expect(await reason(limiter.acquire(never))).toBe('shutting_down')
    expect(limiter.inFlight).toBe(1)
    release()
    expect(limiter.inFlight).toBe(0)
  })
})
