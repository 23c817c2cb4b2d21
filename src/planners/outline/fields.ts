import { normalise } from './text.js'

/**
 * What a section of an issue is, judged by its heading. Issue forms and templates (GitHub's own bug
 * report and feature request among them) give every field a heading; these are the fields that are
 * never work in themselves. Only the bug and feature plans read them by name: what counts as a task
 * list is decided by structure, in any language.
 */
export type FieldRole =
  /** "Is there an existing issue for this?", "Code of Conduct": the reporter's own ticks. */
  | 'acknowledgement'
  /** "Contact details", "Anything else?", "Are you willing to submit a PR?". */
  | 'meta'
  | 'media'
  | 'logs'
  | 'environment'
  | 'repro'
  | 'expected'
  | 'actual'
  | 'cause'
  | 'alternatives'
  | 'solution'
  | 'problem'

/** Tested in order against the normalised heading (lowercase, punctuation gone). */
const ROLES: readonly (readonly [FieldRole, RegExp])[] = [
  [
    'acknowledgement',
    /^(?:is there an existing (?:issue|feature request|request|discussion|pr)|(?:have you )?(?:searched|checked) (?:the )?existing|code of conduct|(?:pre ?flight|pre submission|submission|prerequisite) checklist|before (?:submitting|you submit|opening)|terms|agreements?|(?:contribution|contributing) guidelines|validations?)\b/,
  ],
  [
    'meta',
    /^(?:contact(?: details| info(?:rmation)?)?|anything else|additional (?:context|information|info|notes|details|comments)|other (?:context|information|details)|further (?:information|context)|(?:are you |would you be |would you )?(?:willing|interested|able) to (?:submit|contribute|help|work|implement|open)|would you like to (?:work|contribute|submit|implement|help)|priority|severity|urgency|labels?|sponsorship)\b/,
  ],
  ['media', /^(?:screenshots?|screen ?shots?|screen recordings?|videos?|recordings?|attachments?)\b/],
  [
    'logs',
    /^(?:(?:relevant |full |error |console |crash |build )?(?:logs?|log output|output|error messages?|stack ?traces?|tracebacks?|crash reports?)|ログ|日志|protokoll)$|\blog output$/,
  ],
  [
    'environment',
    /^(?:(?:your |test |runtime |system |build )?(?:environment|env|setup)(?: details| info(?:rmation)?)?|system info(?:rmation)?|platforms?|operating systems?|os|browsers?|devices?|hardware|(?:desktop|smartphone)\b.*|(?:\S+ ){0,2}versions?|(?:what|which) .*\b(?:browsers?|platforms?|os|operating systems?|devices?|versions?)\b.*|umgebung|entorno|environnement|環境|动作环境|動作環境)$/,
  ],
  ['repro', /reprodu|\brepro\b|how to trigger|再現|重现|复现/],
  ['expected', /^expected|\bexpected (?:behaviou?r|result|outcome)|what did you expect|erwartet|attendu|esperado|期待/],
  [
    'actual',
    /^(?:(?:current|actual|observed) (?:behaviou?r|results?)|what happened|describe the bug|bug description|what went wrong|what is the bug|tatsächliches? verhalten|現在の動作|実際の動作)\b|^(?:the )?bug$/,
  ],
  ['cause', /\b(?:root )?cause\b|ursache|原因/],
  ['alternatives', /\balternatives?\b/],
  [
    'solution',
    /\bsolution\b|^(?:proposal|proposed (?:change|feature|fix|api|design)|possible fix|suggested (?:fix|change|feature)|workaround|describe the feature|feature description|what would you like|idea)\b/,
  ],
  ['problem', /related to a problem|^(?:the )?problem\b|^motivation\b|^use cases?\b|^why\b/],
]

/** The role of a section, from its heading; undefined for the issue's own sections. */
export function fieldRole(heading: string): FieldRole | undefined {
  const name = normalise(heading)
  return ROLES.find(([, pattern]) => pattern.test(name))?.[0]
}

/** Fields that are the reporter's answers about the form, never steps (and never plan text). */
export function isBoilerplateRole(role: FieldRole | undefined): boolean {
  return role === 'acknowledgement' || role === 'meta' || role === 'media' || role === 'logs' || role === 'environment'
}

/** Headings that describe the issue rather than name a piece of work. */
const DESCRIPTIVE =
  /^(?:description|summary|overview|background|context|details|notes?|about|introduction|intro|goals?|non goals?|rationale|out of scope|not in scope|open questions|questions|references|links|related(?: issues| work)?|see also|resources|glossary|faq)$/

export function isDescriptive(heading: string): boolean {
  return DESCRIPTIVE.test(normalise(heading))
}

/** Section and label names whose lists are the author's own plan (compared after `normalise`). */
const PLANNING_NAME =
  /^(?:(?:next|implementation|proposed|action)\s+)?(?:tasks?(?:\s+list)?|steps?|plan|acceptance\s+criteria|to-?\s?dos?|checklist|deliverables?|work\s+items?|implementation|requirements?)$/

export function isPlanningName(text: string): boolean {
  return PLANNING_NAME.test(normalise(text))
}

/** What templates leave behind in a field nobody filled in, e.g. GitHub issue forms' "_No response_". */
const EMPTY_ANSWER = new Set(['no response', 'n/a', 'na', 'none', 'tbd', '-', '—', 'no', 'nothing'])

/**
 * Text a template put there for the reporter to replace, as GitHub's default templates word it
 * ("A clear and concise description of what the bug is.", "Go to '...'", "OS: [e.g. iOS]").
 */
const PLACEHOLDER =
  /^(?:a clear and concise description\b|add any other context\b|if applicable, add screenshots\b|steps to reproduce the behaviou?r:?$|tell us what you see!?$|a bug happened!?$)|'\.{3,}'|\[e\.g\.[^\]]*\]/i

export function isBoilerplateText(text: string): boolean {
  const plain = text.trim()
  return plain === '' || EMPTY_ANSWER.has(plain.toLowerCase().replace(/[.!]$/, '')) || PLACEHOLDER.test(plain)
}

/**
 * Issue forms render their checkbox fields as task items ("- [x] I agree to follow the Code of
 * Conduct", "- [X] I have searched existing issues"); those first-person ticks are not work.
 */
export function isAcknowledgement(itemText: string): boolean {
  return /^I(?:['’](?:ve|m|d))?\s/.test(itemText.trim()) || /^(?:yes|no),?\s+I\b/i.test(itemText.trim())
}

/** A bug, by its labels or a title such as "[Bug]: …" or "Bug: …". */
export function looksLikeBug(title: string, labels: readonly string[]): boolean {
  return labels.some((label) => /^(?:(?:type|kind)[:/ ]\s*)?(?:bug|defect|regression)$/i.test(label.trim())) || /^\W*(?:bug|defect)\b/i.test(title.trim())
}
