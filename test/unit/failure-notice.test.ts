import { APICallError, NoObjectGeneratedError } from 'ai'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/inputs.ts'
import { parseUserContext } from '../../src/context/user-context.ts'
import { interrupted } from '../../src/planners/http.ts'
import { describeModelError } from '../../src/planners/llm/errors.ts'
import { PlannerError } from '../../src/planners/planner.ts'
import { describeFailure, withoutMaintainerAdvice } from '../../src/publish/final.ts'

// What the issue shows of a failure is checked on the messages the planners really write, built by their
// own code where it is exported, so a reworded message is still checked for advice to maintainers.

const llm = { label: 'OpenAI', model: 'gpt-5.4-mini', origin: 'https://api.openai.com', keyHint: 'OPENAI_API_KEY' }

function callError(statusCode: number | undefined, responseBody: unknown, message = 'Bad Request'): APICallError {
  return new APICallError({
    message,
    url: 'https://api.openai.com/v1/responses',
    requestBodyValues: {},
    ...(statusCode !== undefined ? { statusCode } : {}),
    responseBody: JSON.stringify(responseBody),
    isRetryable: false,
  })
}

const modelError = (error: unknown): PlannerError => describeModelError(error, llm)
const noticeOf = (error: Error): string | null => describeFailure(error, error.message).notice

/** What nobody but a maintainer can act on: inputs, variables, the runner, billing, re-running. */
const MAINTAINER_ONLY = /input `|_API_KEY|\bre-?plan\b|try again|the runner|billing|run the workflow|service status|report it|Check |Raise |Lower /

describe('describeFailure: configuration problems stay in the log', () => {
  it.each([
    ['a missing `model`', new PlannerError('openai needs input `model`: the OpenAI model to plan with, for example `gpt-5.4-mini`.', 'config')],
    ['a rejected key', modelError(callError(401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }))],
    ['an unknown model (404)', modelError(callError(404, { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } }))],
    ['a prompt too long for the model', modelError(callError(400, { error: { message: "This model's maximum context length is 8192 tokens" } }))],
  ])('%s: the issue gets no notice of its own, the log the whole message', (_, error) => {
    expect(error.reason).toBe('config')
    expect(describeFailure(error, error.message)).toEqual({ message: error.message, notice: null })
  })

  it('an invalid `context` input is one too', () => {
    let error: unknown
    try {
      parseUserContext('- production\n- eu-west-1')
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(InputError)
    expect(describeFailure(error, (error as Error).message).notice).toBeNull()
  })
})

describe('describeFailure: other failures keep their notice, without advice to maintainers', () => {
  it.each([
    ['a rate limit', modelError(callError(429, { error: { message: 'You exceeded your current quota. Check your plan and billing details.', code: 'insufficient_quota' } })), 'OpenAI refused the request: rate limit or quota exhausted (HTTP 429): "You exceeded your current quota. Check your plan and billing details.".'],
    ['a provider failure', modelError(callError(500, { error: { message: 'The server had an error' } })), 'OpenAI failed while planning (HTTP 500): "The server had an error".'],
    ['a provider that cannot be reached', modelError(callError(undefined, {}, 'fetch failed')), 'Could not reach the OpenAI API at https://api.openai.com: "fetch failed".'],
    ['a reply cut at the output limit', modelError(new NoObjectGeneratedError({ text: '{"kind":"plan","steps":[', response: { id: 'r', timestamp: new Date(0), modelId: 'gpt-5.4-mini' }, usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } as never, finishReason: 'length' })), 'The OpenAI model gpt-5.4-mini ran out of output tokens before the plan was complete.'],
    ['a stream broken mid-reply', interrupted(new Error('socket hang up'), 'https://planner.example.com/task-planning/plan/stream', new AbortController().signal), 'The connection to the planner at https://planner.example.com broke while it was answering (socket hang up). It was not retried, to avoid paying for a second plan.'],
  ])('%s', (_, error, notice) => {
    expect(noticeOf(error)).toBe(notice)
    expect(noticeOf(error)!.replace(/"[^"]*"/g, '')).not.toMatch(MAINTAINER_ONLY)
  })

  it('a reply that is not a plan is still quoted', () => {
    const error = new PlannerError('The planner\'s reply is not a usable plan (steps: expected array). It began: "{"title":"x","steps":"just do it"}"', 'invalid-reply')
    expect(noticeOf(error)).toBe(error.message)
  })
})

describe('withoutMaintainerAdvice', () => {
  it('drops a parenthesis naming an input, and advice after a semicolon', () => {
    expect(withoutMaintainerAdvice('The task-planning planner did not answer within 300 s (input `planner-timeout` is 300 s). Plans usually take one to two minutes; try again, or raise the timeout.')).toBe(
      'The task-planning planner did not answer within 300 s. Plans usually take one to two minutes.',
    )
  })

  it('drops sentences that tell someone to re-run, report or check the service', () => {
    expect(withoutMaintainerAdvice('The Kubiya stream ended without a plan and without saying why. Run the workflow again; if it keeps happening, check the Kubiya service status.')).toBe('The Kubiya stream ended without a plan and without saying why.')
    expect(
      withoutMaintainerAdvice('The Kubiya control plane refused the request this action sent (HTTP 422): `description`: Field required. This is a bug in Issue Planner or a Kubiya server version it does not support, not a problem with the issue: please report it to the Issue Planner maintainers with this message.'),
    ).toBe('The Kubiya control plane refused the request this action sent (HTTP 422): `description`: Field required.')
    expect(withoutMaintainerAdvice('Kubiya planning failed: no model key. Set OPENAI_API_KEY in the Kubiya dashboard.')).toBe('Kubiya planning failed: no model key.')
  })

  it('never splits or judges what a planner said, in quotes', () => {
    const said = 'Kubiya planning failed (HTTP 500): "Worker crashed. Check input queue; retry later."'
    expect(withoutMaintainerAdvice(said)).toBe(said)
  })

  it('keeps a message with no advice as it is, and a decimal or a path whole', () => {
    expect(withoutMaintainerAdvice('The task-planning service failed (HTTP 500): model overloaded')).toBe('The task-planning service failed (HTTP 500): model overloaded')
    expect(withoutMaintainerAdvice('Version 1.5 of src/app.ts is broken.')).toBe('Version 1.5 of src/app.ts is broken.')
  })
})
