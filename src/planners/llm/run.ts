import { Output, extractJsonMiddleware, generateText, streamText, wrapLanguageModel } from 'ai'
import type { PlanRequest } from '../../context/request.js'
import { abortReason, retryingFetch } from '../http.js'
import type { PlannerResult, ProgressListener, TokenUsage } from '../planner.js'
import { type ErrorContext, describeModelError } from './errors.js'
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
  const call = {
    model,
    instructions: system,
    prompt: user,
    output: Output.object({ schema: ModelReplySchema, name: 'plan', description: 'A plan for the issue, or questions for its author.' }),
    maxOutputTokens: run.maxOutputTokens,
    temperature: TEMPERATURE,
    maxRetries: 0,
    abortSignal: signal,
  }
  try {
    if (!run.stream) {
      const result = await generateText(call)
      return { ...toPlannerResult(result.output), usage: usageOf(result.totalUsage) }
    }
    // Errors in a stream do not throw from the partial stream; they reach only onError, whose default
    // would print the whole request (the issue text) to the log.
    let failure: unknown
    const result = streamText({
      ...call,
      onError: ({ error }) => {
        failure ??= error
      },
    })
    for await (const partial of result.partialOutputStream) onProgress?.(() => visibleSteps(partial))
    if (failure !== undefined) throw failure
    const output = await result.output
    return { ...toPlannerResult(output), usage: usageOf(await result.totalUsage) }
  } catch (error) {
    if (signal.aborted) throw abortReason(signal)
    throw describeModelError(error, ctx)
  }
}

function usageOf(usage: { inputTokens: number | undefined; outputTokens: number | undefined }): TokenUsage {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 }
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
