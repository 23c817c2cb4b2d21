import { Output, extractJsonMiddleware, generateText, isStepCount, streamText, wrapLanguageModel } from 'ai'
import type { PlanRequest } from '../../context/request.js'
import { abortReason, retryingFetch } from '../http.js'
import type { ExplorationReport, PlannerResult, ProgressListener, TokenUsage } from '../planner.js'
import { type ErrorContext, describeModelError, refusalReason } from './errors.js'
import { inspectCheckout, createCheckoutSource } from './explore/checkout.js'
import { createGitHubSource } from './explore/github-source.js'
import { type Exploration, createExploration } from './explore/tools.js'
import type { ExploreSettings } from './index.js'
import { buildPrompt } from './prompt.js'
import { type ModelSettings, PROVIDERS, loadModel } from './providers.js'
import { ModelReplySchema, toPlannerResult, visibleSteps } from './reply.js'

/**
 * Everything one model call needs. This module is loaded with `import()` only when an LLM planner
 * runs, so the AI SDK stays out of every other run.
 */
export interface ModelRun extends ModelSettings {
  stream: boolean
  maxOutputTokens: number
  maxSteps: number
  log?: (message: string) => void
  explore?: ExploreSettings
}

/** Plans are work instructions, not prose: a low temperature keeps them steady from run to run. */
const TEMPERATURE = 0.2

/** Asks the model for a plan, streaming its partial output to `onProgress` when `stream` is on. */
export async function planWithModel(run: ModelRun, request: PlanRequest, signal: AbortSignal, onProgress?: ProgressListener): Promise<PlannerResult> {
  const ctx = errorContext(run)
  // Our own retry policy (only before the first byte, never a 500) instead of the SDK's.
  const fetch = retryingFetch(run.fetch, { extraStatuses: [408], ...(run.log ? { log: run.log } : {}) })
  const model = wrapLanguageModel({ model: await loadModel({ ...run, fetch }), middleware: extractJsonMiddleware() })
  const { system, user } = buildPrompt(request, { maxSteps: run.maxSteps })
  const exploring = run.explore?.enabled ? await startExploration(run.explore, run.log, onProgress) : undefined
  const exploration = exploring?.exploration
  const call = {
    model,
    instructions: exploration ? `${system}\n\n${exploration.instructions}` : system,
    prompt: user,
    output: Output.object({ schema: ModelReplySchema, name: 'plan', description: 'A plan for the issue, or questions for its author.' }),
    maxOutputTokens: run.maxOutputTokens,
    temperature: TEMPERATURE,
    maxRetries: 0,
    abortSignal: signal,
    ...(exploration
      ? {
          tools: exploration.tools,
          // Once the budget is spent the tools are withdrawn, so the next step has to be the plan.
          prepareStep: () => (exploration.spent() ? { activeTools: [] } : {}),
          stopWhen: isStepCount(exploration.budget().maxCalls + 2),
        }
      : {}),
  }
  const report = (): { exploration?: ExplorationReport } => (exploring ? { exploration: exploring.report() } : {})
  // A refusal's reason travels in the provider's metadata, which the SDK's error does not carry.
  let refusal: string | undefined
  const callWithReason = { ...call, onStepEnd: (step: { providerMetadata?: unknown }) => void (refusal = refusalReason(step.providerMetadata) ?? refusal) }
  try {
    if (!run.stream) {
      const result = await generateText(callWithReason)
      return { ...toPlannerResult(result.output), usage: usageOf(result.totalUsage), ...report() }
    }
    // Errors in a stream do not throw from the partial stream; they reach only onError, whose default
    // would print the whole request (the issue text) to the log.
    let failure: unknown
    const result = streamText({
      ...callWithReason,
      onError: ({ error }) => {
        failure ??= error
      },
    })
    for await (const partial of result.partialOutputStream) onProgress?.(() => visibleSteps(partial))
    if (failure !== undefined) throw failure
    const output = await result.output
    return { ...toPlannerResult(output), usage: usageOf(await result.totalUsage), ...report() }
  } catch (error) {
    if (signal.aborted) throw abortReason(signal)
    throw describeModelError(error, { ...ctx, ...(refusal ? { refusal } : {}) })
  }
}

function usageOf(usage: { inputTokens: number | undefined; outputTokens: number | undefined }): TokenUsage {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 }
}

/**
 * Picks where the files come from (the workflow's checkout when it is this repository, else the GitHub
 * API, else nothing) and sets up the tools. Each call shows on the comment's progress line.
 */
async function startExploration(
  settings: ExploreSettings,
  log: ((message: string) => void) | undefined,
  onProgress: ProgressListener | undefined,
): Promise<{ exploration: Exploration; report: () => ExplorationReport } | undefined> {
  const checkout = await inspectCheckout(settings.workspace, settings.repository)
  let source
  if (checkout.usable) {
    if (checkout.note) log?.(checkout.note)
    source = createCheckoutSource(checkout)
  } else if (settings.octokit) {
    log?.(`Exploring through the GitHub API: ${checkout.reason}`)
    source = createGitHubSource(settings.octokit, { owner: settings.repository.owner, repo: settings.repository.repo, ref: settings.repository.defaultBranch, ...(settings.tree ? { tree: settings.tree } : {}) })
  } else {
    log?.(`Not exploring the repository: ${checkout.reason}`)
    return undefined
  }
  const exploration = createExploration({
    source,
    budget: { ...(settings.maxCalls ? { maxCalls: settings.maxCalls } : {}), ...(settings.maxChars ? { maxChars: settings.maxChars } : {}) },
    exclude: settings.exclude,
    onCall: (event) => {
      log?.(`${event.description}…`)
      onProgress?.(() => ({ message: `${event.description}…` }))
    },
  })
  log?.(`The planner may explore ${source.description} (at most ${exploration.budget().maxCalls} tool calls, ${exploration.budget().maxChars.toLocaleString('en-US')} characters).`)
  return {
    exploration,
    report: () => {
      const { calls, chars, maxCalls, maxChars } = exploration.budget()
      return { source: source.description, mode: source.mode, calls: [...exploration.records], budget: { calls, chars, maxCalls, maxChars }, githubRequests: source.requests }
    },
  }
}

function errorContext(run: ModelRun): ErrorContext {
  const facts = PROVIDERS[run.provider]
  return {
    label: facts.label,
    model: run.model,
    origin: origin(run),
    keyHint: facts.keyVariables.join(' or '),
  }
}

function origin(run: ModelRun): string {
  if (run.baseUrl) return new URL(run.baseUrl).origin
  switch (run.provider) {
    case 'openai':
      return 'https://api.openai.com'
    case 'anthropic':
      return 'https://api.anthropic.com'
    case 'google':
      return 'https://generativelanguage.googleapis.com'
    case 'azure':
      return `https://${run.azureResource}.openai.azure.com`
    case 'openai-compatible':
      return '(no planner-url)'
  }
}
