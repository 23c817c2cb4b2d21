// What GitHub said when it refused a request, in words a log or a comment can quote.

/** The HTTP status an Octokit error carries, if any. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined
}

/** "HTTP 403: Resource not accessible by integration": GitHub's own message, without the documentation link. */
export function httpDetail(error: unknown): string {
  const data = typeof error === 'object' && error !== null && 'response' in error ? (error.response as { data?: unknown } | undefined)?.data : undefined
  const body = typeof data === 'object' && data !== null ? (data as { message?: unknown; errors?: unknown }) : {}
  const reasons = Array.isArray(body.errors) ? body.errors.map((e: unknown) => (typeof e === 'object' && e !== null ? ((e as { message?: string; code?: string }).message ?? (e as { code?: string }).code) : String(e))) : []
  const message = typeof body.message === 'string' ? body.message : error instanceof Error ? error.message : String(error)
  const text = reasons.length > 0 ? `${message}: ${reasons.join('; ')}` : message
  const status = statusOf(error)
  return status === undefined ? text : `HTTP ${status}: ${text}`
}
