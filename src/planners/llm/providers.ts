import type { wrapLanguageModel } from 'ai'
import type { FetchLike } from '../http.js'

/** The `planner` values that call a model directly through the AI SDK. */
export const LLM_PLANNERS = ['openai', 'anthropic', 'google', 'azure', 'openai-compatible'] as const
export type LlmPlannerName = (typeof LLM_PLANNERS)[number]

export function isLlmPlanner(name: string): name is LlmPlannerName {
  return (LLM_PLANNERS as readonly string[]).includes(name)
}

interface ProviderFacts {
  /** Shown in messages. */
  label: string
  /** Environment variables read, in order, when `planner-api-key` is empty. */
  keyVariables: readonly string[]
  /** Local servers (Ollama, vLLM, LM Studio) take no key. */
  keyOptional: boolean
  /** Model ids that work today, for the "missing model" message. */
  exampleModels: readonly string[]
}

export const PROVIDERS: Readonly<Record<LlmPlannerName, ProviderFacts>> = {
  openai: { label: 'OpenAI', keyVariables: ['OPENAI_API_KEY'], keyOptional: false, exampleModels: ['gpt-5.4-mini', 'gpt-5.5', 'gpt-5.6'] },
  anthropic: { label: 'Anthropic', keyVariables: ['ANTHROPIC_API_KEY'], keyOptional: false, exampleModels: ['claude-sonnet-5', 'claude-haiku-4-5', 'claude-opus-5'] },
  google: { label: 'Google Gemini', keyVariables: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'], keyOptional: false, exampleModels: ['gemini-3.7-flash', 'gemini-pro-latest', 'gemini-flash-latest'] },
  azure: { label: 'Azure OpenAI', keyVariables: ['AZURE_API_KEY'], keyOptional: false, exampleModels: ['your deployment name, e.g. gpt-5.4-mini'] },
  'openai-compatible': { label: 'OpenAI-compatible endpoint', keyVariables: ['OPENAI_API_KEY'], keyOptional: true, exampleModels: ['llama3.1:8b (Ollama)', 'qwen2.5-coder:14b', 'openai/gpt-5.4-mini (OpenRouter)'] },
}

/** A provider's model, before our middleware wraps it. */
export type ProviderModel = Parameters<typeof wrapLanguageModel>[0]['model']

export interface ModelSettings {
  provider: LlmPlannerName
  model: string
  /** Empty for the provider's own endpoint. */
  baseUrl: string
  apiKey: string
  /** Azure only: the resource name, when no base URL is given. */
  azureResource: string
  fetch: FetchLike
}

/**
 * Loads the provider package and returns the model. Each provider is imported on demand, so runs that
 * plan with another planner, or plan nothing, load no model code at all.
 */
export async function loadModel(settings: ModelSettings): Promise<ProviderModel> {
  const { model, apiKey, fetch } = settings
  const baseURL = settings.baseUrl || undefined
  switch (settings.provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai')
      return createOpenAI({ apiKey, baseURL, fetch })(model)
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic')
      return createAnthropic({ apiKey, baseURL, fetch })(model)
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google')
      return createGoogleGenerativeAI({ apiKey, baseURL, fetch })(model)
    }
    case 'azure': {
      const { createAzure } = await import('@ai-sdk/azure')
      return createAzure({ apiKey, fetch, ...(baseURL ? { baseURL } : { resourceName: settings.azureResource }) })(model)
    }
    case 'openai-compatible': {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible')
      // Without supportsStructuredOutputs the schema is not sent at all, and the model writes free text.
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: settings.baseUrl, ...(apiKey ? { apiKey } : {}), fetch, supportsStructuredOutputs: true, includeUsage: true }).chatModel(model)
    }
  }
}
