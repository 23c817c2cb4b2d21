import type { Inputs } from '../inputs.js'
import type { FetchLike } from './http.js'
import { createKubiyaPlanner } from './kubiya.js'
import { type RepositoryAccess, createLlmPlanner } from './llm/index.js'
import { createOutlinePlanner } from './outline.js'
import type { Planner } from './planner.js'
import { createTaskPlanningPlanner } from './task-planning.js'

/** The planner the `planner` input names, configured from the other planner inputs. */
export function createPlanner(
  inputs: Pick<Inputs, 'planner' | 'plannerUrl' | 'plannerApiKey' | 'stream' | 'model' | 'azureResource' | 'maxOutputTokens' | 'maxSteps'> &
    Partial<Pick<Inputs, 'explore' | 'exploreMaxCalls' | 'exploreMaxChars' | 'exclude'>>,
  fetch: FetchLike,
  log: (message: string) => void,
  /** Where an LLM planner may read the repository; without it, it plans from the context alone. */
  access?: RepositoryAccess,
): Planner {
  const options = { baseUrl: inputs.plannerUrl, apiKey: inputs.plannerApiKey, stream: inputs.stream, fetch, log }
  switch (inputs.planner) {
    case 'kubiya':
      return createKubiyaPlanner(options)
    case 'task-planning':
      return createTaskPlanningPlanner(options)
    case 'outline':
      return createOutlinePlanner()
    default:
      return createLlmPlanner({
        ...options,
        provider: inputs.planner,
        model: inputs.model,
        azureResource: inputs.azureResource,
        maxOutputTokens: inputs.maxOutputTokens,
        maxSteps: inputs.maxSteps,
        ...(access
          ? {
              explore: {
                ...access,
                enabled: inputs.explore ?? true,
                exclude: inputs.exclude ?? [],
                ...(inputs.exploreMaxCalls ? { maxCalls: inputs.exploreMaxCalls } : {}),
                ...(inputs.exploreMaxChars ? { maxChars: inputs.exploreMaxChars } : {}),
              },
            }
          : {}),
      })
  }
}

/** Planners that run on the runner itself: nothing leaves it, and the budget does not limit what they read. */
export function runsLocally(planner: Inputs['planner']): boolean {
  return planner === 'outline'
}
