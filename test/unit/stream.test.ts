// readEvents against real loopback HTTP servers and the global fetch, so chunking, chunked transfer
// encoding, connection loss and aborts behave exactly as they do against a remote planner.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PlannerError } from '../../src/planners/planner.ts'
import { type StreamEvent, readEvents } from '../../src/planners/stream.ts'

/** What the server does, in order: write a chunk, pause, or drop the connection. */
type Step = string | Buffer | { pause: number } | 'destroy'

const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Serves one scripted streaming reply. Chunks are written with a small pause between them so they
 * reach the client as separate reads. The reply ends after the script unless `hang` keeps it open.
 */
async function serve(script: Step[], options: { contentType?: string; gapMs?: number; hang?: boolean } = {}): Promise<string> {
  const { gapMs = 8, hang = false } = options
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume()
    void (async () => {
      res.writeHead(200, options.contentType ? { 'content-type': options.contentType } : {})
      res.flushHeaders()
      for (const step of script) {
        if (step === 'destroy') {
          res.socket?.destroy()
          return
        }
        if (typeof step === 'object' && 'pause' in step) {
          await sleep(step.pause)
          continue
        }
        res.write(step)
        await sleep(gapMs)
      }
      if (!hang) res.end()
    })()
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/task-planning/plan/stream`
}

async function open(url: string, signal: AbortSignal = new AbortController().signal): Promise<AsyncGenerator<StreamEvent>> {
  const response = await fetch(url, { method: 'POST', body: '{}', signal })
  expect(response.status).toBe(200)
  return readEvents(response, url, signal)
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = []
  for await (const event of events) out.push(event)
  return out
}

/** Splits the UTF-8 bytes of `text` at the given byte offsets (which may fall inside a character). */
function splitBytes(text: string, offsets: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8')
  const cuts = [0, ...offsets, bytes.length]
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end))
}

/** The byte offset just after the first byte of `char` in `text`: a cut in the middle of its encoding. */
function insideChar(text: string, char: string): number {
  const at = Buffer.from(text, 'utf8').indexOf(Buffer.from(char, 'utf8'))
  expect(at).toBeGreaterThanOrEqual(0)
  return at + 1
}

const SSE = 'text/event-stream'
const NDJSON = 'application/x-ndjson'

// ---------------------------------------------------------------------------------------------

describe('readEvents: Server-Sent Events', () => {
  it('reads event types and data from frames split mid-line, mid-field and inside multi-byte characters', async () => {
    const text = [
      'event: progress\ndata: {"stage":"analyzing","message":"Lecture du dépôt","progress":10}\n\n',
      'event: thinking\ndata: {"content":"Ship it 🚀 after the migration"}\n\n',
      'event: complete\ndata: {"plan":{"title":"Café ☕ menu"},"progress":100}\n\n',
    ].join('')
    const cuts = [
      3, // inside "event"
      text.indexOf('data:') + 2, // inside "data"
      insideChar(text, 'é'),
      text.indexOf('\n\n') + 1, // between the two newlines that end a frame
      insideChar(text, '🚀'),
      insideChar(text, '🚀') + 2, // the emoji's 4 bytes arrive in three reads
      insideChar(text, '☕'),
    ].sort((a, b) => a - b)

    const events = await collect(await open(await serve(splitBytes(text, cuts), { contentType: SSE })))

    expect(events).toEqual([
      { event: 'progress', data: '{"stage":"analyzing","message":"Lecture du dépôt","progress":10}' },
      { event: 'thinking', data: '{"content":"Ship it 🚀 after the migration"}' },
      { event: 'complete', data: '{"plan":{"title":"Café ☕ menu"},"progress":100}' },
    ])
  })

  it('ignores comments such as keep-alives, and ignores id and retry fields', async () => {
    const url = await serve(
      [': keep-alive\n\n', 'retry: 5000\n', 'id: 1\nevent: progress\ndata: {"progress":5}\n\n', ':ping\n\n', 'event: complete\ndata: {"plan":{}}\n\n'],
      { contentType: `${SSE}; charset=utf-8` },
    )
    expect(await collect(await open(url))).toEqual([
      { event: 'progress', data: '{"progress":5}' },
      { event: 'complete', data: '{"plan":{}}' },
    ])
  })

  it('reports frames without an event field as "message"', async () => {
    const url = await serve(['data: {"data":"{\\"title\\": "}\n\n', 'data: {"data":"\\"Plan\\"}"}\n\n'], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([
      { event: 'message', data: '{"data":"{\\"title\\": "}' },
      { event: 'message', data: '{"data":"\\"Plan\\"}"}' },
    ])
  })

  it('accepts CRLF line endings, even when a CRLF pair is split between reads', async () => {
    const url = await serve(['event: progress\r\ndata: {"progress":20}\r', '\n\r\n', 'event: complete\r\ndata: {"plan":{}}\r\n\r\n'], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([
      { event: 'progress', data: '{"progress":20}' },
      { event: 'complete', data: '{"plan":{}}' },
    ])
  })

  it('joins the data lines of one frame with a newline', async () => {
    const url = await serve(['data: first line\ndata: second line\n\n'], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([{ event: 'message', data: 'first line\nsecond line' }])
  })

  it('still yields a last frame that lacks its terminating blank line', async () => {
    const url = await serve(['event: progress\ndata: {"progress":90}\n\n', 'event: complete\ndata: {"plan":{"title":"Done"},"progress":100}'], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([
      { event: 'progress', data: '{"progress":90}' },
      { event: 'complete', data: '{"plan":{"title":"Done"},"progress":100}' },
    ])
  })

  it('still yields a last frame that ends with a single newline', async () => {
    const url = await serve(['event: complete\ndata: {"plan":{"title":"Done"}}\n'], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([{ event: 'complete', data: '{"plan":{"title":"Done"}}' }])
  })

  it('delivers 5,000 frames complete and in order', async () => {
    const count = 5000
    let text = ''
    for (let i = 0; i < count; i++) text += `event: progress\ndata: {"i":${i},"message":"step ${i} – ok"}\n\n`
    // 1,009-byte chunks: boundaries fall at every possible place in a frame, and inside "–".
    const cuts: number[] = []
    for (let at = 1009; at < Buffer.byteLength(text); at += 1009) cuts.push(at)
    const url = await serve(splitBytes(text, cuts), { contentType: SSE, gapMs: 0 })

    const events = await collect(await open(url))

    expect(events).toHaveLength(count)
    events.forEach((e, i) => {
      expect(e.event).toBe('progress')
      expect(JSON.parse(e.data)).toEqual({ i, message: `step ${i} – ok` })
    })
  })
})

describe('readEvents: newline-delimited JSON', () => {
  it('yields one "message" event per line, lines split mid-line and inside multi-byte characters', async () => {
    const text = '{"data":"{\\"title\\": \\"Résumé parser"}\n{"data":" 🚀\\", \\"steps\\": []}"}\n'
    const cuts = [5, insideChar(text, 'é'), text.indexOf('\n'), insideChar(text, '🚀'), insideChar(text, '🚀') + 1].sort((a, b) => a - b)
    const events = await collect(await open(await serve(splitBytes(text, cuts), { contentType: NDJSON })))
    expect(events).toEqual([
      { event: 'message', data: '{"data":"{\\"title\\": \\"Résumé parser"}' },
      { event: 'message', data: '{"data":" 🚀\\", \\"steps\\": []}"}' },
    ])
  })

  it('skips blank lines and strips CR from CRLF line endings', async () => {
    const url = await serve(['{"data":"a"}\r\n\r\n', '\n{"data":"b"}\r\n'], { contentType: NDJSON })
    expect(await collect(await open(url))).toEqual([
      { event: 'message', data: '{"data":"a"}' },
      { event: 'message', data: '{"data":"b"}' },
    ])
  })

  it('still yields a last line without a newline', async () => {
    const url = await serve(['{"data":"a"}\n', '{"plan":{"steps":[{"name":"Ship"}]}}'], { contentType: NDJSON })
    expect(await collect(await open(url))).toEqual([
      { event: 'message', data: '{"data":"a"}' },
      { event: 'message', data: '{"plan":{"steps":[{"name":"Ship"}]}}' },
    ])
  })

  it('treats SSE-looking text as plain lines when the content type says NDJSON', async () => {
    const url = await serve(['data: {"x":1}\n'], { contentType: NDJSON })
    expect(await collect(await open(url))).toEqual([{ event: 'message', data: 'data: {"x":1}' }])
  })
})

describe('readEvents: no content type (format sniffed from the first bytes)', () => {
  it('recognises SSE by its first field', async () => {
    const url = await serve(['event: progress\ndata: {"progress":1}\n\n', 'data: {"data":"x"}\n\n'])
    expect(await collect(await open(url))).toEqual([
      { event: 'progress', data: '{"progress":1}' },
      { event: 'message', data: '{"data":"x"}' },
    ])
  })

  it('recognises SSE that starts with a comment, after leading blank lines', async () => {
    const url = await serve(['\n\n', ': stream opened\n\n', 'data: {"data":"x"}\n\n'])
    expect(await collect(await open(url))).toEqual([{ event: 'message', data: '{"data":"x"}' }])
  })

  it('recognises NDJSON by a leading JSON value', async () => {
    const url = await serve(['  {"data":"a"}\n{"da', 'ta":"b"}\n'])
    expect(await collect(await open(url))).toEqual([
      { event: 'message', data: '{"data":"a"}' },
      { event: 'message', data: '{"data":"b"}' },
    ])
  })

  it('recognises SSE when the first read ends before the first field name is complete', async () => {
    const url = await serve(['da', 'ta: {"data":"x"}\n\n', 'event: complete\ndata: {"plan":{}}\n\n'], { gapMs: 30 })
    expect(await collect(await open(url))).toEqual([
      { event: 'message', data: '{"data":"x"}' },
      { event: 'complete', data: '{"plan":{}}' },
    ])
  })

  it('yields nothing for an empty body', async () => {
    const url = await serve([], { contentType: SSE })
    expect(await collect(await open(url))).toEqual([])
  })
})

describe('readEvents: failures mid-stream', () => {
  it('a connection dropped mid-stream throws an "interrupted" PlannerError after the events that arrived', async () => {
    const url = await serve(['event: progress\ndata: {"progress":10}\n\n', 'event: progress\ndata: {"prog', 'destroy'], { contentType: SSE })
    const origin = new URL(url).origin
    const seen: StreamEvent[] = []
    const failure = await (async () => {
      try {
        for await (const event of await open(url)) seen.push(event)
      } catch (error) {
        return error
      }
      return undefined
    })()

    expect(seen).toEqual([{ event: 'progress', data: '{"progress":10}' }])
    expect(failure).toBeInstanceOf(PlannerError)
    const error = failure as PlannerError
    expect(error.reason).toBe('interrupted')
    expect(error.message).toContain(origin)
    expect(error.message).not.toContain('/task-planning/plan/stream')
    expect(error.message).toMatch(/not retried/)
  })

  it('a dropped NDJSON stream is interrupted too', async () => {
    const url = await serve(['{"data":"a"}\n', '{"data":"b', 'destroy'], { contentType: NDJSON })
    await expect(collect(await open(url))).rejects.toMatchObject({ name: 'PlannerError', reason: 'interrupted' })
  })

  it('an abort with a cancellation reason rethrows that reason, not an interruption', async () => {
    const url = await serve(['event: progress\ndata: {"progress":10}\n\n', 'event: progress\ndata: {"progress":20}\n\n'], { contentType: SSE, hang: true })
    const controller = new AbortController()
    const reason = new Error('cancelled')
    const events = await open(url, controller.signal)
    const seen: StreamEvent[] = []

    const failure = await (async () => {
      try {
        for await (const event of events) {
          seen.push(event)
          if (seen.length === 1) controller.abort(reason)
        }
      } catch (error) {
        return error
      }
      return undefined
    })()

    expect(seen[0]).toEqual({ event: 'progress', data: '{"progress":10}' })
    expect(failure).toBe(reason)
    expect(failure).not.toBeInstanceOf(PlannerError)
  })

  it('an AbortSignal.timeout firing mid-stream throws a "timeout" PlannerError', async () => {
    const url = await serve(['event: progress\ndata: {"progress":10}\n\n'], { contentType: SSE, hang: true })
    const signal = AbortSignal.timeout(100)
    const seen: StreamEvent[] = []
    const failure = await (async () => {
      try {
        for await (const event of await open(url, signal)) seen.push(event)
      } catch (error) {
        return error
      }
      return undefined
    })()

    expect(seen).toEqual([{ event: 'progress', data: '{"progress":10}' }])
    expect(failure).toBeInstanceOf(PlannerError)
    expect((failure as PlannerError).reason).toBe('timeout')
  })
})
