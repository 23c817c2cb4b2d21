import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { type FetchLike, postJson } from '../../src/planners/http.ts'
import { PlannerError } from '../../src/planners/planner.ts'
import { closedPort } from '../support/closed-port.ts'

interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

/**
 * A real loopback planner that answers request n with `replies[n]` (the last reply repeats).
 * A reply of `null` never answers.
 */
async function planner(replies: ({ status: number; body: string } | null)[]) {
  const received: Received[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      const reply = replies[Math.min(received.length, replies.length) - 1]
      if (reply === null || reply === undefined) return
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/task-planning/plan`, origin: `http://127.0.0.1:${port}`, received }
}

const body = { task_description: 'Fix trailing-space redirects', context: { issue: { number: 314 } } }
const fast = () => ({ signal: AbortSignal.timeout(10_000), minDelayMs: 10 })
const planJson = JSON.stringify({ title: 'Plan', steps: [{ name: 'Trim destinations' }] })

async function plannerErrorOf(promise: Promise<unknown>): Promise<PlannerError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(PlannerError)
    return error as PlannerError
  }
  throw new Error('expected a PlannerError, but the call succeeded')
}

describe('postJson against a real HTTP server', () => {
  it('sends the body as JSON with the given headers', async () => {
    const server = await planner([{ status: 200, body: planJson }])
    const reply = await postJson(fetch, server.url, body, { authorization: 'Bearer tp-key' }, fast())
    expect(reply).toEqual({ status: 200, text: planJson })
    expect(server.received).toHaveLength(1)
    const [request] = server.received
    expect(request!.method).toBe('POST')
    expect(request!.url).toBe('/task-planning/plan')
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.headers.accept).toBe('application/json')
    expect(request!.headers.authorization).toBe('Bearer tp-key')
    expect(JSON.parse(request!.body)).toEqual(body)
  })

  it('retries a 502 and returns the 200 that follows, after 2 requests', async () => {
    const server = await planner([
      { status: 502, body: '<html>Bad Gateway</html>' },
      { status: 200, body: planJson },
    ])
    const logged: string[] = []
    const reply = await postJson(fetch, server.url, body, {}, { ...fast(), log: (m) => logged.push(m) })
    expect(reply).toEqual({ status: 200, text: planJson })
    expect(server.received).toHaveLength(2)
    // Both attempts carried the same request.
    expect(server.received.map((r) => JSON.parse(r.body))).toEqual([body, body])
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/HTTP 502.*retrying/)
  })

  it('gives up on a 503 after exactly 3 requests and returns the last 503 reply', async () => {
    const unavailable = JSON.stringify({ detail: 'Service Unavailable' })
    const server = await planner([{ status: 503, body: unavailable }])
    const reply = await postJson(fetch, server.url, body, {}, fast())
    expect(reply).toEqual({ status: 503, text: unavailable })
    expect(server.received).toHaveLength(3)
  })

  it('honours a smaller retry budget', async () => {
    const server = await planner([{ status: 504, body: 'Gateway Timeout' }])
    const reply = await postJson(fetch, server.url, body, {}, { ...fast(), retries: 0 })
    expect(reply.status).toBe(504)
    expect(server.received).toHaveLength(1)
  })

  it('does not retry a 500: the planner may already have run (and billed) a plan', async () => {
    const failed = JSON.stringify({ detail: 'Task planning failed: x' })
    const server = await planner([
      { status: 500, body: failed },
      { status: 200, body: planJson },
    ])
    const reply = await postJson(fetch, server.url, body, {}, fast())
    expect(reply).toEqual({ status: 500, text: failed })
    expect(server.received).toHaveLength(1)
  })

  it.each([400, 401, 404, 422, 429])('does not retry a %i', async (status) => {
    const server = await planner([
      { status, body: JSON.stringify({ detail: 'no' }) },
      { status: 200, body: planJson },
    ])
    const reply = await postJson(fetch, server.url, body, {}, fast())
    expect(reply.status).toBe(status)
    expect(server.received).toHaveLength(1)
  })

  it('reports a refused connection as a network error naming the origin, after 3 attempts', async () => {
    const port = await closedPort()
    let attempts = 0
    const countingFetch: FetchLike = (input, init) => {
      attempts++
      return fetch(input, init)
    }
    const error = await plannerErrorOf(postJson(countingFetch, `http://127.0.0.1:${port}/api/v1/tasks/plan`, body, {}, fast()))
    expect(error.reason).toBe('network')
    expect(error.message).toContain(`http://127.0.0.1:${port}`)
    expect(error.message).not.toContain('/api/v1/tasks/plan')
    expect(error.message).toContain('ECONNREFUSED')
    expect(attempts).toBe(3)
  })

  it('does not repeat a request once the reply has started: the connection dropping mid-body is final', async () => {
    let hits = 0
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        hits++
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
        res.write('{"title":"Plan","steps":[')
        setTimeout(() => res.destroy(), 20)
      })
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const { port } = server.address() as AddressInfo
    const error = await plannerErrorOf(postJson(fetch, `http://127.0.0.1:${port}/api/v1/tasks/plan`, body, {}, fast()))
    expect(error.reason).toBe('interrupted')
    expect(error.message).toContain(`http://127.0.0.1:${port}`)
    // The planner answered 200, so it ran (and billed) a plan; asking again would pay for another.
    expect(hits).toBe(1)
  })

  it('stops a planner that never answers when the signal times out', async () => {
    const server = await planner([null])
    const started = Date.now()
    const error = await plannerErrorOf(postJson(fetch, server.url, body, {}, { signal: AbortSignal.timeout(300), minDelayMs: 10 }))
    const elapsed = Date.now() - started
    expect(error.reason).toBe('timeout')
    expect(error.message).toMatch(/did not answer in time/)
    expect(elapsed).toBeLessThan(2_000)
    // A timeout is not retried: the planner may still be working on (and billing) the first request.
    expect(server.received).toHaveLength(1)
  })
})
