import type { PlanStep } from './plan.js'

/**
 * The dependencies between a plan's steps, checked: planners name them by 1-based number ("3",
 * "step 3", "#3") or by name ("Domain CRUD API", in any case and punctuation), and may get them
 * wrong. Every reference either resolves to another step or is dropped with a reason, never silently.
 */
export interface DependencyGraph {
  /** For each step (by index), the 1-based numbers of the steps it comes after, ascending. */
  after: number[][]
  /** References that were dropped, in plan order. */
  dropped: DroppedReference[]
}

export interface DroppedReference {
  /** 1-based number of the step that made the reference. */
  step: number
  /** The reference as the planner wrote it. */
  reference: string
  /**
   * `unknown`: no such step; `self`: the step itself; `cycle`: it would close a cycle (`via` is the
   * chain that already leads back); `not-shown`: the step it names was left out of the comment.
   */
  reason: 'unknown' | 'self' | 'cycle' | 'not-shown'
  /** The step it named, when it named one. */
  target?: number
  /** For a cycle: the target's chain of dependencies that already reaches back to `step`, from `target` to `step`. */
  via?: number[]
}

/** Words planners write for "no dependency"; not references to anything. */
const NONE = /^(?:none|n\/?a|nothing|no dependencies|-+|—|–|null|nil|keine)$/i
/** "3", "#3", "step 3", "Step #3", "task 3", "Schritt 3". */
const NUMBER_ONLY = /^(?:(?:step|task|schritt|étape|paso)\s*)?#?\s*(\d+)\.?$/i
/** "3. Name", "Step 3: Name", "step 3 (Name)", "#3 - Name". */
const NUMBER_THEN_NAME = /^(?:(?:step|task|schritt|étape|paso)\s*)?#?\s*(\d+)\s*(?:[.:)\-–—]\s*|\(|\s+)(.+?)\)?$/i
/** A partial name must be at least this long to count, so "api" does not pick a step at random. */
const MIN_PARTIAL = 6

/** A name as a comparison key: no emphasis, numbering, case or punctuation. */
export function nameKey(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * Resolves every step's dependencies. `shown` steps are in the comment; a reference to a step
 * after them is dropped as `not-shown`. Links to earlier steps are kept first; a link to a later
 * step is kept unless it closes a cycle, so the planner's order wins over its odd forward reference.
 */
export function resolveDependencies(steps: readonly Pick<PlanStep, 'name' | 'dependencies'>[], shown = steps.length): DependencyGraph {
  const keys = steps.map((s) => nameKey(s.name))
  const dropped: DroppedReference[] = []
  const wanted: { step: number; target: number; reference: string }[] = []
  steps.slice(0, shown).forEach((step, index) => {
    const own = index + 1
    for (const raw of step.dependencies) {
      const reference = raw.trim()
      if (reference === '' || NONE.test(reference)) continue
      const target = resolveReference(reference, own, keys)
      if (target === undefined) dropped.push({ step: own, reference, reason: 'unknown' })
      else if (target === own) dropped.push({ step: own, reference, reason: 'self', target })
      else if (target > shown) dropped.push({ step: own, reference, reason: 'not-shown', target })
      else wanted.push({ step: own, target, reference })
    }
  })
  const after: Set<number>[] = steps.slice(0, shown).map(() => new Set())
  // Backward links cannot form a cycle among themselves; forward ones are checked against them.
  for (const link of wanted.filter((l) => l.target < l.step)) after[link.step - 1]!.add(link.target)
  for (const link of wanted.filter((l) => l.target > l.step)) {
    if (after[link.step - 1]!.has(link.target)) continue
    const via = chainBetween(after, link.target, link.step)
    if (via) dropped.push({ step: link.step, reference: link.reference, reason: 'cycle', target: link.target, via })
    else after[link.step - 1]!.add(link.target)
  }
  dropped.sort((a, b) => a.step - b.step)
  return { after: after.map((set) => [...set].sort((a, b) => a - b)), dropped }
}

/** The step a reference names (1-based), or undefined. */
function resolveReference(reference: string, own: number, keys: string[]): number | undefined {
  const total = keys.length
  const numbered = NUMBER_ONLY.exec(reference)
  if (numbered) {
    const n = Number(numbered[1])
    return n >= 1 && n <= total ? n : undefined
  }
  const byName = stepNamed(nameKey(reference), own, keys)
  if (byName !== undefined) return byName
  const prefixed = NUMBER_THEN_NAME.exec(reference)
  if (prefixed) {
    const n = Number(prefixed[1])
    // The name after the number decides when it names a step; otherwise the number does.
    return stepNamed(nameKey(prefixed[2]!), own, keys) ?? (n >= 1 && n <= total ? n : undefined)
  }
  return undefined
}

/**
 * The step with this name key: exactly, else the one step whose name contains it (or that it
 * contains) as whole words. Among equal names, another step wins over the step itself, and the
 * nearest earlier one over later ones.
 */
function stepNamed(key: string, own: number, keys: string[]): number | undefined {
  if (key === '') return undefined
  const exact = keys.flatMap((k, i) => (k === key ? [i + 1] : []))
  if (exact.length > 0) return preferred(exact, own)
  if (key.length < MIN_PARTIAL) return undefined
  const partial = keys.flatMap((k, i) => (k.length >= MIN_PARTIAL && (containsWords(k, key) || containsWords(key, k)) ? [i + 1] : []))
  const others = partial.filter((n) => n !== own)
  return others.length === 1 ? others[0] : undefined
}

function preferred(candidates: number[], own: number): number {
  const others = candidates.filter((n) => n !== own)
  if (others.length === 0) return own
  const earlier = others.filter((n) => n < own)
  return earlier.length > 0 ? earlier.at(-1)! : others[0]!
}

function containsWords(haystack: string, needle: string): boolean {
  return ` ${haystack} `.includes(` ${needle} `)
}

/** A chain of "comes after" links from `from` that reaches `to` (both included), or undefined. */
function chainBetween(after: Set<number>[], from: number, to: number): number[] | undefined {
  const previous = new Map<number, number>([[from, 0]])
  const queue = [from]
  while (queue.length > 0) {
    const current = queue.shift()!
    if (current === to) {
      const chain = [current]
      while (chain[0] !== from) chain.unshift(previous.get(chain[0]!)!)
      return chain
    }
    for (const next of after[current - 1] ?? []) {
      if (previous.has(next)) continue
      previous.set(next, current)
      queue.push(next)
    }
  }
  return undefined
}

/** Number of "comes after" links in a graph. */
export function linkCount(graph: DependencyGraph): number {
  return graph.after.reduce((sum, list) => sum + list.length, 0)
}

export interface CriticalPath {
  /** 1-based step numbers, first to last. */
  steps: number[]
  /** Hours along it, counting the steps with an estimate. */
  hours: number
  /** Whether every step on it has an estimate. */
  estimated: boolean
}

/**
 * The longest chain of dependent steps: by estimated hours, then by number of steps (so a plan
 * without estimates still has one). Undefined when no step depends on another.
 */
export function criticalPath(graph: DependencyGraph, hours: readonly (number | undefined)[]): CriticalPath | undefined {
  if (linkCount(graph) === 0) return undefined
  const best = new Map<number, CriticalPath>()
  const longest = (step: number): CriticalPath => {
    const known = best.get(step)
    if (known) return known
    const own = hours[step - 1]
    let chain: CriticalPath = { steps: [], hours: 0, estimated: true }
    for (const before of graph.after[step - 1] ?? []) {
      const candidate = longest(before)
      if (longer(candidate, chain)) chain = candidate
    }
    const result = { steps: [...chain.steps, step], hours: chain.hours + (own ?? 0), estimated: chain.estimated && own !== undefined }
    best.set(step, result)
    return result
  }
  let path: CriticalPath | undefined
  for (let step = 1; step <= graph.after.length; step++) {
    const candidate = longest(step)
    if (!path || longer(candidate, path)) path = candidate
  }
  return path && path.steps.length > 1 ? path : undefined
}

function longer(a: CriticalPath, b: CriticalPath): boolean {
  return a.hours > b.hours || (a.hours === b.hours && a.steps.length > b.steps.length)
}
