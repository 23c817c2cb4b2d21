import { APICallError, NoObjectGeneratedError, NoOutputGeneratedError, RetryError, StreamProviderError } from 'ai'
import { describe, expect, it } from 'vitest'
import { configProblem } from '../../src/planners/llm/index.ts'
import { type ErrorContext, describeModelError, refusalReason } from '../../src/planners/llm/errors.ts'
import { PlannerError } from '../../src/planners/planner.ts'

const ctx: ErrorContext = { label: 'OpenAI', model: 'gpt-5.4-mini', origin: 'https://api.openai.com', keyHint: 'OPENAI_API_KEY' }
const ISSUE_TEXT = 'SECRET ISSUE TEXT that must not leak'

/** An SDK call error as a provider raises it: it carries the request body, which must never be shown. */
function callError(statusCode: number | undefined, responseBody: unknown, message = 'Bad Request'): APICallError {
  return new APICallError({
    message,
    url: 'https://api.openai.com/v1/responses',
    requestBodyValues: { input: [{ role: 'user', content: ISSUE_TEXT }] },
    ...(statusCode !== undefined ? { statusCode } : {}),
    responseBody: typeof responseBody === 'string' ? responseBody : JSON.stringify(responseBody),
    isRetryable: false,
  })
}

function described(error: unknown): PlannerError {
  const result = describeModelError(error, ctx)
  expect(result).toBeInstanceOf(PlannerError)
  expect(result.message).not.toContain(ISSUE_TEXT)
  return result
}

describe('describeModelError: provider HTTP errors', () => {
  it('401/403: the key was rejected, naming the input and the variable', () => {
    const error = described(callError(401, { error: { message: 'Incorrect API key provided: sk-abc***', type: 'invalid_request_error', code: 'invalid_api_key' } }))
    expect(error.reason).toBe('config')
    expect(error.message).toMatch(/^OpenAI rejected the API key \(HTTP 401\): "Incorrect API key provided/)
    expect(error.message).toContain('`planner-api-key` (or OPENAI_API_KEY)')
    expect(described(callError(403, { error: { message: 'forbidden' } })).reason).toBe('config')
  })

  it('404: the model or URL was not found, naming `model` and `planner-url`', () => {
    const error = described(callError(404, { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } }))
    expect(error.reason).toBe('config')
    expect(error.message).toContain('OpenAI has no model gpt-5.4-mini at https://api.openai.com (HTTP 404)')
    expect(error.message).toContain('input `model`')
    expect(error.message).toContain('input `planner-url`')
  })

  it('429: rate limit or quota, in each provider\'s wording', () => {
    expect(described(callError(429, { error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } })).message).toMatch(/rate limit or quota exhausted \(HTTP 429\): "You exceeded your current quota"/)
    // Gemini answers RESOURCE_EXHAUSTED.
    expect(described(callError(429, { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } })).message).toMatch(/quota exhausted/)
  })

  it('a prompt too long for the model suggests a lower context-budget', () => {
    const openai = described(callError(400, { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.", code: 'context_length_exceeded' } }))
    expect(openai.message).toMatch(/^The prompt is too long for OpenAI model gpt-5.4-mini \(HTTP 400\)/)
    expect(openai.message).toContain('Lower input `context-budget`')
    const anthropic = described(callError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } }))
    expect(anthropic.message).toMatch(/^The prompt is too long/)
    const gemini = described(callError(400, { error: { code: 400, message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } }))
    expect(gemini.message).toMatch(/^The prompt is too long/)
  })

  it('a content filter quotes the provider\'s reason', () => {
    const error = described(callError(400, { error: { message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", code: 'content_filter' } }))
    expect(error.message).toMatch(/refused to plan this issue \(content filter\) \(HTTP 400\): "The response was filtered/)
  })

  it('5xx and overloaded: a temporary failure', () => {
    const error = described(callError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }))
    expect(error.reason).toBe('server')
    expect(error.message).toMatch(/failed while planning \(HTTP 529\): "Overloaded"\. This is usually temporary/)
  })

  it('a response body that is not JSON is quoted as text; an empty one falls back to the status', () => {
    expect(described(callError(500, '<html>Bad gateway</html>')).message).toContain('"<html>Bad gateway</html>"')
    expect(described(callError(500, '')).message).toContain('"HTTP 500"')
  })

  it('no status at all: the API could not be reached', () => {
    const error = described(callError(undefined, '', 'Cannot connect to API: connect ECONNREFUSED 127.0.0.1:9'))
    expect(error.reason).toBe('network')
    expect(error.message).toMatch(/^Could not reach the OpenAI API at https:\/\/api.openai.com: "Cannot connect to API: connect ECONNREFUSED/)
  })

  it('Gemini\'s 400 API_KEY_INVALID is a rejected key, and Anthropic\'s empty credit balance a quota problem', () => {
    expect(described(callError(400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } })).message).toMatch(/rejected the API key \(HTTP 400\)/)
    expect(described(callError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' } })).message).toMatch(/quota exhausted \(HTTP 400\)/)
  })

  it('a stream that broke after the reply started (the SDK reports status 200) was interrupted, not retried', () => {
    const error = described(callError(200, '', 'Failed to process successful response'))
    expect(error.reason).toBe('interrupted')
    expect(error.message).toBe('The connection to OpenAI at https://api.openai.com broke while the model was writing the plan. It was not retried, to avoid paying for a second plan; re-plan to try again.')
  })

  it('an error event in the middle of the reply says so, with the provider\'s reason', () => {
    const error = described(new StreamProviderError({ message: 'Overloaded', type: 'overloaded_error', statusCode: 529, isRetryable: true, data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } }))
    expect(error.message).toBe('OpenAI failed while it was writing the plan (HTTP 529): "Overloaded". This is usually temporary: re-plan in a few minutes.')
  })

  it('looks through the SDK\'s wrappers (RetryError, causes)', () => {
    const wrapped = new RetryError({ message: 'Failed after 1 attempt', reason: 'errorNotRetryable', errors: [callError(401, { error: { message: 'bad key' } })] })
    expect(described(wrapped).message).toMatch(/rejected the API key/)
    expect(described(new Error('outer', { cause: callError(404, { error: { message: 'no model' } }) })).message).toMatch(/has no model/)
  })
})

describe('describeModelError: replies that are not a plan', () => {
  const response = { id: 'r', timestamp: new Date(0), modelId: 'gpt-5.4-mini' }
  const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 } as never

  it('a reply that does not match the schema quotes its start', () => {
    const error = described(new NoObjectGeneratedError({ text: '{"kind":"plan","steps":"not a list"}', response, usage, finishReason: 'stop' }))
    expect(error.reason).toBe('invalid-reply')
    expect(error.message).toBe('The OpenAI model gpt-5.4-mini did not reply with a plan in the expected shape. It began: "{"kind":"plan","steps":"not a list"}"')
  })

  it('a content-filtered reply says it was refused', () => {
    expect(described(new NoObjectGeneratedError({ text: '', response, usage, finishReason: 'content-filter' })).message).toBe('The OpenAI model gpt-5.4-mini refused to plan this issue (content filter).')
  })

  it('a refusal without text takes its reason from the provider\'s metadata', () => {
    const error = describeModelError(new NoObjectGeneratedError({ text: '', response, usage, finishReason: 'content-filter' }), { ...ctx, refusal: refusalReason({ anthropic: { stopDetails: { explanation: 'Policy: weapons' } } }) })
    expect(error.message).toBe('The OpenAI model gpt-5.4-mini refused to plan this issue (content filter): "Policy: weapons".')
    expect(refusalReason({ google: { safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }, { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] } })).toBe('blocked for HARM_CATEGORY_DANGEROUS_CONTENT (HIGH)')
    expect(refusalReason(undefined)).toBeUndefined()
  })

  it('a reply cut at the token limit names max-output-tokens', () => {
    expect(described(new NoObjectGeneratedError({ text: '{"kind":"plan","steps":[', response, usage, finishReason: 'length' })).message).toContain('Raise input `max-output-tokens`')
  })

  it('a stream error event (not an HTTP error) is classified by its message', () => {
    expect(described({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }).message).toMatch(/OpenAI failed while planning: "Overloaded"/)
    expect(described(new NoOutputGeneratedError()).message).toBe('The OpenAI model gpt-5.4-mini ended its reply without writing a plan.')
  })

  it('passes our own errors through unchanged', () => {
    const own = new PlannerError('Could not reach the planner at http://x: ECONNREFUSED.', 'network')
    expect(describeModelError(own, ctx)).toBe(own)
  })
})

describe('configProblem', () => {
  const base = { model: 'm', baseUrl: '', apiKey: 'k', azureResource: '' }

  it('a missing model names the input and gives example ids for the provider', () => {
    expect(configProblem({ ...base, provider: 'anthropic', model: '' })?.message).toBe('The anthropic planner needs input `model`: the Anthropic model to plan with, for example `claude-sonnet-5`, `claude-haiku-4-5`, `claude-opus-5`.')
    expect(configProblem({ ...base, provider: 'openai', model: '' })?.message).toContain('`gpt-5.4-mini`')
    expect(configProblem({ ...base, provider: 'google', model: '' })?.message).toContain('`gemini-3.7-flash`')
  })

  it('a missing key names the input, the secret and the variables', () => {
    const message = configProblem({ ...base, provider: 'google', apiKey: '' })?.message
    expect(message).toBe('The google planner needs an API key: set input `planner-api-key: ${{ secrets.GOOGLE_GENERATIVE_AI_API_KEY }}` from a repository or organisation secret, or the GOOGLE_GENERATIVE_AI_API_KEY or GEMINI_API_KEY environment variable.')
  })

  it('openai-compatible needs a URL but no key (local servers)', () => {
    expect(configProblem({ ...base, provider: 'openai-compatible', apiKey: '' })?.message).toMatch(/needs input `planner-url`.*localhost:11434\/v1 \(Ollama\)/)
    expect(configProblem({ ...base, provider: 'openai-compatible', apiKey: '', baseUrl: 'http://localhost:11434/v1' })).toBeUndefined()
  })

  it('azure needs its resource name or a URL', () => {
    expect(configProblem({ ...base, provider: 'azure' })?.message).toContain('AZURE_RESOURCE_NAME')
    expect(configProblem({ ...base, provider: 'azure', azureResource: 'acme' })).toBeUndefined()
    expect(configProblem({ ...base, provider: 'azure', baseUrl: 'https://acme.openai.azure.com/openai' })).toBeUndefined()
  })

  it('every error is a configuration error', () => {
    expect(configProblem({ ...base, provider: 'openai', apiKey: '' })?.reason).toBe('config')
  })
})
