import { Allow, parse } from 'partial-json'
import { type PlanStep, PlanStepSchema } from '../plan.js'

/**
 * Strips a Markdown code fence (```json … ```) around a plan document, complete or still open, so a
 * streamed reply that a model wrapped in a fence parses like a bare one.
 */
export function unfence(text: string): string {
  const open = /^\s*(`{3,}|~{3,})[^\n]*\n/.exec(text)
  if (!open) return text.trim()
  const body = text.slice(open[0].length)
  const marker = open[1]!
  // The closing fence starts a line; JSON escapes newlines inside strings, so a fence quoted in a step's
  // description can never be mistaken for it.
  const close = new RegExp(`(?:^|\\n)[ \\t]*\\${marker[0]}{${marker.length},}[ \\t]*(?:\\n|$)`).exec(body)
  return (close ? body.slice(0, close.index) : body).trim()
}

/** What can be read from an incomplete plan document: its title and the steps already complete. */
export interface PartialPlan {
  title?: string
  steps: PlanStep[]
}

/**
 * Reads the steps a streaming plan has finished so far. The document is incomplete JSON, so it is
 * parsed tolerantly (partial-json); the last step is only counted once something follows it.
 */
export function partialPlan(text: string): PartialPlan {
  const doc = unfence(text)
  if (!doc.startsWith('{')) return { steps: [] }
  let value: unknown
  try {
    // Strings still being written are left out, so a half-written title or name never shows.
    value = parse(doc, Allow.ALL & ~Allow.STR)
  } catch {
    return { steps: [] }
  }
  if (typeof value !== 'object' || value === null) return { steps: [] }
  const root = value as Record<string, unknown>
  const holder = typeof root.plan === 'object' && root.plan !== null && 'steps' in root.plan ? (root.plan as Record<string, unknown>) : root
  const raw = Array.isArray(holder.steps) ? holder.steps : []
  const finished = stepsArrayClosed(doc) ? raw : raw.slice(0, -1)
  const steps = finished.flatMap((s) => {
    const parsed = PlanStepSchema.safeParse(s)
    return parsed.success ? [parsed.data] : []
  })
  const title = [holder.title, root.title].find((t): t is string => typeof t === 'string' && t !== '')
  return title ? { title, steps } : { steps }
}

/** Whether the text has gone past the end of the `steps` array, so its last element is complete. */
function stepsArrayClosed(doc: string): boolean {
  const at = doc.search(/"steps"\s*:\s*\[/)
  if (at === -1) return false
  let depth = 0
  let inString = false
  for (let i = doc.indexOf('[', at); i < doc.length; i++) {
    const ch = doc[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') depth++
    else if (ch === ']' || ch === '}') {
      depth--
      if (depth === 0) return true
    }
  }
  return false
}
