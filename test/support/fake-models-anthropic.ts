// Anthropic's Messages API on the wire: request checks as the API makes them, messages and their
// event streams (`message_start` … `message_stop`) as it sends them.
import { anthropicStreamError, type ErrorContext } from './fake-models-errors.ts'
import type { Answer, ErrorKind, Inspection, PromptMessage, ProviderError, Rendered, RenderContext, SseEvent } from './fake-models-script.ts'
import { keepPieces, randomId } from './fake-models-script.ts'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

function invalid(message: string): ProviderError {
  const requestId = randomId('req_011C', 20)
  return { status: 400, headers: { 'request-id': requestId }, body: { type: 'error', error: { type: 'invalid_request_error', message }, request_id: requestId } }
}

function blocks(content: unknown): Json[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  return Array.isArray(content) ? content.filter(isObject) : []
}

function textOf(content: unknown): string {
  return blocks(content)
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('')
}

/** Reads a `POST /v1/messages` body (and its version header) the way the Messages API checks it. */
export function inspectMessages(body: Json, version: string | undefined): Inspection {
  const inspection: Inspection = { stream: body.stream === true, output: 'text', tools: [], messages: [], toolResults: [] }
  if (!version) {
    inspection.problem = invalid('anthropic-version: header is required')
    return inspection
  }
  for (const field of ['model', 'max_tokens', 'messages'] as const) {
    if (body[field] === undefined) {
      inspection.problem = invalid(`${field}: Field required`)
      return inspection
    }
  }
  if (typeof body.model !== 'string' || body.model === '') {
    inspection.problem = invalid('model: String should have at least 1 character')
    return inspection
  }
  inspection.model = body.model
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    inspection.problem = invalid('messages: at least one message is required')
    return inspection
  }

  if (body.system !== undefined) inspection.messages.push({ role: 'system', text: textOf(body.system) })

  const tools = (Array.isArray(body.tools) ? body.tools : []).filter(isObject)
  inspection.tools = tools.map((tool) => String(tool.name))
  const format = isObject(body.output_config) && isObject(body.output_config.format) ? body.output_config.format : undefined
  const choice = isObject(body.tool_choice) ? body.tool_choice : undefined
  inspection.toolsOff = choice?.type === 'none'
  const jsonTool = tools.find((tool) => tool.name === 'json')
  if (format?.type === 'json_schema') {
    inspection.output = 'json-schema'
    inspection.schema = format.schema
    inspection.schemaField = 'output_config.format.schema'
  } else if (jsonTool && choice?.type === 'any') {
    // Models without native structured outputs get the schema as a forced `json` tool.
    inspection.output = 'json-tool'
    inspection.jsonTool = 'json'
    inspection.schema = jsonTool.input_schema
    inspection.schemaField = 'tools[name=json].input_schema'
  }

  let toolUses = new Set<string>()
  for (const [i, message] of body.messages.entries()) {
    if (!isObject(message)) continue
    const content = blocks(message.content)
    for (const [j, block] of content.entries()) {
      if (block.type !== 'tool_result') continue
      const id = String(block.tool_use_id)
      if (!toolUses.has(id)) {
        inspection.problem = invalid(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`)
        return inspection
      }
      const output = typeof block.content === 'string' ? block.content : textOf(block.content)
      inspection.toolResults.push({ callId: id, output })
      inspection.messages.push({ role: 'tool', text: output })
    }
    toolUses = new Set(content.filter((block) => block.type === 'tool_use').map((block) => String(block.id)))
    const text = textOf(content)
    if (text !== '' || !content.some((block) => block.type === 'tool_result')) inspection.messages.push({ role: (message.role === 'assistant' ? 'assistant' : 'user') as PromptMessage['role'], text })
  }
  return inspection
}

interface Block {
  /** The block as the non-streamed message lists it. */
  done: Json
  start: Json
  /** The `content_block_delta` payloads; the first tool delta is the empty one the API always sends. */
  deltas: { delta: Json; piece: boolean }[]
}

function textBlock(pieces: string[]): Block {
  return {
    start: { type: 'text', text: '' },
    done: { type: 'text', text: pieces.join('') },
    deltas: pieces.map((text) => ({ delta: { type: 'text_delta', text }, piece: true })),
  }
}

function toolBlock(id: string, name: string, argPieces: string[]): Block {
  const json = argPieces.join('')
  let input: unknown
  try {
    input = JSON.parse(json)
  } catch {
    throw new Error(`FakeModelServer script: the request forces Anthropic's \`${name}\` tool, whose input must be a JSON object, but the reply text is not JSON: ${json.slice(0, 60)}`)
  }
  return {
    start: { type: 'tool_use', id, name, input: {} },
    done: { type: 'tool_use', id, name, input },
    deltas: [{ delta: { type: 'input_json_delta', partial_json: '' }, piece: false }, ...argPieces.map((partial_json) => ({ delta: { type: 'input_json_delta', partial_json }, piece: true }))],
  }
}

function contentBlocks(answer: Answer, jsonTool: string | undefined): Block[] {
  if (answer.kind === 'refusal') return []
  if (answer.kind === 'text') return jsonTool ? [toolBlock(randomId('toolu_01', 22), jsonTool, answer.pieces)] : [textBlock(answer.pieces)]
  return [...(answer.preface.length > 0 ? [textBlock(answer.preface)] : []), ...answer.calls.map((call) => toolBlock(call.id, call.name, call.argPieces))]
}

function stopReason(answer: Answer, hitMaxTokens: boolean, jsonTool: string | undefined): string {
  if (hitMaxTokens) return 'max_tokens'
  if (answer.kind === 'refusal') return 'refusal'
  return answer.kind === 'tools' || jsonTool ? 'tool_use' : 'end_turn'
}

function usage(context: RenderContext, output: number): Json {
  return { input_tokens: context.usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output }
}

/** A Messages API reply: the message, or its event stream. */
export function renderMessages(answer: Answer, hitMaxTokens: boolean, context: RenderContext, streamError?: { after: number; kind: ErrorKind; context: ErrorContext }): Rendered {
  const jsonTool = context.inspection.output === 'json-tool' ? context.inspection.jsonTool : undefined
  const content = contentBlocks(answer, jsonTool)
  const stop_reason = stopReason(answer, hitMaxTokens, jsonTool)
  const stop_details = answer.kind === 'refusal' ? { type: 'refusal', category: 'cyber', explanation: answer.pieces.join('') } : undefined
  const id = randomId('msg_01', 22)
  const message = { model: context.model, id, type: 'message', role: 'assistant', content: content.map((block) => block.done), stop_reason, stop_sequence: null, ...(stop_details ? { stop_details } : {}) }
  if (!context.stream) return { kind: 'json', status: 200, body: { ...message, usage: { ...usage(context, context.usage.output), service_tier: 'standard' } } }

  const events: SseEvent[] = [
    { data: { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_details: undefined, usage: { ...usage(context, 1), service_tier: 'standard' } } } },
  ]
  for (const [index, block] of content.entries()) {
    events.push({ data: { type: 'content_block_start', index, content_block: block.start } })
    if (index === 0) events.push({ data: { type: 'ping' } })
    for (const { delta, piece } of block.deltas) events.push({ data: { type: 'content_block_delta', index, delta }, piece })
    events.push({ data: { type: 'content_block_stop', index } })
  }
  if (content.length === 0) events.push({ data: { type: 'ping' } })
  events.push({ data: { type: 'message_delta', delta: { stop_reason, stop_sequence: null, ...(stop_details ? { stop_details } : {}) }, usage: usage(context, context.usage.output) } })
  events.push({ data: { type: 'message_stop' } })
  const kept = streamError ? [...keepPieces(events, streamError.after), { data: anthropicStreamError(streamError.kind, streamError.context) }] : events
  return { kind: 'sse', events: kept.map((event) => ({ ...event, event: String((event.data as Json).type) })) }
}

/** A failure Anthropic reports in a 200 stream before any message (e.g. `overloaded_error`): one `error` event. */
export function messagesErrorStream(kind: ErrorKind, context: ErrorContext): Rendered {
  return { kind: 'sse', events: [{ event: 'error', data: anthropicStreamError(kind, context) }] }
}
