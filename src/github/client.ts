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

/**
 * When a request never reached GitHub (DNS, refused connection, TLS, proxy), where it was going and why.
 * Octokit reports a failed fetch as an HttpError with status 500 but no response: GitHub said nothing.
 */
export function unreachable(error: unknown): { host: string; cause: string } | undefined {
  if (!(error instanceof Error) || error.name !== 'HttpError') return undefined
  const { status, response, request } = error as { status?: unknown; response?: unknown; request?: { url?: unknown } }
  if (status !== 500 || response !== undefined || typeof request?.url !== 'string') return undefined
  const host = URL.canParse(request.url) ? new URL(request.url).host : request.url
  return { host, cause: error.message || causeCode(error.cause) || 'no connection' }
}

/** undici puts the system error's code (ECONNREFUSED, ENOTFOUND) a level or two down the causes. */
function causeCode(cause: unknown): string | undefined {
  if (!(cause instanceof Error)) return undefined
  return 'code' in cause && typeof cause.code === 'string' ? cause.code : causeCode(cause.cause)
}
