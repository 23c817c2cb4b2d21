import { type Planner, PlannerError } from '../planner.js'
import type { GitTree } from '../../context/gather.js'
import type { GitHub } from '../../github/client.js'
import type { FetchLike } from '../http.js'
import { type LlmPlannerName, PROVIDERS } from './providers.js'

export interface LlmPlannerOptions {
  provider: LlmPlannerName
  model: string
  baseUrl: string
  apiKey: string
  azureResource: string
  stream: boolean
  maxOutputTokens: number
  maxSteps: number
  fetch: FetchLike
  log?: (message: string) => void
  /** Read-only exploration of the repository before planning; absent or disabled, the model plans from the context alone. */
  explore?: ExploreSettings
}

/** Where the repository's files can be read from. */
export interface RepositoryAccess {
  repository: { owner: string; repo: string; defaultBranch: string; serverUrl?: string }
  /** GITHUB_WORKSPACE: read when it holds a checkout of this repository. */
  workspace?: string
  /** Without a usable checkout, files are read through the API (none in local previews). */
  octokit?: GitHub
  /** The default branch's tree, when the context already read it. */
  tree?: GitTree
}

/** What the exploration may read, and how much (inputs `explore`, `explore-max-calls`, `explore-max-chars`, `exclude`). */
export interface ExploreSettings extends RepositoryAccess {
  enabled: boolean
  maxCalls?: number
  maxChars?: number
  exclude: readonly string[]
}

/**
 * A planner that asks a model directly (OpenAI, Anthropic, Gemini, Azure OpenAI or any
 * OpenAI-compatible server). The configuration is checked here, before anything is posted; the AI
 * SDK itself is loaded only when a plan is asked for.
 */
export function createLlmPlanner(options: LlmPlannerOptions): Planner {
  const problem = configProblem(options)
  if (problem) throw problem
  return {
    name: `${options.provider} (${options.model})`,
    remote: true,
    async plan(request, signal, onProgress) {
      const { planWithModel } = await import('./run.js')
      return planWithModel(options, request, signal, onProgress)
    },
  }
}

/** A missing model, key or URL, said with what to set and an example. */
export function configProblem(options: Pick<LlmPlannerOptions, 'provider' | 'model' | 'baseUrl' | 'apiKey' | 'azureResource'>): PlannerError | undefined {
  const facts = PROVIDERS[options.provider]
  const planner = `The ${options.provider} planner`
  if (!options.model) {
    return new PlannerError(`${planner} needs input \`model\`: the ${facts.label} model to plan with, for example ${facts.exampleModels.map((m) => `\`${m}\``).join(', ')}.`, 'config')
  }
  if (options.provider === 'openai-compatible' && !options.baseUrl) {
    return new PlannerError(`${planner} needs input \`planner-url\`: the server's OpenAI-compatible base URL, for example http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM) or https://openrouter.ai/api/v1.`, 'config')
  }
  if (options.provider === 'azure' && !options.baseUrl && !options.azureResource) {
    return new PlannerError(`${planner} needs your Azure OpenAI resource: set the AZURE_RESOURCE_NAME environment variable (the name in https://<name>.openai.azure.com), or input \`planner-url\` to https://<name>.openai.azure.com/openai.`, 'config')
  }
  if (!options.apiKey && !facts.keyOptional) {
    const secret = facts.keyVariables[0]!
    return new PlannerError(`${planner} needs an API key: set input \`planner-api-key: \${{ secrets.${secret} }}\` from a repository or organisation secret, or the ${facts.keyVariables.join(' or ')} environment variable.`, 'config')
  }
  return undefined
}
