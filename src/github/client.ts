import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export type GitHub = ReturnType<typeof getOctokit>

/** Longest wait for a rate limit before giving up: a run that sleeps for an hour helps nobody. */
const MAX_RATE_LIMIT_WAIT_S = 120

/**
 * An Octokit for the run's GitHub (GITHUB_API_URL, so Enterprise Server works unchanged) that paces
 * writes the way GitHub asks (secondary rate limits on content creation, `retry-after`) and retries
 * transient 5xx answers, so no request loop here retries by hand.
 */
export function createGitHub(token: string, log: (message: string) => void = () => {}, baseUrl?: string): GitHub {
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    const retrying = retryCount < 2 && retryAfter <= MAX_RATE_LIMIT_WAIT_S
    log(`GitHub ${kind} rate limit on ${options.method} ${options.url}; ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}.`)
    return retrying
  }
  return getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    },
    retry,
    throttling,
  )
}
