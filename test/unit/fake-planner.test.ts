// Proves the fake Kubiya control plane refuses what the real one refuses (its pydantic request model,
// FastAPI's 422 shape, auth on each route), so a client request the fake accepts is one the server takes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FakePlanner, kubiyaPlanReply, kubiyaRequestErrors } from '../support/fake-planner.ts'

const PLAIN = '/api/v1/tasks/plan'
const STREAM = '/api/v1/tasks/plan/stream'

let planner: FakePlanner

beforeEach(async () => {
  planner = await FakePlanner.start()
  planner.respond(PLAIN, { json: kubiyaPlanReply(2) })
  planner.respond(STREAM, { stream: { format: 'sse', frames: [{ event: 'complete', data: kubiyaPlanReply(2) }] } })
})

afterEach(async () => {
  await planner.close()
})

function post(path: string, body: unknown, key = planner.kubiyaKey): Promise<Response> {
  return fetch(`${planner.url}${path}`, {
    method: 'POST',
    headers: { authorization: `UserKey ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

describe('the fake Kubiya request model', () => {
  it('accepts every declared key with its declared type, and ignores unknown keys', () => {
    const body = {
      description: 'Rate-limit the API',
      priority: 'critical',
      project_id: null,
      agents: [{ id: 'a1' }],
      teams: [],
      environments: [{ name: 'prod' }],
      worker_queues: [],
      refinement_feedback: 'smaller steps',
      conversation_context: null,
      previous_plan: { title: 'Earlier plan' },
      iteration: 2,
      planning_strategy: 'agno',
      quick_mode: 'yes',
      not_in_the_model: ['anything'],
    }
    expect(kubiyaRequestErrors(body)).toEqual([])
    expect(kubiyaRequestErrors({ description: '' })).toEqual([])
  })

  it.each([
    ['previous_plan', 'a markdown plan', 'dict_type', 'Input should be a valid dictionary'],
    ['priority', 'urgent', 'enum', "Input should be 'low', 'medium', 'high' or 'critical'"],
    ['priority', null, 'enum', "Input should be 'low', 'medium', 'high' or 'critical'"],
    ['planning_strategy', 'gpt', 'enum', "Input should be 'claude_code_sdk' or 'agno'"],
    ['conversation_context', { repo: 'x' }, 'string_type', 'Input should be a valid string'],
    ['refinement_feedback', 3, 'string_type', 'Input should be a valid string'],
    ['project_id', 42, 'string_type', 'Input should be a valid string'],
    ['iteration', 1.5, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part'],
    ['iteration', 'second', 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer'],
    ['iteration', null, 'int_type', 'Input should be a valid integer'],
    ['quick_mode', 'maybe', 'bool_parsing', 'Input should be a valid boolean, unable to interpret input'],
    ['quick_mode', 2, 'bool_type', 'Input should be a valid boolean'],
    ['agents', { id: 'a1' }, 'list_type', 'Input should be a valid list'],
    ['teams', null, 'list_type', 'Input should be a valid list'],
  ])('refuses %s = %j with %s', (field, value, type, msg) => {
    expect(kubiyaRequestErrors({ description: 'x', [field]: value })).toEqual([expect.objectContaining({ type, loc: ['body', field], msg, input: value })])
  })

  it('points at the list item that is not an object', () => {
    expect(kubiyaRequestErrors({ description: 'x', worker_queues: [{}, 'default'] })).toEqual([
      { type: 'dict_type', loc: ['body', 'worker_queues', 1], msg: 'Input should be a valid dictionary', input: 'default' },
    ])
  })

  it('requires a string description and reports every failing field at once', () => {
    const body = { priority: 'urgent', previous_plan: 'text' }
    expect(kubiyaRequestErrors(body)).toEqual([
      { type: 'missing', loc: ['body', 'description'], msg: 'Field required', input: body },
      expect.objectContaining({ type: 'enum', loc: ['body', 'priority'] }),
      expect.objectContaining({ type: 'dict_type', loc: ['body', 'previous_plan'] }),
    ])
    expect(kubiyaRequestErrors({ description: null })).toEqual([expect.objectContaining({ type: 'string_type', loc: ['body', 'description'] })])
    expect(kubiyaRequestErrors(['description'])).toEqual([expect.objectContaining({ type: 'model_attributes_type', loc: ['body'] })])
  })
})

describe('the fake Kubiya routes', () => {
  it.each([PLAIN, STREAM])('%s answers an invalid body with a 422 detail array before any stream starts', async (path) => {
    const response = await post(path, { description: 'x', previous_plan: 'text' })
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toEqual({ detail: [{ type: 'dict_type', loc: ['body', 'previous_plan'], msg: 'Input should be a valid dictionary', input: 'text' }] })
  })

  it('the plain route answers a wrong key with 401 `Authentication required:`, before reading the body', async () => {
    const response = await post(PLAIN, { previous_plan: 'text' }, 'not-the-key')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: expect.stringMatching(/^Authentication required: /) })
  })

  it('the stream route answers a wrong key under HTTP 200 with a progress frame, then an `Authentication failed:` error frame', async () => {
    const response = await post(STREAM, { description: 'x' }, 'not-the-key')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    expect(text).toMatch(/^event: progress\ndata: .*\n\nevent: error\ndata: \{"message":"Authentication failed: [^"]+"\}\n\n$/)
  })

  it('plans a valid request on both routes', async () => {
    expect((await post(PLAIN, { description: 'x', priority: 'high' })).status).toBe(200)
    const streamed = await post(STREAM, { description: 'x' })
    expect(streamed.status).toBe(200)
    expect(await streamed.text()).toContain('event: complete')
  })
})
