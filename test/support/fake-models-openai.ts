// OpenAI's Responses API and Chat Completions on the wire, also spoken by Azure OpenAI (its v1 API) and by
// OpenAI-compatible servers: request checks as the platform makes them, replies and streams as it sends them.
import type { Answer, Inspection, PromptMessage, ProviderError, Rendered, RenderContext, SseEvent, ToolResult } from './fake-models-script.ts'
import { keepPieces, randomId } from './fake-models-script.ts'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Items a stored response produced, so later requests can point at them (`item_reference`, `previous_response_id`). */
export interface ResponseStore {
  items: Map<string, { type: 'message'; text: string } | { type: 'function_call'; callId: string }>
  callIds: Set<string>
}

export function newResponseStore(): ResponseStore {
  return { items: new Map(), callIds: new Set() }
}

function invalid(azure: boolean, message: string, param: string | null, code: string | null): ProviderError {
  const error = { message, type: 'invalid_request_error', param, code }
  return { status: 400, headers: azure ? {} : { 'x-request-id': randomId('req_', 32) }, body: { error } }
}

/** Python-style tuple, as OpenAI prints schema paths: `()`, `('items',)`, `('properties', 'steps')`. */
function context(path: (string | number)[]): string {
  const parts = path.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`))
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`
}

/**
 * What strict structured outputs refuse (OpenAI's "Invalid schema" errors): a root that is not an
 * object, objects without `additionalProperties: false`, and properties missing from `required` (so
 * optional fields must be nullable instead).
 */
export function strictSchemaProblem(schema: unknown): string | undefined {
  if (!isObject(schema) || schema.type !== 'object') return `schema must be a JSON Schema of 'type: "object"', got 'type: "${isObject(schema) ? String(schema.type ?? 'None') : 'None'}"'.`
  const walk = (node: unknown, path: (string | number)[]): string | undefined => {
    if (!isObject(node)) return undefined
    const types = Array.isArray(node.type) ? node.type : [node.type]
    if (types.includes('object') || isObject(node.properties)) {
      if (node.additionalProperties !== false) return `In context=${context(path)}, 'additionalProperties' is required to be supplied and to be false.`
      const keys = Object.keys(isObject(node.properties) ? node.properties : {})
      const required = Array.isArray(node.required) ? node.required : []
      const missing = keys.find((key) => !required.includes(key))
      if (missing !== undefined) return `In context=${context(path)}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`
      for (const key of keys) {
        const problem = walk((node.properties as Json)[key], [...path, 'properties', key])
        if (problem) return problem
      }
    }
    if (node.items !== undefined) {
      const problem = walk(node.items, [...path, 'items'])
      if (problem) return problem
    }
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[keyword]
      if (!Array.isArray(list)) continue
      for (const [i, branch] of list.entries()) {
        const problem = walk(branch, [...path, keyword, i])
        if (problem) return problem
      }
    }
    for (const keyword of ['$defs', 'definitions'] as const) {
      const defs = node[keyword]
      if (!isObject(defs)) continue
      for (const [name, def] of Object.entries(defs)) {
        const problem = walk(def, [...path, keyword, name])
        if (problem) return problem
      }
    }
    return undefined
  }
  return walk(schema, [])
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : isObject(part) && typeof part.refusal === 'string' ? part.refusal : ''))
    .join('')
}

function role(value: unknown): PromptMessage['role'] {
  return value === 'system' || value === 'developer' ? 'system' : value === 'assistant' ? 'assistant' : value === 'tool' ? 'tool' : 'user'
}

/** The function tools' names, and the first strict tool whose parameters strict mode refuses. */
function functionTools(tools: unknown, read: (tool: Json) => { name?: unknown; parameters?: unknown; strict?: unknown }): { names: string[]; problem?: { message: string; index: number } } {
  const names: string[] = []
  for (const [index, tool] of (Array.isArray(tools) ? tools : []).entries()) {
    if (!isObject(tool)) continue
    const { name, parameters, strict } = read(tool)
    if (typeof name !== 'string') continue
    names.push(name)
    const problem = strict === true ? strictSchemaProblem(parameters) : undefined
    if (problem) return { names, problem: { message: `Invalid schema for function '${name}': ${problem}`, index } }
  }
  return { names }
}

/** Reads a `POST /responses` body the way the Responses API checks it. */
export function inspectResponses(body: Json, store: ResponseStore, azure: boolean): Inspection {
  const inspection: Inspection = { stream: body.stream === true, output: 'text', tools: [], messages: [], toolResults: [] }
  if (typeof body.model !== 'string' || body.model === '') {
    inspection.problem = invalid(azure, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter')
    return inspection
  }
  inspection.model = body.model
  if (typeof body.instructions === 'string') inspection.messages.push({ role: 'system', text: body.instructions })

  const format = isObject(body.text) && isObject(body.text.format) ? body.text.format : undefined
  if (format?.type === 'json_schema') {
    inspection.output = 'json-schema'
    inspection.schema = format.schema
    inspection.schemaField = 'text.format.schema'
    const name = String(format.name ?? '')
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      inspection.problem = invalid(azure, `Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, 'text.format.name', 'invalid_value')
      return inspection
    }
    const problem = format.strict === true ? strictSchemaProblem(format.schema) : undefined
    if (problem) {
      inspection.problem = invalid(azure, `Invalid schema for response_format '${name}': ${problem}`, 'text.format.schema', 'invalid_json_schema')
      return inspection
    }
  } else if (format?.type === 'json_object') {
    inspection.output = 'json-object'
  }

  const tools = functionTools(body.tools, (tool) => (tool.type === 'function' ? tool : {}))
  inspection.tools = tools.names
  inspection.toolsOff = body.tool_choice === 'none'
  if (tools.problem) {
    inspection.problem = invalid(azure, tools.problem.message, `tools[${tools.problem.index}].parameters`, 'invalid_function_parameters')
    return inspection
  }

  const calls = new Set<string>(body.previous_response_id !== undefined ? store.callIds : [])
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? body.input : []
  for (const item of input) {
    if (!isObject(item)) continue
    if (item.type === 'item_reference') {
      const stored = store.items.get(String(item.id))
      if (!stored) {
        inspection.problem = invalid(
          azure,
          `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
          'input',
          null,
        )
        return inspection
      }
      if (stored.type === 'message') inspection.messages.push({ role: 'assistant', text: stored.text })
      else calls.add(stored.callId)
    } else if (item.type === 'function_call') {
      calls.add(String(item.call_id))
    } else if (item.type === 'function_call_output') {
      const callId = String(item.call_id)
      if (!calls.has(callId)) {
        inspection.problem = invalid(azure, `No tool call found for function call output with call_id ${callId}.`, 'input', null)
        return inspection
      }
      const output = typeof item.output === 'string' ? item.output : textOf(item.output)
      inspection.toolResults.push({ callId, output })
      inspection.messages.push({ role: 'tool', text: output })
    } else if (item.role !== undefined && (item.type === undefined || item.type === 'message')) {
      inspection.messages.push({ role: role(item.role), text: textOf(item.content) })
    }
  }
  return inspection
}

/** Reads a `POST /chat/completions` body the way Chat Completions checks it. */
export function inspectChat(body: Json, azure: boolean): Inspection {
  const inspection: Inspection = {
    stream: body.stream === true,
    output: 'text',
    tools: [],
    messages: [],
    toolResults: [],
    includeUsage: isObject(body.stream_options) && body.stream_options.include_usage === true,
  }
  if (typeof body.model !== 'string' || body.model === '') {
    inspection.problem = invalid(azure, 'you must provide a model parameter', null, null)
    return inspection
  }
  inspection.model = body.model
  if (!Array.isArray(body.messages)) {
    inspection.problem = invalid(azure, "Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter')
    return inspection
  }
  if (body.messages.length === 0) {
    inspection.problem = invalid(azure, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array')
    return inspection
  }

  const format = isObject(body.response_format) ? body.response_format : undefined
  if (format?.type === 'json_schema' && isObject(format.json_schema)) {
    inspection.output = 'json-schema'
    inspection.schema = format.json_schema.schema
    inspection.schemaField = 'response_format.json_schema.schema'
    const problem = format.json_schema.strict === true ? strictSchemaProblem(format.json_schema.schema) : undefined
    if (problem) {
      inspection.problem = invalid(azure, `Invalid schema for response_format '${String(format.json_schema.name)}': ${problem}`, 'response_format', null)
      return inspection
    }
  } else if (format?.type === 'json_object') {
    inspection.output = 'json-object'
  }

  const tools = functionTools(body.tools, (tool) => (isObject(tool.function) ? tool.function : {}))
  inspection.tools = tools.names
  inspection.toolsOff = body.tool_choice === 'none'
  if (tools.problem) {
    inspection.problem = invalid(azure, tools.problem.message, `tools[${tools.problem.index}].function.parameters`, 'invalid_function_parameters')
    return inspection
  }

  let open = new Set<string>()
  for (const [i, message] of body.messages.entries()) {
    if (!isObject(message)) continue
    if (message.role === 'tool') {
      const callId = String(message.tool_call_id)
      if (!open.has(callId)) {
        inspection.problem = invalid(azure, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`, null)
        return inspection
      }
      const output = textOf(message.content)
      inspection.toolResults.push({ callId, output } satisfies ToolResult)
      inspection.messages.push({ role: 'tool', text: output })
      continue
    }
    if (message.role === 'assistant' && Array.isArray(message.tool_calls)) {
      open = new Set(message.tool_calls.map((call) => (isObject(call) ? String(call.id) : '')))
    }
    inspection.messages.push({ role: role(message.role), text: textOf(message.content) })
  }
  return inspection
}

// ---- Responses API replies ------------------------------------------------------------------------

function responsesUsage(context: RenderContext): Json {
  const { input, output } = context.usage
  return { input_tokens: input, input_tokens_details: { cached_tokens: 0 }, output_tokens: output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: input + output }
}

/** The Response object that `response.created`, `response.completed` and the non-streamed reply carry. */
function responseObject(id: string, context: RenderContext, status: string, output: Json[], extra: Json = {}): Json {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: context.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: context.inspection.output === 'json-schema' ? { type: 'json_schema', name: 'response', strict: true } : { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: {},
    ...extra,
  }
}

interface OutputItem {
  /** The item as `response.output_item.done` and the final response list it. */
  done: Json
  /** Its streamed events, between `output_item.added` and `output_item.done`. */
  events: (outputIndex: number) => SseEvent[]
  added: Json
}

function messageItem(pieces: string[], kind: 'output_text' | 'refusal'): OutputItem {
  const id = randomId('msg_', 48)
  const text = pieces.join('')
  const part = kind === 'output_text' ? { type: 'output_text', annotations: [], logprobs: [], text } : { type: 'refusal', refusal: text }
  const emptyPart = kind === 'output_text' ? { ...part, text: '' } : { ...part, refusal: '' }
  return {
    added: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    done: { id, type: 'message', status: 'completed', content: [part], role: 'assistant' },
    events: (output_index) => {
      const at = { item_id: id, output_index, content_index: 0 }
      const deltaType = kind === 'output_text' ? 'response.output_text.delta' : 'response.refusal.delta'
      const doneEvent = kind === 'output_text' ? { type: 'response.output_text.done', ...at, text, logprobs: [] } : { type: 'response.refusal.done', ...at, refusal: text }
      return [
        { data: { type: 'response.content_part.added', ...at, part: emptyPart } },
        ...pieces.map((delta): SseEvent => ({ data: { type: deltaType, ...at, delta, ...(kind === 'output_text' ? { logprobs: [] } : {}) }, piece: true })),
        { data: doneEvent },
        { data: { type: 'response.content_part.done', ...at, part } },
      ]
    },
  }
}

function functionCallItem(call: { id: string; name: string; argPieces: string[] }): OutputItem {
  const id = randomId('fc_', 48)
  const args = call.argPieces.join('')
  return {
    added: { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: call.id, name: call.name },
    done: { id, type: 'function_call', status: 'completed', arguments: args, call_id: call.id, name: call.name },
    events: (output_index) => [
      ...call.argPieces.map((delta): SseEvent => ({ data: { type: 'response.function_call_arguments.delta', item_id: id, output_index, delta }, piece: true })),
      { data: { type: 'response.function_call_arguments.done', item_id: id, output_index, arguments: args } },
    ],
  }
}

function outputItems(answer: Answer): OutputItem[] {
  if (answer.kind === 'text') return [messageItem(answer.pieces, 'output_text')]
  if (answer.kind === 'refusal') return [messageItem(answer.pieces, 'refusal')]
  return [...(answer.preface.length > 0 ? [messageItem(answer.preface, 'output_text')] : []), ...answer.calls.map(functionCallItem)]
}

/** Numbers the events and names them after their type, as the Responses API does. */
function sequenced(events: SseEvent[]): SseEvent[] {
  return events.map((event, sequence_number) => {
    const data: Json = { ...(event.data as Json), sequence_number }
    return { event: String(data.type), data, piece: event.piece }
  })
}

function remember(store: ResponseStore, items: Json[]): void {
  for (const item of items) {
    if (item.type === 'message') store.items.set(String(item.id), { type: 'message', text: textOf(item.content) })
    if (item.type === 'function_call') {
      store.items.set(String(item.id), { type: 'function_call', callId: String(item.call_id) })
      store.callIds.add(String(item.call_id))
    }
  }
}

/** A Responses API reply: the event stream, or the Response object. */
export function renderResponses(answer: Answer, hitMaxTokens: boolean, context: RenderContext, store: ResponseStore | undefined, streamError?: { after: number; error: ProviderError }): Rendered {
  const id = randomId('resp_', 48)
  const items = outputItems(answer)
  const output = items.map((item) => item.done)
  if (store) remember(store, output)
  const finished = hitMaxTokens ? { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } : { status: 'completed' }
  const final = responseObject(id, context, finished.status, output, { ...finished, usage: responsesUsage(context) })
  if (!context.stream) return { kind: 'json', status: 200, body: final }

  const events: SseEvent[] = [
    { data: { type: 'response.created', response: responseObject(id, context, 'in_progress', []) } },
    { data: { type: 'response.in_progress', response: responseObject(id, context, 'in_progress', []) } },
  ]
  for (const [output_index, item] of items.entries()) {
    events.push({ data: { type: 'response.output_item.added', output_index, item: item.added } })
    events.push(...item.events(output_index))
    events.push({ data: { type: 'response.output_item.done', output_index, item: item.done } })
  }
  events.push({ data: { type: hitMaxTokens ? 'response.incomplete' : 'response.completed', response: final } })
  if (!streamError) return { kind: 'sse', events: sequenced(events) }
  return { kind: 'sse', events: sequenced([...keepPieces(events, streamError.after), ...responsesErrorEvents(id, context, streamError.error)]) }
}

/** How the Responses API reports a failure inside a stream: an `error` event, then `response.failed`. */
function responsesErrorEvents(id: string, context: RenderContext, error: ProviderError): SseEvent[] {
  const detail = isObject(error.body) && isObject(error.body.error) ? error.body.error : { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: 'server_error' }
  // Azure's codes are HTTP statuses as strings ('429'); the SDK reads those as the status.
  const code = typeof detail.code === 'string' ? detail.code : 'server_error'
  return [
    { data: { type: 'error', error: { type: detail.type ?? 'server_error', code, message: detail.message, param: detail.param ?? null } } },
    { data: { type: 'response.failed', response: responseObject(id, context, 'failed', [], { error: { code, message: detail.message } }) } },
  ]
}

/** A failure the Responses API reports after accepting the request: 200, `created`, `in_progress`, then the error. */
export function responsesErrorStream(context: RenderContext, error: ProviderError): Rendered {
  const id = randomId('resp_', 48)
  return {
    kind: 'sse',
    events: sequenced([
      { data: { type: 'response.created', response: responseObject(id, context, 'in_progress', []) } },
      { data: { type: 'response.in_progress', response: responseObject(id, context, 'in_progress', []) } },
      ...responsesErrorEvents(id, context, error),
    ]),
  }
}

// ---- Chat Completions replies ---------------------------------------------------------------------

function chatUsage(context: RenderContext): Json {
  const { input, output } = context.usage
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  }
}

const AZURE_FILTERS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
}

function finishReason(answer: Answer, hitMaxTokens: boolean): string {
  return hitMaxTokens ? 'length' : answer.kind === 'tools' ? 'tool_calls' : 'stop'
}

/** A Chat Completions reply: `chat.completion.chunk` events ending in `[DONE]`, or one `chat.completion`. */
export function renderChat(answer: Answer, hitMaxTokens: boolean, context: RenderContext, azure: boolean, streamError?: { after: number; error: ProviderError }): Rendered {
  const id = randomId('chatcmpl-', 29)
  const created = Math.floor(Date.now() / 1000)
  const head = { id, object: 'chat.completion.chunk', created, model: context.model, system_fingerprint: 'fp_fake0001' }
  const finish = finishReason(answer, hitMaxTokens)
  const calls = answer.kind === 'tools' ? answer.calls : []
  const textPieces = answer.kind === 'tools' ? answer.preface : answer.pieces
  const text = textPieces.join('')

  if (!context.stream) {
    const message =
      answer.kind === 'refusal'
        ? { role: 'assistant', content: null, refusal: text, annotations: [] }
        : {
            role: 'assistant',
            content: calls.length > 0 && text === '' ? null : text,
            refusal: null,
            annotations: [],
            ...(calls.length > 0 ? { tool_calls: calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.argPieces.join('') } })) } : {}),
          }
    const choice = { index: 0, message, logprobs: null, finish_reason: finish, ...(azure ? { content_filter_results: AZURE_FILTERS } : {}) }
    return { kind: 'json', status: 200, body: { ...head, object: 'chat.completion', choices: [choice], usage: chatUsage(context), service_tier: 'default' } }
  }

  const usageField = context.inspection.includeUsage ? { usage: null } : {}
  const chunk = (delta: Json, finish_reason: string | null = null): Json => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason, ...(azure ? { content_filter_results: finish_reason ? {} : AZURE_FILTERS } : {}) }],
    ...usageField,
  })
  const events: SseEvent[] = []
  // Azure sends the prompt's content-filter verdicts first, in a chunk with no choices and no id.
  if (azure) events.push({ data: { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: AZURE_FILTERS }] } })
  const field = answer.kind === 'refusal' ? 'refusal' : 'content'
  events.push({ data: chunk({ role: 'assistant', content: field === 'content' ? '' : null, refusal: field === 'refusal' ? '' : null }) })
  for (const piece of textPieces) events.push({ data: chunk({ [field]: piece }), piece: true })
  for (const [index, call] of calls.entries()) {
    events.push({ data: chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }) })
    for (const piece of call.argPieces) events.push({ data: chunk({ tool_calls: [{ index, function: { arguments: piece } }] }), piece: true })
  }
  events.push({ data: chunk({}, finish) })
  if (context.inspection.includeUsage) events.push({ data: { ...head, choices: [], usage: chatUsage(context) } })
  events.push({ data: '[DONE]' })
  if (!streamError) return { kind: 'sse', events }
  return { kind: 'sse', events: [...keepPieces(events, streamError.after), { data: streamError.error.body }] }
}

/** A failure Chat Completions reports inside an accepted stream: one `{"error": …}` chunk. */
export function chatErrorStream(error: ProviderError): Rendered {
  return { kind: 'sse', events: [{ data: error.body }] }
}
