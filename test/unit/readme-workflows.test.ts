import { readdirSync, readFileSync } from 'node:fs'
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import { truthy } from '@actions/expressions/result'
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { isScalar, parse, parseDocument, visit } from 'yaml'
import { commentEvent, dispatchEvent, labeledEvent } from '../support/events.ts'

// The workflows in the README are what users copy into their repositories, so they are checked the way
// GitHub reads them: with GitHub's own workflow parser and expression evaluator, against real webhook payloads.

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

interface YamlBlock {
  /** File and line, for failure messages. */
  where: string
  text: string
}

/** The ```yaml blocks of a Markdown text, in order. */
function yamlBlocks(markdown: string, file: string): YamlBlock[] {
  const blocks: YamlBlock[] = []
  let from = 0
  marked.walkTokens(marked.lexer(markdown), (token) => {
    if (token.type !== 'code' || !/^ya?ml\b/i.test(token.lang ?? '')) return
    const at = markdown.indexOf(token.raw, from)
    if (at >= 0) from = at + token.raw.length
    blocks.push({ where: at >= 0 ? `${file}:${markdown.slice(0, at).split('\n').length}` : file, text: token.text })
  })
  return blocks
}

const action = parse(read('action.yml')) as {
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}
const readmeBlocks = yamlBlocks(read('README.md'), 'README.md')
const exampleBlocks = readdirSync(new URL('../../examples/', import.meta.url), { recursive: true, encoding: 'utf8' }).flatMap((name) => {
  const file = `examples/${name}`
  if (/\.ya?ml$/i.test(name)) return [{ where: file, text: read(file) }]
  return name.endsWith('.md') ? yamlBlocks(read(file), file) : []
})
// Input and output descriptions are Markdown too; an example in one is copied like any other.
const descriptionBlocks = Object.entries({ ...action.inputs, ...action.outputs }).flatMap(([name, spec]) => yamlBlocks(spec.description, `action.yml ${name}`))

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)])

/**
 * A complete workflow has triggers and jobs; anything else is a fragment of one. Read from the top-level keys
 * rather than by parsing, so that a block which is not valid YAML still reaches a test that says why.
 */
const isCompleteWorkflow = (text: string): boolean => /^["']?on["']?\s*:/m.test(text) && /^["']?jobs["']?\s*:/m.test(text)

/** Everything GitHub's workflow parser reports about a workflow file (schema, expressions, job graph). */
async function workflowErrors(block: YamlBlock): Promise<string[]> {
  const parsed = parseWorkflow({ name: block.where, content: block.text }, new NoOperationTraceWriter())
  if (!parsed.value) return parsed.context.errors.getErrors().map((e) => e.message)
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  return (template.errors ?? []).map((e) => e.Message)
}

const SCRIPT_KEYS = new Set(['run', 'script'])
// Values anyone can influence: the event (issue and comment text, labels), the dispatch form, and whatever a
// matrix, job or step computed from them, such as the planner's steps.
const UNTRUSTED = /\b(?:github\s*\.\s*(?:event|head_ref)|inputs|matrix|needs\s*\.\s*[\w-]+\s*\.\s*outputs|steps\s*\.\s*[\w-]+\s*\.\s*outputs)\b/i

/**
 * `${{ }}` expressions over untrusted values inside a shell `run:` (or a github-script `script:`). The runner
 * pastes the value into the script before the shell reads it, so `$(…)` or a quote in an issue title runs as
 * code; passed through `env:` it stays data.
 */
function scriptInjections(text: string): string[] {
  const found: string[] = []
  visit(parseDocument(text), {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !SCRIPT_KEYS.has(String(pair.key.value))) return
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string') return
      for (const [expression, inner = ''] of pair.value.value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
        if (UNTRUSTED.test(inner.replace(/\[\s*'([\w-]+)'\s*\]/g, '.$1'))) found.push(`${String(pair.key.value)}: … ${expression} …`)
      }
    },
  })
  return found
}

const usesThisAction = (step: unknown): boolean => isObject(step) && typeof step.uses === 'string' && /(^|\/)issue-planner@/.test(step.uses)
const stepsOf = (job: Json): Json[] => (Array.isArray(job.steps) ? job.steps.filter(isObject) : [])
const normalised = (value: unknown): string => JSON.stringify(value ?? null).replace(/\[\s*'([\w-]+)'\s*\]/g, '.$1')

/**
 * What a set of jobs uses but does not show: a needed job that is missing, a `needs.<job>.outputs` the job does
 * not declare, a `steps.<id>.outputs` with no such step, and inputs or outputs of this action that action.yml lacks.
 */
function wiringProblems(jobs: Json): string[] {
  const problems: string[] = []
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObject(job)) continue
    const needs = listOf(job.needs)
    for (const need of needs) if (!isObject(jobs[need])) problems.push(`job ${id} needs job ${need}, which the example does not show`)
    const text = normalised(job)
    for (const [, need = '', output = ''] of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const needed = jobs[need]
      if (!needs.includes(need)) problems.push(`job ${id} reads needs.${need}.outputs but does not list ${need} in needs:`)
      else if (isObject(needed) && !(isObject(needed.outputs) && output in needed.outputs)) problems.push(`job ${id} reads needs.${need}.outputs.${output}, but job ${need} has no such entry under outputs:`)
    }
    const steps = stepsOf(job)
    for (const [, stepId = '', output = ''] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const step = steps.find((s) => s.id === stepId)
      if (!step) problems.push(`job ${id} reads steps.${stepId}.outputs, but no step has id: ${stepId}`)
      else if (usesThisAction(step) && !(output in action.outputs)) problems.push(`job ${id} reads output ${output}, which action.yml does not declare`)
    }
    for (const step of steps.filter(usesThisAction)) {
      for (const input of Object.keys(isObject(step.with) ? step.with : {})) {
        if (!(input in action.inputs)) problems.push(`job ${id} passes input ${input}, which action.yml does not declare`)
      }
    }
  }
  return [...new Set(problems)]
}

/** The jobs of a block: a workflow's `jobs:`, or a fragment that is itself a map of jobs. */
function jobsOf(text: string): Json | undefined {
  const value: unknown = parse(text)
  if (!isObject(value)) return undefined
  if (isObject(value.jobs)) return value.jobs
  const looksLikeJobs = Object.values(value).length > 0 && Object.values(value).every((job) => isObject(job) && ['runs-on', 'steps', 'uses', 'needs'].some((key) => key in job))
  return looksLikeJobs ? value : undefined
}

/** Evaluates one expression the way the runner does, against the given contexts. */
function evaluate(expression: string, contexts: Json): data.ExpressionData {
  const tree = new Parser(new Lexer(expression).lex().tokens, Object.keys(contexts), []).parse()
  return new Evaluator(tree, JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary).evaluate()
}

/** A job's `if:`, which GitHub accepts with or without `${{ }}`. */
const runsJob = (condition: string, contexts: Json): boolean => truthy(evaluate(/^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition, contexts))
/** A string with `${{ }}` parts, as the runner renders it. */
const render = (template: string, contexts: Json): string => template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => evaluate(expression, contexts).coerceString())

interface Trigger {
  what: string
  event: string
  /** Whether a job that runs this action should start a runner for it. */
  plans: boolean
  /** The issue it is about, for the concurrency group. */
  issue: number
  payload: Json
}

const LABEL = action.inputs.label?.default ?? ''
const COMMAND = action.inputs.command?.default ?? ''
const NEEDS_INFO = action.inputs['needs-info-label']?.default ?? ''

function triggers(issue: number): Trigger[] {
  const issueData = { number: issue, title: 'Rate limiting', body: 'Add limits.' }
  const comment = (body: string, pullRequest: boolean, by: { login?: string; association?: string; type?: 'User' | 'Bot'; waiting?: boolean } = {}): Json =>
    commentEvent(
      {
        ...issueData,
        user: { login: 'reporter' },
        ...(by.waiting ? { labels: [{ name: 'bug' }, { name: NEEDS_INFO }] } : {}),
        ...(pullRequest ? { pull_request: { url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${issue}` } } : {}),
      },
      { id: 9000 + issue, body, login: by.login ?? 'octocat', type: by.type ?? 'User', created_at: '2026-01-01T00:00:00Z', author_association: by.association ?? 'MEMBER' },
    )
  const answer = 'It only happens on the EU cluster, since Tuesday.'
  return [
    { what: `the ${LABEL} label`, event: 'issues', plans: true, issue, payload: labeledEvent(issueData, LABEL) },
    { what: 'another label', event: 'issues', plans: false, issue, payload: labeledEvent(issueData, 'bug') },
    { what: `a ${COMMAND} comment on an issue`, event: 'issue_comment', plans: true, issue, payload: comment(`${COMMAND} split the rollout`, false) },
    { what: `a ${COMMAND} comment on a pull request`, event: 'issue_comment', plans: false, issue, payload: comment(`${COMMAND} split the rollout`, true) },
    { what: 'another comment', event: 'issue_comment', plans: false, issue, payload: comment('Thanks!', false) },
    // An issue that waits for more detail (the needs-info label) is planned again when its author, or a maintainer, answers.
    { what: `an answer by the issue's author on an issue labelled ${NEEDS_INFO}`, event: 'issue_comment', plans: true, issue, payload: comment(answer, false, { login: 'reporter', association: 'NONE', waiting: true }) },
    { what: `an answer by a maintainer on an issue labelled ${NEEDS_INFO}`, event: 'issue_comment', plans: true, issue, payload: comment(answer, false, { login: 'octocat', association: 'MEMBER', waiting: true }) },
    { what: `a comment by someone else on an issue labelled ${NEEDS_INFO}`, event: 'issue_comment', plans: false, issue, payload: comment('+1, same here', false, { login: 'passer-by', association: 'CONTRIBUTOR', waiting: true }) },
    { what: `a bot's comment on an issue labelled ${NEEDS_INFO}`, event: 'issue_comment', plans: false, issue, payload: comment('Stale: no activity.', false, { login: 'stale[bot]', association: 'NONE', type: 'Bot', waiting: true }) },
    { what: `a comment on a pull request labelled ${NEEDS_INFO}`, event: 'issue_comment', plans: false, issue, payload: comment(answer, true, { login: 'reporter', association: 'NONE', waiting: true }) },
    { what: 'a dispatch', event: 'workflow_dispatch', plans: true, issue, payload: dispatchEvent({ 'issue-number': String(issue) }) },
  ]
}

const contextsOf = (trigger: Trigger): Json => ({
  github: { event_name: trigger.event, event: trigger.payload, repository: 'Codertocat/Hello-World' },
  inputs: trigger.event === 'workflow_dispatch' ? trigger.payload.inputs : {},
  vars: {},
  secrets: {},
})

const eventsOf = (on: unknown): string[] => (isObject(on) ? Object.keys(on) : listOf(on))

/**
 * How a workflow treats the events it listens to: which of them start a job that runs this action, and which
 * concurrency group that job joins. Problems are returned as sentences.
 */
function triggerProblems(text: string): string[] {
  const workflow = parse(text) as Json
  const jobs = isObject(workflow.jobs) ? workflow.jobs : {}
  const planners = Object.entries(jobs).filter((entry): entry is [string, Json] => isObject(entry[1]) && stepsOf(entry[1]).some(usesThisAction))
  const listens = new Set(eventsOf(workflow.on))
  const problems: string[] = []
  if (workflow.concurrency !== undefined && planners.some(([, job]) => job.if !== undefined)) {
    problems.push("concurrency is set for the whole workflow, so events the job's if: skips also join the group: set it on the job")
  }
  for (const [id, job] of planners) {
    if (listOf(job.needs).length > 0) continue
    const groups = new Map<number, Set<string>>()
    for (const trigger of [...triggers(7), ...triggers(8)].filter((t) => listens.has(t.event))) {
      const contexts = contextsOf(trigger)
      const runs = job.if === undefined ? true : runsJob(String(job.if), contexts)
      if (runs !== trigger.plans) problems.push(`job ${id} ${runs ? 'starts' : 'does not start'} a runner for ${trigger.what}`)
      if (!runs || job.concurrency === undefined) continue
      const concurrency = isObject(job.concurrency) ? job.concurrency : { group: job.concurrency }
      if (concurrency['cancel-in-progress'] === true) problems.push(`job ${id} cancels a plan in progress when another request comes`)
      const group = render(String(concurrency.group), contexts)
      groups.set(trigger.issue, (groups.get(trigger.issue) ?? new Set()).add(group))
    }
    for (const [issue, names] of groups) {
      if (names.size !== 1) problems.push(`job ${id}: requests for issue #${issue} land in different concurrency groups (${[...names].join(', ')})`)
    }
    const all = [...groups.values()].flatMap((names) => [...names])
    if (new Set(all).size < groups.size) problems.push(`job ${id}: requests for different issues share a concurrency group (${all.join(', ')})`)
  }
  // Each trigger is tried for two issues; say each problem once.
  return [...new Set(problems)]
}

const completeReadme = readmeBlocks.filter((b) => isCompleteWorkflow(b.text))
const fragments = readmeBlocks.filter((b) => !isCompleteWorkflow(b.text))

describe('README workflow examples', () => {
  it('has workflow examples to check', () => {
    expect(readmeBlocks.length).toBeGreaterThan(0)
    expect(completeReadme.length).toBeGreaterThan(0)
  })

  it.each(completeReadme.map((b) => [b.where, b] as const))('%s parses with GitHub’s workflow parser without errors', async (_, block) => {
    expect(await workflowErrors(block)).toEqual([])
  })

  it.each(fragments.map((b) => [b.where, b] as const))('%s (a fragment) is valid YAML', (_, block) => {
    expect(parseDocument(block.text).errors.map((e) => e.message)).toEqual([])
  })

  it.each(readmeBlocks.map((b) => [b.where, b] as const))('%s shows every job, output and step it uses', (_, block) => {
    const jobs = jobsOf(block.text)
    expect(wiringProblems(jobs ?? {})).toEqual([])
  })

  it.each(completeReadme.map((b) => [b.where, b] as const))('%s plans exactly the events that ask for a plan, one run per issue at a time', (_, block) => {
    expect(triggerProblems(block.text)).toEqual([])
  })

  it.each([...readmeBlocks, ...exampleBlocks, ...descriptionBlocks].map((b) => [b.where, b] as const))('%s passes untrusted values to scripts through env:', (_, block) => {
    expect(scriptInjections(block.text)).toEqual([])
  })
})

describe('the checks themselves', () => {
  it('flag untrusted expressions in run: and leave env: and trusted values alone', () => {
    const unsafe = 'steps:\n  - run: echo "${{ matrix.step.name }}" ${{ github.event.issue.title }}\n  - run: echo ${{ needs.plan.outputs[\'step-count\'] }}\n'
    expect(scriptInjections(unsafe)).toHaveLength(3)
    const safe = 'steps:\n  - env:\n      NAME: ${{ matrix.step.name }}\n    run: echo "$NAME" ${{ github.run_id }}\n'
    expect(scriptInjections(safe)).toEqual([])
  })

  it('flag a job that reads outputs the example does not show', () => {
    const fanOut = 'work:\n  needs: plan\n  runs-on: ubuntu-latest\n  steps:\n    - run: echo "$X"\n      env:\n        X: ${{ needs.plan.outputs.steps }}\n'
    expect(wiringProblems(jobsOf(fanOut) ?? {})).toEqual(['job work needs job plan, which the example does not show'])
  })

  it('flag a pull-request comment that starts a runner, and workflow-level concurrency', () => {
    const workflow = [
      'on: { issue_comment: { types: [created] } }',
      'concurrency: issue-planner-${{ github.event.issue.number }}',
      'jobs:',
      '  plan:',
      `    if: startsWith(github.event.comment.body, '${COMMAND}')`,
      '    runs-on: ubuntu-latest',
      '    steps: [{ uses: your-org/issue-planner@v1 }]',
    ].join('\n')
    expect(triggerProblems(workflow)).toEqual([
      "concurrency is set for the whole workflow, so events the job's if: skips also join the group: set it on the job",
      `job plan starts a runner for a ${COMMAND} comment on a pull request`,
      `job plan does not start a runner for an answer by the issue's author on an issue labelled ${NEEDS_INFO}`,
      `job plan does not start a runner for an answer by a maintainer on an issue labelled ${NEEDS_INFO}`,
    ])
  })
})
