import { createParser } from 'eventsource-parser'
import { interrupted } from './http.js'

export interface StreamEvent {
  /** SSE event type (`message` when the frame names none, and for NDJSON lines). */
  event: string
  data: string
}

/**
 * Reads a streaming reply as events: Server-Sent Events (parsed by eventsource-parser) or
 * newline-delimited JSON, told apart by the content type or, failing that, by the first bytes.
 * A last frame without its terminating blank line or newline still counts. A connection that breaks
 * mid-stream surfaces as an `interrupted` PlannerError: it is never retried, the plan already ran.
 */
export async function* readEvents(response: Response, url: string, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  const body = response.body
  if (!body) return
  const contentType = response.headers.get('content-type') ?? ''
  let format: 'sse' | 'ndjson' | undefined = contentType.includes('text/event-stream') ? 'sse' : /ndjson|jsonl|json-seq/.test(contentType) ? 'ndjson' : undefined

  const pending: StreamEvent[] = []
  const sse = createParser({ onEvent: (m) => pending.push({ event: m.event ?? 'message', data: m.data }) })
  let lineBuffer = ''
  const feedLines = (text: string, final: boolean): void => {
    lineBuffer += text
    const lines = lineBuffer.split('\n')
    lineBuffer = final ? '' : (lines.pop() ?? '')
    for (const line of lines) if (line.trim() !== '') pending.push({ event: 'message', data: line.trim() })
  }

  const decoder = new TextDecoder()
  let sniffed = ''
  const reader = body.getReader()
  try {
    while (true) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch (error) {
        throw interrupted(error, url, signal)
      }
      const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true })
      if (format === undefined) {
        sniffed += text
        // Wait for a whole first line: "da" alone could be SSE's "data:" or anything else.
        if (!sniffed.trimStart().includes('\n') && !chunk.done) continue
        format = /^(data|event|id|retry)?:/.test(sniffed.trimStart()) ? 'sse' : 'ndjson'
        feed(sniffed, chunk.done)
      } else {
        feed(text, chunk.done)
      }
      yield* pending.splice(0)
      if (chunk.done) return
    }
  } finally {
    reader.releaseLock()
  }

  function feed(text: string, done: boolean): void {
    if (format === 'sse') {
      sse.feed(text)
      // An unterminated last frame is still an event: end its line and the frame.
      if (done) sse.feed('\n\n')
    } else {
      feedLines(text, done)
    }
  }
}
