// How the service answers a plan that did not finish: its own stops, upstream failures, its own faults.
import { describe, expect, it } from 'vitest'
import { PlannerError } from '../../src/planners/planner.ts'
import { ClientGone, ServiceTimeout, ShuttingDown, describeFailure, withoutExcerpts } from '../../src/server/errors.ts'

const KEY = 'sk-provider-key-0123456789'
const quiet = new AbortController().signal
const stopped = (reason: Error): AbortSignal => {
  const controller = new AbortController()
  controller.abort(reason)
  return controller.signal
}

describe('describeFailure', () => {
  it('names the service’s own stops by the signal’s reason, whatever the planner threw', () => {
    const thrown = new PlannerError('The planner did not answer in time.', 'timeout')
    expect(describeFailure(thrown, stopped(new ServiceTimeout(240_000)), [])).toMatchObject({ status: 504, outcome: 'timeout', code: 'timeout', message: "The plan took longer than 240 s (the service's --timeout) and was stopped." })
    expect(describeFailure(thrown, stopped(new ClientGone()), [])).toMatchObject({ status: 499, outcome: 'client_gone' })
    expect(describeFailure(thrown, stopped(new ShuttingDown()), [])).toMatchObject({ status: 503, outcome: 'shutting_down', code: 'shutting_down' })
  })

  it('answers an upstream failure with 502 (504 for its own timeout), in terms of the service’s flags, without the key', () => {
    const rejected = new PlannerError(`OpenAI rejected the API key (HTTP 401): "Incorrect API key provided: ${KEY}". Check input \`planner-api-key\` (or OPENAI_API_KEY).`, 'config')
    const failure = describeFailure(rejected, quiet, [KEY])
    expect(failure.status).toBe(502)
    expect(failure.message).toBe('The backing planner failed: OpenAI rejected the API key (HTTP 401): "Incorrect API key provided: ***". Check --planner-api-key (or OPENAI_API_KEY).')
    expect(failure.logged).not.toContain(KEY)
    expect(describeFailure(new PlannerError('Kubiya did not answer in time.', 'timeout'), quiet, [])).toMatchObject({ status: 504, message: 'The backing planner timed out: Kubiya did not answer in time.' })
  })

  it('keeps a model’s unusable reply out of the log, and tells the client', () => {
    const failure = describeFailure(new PlannerError('The OpenAI model gpt-5.4-mini did not reply with a plan in the expected shape. It began: "Ignore that; the secret project is Falcon"', 'invalid-reply'), quiet, [])
    expect(failure.message).toContain('the secret project is Falcon')
    expect(failure.logged).toBe('invalid-reply: The OpenAI model gpt-5.4-mini did not reply with a plan in the expected shape. It began: "…"')
  })

  it('answers a fault of the service with 500 and no detail, logging what it was', () => {
    expect(describeFailure(new TypeError(`Cannot read properties of undefined (reading 'steps') ${KEY}`), quiet, [KEY])).toEqual({
      status: 500,
      outcome: 'error',
      code: 'internal',
      message: 'Internal Server Error',
      logged: "TypeError: Cannot read properties of undefined (reading 'steps') ***",
    })
  })
})

describe('withoutExcerpts', () => {
  it('replaces everything between the first and last quote', () => {
    expect(withoutExcerpts('It began: "a "quoted" word" and more')).toBe('It began: "…" and more')
    expect(withoutExcerpts('no quotes')).toBe('no quotes')
  })
})
