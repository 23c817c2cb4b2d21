// The error replies of each provider, as their APIs send them (statuses, bodies, rate-limit headers).
// Bodies follow published API references and errors seen in the wild; numbers in messages are examples.
import type { ErrorKind, ProviderError } from './fake-models-script.ts'
import { randomId } from './fake-models-script.ts'

export interface ErrorContext {
  model: string
  /** Seconds until a retry may succeed (429s). */
  retryAfter?: number
  /** The API that failed, for messages that name it. */
  api: 'responses' | 'chat' | 'messages' | 'generate-content'
  /** The key the client sent; OpenAI echoes it masked when it rejects it. */
  key?: string
}

/** OpenAI's way of naming a rejected key: its start and its last four characters, the rest starred. */
function maskedKey(key: string | undefined): string {
  if (!key) return ''
  if (key.length <= 10) return `${key.slice(0, 2)}***${key.slice(-2)}`
  return `${key.slice(0, 6)}${'*'.repeat(Math.min(key.length - 10, 40))}${key.slice(-4)}`
}

const DEFAULT_STATUS: Record<ErrorKind, number> = {
  auth: 401,
  'not-found-model': 404,
  'rate-limit': 429,
  quota: 429,
  'context-length': 400,
  server: 500,
  overloaded: 503,
  'content-filter': 400,
}

function retryHeaders(retryAfter: number | undefined, withMs: boolean): Record<string, string> {
  if (retryAfter === undefined) return {}
  const headers: Record<string, string> = { 'retry-after': String(Math.ceil(retryAfter)) }
  if (withMs) headers['retry-after-ms'] = String(Math.round(retryAfter * 1000))
  return headers
}

function openaiBody(message: string, type: string | null, code: string | null, param: string | null = null): { error: Record<string, unknown> } {
  return { error: { message, type, param, code } }
}

/** OpenAI's platform API (Responses and Chat Completions; OpenAI-compatible servers copy it). */
export function openaiError(kind: ErrorKind, context: ErrorContext, status = DEFAULT_STATUS[kind]): ProviderError {
  const requestId = { 'x-request-id': randomId('req_', 32) }
  const reply = (body: unknown, headers: Record<string, string> = {}): ProviderError => ({ status, headers: { ...requestId, ...headers }, body })
  switch (kind) {
    case 'auth':
      if (status === 403) return reply({ error: { code: 'unsupported_country_region_territory', message: 'Country, region, or territory not supported', param: null, type: 'request_forbidden' } })
      return reply(openaiBody(`Incorrect API key provided: ${maskedKey(context.key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'))
    case 'not-found-model':
      return reply(openaiBody(`The model \`${context.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'))
    case 'rate-limit':
      return reply(
        openaiBody(
          `Rate limit reached for ${context.model} in organization org-fake on tokens per min (TPM): Limit 30000, Used 29500, Requested 1800. Please try again in ${context.retryAfter ?? 2}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          'tokens',
          'rate_limit_exceeded',
        ),
        { ...retryHeaders(context.retryAfter, true), 'x-ratelimit-limit-tokens': '30000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': `${context.retryAfter ?? 2}s` },
      )
    case 'quota':
      return reply(
        openaiBody('You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'insufficient_quota', 'insufficient_quota'),
      )
    case 'context-length':
      return context.api === 'responses'
        ? reply(openaiBody('Your input exceeds the context window of this model. Please adjust your input and try again.', 'invalid_request_error', 'context_length_exceeded', 'input'))
        : reply(
            openaiBody(
              "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
              'invalid_request_error',
              'context_length_exceeded',
              'messages',
            ),
          )
    case 'server':
      if (status === 502 || status === 504) {
        // OpenAI's edge answers gateway failures with an HTML page, not JSON.
        const title = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out'
        return { status, headers: { 'content-type': 'text/html' }, body: undefined, text: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n` }
      }
      return reply(openaiBody('The server had an error while processing your request. Sorry about that!', 'server_error', null))
    case 'overloaded':
      return reply(openaiBody('That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.', 'server_error', null))
    case 'content-filter':
      return reply(
        openaiBody(
          'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
          'invalid_request_error',
          'invalid_prompt',
        ),
      )
  }
}

/** Azure OpenAI: its own bodies for auth, deployments, throttling and content filtering; model errors pass through from OpenAI. */
export function azureError(kind: ErrorKind, context: ErrorContext, status = DEFAULT_STATUS[kind]): ProviderError {
  const reply = (body: unknown, headers: Record<string, string> = {}): ProviderError => ({ status, headers: { 'apim-request-id': randomId('', 32), ...headers }, body })
  const operation = context.api === 'responses' ? 'Responses_Create' : 'ChatCompletions_Create'
  switch (kind) {
    case 'auth':
      if (status === 403) return reply({ error: { code: 'AuthenticationTypeDisabled', message: 'Key based authentication is disabled for this resource.' } })
      return reply({
        error: {
          code: '401',
          message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        },
      })
    case 'not-found-model':
      return reply({ error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } })
    case 'rate-limit':
    case 'quota':
      return reply(
        {
          error: {
            code: '429',
            message: `Requests to the ${operation} Operation under Azure OpenAI API version v1 have exceeded token rate limit of your current AIServices S0 pricing tier. Please retry after ${Math.ceil(context.retryAfter ?? 60)} seconds. Please contact Azure support service if you would like to further increase the default rate limit.`,
          },
        },
        { ...retryHeaders(context.retryAfter, true), 'x-ratelimit-remaining-tokens': '0' },
      )
    case 'context-length':
      return { ...openaiError(kind, context, status), headers: {} }
    case 'server':
      return reply(openaiBody('The server had an error while processing your request. Sorry about that!', 'server_error', null))
    case 'overloaded':
      return reply({ error: { code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request. Please try again later.' } })
    case 'content-filter':
      return reply({
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: {
            code: 'ResponsibleAIPolicyViolation',
            content_filter_result: {
              hate: { filtered: false, severity: 'safe' },
              jailbreak: { filtered: true, detected: true },
              self_harm: { filtered: false, severity: 'safe' },
              sexual: { filtered: false, severity: 'safe' },
              violence: { filtered: false, severity: 'safe' },
            },
          },
        },
      })
  }
}

const ANTHROPIC_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error', 529: 'overloaded_error' }

// Anthropic reports an empty credit balance as a 400 invalid_request_error, not a 429.
const ANTHROPIC_STATUS: Partial<Record<ErrorKind, number>> = { overloaded: 529, quota: 400 }

/** Anthropic's Messages API: `{type: "error", error: {type, message}, request_id}` and a `request-id` header. */
export function anthropicError(kind: ErrorKind, context: ErrorContext, status = ANTHROPIC_STATUS[kind] ?? DEFAULT_STATUS[kind]): ProviderError {
  const requestId = randomId('req_011C', 20)
  const reply = (type: string, message: string, headers: Record<string, string> = {}): ProviderError => ({
    status,
    headers: { 'request-id': requestId, ...headers },
    body: { type: 'error', error: { type, message }, request_id: requestId },
  })
  switch (kind) {
    case 'auth':
      return status === 403 ? reply('permission_error', 'Your API key does not have permission to use the specified resource.') : reply('authentication_error', 'invalid x-api-key')
    case 'not-found-model':
      return reply('not_found_error', `model: ${context.model}`)
    case 'rate-limit':
      return reply(
        'rate_limit_error',
        `This request would exceed your organization's rate limit of 30,000 input tokens per minute (org: fake-org, model: ${context.model}). For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.`,
        { ...retryHeaders(context.retryAfter, false), 'anthropic-ratelimit-input-tokens-limit': '30000', 'anthropic-ratelimit-input-tokens-remaining': '0' },
      )
    case 'quota':
      return reply('invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.')
    case 'context-length':
      return reply('invalid_request_error', 'prompt is too long: 210513 tokens > 200000 maximum')
    case 'server':
      return reply(ANTHROPIC_TYPES[status] ?? 'api_error', status === 504 ? 'Request timed out' : 'Internal server error')
    case 'overloaded':
      return reply('overloaded_error', 'Overloaded')
    case 'content-filter':
      return reply('invalid_request_error', 'Output blocked by content filtering policy')
  }
}

/** The `type` of an Anthropic error kind, for `error` events inside a stream. */
export function anthropicStreamError(kind: ErrorKind, context: ErrorContext): { type: 'error'; error: { type: string; message: string } } {
  const { body } = anthropicError(kind, context)
  return { type: 'error', error: (body as { error: { type: string; message: string } }).error }
}

const GOOGLE_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' }

function googleBody(code: number, message: string, details?: unknown[]): { error: Record<string, unknown> } {
  return { error: { code, message, status: GOOGLE_STATUS[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } }
}

/**
 * The Gemini API (generativelanguage.googleapis.com). A wrong key is 400 INVALID_ARGUMENT with reason
 * API_KEY_INVALID, not 401; retry hints travel in a RetryInfo detail, not in a Retry-After header.
 * A filtered prompt is not an HTTP error: 200 with `promptFeedback.blockReason` and no candidates.
 */
export function geminiError(kind: ErrorKind, context: ErrorContext, status?: number): ProviderError {
  const code = status ?? (kind === 'auth' ? 400 : DEFAULT_STATUS[kind])
  const reply = (body: unknown): ProviderError => ({ status: code, headers: {}, body })
  switch (kind) {
    case 'auth':
      if (code === 403) return reply(googleBody(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."))
      if (code === 401) return reply(googleBody(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'))
      return reply(
        googleBody(400, 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
          { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
        ]),
      )
    case 'not-found-model':
      return reply(googleBody(code, `models/${context.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`))
    case 'rate-limit':
    case 'quota':
      return reply(
        googleBody(
          code,
          kind === 'quota'
            ? 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.'
            : 'Resource has been exhausted (e.g. check quota).',
          [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count', quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier', quotaValue: '250000' }],
            },
            { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
            ...(context.retryAfter !== undefined ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${context.retryAfter}s` }] : []),
          ],
        ),
      )
    case 'context-length':
      return reply(googleBody(code, 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).'))
    case 'server':
      if (code === 503 || code === 502) return reply(googleBody(code, 'The service is currently unavailable.'))
      if (code === 504) return reply(googleBody(code, 'Deadline expired before operation could complete.'))
      return reply(googleBody(code, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'))
    case 'overloaded':
      return reply(googleBody(code, 'The model is overloaded. Please try again later.'))
    case 'content-filter':
      return reply(googleBody(code, 'The request was blocked.'))
  }
}
