import { z } from 'zod'
import { parseExcludeInput } from './planners/llm/explore/policy.js'
import { LLM_PLANNERS, PROVIDERS, isLlmPlanner } from './planners/llm/providers.js'

import { InputError } from './input-error.js'

export { InputError }

export const PLANNERS = ['outline', 'kubiya', 'task-planning', ...LLM_PLANNERS] as const
export type PlannerName = (typeof PLANNERS)[number]

export interface Inputs {
  githubToken: string
  label: string
  /** Raw `issue-number` input; only read for workflow_dispatch. */
  issueNumber: string
  planner: PlannerName
  plannerUrl: string
  plannerApiKey: string
  /** The model (or Azure deployment) an LLM planner asks; empty for the other planners. */
  model: string
  /** Azure OpenAI resource name (AZURE_RESOURCE_NAME), used when `planner-url` is empty. */
  azureResource: string
  /** Most tokens an LLM planner may write for one plan. */
  maxOutputTokens: number
  /** Let an LLM planner read the repository (list, find, search, read) before it plans. */
  explore: boolean
  /** Most tool calls and characters returned while exploring; unset takes the defaults of the source (checkout or API). */
  exploreMaxCalls?: number
  exploreMaxChars?: number
  /** Globs of paths the exploration never shows nor reads, besides the built-in secret files. */
  exclude: string[]
  plannerTimeoutMs: number
  /** Raw `context` input (YAML or JSON); parsed by the context stage so its error reaches the comment. */
  context: string
  contextBudget: number
  maxSteps: number
  dryRun: boolean
  /** Use the planners' streaming routes and show progress in the comment. */
  stream: boolean
  /** Least time between two progress edits of the comment. */
  progressIntervalMs: number
  /** Label added while the planner waits for more detail; empty disables. */
  needsInfoLabel: string
  /** Comment command that re-plans (`/plan`); empty disables. */
  command: string
  /** Remove the trigger label after planning, so applying it again re-plans. */
  removeLabel: boolean
  /** Where the steps go: a checklist comment, or linked sub-issues (with the comment listing them). */
  output: 'comment' | 'sub-issues'
  /** Labels for created sub-issues. */
  subIssueLabels: string[]
}

/** Reads one input by its action.yml name; empty string when unset. */
export type GetInput = (name: string) => string

function positiveInt(name: string, raw: string, fallback: number, max: number): number {
  if (raw.trim() === '') return fallback
  const parsed = z.coerce.number().int().min(1).max(max).safeParse(raw.trim())
  if (!parsed.success) {
    throw new InputError(`Input \`${name}\` must be a whole number from 1 to ${max}; got "${raw}".`)
  }
  return parsed.data
}

/** A whole number the user may leave unset, as `{ [key]: n }` or nothing. */
function optionalInt<K extends string>(name: string, raw: string, max: number, key: K): Partial<Record<K, number>> {
  return raw.trim() === '' ? {} : ({ [key]: positiveInt(name, raw, 1, max) } as Partial<Record<K, number>>)
}

function bool(name: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim().toLowerCase()
  if (value === '') return fallback
  if (['true', 'yes', '1', 'on'].includes(value)) return true
  if (['false', 'no', '0', 'off'].includes(value)) return false
  throw new InputError(`Input \`${name}\` must be true or false; got "${raw}".`)
}

/** Parses and checks every input; defaults mirror action.yml so the CLI and tests behave alike. */
export function parseInputs(getInput: GetInput, env: Record<string, string | undefined> = {}): Inputs {
  const planner = (getInput('planner').trim() || 'outline').toLowerCase()
  if (!(PLANNERS as readonly string[]).includes(planner)) {
    throw new InputError(`Input \`planner\` must be one of ${PLANNERS.join(', ')}; got "${planner}".`)
  }
  const plannerUrl = getInput('planner-url').trim().replace(/\/+$/, '')
  if (plannerUrl && !/^https?:\/\/[^\s/]+/i.test(plannerUrl)) {
    throw new InputError(`Input \`planner-url\` must be an http(s) URL such as https://planner.example.com; got "${plannerUrl}".`)
  }
  const label = getInput('label').trim() || 'plan-me'
  return {
    githubToken: getInput('github-token').trim(),
    label,
    issueNumber: getInput('issue-number').trim(),
    planner: planner as PlannerName,
    plannerUrl,
    plannerApiKey: getInput('planner-api-key').trim() || keyFromEnvironment(planner as PlannerName, env),
    model: getInput('model').trim(),
    azureResource: (env.AZURE_RESOURCE_NAME ?? '').trim(),
    maxOutputTokens: positiveInt('max-output-tokens', getInput('max-output-tokens'), DEFAULT_MAX_OUTPUT_TOKENS, 200_000),
    explore: bool('explore', getInput('explore'), true),
    ...optionalInt('explore-max-calls', getInput('explore-max-calls'), 100, 'exploreMaxCalls'),
    ...optionalInt('explore-max-chars', getInput('explore-max-chars'), 1_000_000, 'exploreMaxChars'),
    exclude: parseExcludeInput(getInput('exclude')),
    plannerTimeoutMs: positiveInt('planner-timeout', getInput('planner-timeout'), 300, 3600) * 1000,
    context: getInput('context'),
    contextBudget: positiveInt('context-budget', getInput('context-budget'), 16_000, 200_000),
    maxSteps: positiveInt('max-steps', getInput('max-steps'), 25, 100),
    dryRun: bool('dry-run', getInput('dry-run'), false),
    stream: bool('stream', getInput('stream'), true),
    progressIntervalMs: positiveInt('progress-interval', getInput('progress-interval'), 5, 600) * 1000,
    needsInfoLabel: getInput('needs-info-label').trim(),
    command: getInput('command').trim(),
    removeLabel: bool('remove-label', getInput('remove-label'), true),
    output: outputMode(getInput('output')),
    subIssueLabels: getInput('sub-issue-labels')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  }
}

/** Room for a 25-step plan with criteria, risks and files (about 250 tokens a step), and its overview. */
const DEFAULT_MAX_OUTPUT_TOKENS = 8_000

/** The planner's conventional key variable, read when `planner-api-key` is empty. */
function keyFromEnvironment(planner: PlannerName, env: Record<string, string | undefined>): string {
  const names = planner === 'kubiya' ? ['KUBIYA_API_KEY'] : isLlmPlanner(planner) ? PROVIDERS[planner].keyVariables : []
  for (const name of names) {
    const value = (env[name] ?? '').trim()
    if (value) return value
  }
  return ''
}

function outputMode(raw: string): Inputs['output'] {
  const value = raw.trim().toLowerCase() || 'comment'
  if (value !== 'comment' && value !== 'sub-issues') {
    throw new InputError(`Input \`output\` must be comment or sub-issues; got "${raw}".`)
  }
  return value
}

/** Reads `issue-number`: a clear error when it is missing or not a positive whole number. */
export function parseIssueNumber(raw: string): number {
  const value = raw.trim().replace(/^#/, '')
  if (value === '') {
    throw new InputError('Input `issue-number` is required when the workflow is dispatched: pass the number of the issue to plan, e.g. `issue-number: ${{ inputs.issue-number }}`.')
  }
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InputError(`Input \`issue-number\` must be an issue number such as 42; got "${raw}".`)
  }
  return Number(value)
}
