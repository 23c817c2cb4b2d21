import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'

export type GitHub = ReturnType<typeof getOctokit>

/**
 * An Octokit for the run's GitHub (GITHUB_API_URL, so Enterprise Server works unchanged) that retries
 * GitHub's transient 5xx answers.
 */
export function createGitHub(token: string, baseUrl?: string): GitHub {
  return getOctokit(token, baseUrl ? { baseUrl } : {}, retry)
}
