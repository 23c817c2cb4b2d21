import { scanMarkdown } from '../markdown/scan.js'
import type { PlanStep } from '../plan.js'

/**
 * Keeps a reader's ticks across re-plans. Steps are top-level task items rendered as
 * `- [ ] **3. Name**`; subtasks are nested task items. Keys ignore numbering, case and punctuation,
 * so a step keeps its tick when it moves or the planner rewords its capitalisation.
 */
export interface CheckedItem {
  key: string
  /** The item's text as the reader saw it, for listing ticks that no longer match a step. */
  text: string
  /** For a subtask, its step's text: a kept tick names it so it finds its step again later. */
  step?: string
}

const TASK_ITEM = /^( *)[-*+] \[([ xX])\] (.*)$/
/** Heading of the list of ticks kept from earlier plans; its items are `Step › Subtask` or `Step`. */
export const EARLIER_TICKS_HEADING = '**Ticked in an earlier plan**'
const STEP_SEPARATOR = ' › '

/** Normalises an item's visible text into a key: no numbering, emphasis, punctuation or case. */
export function itemKey(text: string): string {
  return text
    .replace(/&#8203;/g, '')
    .replace(/^\*\*(.*?)\*\*.*$/, '$1')
    .replace(/^\d+\.\s+/, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** A subtask's key includes its step's, so "Write tests" under two steps are two items. */
export function subtaskKey(stepKey: string, text: string): string {
  return `${stepKey} > ${itemKey(text)}`
}

/** Subtasks the plan itself marks done (`context.done_subtasks`: the outline planner's copy of ticks in the issue). */
export function doneSubtasks(step: PlanStep): Set<string> {
  const done = step.context?.done_subtasks
  return new Set(Array.isArray(done) ? done.filter((name): name is string => typeof name === 'string') : [])
}

/** How a kept tick is written in the earlier-ticks list. */
export function earlierTickLine(item: CheckedItem): string {
  return `- [x] ${item.step ? `${item.step}${STEP_SEPARATOR}` : ''}${item.text}`
}

/** Every ticked item of a rendered plan, keyed like the renderer keys them. */
export function checkedItems(markdown: string): CheckedItem[] {
  const checked: CheckedItem[] = []
  let step = { key: '', text: '' }
  let inDetails = false
  let inEarlierTicks = false
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    // Task-looking lines inside our collapsible details are planner text, not the reader's ticks.
    if (/^\s*<details>/.test(line)) inDetails = true
    if (/^\s*<\/details>/.test(line)) inDetails = false
    if (line.startsWith(EARLIER_TICKS_HEADING)) inEarlierTicks = true
    const match = TASK_ITEM.exec(line)
    if (!match || inDetails) continue
    const [, indent, mark, raw] = match as unknown as [string, string, string, string]
    const text = displayText(raw)
    let item: CheckedItem
    if (inEarlierTicks) {
      const at = text.indexOf(STEP_SEPARATOR)
      item = at === -1 ? { key: itemKey(text), text } : earlierSubtask(text.slice(0, at), text.slice(at + STEP_SEPARATOR.length))
    } else if (indent.length === 0) {
      step = { key: itemKey(raw), text }
      item = { key: step.key, text }
    } else {
      item = { key: subtaskKey(step.key, raw), text, step: step.text }
    }
    if (mark !== ' ') checked.push(item)
  }
  return checked
}

function earlierSubtask(stepText: string, text: string): CheckedItem {
  return { key: subtaskKey(itemKey(stepText), text), text, step: stepText }
}

/** Fenced code (a planner's example checklist, say) is never the reader's ticks. */
function withoutCodeBlocks(markdown: string): string {
  return scanMarkdown(markdown)
    .map((s) => (s.kind === 'block' ? '\n'.repeat(s.text.split('\n').length - 1) : s.text))
    .join('')
}

function displayText(text: string): string {
  return text.replace(/^\*\*(.*?)\*\*.*$/, '$1').replace(/^\d+\.\s+/, '').trim()
}
