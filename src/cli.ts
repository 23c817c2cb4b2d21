#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { InputError, parseInputs } from './inputs.js'
import { produceComment } from './pipeline.js'

const HELP = `issue-planner: preview the plan comment Issue Planner would post, locally.

Usage:
  issue-planner --issue-file <file.md> [options]
  issue-planner serve [options]     run the Task Planning Service (see issue-planner serve --help)

The file's first heading is the issue title; the rest is the body.

Options:
  --planner <name>          outline (default: offline, no AI); openai, anthropic, google,
                            azure or openai-compatible (a model, with --model);
                            task-planning or kubiya
  --model <id>              the model an LLM planner asks, e.g. claude-sonnet-5
  --planner-url <url>       base URL of the plan endpoint (required for task-planning and
                            openai-compatible, e.g. http://localhost:11434/v1 for Ollama)
  --planner-api-key <key>   API key; better from the environment: OPENAI_API_KEY,
                            ANTHROPIC_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY, AZURE_API_KEY
                            (with AZURE_RESOURCE_NAME) or KUBIYA_API_KEY
  --max-output-tokens <n>   most tokens an LLM planner may write (default 8000)
  --no-explore              do not let an LLM planner read the repository first; by
                            default it reads the current directory when it is a git
                            checkout of --repo
  --explore-max-calls <n>   most tool calls while exploring (default 20)
  --explore-max-chars <n>   most characters the tools return (default 60000)
  --exclude <globs>         paths the exploration never reads (comma-separated)
  --planner-timeout <s>     overall planner timeout in seconds (default 300)
  --no-stream               use the plain plan route instead of the streaming one
  --progress-interval <s>   least seconds between two progress lines (default 5)
  --context <yaml|json>     extra context for the planner, as the action's \`context\` input
  --context-budget <n>      characters sent to the planner at most (default 16000)
  --max-steps <n>           steps shown at most (default 25)
  --repo <owner/name>       repository named in the planner's context (default local/preview)
  --label <name>            trigger label named in the comment (default plan-me)
  -h, --help                this text

Prints the exact Markdown the action would post; progress goes to stderr.
Exit status: 0 planned or needs-info, 1 failed, 2 usage.`

/** Splits a Markdown file into the issue's title (its first heading) and body. */
function readIssueFile(text: string, fileName: string): { title: string; body: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const at = lines.findIndex((l) => /^#{1,6}\s+\S/.test(l))
  if (at === -1) return { title: basename(fileName).replace(/\.[^.]+$/, ''), body: text.trim() }
  return { title: lines[at]!.replace(/^#{1,6}\s+/, '').replace(/\s+#+\s*$/, '').trim(), body: [...lines.slice(0, at), ...lines.slice(at + 1)].join('\n').trim() }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'serve') {
    // Loaded only for the service, so previews never load the HTTP server.
    const { serve } = await import('./server/run.js')
    return serve(argv.slice(1), process.env)
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      'issue-file': { type: 'string' },
      planner: { type: 'string', default: 'outline' },
      model: { type: 'string' },
      'max-output-tokens': { type: 'string' },
      explore: { type: 'boolean', default: true },
      'explore-max-calls': { type: 'string' },
      'explore-max-chars': { type: 'string' },
      exclude: { type: 'string' },
      'planner-url': { type: 'string' },
      'planner-api-key': { type: 'string' },
      'planner-timeout': { type: 'string' },
      stream: { type: 'boolean', default: true },
      'progress-interval': { type: 'string' },
      context: { type: 'string' },
      'context-budget': { type: 'string' },
      'max-steps': { type: 'string' },
      repo: { type: 'string', default: 'local/preview' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowNegative: true,
  })
  if (values.help) {
    process.stdout.write(`${HELP}\n`)
    return 0
  }
  const file = values['issue-file']
  if (!file) throw new InputError('--issue-file is required: the Markdown file of the issue to plan, e.g. examples/epic-checklist.md.')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new InputError(`--issue-file ${file} cannot be read: ${(error as Error).message}`)
  }
  const inputs = parseInputs((name) => String((values as Record<string, unknown>)[name] ?? ''), process.env)
  const { title, body } = readIssueFile(text, file)
  const repo = values.repo ?? 'local/preview'
  const outcome = await produceComment({
    inputs,
    fetch: globalThis.fetch,
    issue: { number: 1, title, body, html_url: `https://github.com/${repo}/issues/1`, labels: [] },
    repository: { full_name: repo, html_url: `https://github.com/${repo}` },
    previousBody: null,
    runUrl: '',
    secrets: [inputs.plannerApiKey].filter(Boolean),
    // The checkout in the current directory, when it is one of --repo: the same exploration as in a workflow.
    repositoryAccess: { repository: { owner: repo.split('/')[0] ?? '', repo: repo.split('/')[1] ?? '', defaultBranch: 'main' }, workspace: process.cwd() },
    log: (message) => process.stderr.write(`${message}\n`),
  })
  process.stdout.write(`${outcome.body}\n`)
  if (outcome.status === 'failed') process.stderr.write(`Planning failed: ${outcome.message}\n`)
  return outcome.status === 'failed' ? 1 : 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`issue-planner: ${error instanceof Error ? error.message : String(error)}\nRun issue-planner --help for usage.\n`)
    process.exitCode = 2
  },
)
