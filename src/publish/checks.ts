/**
 * Keeps a reader's ticks across re-plans. Steps are top-level task items rendered as
 * `- [ ] **3. Name**`; subtasks are nested task items. Keys ignore numbering, case and punctuation,
 * so a step keeps its tick when it moves or the planner rewords its capitalisation.
 */
export interface CheckedItem {
  key: string
  /** The item's text as the reader saw it, for listing ticks that no longer match a step. */
  text: string
}

const TASK_ITEM = /^( *)[-*+] \[([ xX])\] (.*)$/

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

/** Every ticked item of a rendered plan, keyed like the renderer keys them. */
export function checkedItems(markdown: string): CheckedItem[] {
  const checked: CheckedItem[] = []
  let stepKey = ''
  let inDetails = false
  for (const line of markdown.split('\n')) {
    // Task-looking lines inside our collapsible details are planner text, not the reader's ticks.
    if (/^\s*<details>/.test(line)) inDetails = true
    if (/^\s*<\/details>/.test(line)) inDetails = false
    const match = TASK_ITEM.exec(line)
    if (!match || inDetails) continue
    const [, indent, mark, text] = match as unknown as [string, string, string, string]
    const topLevel = indent.length === 0
    const key = topLevel ? itemKey(text) : subtaskKey(stepKey, text)
    if (topLevel) stepKey = key
    if (mark !== ' ') checked.push({ key, text: displayText(text) })
  }
  return checked
}

function displayText(text: string): string {
  return text.replace(/^\*\*(.*?)\*\*.*$/, '$1').replace(/^\d+\.\s+/, '').trim()
}
