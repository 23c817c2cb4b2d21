import { parseMarker } from '../publish/marker.js'
import type { ContextSection } from './sections.js'
import { quoteUntrusted } from './untrusted.js'

/** The heading our needs-info comment puts above the planner's questions (publish/render.ts). */
const ASKED = '**Could you tell us:**'

/**
 * What our needs-info comment asked, read back so that the next plan sees what the author's answers
 * answer: the planner's numbered questions, or else the message it quoted. Nothing when the comment is
 * not a request for more detail.
 */
export function askedQuestions(commentBody: string | null | undefined): string[] {
  if (parseMarker(commentBody)?.state !== 'needs-info') return []
  const lines = (commentBody ?? '').split('\n')
  const start = lines.findIndex((line) => line.trim() === ASKED)
  if (start !== -1) {
    const questions: string[] = []
    for (const line of lines.slice(start + 1)) {
      const item = /^\d+\.\s+(.*)$/.exec(line.trim())
      if (item) questions.push(item[1]!)
      else if (line.trim() !== '' || questions.length > 0) break
    }
    return questions
  }
  // No questions: the planner's message is the first quote after the alert that opens the comment.
  const alert = lines.findIndex((line) => line.startsWith('> [!'))
  const alertEnd = alert === -1 ? 0 : lines.findIndex((line, i) => i > alert && !line.startsWith('>'))
  const quote: string[] = []
  for (const line of lines.slice(Math.max(alertEnd, 0))) {
    if (line.startsWith('>')) quote.push(line.replace(/^> ?/, ''))
    else if (quote.length > 0) break
  }
  const message = quote.join('\n').trim()
  return message ? [message] : []
}

/** The planner's earlier questions as a context section: model output, so quoted like any other text. */
export function questionsSection(questions: readonly string[]): ContextSection | null {
  if (questions.length === 0) return null
  const list = questions.map((q, i) => `${i + 1}. ${q}`).join('\n')
  return {
    key: 'questions',
    title: 'Questions the planner asked the author last time (the discussion holds the answers)',
    text: quoteUntrusted("the planner's earlier request for more detail", list),
  }
}
