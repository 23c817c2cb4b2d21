import { Worker } from 'node:worker_threads'

/**
 * Regular-expression search over texts with a time bound. The model writes the pattern, and a
 * JavaScript regular expression can backtrack for longer than the run has (`(a+)+$` on a long line):
 * once started it cannot be interrupted on the thread that runs it. So the matching runs on a worker
 * thread, which is terminated when the time is up; whatever it found by then is kept. The worker runs
 * only the fixed code below, never anything from the repository.
 */
export interface SearchRequest {
  /** Texts to search, with `\n` line ends. */
  texts: readonly string[]
  source: string
  flags: string
  maxMatches: number
  timeoutMs: number
  signal?: AbortSignal
}

export interface SearchHit {
  /** Index into `texts`. */
  text: number
  /** 1-based. */
  line: number
  /** 0-based index of the match in its line. */
  column: number
  /** Length of the match. */
  length: number
}

export interface SearchResult {
  hits: SearchHit[]
  /** Texts searched to the end (all of them unless stopped). */
  searched: number
  /** `failed`: the worker died (out of memory, say) before it was done. */
  stopped: 'done' | 'max-matches' | 'timeout' | 'failed'
}

// CommonJS, as eval workers are; the same loop for every request. Messages carry flat arrays of
// [text, line, column, length] quadruples, posted per text so a timeout keeps what was found.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { texts, source, flags, maxMatches } = workerData
const re = new RegExp(source, flags)
let total = 0
for (let t = 0; t < texts.length; t++) {
  const text = texts[t]
  const hits = []
  let start = 0
  let line = 1
  while (start <= text.length && total < maxMatches) {
    let end = text.indexOf('\\n', start)
    if (end === -1) end = text.length
    const match = re.exec(text.slice(start, end))
    if (match) {
      hits.push(t, line, match.index, match[0].length)
      total++
    }
    start = end + 1
    line++
  }
  parentPort.postMessage({ hits, searched: t + 1 })
  if (total >= maxMatches) break
}
parentPort.postMessage({ done: true, full: total >= maxMatches })
`

/** Runs the search on a worker thread; rejects only for a bad pattern (a SyntaxError) or an abort. */
export function searchTexts(request: SearchRequest): Promise<SearchResult> {
  // Compiled here first so that a bad pattern is reported plainly, not as a worker crash.
  new RegExp(request.source, request.flags)
  request.signal?.throwIfAborted()
  return new Promise((resolve, reject) => {
    const hits: SearchHit[] = []
    let searched = 0
    let settled = false
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { texts: request.texts, source: request.source, flags: request.flags, maxMatches: request.maxMatches },
      // A pattern may also allocate without end; the worker dies instead of the run.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    })
    const finish = (outcome: SearchResult | Error): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      if (outcome instanceof Error) reject(outcome)
      else resolve(outcome)
    }
    const timer = setTimeout(() => finish({ hits, searched, stopped: 'timeout' }), request.timeoutMs)
    const onAbort = (): void => finish(request.signal?.reason instanceof Error ? request.signal.reason : new Error('aborted'))
    request.signal?.addEventListener('abort', onAbort)
    worker.on('message', (message: { hits?: number[]; searched?: number; done?: boolean; full?: boolean }) => {
      if (message.hits) {
        for (let i = 0; i + 3 < message.hits.length; i += 4) {
          hits.push({ text: message.hits[i]!, line: message.hits[i + 1]!, column: message.hits[i + 2]!, length: message.hits[i + 3]! })
        }
        searched = message.searched ?? searched
      }
      if (message.done) finish({ hits, searched, stopped: message.full ? 'max-matches' : 'done' })
    })
    worker.on('error', () => finish({ hits, searched, stopped: 'failed' }))
    worker.on('exit', () => finish({ hits, searched, stopped: 'failed' }))
  })
}
