// The Gemini API's generateContent and streamGenerateContent on the wire: request checks as the API
// makes them, GenerateContentResponse bodies and their SSE stream as it sends them.
import type { Answer, Inspection, PromptMessage, ProviderError, Rendered, RenderContext, SseEvent } from './fake-models-script.ts'
import { keepPieces, randomId } from './fake-models-script.ts'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

function invalid(message: string): ProviderError {
  return { status: 400, headers: {}, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } } }
}

function parts(content: unknown): Json[] {
  return isObject(content) && Array.isArray(content.parts) ? content.parts.filter(isObject) : []
}

function textOf(content: unknown): string {
  return parts(content)
    .map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : ''))
    .join('')
}

/** Reads a `generateContent`/`streamGenerateContent` body the way the Gemini API checks it. */
export function inspectGenerateContent(body: Json, model: string, stream: boolean): Inspection {
  const inspection: Inspection = { model, stream, output: 'text', tools: [], messages: [], toolResults: [] }
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    inspection.problem = invalid('* GenerateContentRequest.contents: contents is not specified\n')
    return inspection
  }
  if (body.systemInstruction !== undefined) inspection.messages.push({ role: 'system', text: textOf(body.systemInstruction) })

  const declarations = (Array.isArray(body.tools) ? body.tools : []).flatMap((tool) => (isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations.filter(isObject) : []))
  inspection.tools = declarations.map((declaration) => String(declaration.name))
  const config = isObject(body.generationConfig) ? body.generationConfig : {}
  const mode = isObject(body.toolConfig) && isObject(body.toolConfig.functionCallingConfig) ? body.toolConfig.functionCallingConfig.mode : undefined
  inspection.toolsOff = mode === 'NONE'
  const jsonTool = declarations.filter((declaration) => /^json(_\d+)?$/.test(String(declaration.name))).at(-1)
  if (config.responseJsonSchema !== undefined || config.responseSchema !== undefined) {
    inspection.output = 'json-schema'
    const field = config.responseJsonSchema !== undefined ? 'responseJsonSchema' : 'responseSchema'
    inspection.schema = config[field]
    inspection.schemaField = `generationConfig.${field}`
  } else if (jsonTool && mode === 'ANY') {
    // Gemini models before 3 reject a response schema together with function tools, so the SDK forces a `json` tool instead.
    inspection.output = 'json-tool'
    inspection.jsonTool = String(jsonTool.name)
    inspection.schema = jsonTool.parametersJsonSchema ?? jsonTool.parameters
    inspection.schemaField = `tools.functionDeclarations[name=${inspection.jsonTool}].parametersJsonSchema`
  } else if (config.responseMimeType === 'application/json') {
    inspection.output = 'json-object'
  }

  let callsInTurn = 0
  for (const content of body.contents) {
    const list = parts(content)
    const responses = list.filter((part) => isObject(part.functionResponse))
    if (responses.length > 0 && responses.length !== callsInTurn) {
      inspection.problem = invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.')
      return inspection
    }
    for (const part of responses) {
      const response = part.functionResponse as Json
      const output = JSON.stringify(response.response ?? {})
      inspection.toolResults.push({ callId: String(response.id ?? response.name), name: String(response.name), output })
      inspection.messages.push({ role: 'tool', text: output })
    }
    callsInTurn = list.filter((part) => isObject(part.functionCall)).length
    const text = textOf(content)
    if (text !== '' || responses.length === 0) inspection.messages.push({ role: (isObject(content) && content.role === 'model' ? 'assistant' : 'user') as PromptMessage['role'], text })
  }
  return inspection
}

function usageMetadata(context: RenderContext, output: number | undefined): Json {
  const input = context.usage.input
  return {
    promptTokenCount: input,
    ...(output !== undefined ? { candidatesTokenCount: output } : {}),
    totalTokenCount: input + (output ?? 0),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: input }],
  }
}

function functionCallPart(name: string, argPieces: string[]): Json {
  const json = argPieces.join('')
  try {
    return { functionCall: { name, args: JSON.parse(json) } }
  } catch {
    throw new Error(`FakeModelServer script: Gemini function call \`${name}\` needs JSON arguments, but the reply text is not JSON: ${json.slice(0, 60)}`)
  }
}

const SAFETY_RATINGS = [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
]

/** The model's output as the parts of its streamed chunks: one text part per piece, one part per function call. */
function pieceParts(answer: Answer, jsonTool: string | undefined): Json[] {
  if (answer.kind === 'refusal') return []
  if (answer.kind === 'text') return jsonTool ? [functionCallPart(jsonTool, answer.pieces)] : answer.pieces.map((text) => ({ text }))
  return [...answer.preface.map((text) => ({ text })), ...answer.calls.map((call) => functionCallPart(call.name, call.argPieces))]
}

/** A generateContent reply: one GenerateContentResponse, or a stream of them. */
export function renderGenerateContent(answer: Answer, hitMaxTokens: boolean, context: RenderContext, streamError?: { after: number; error: ProviderError }): Rendered {
  const jsonTool = context.inspection.output === 'json-tool' ? context.inspection.jsonTool : undefined
  const finishReason = answer.kind === 'refusal' ? 'SAFETY' : hitMaxTokens ? 'MAX_TOKENS' : 'STOP'
  const head = { modelVersion: context.model, responseId: randomId('', 22) }
  const all = pieceParts(answer, jsonTool)
  const candidate = (list: Json[], finish?: string): Json => ({
    ...(list.length > 0 ? { content: { parts: list, role: 'model' } } : {}),
    ...(finish ? { finishReason: finish } : {}),
    ...(finish === 'SAFETY' ? { safetyRatings: SAFETY_RATINGS } : {}),
    index: 0,
  })
  if (!context.stream) {
    // Non-streamed replies merge the text pieces into one part.
    const merged: Json[] = []
    for (const part of all) {
      const last = merged.at(-1)
      if (typeof part.text === 'string' && last && typeof last.text === 'string') merged[merged.length - 1] = { text: last.text + part.text }
      else merged.push(part)
    }
    return { kind: 'json', status: 200, body: { candidates: [candidate(merged, finishReason)], usageMetadata: usageMetadata(context, context.usage.output), ...head } }
  }
  const events: SseEvent[] = all.map((part) => ({ data: { candidates: [candidate([part])], usageMetadata: usageMetadata(context, undefined), ...head }, piece: true }))
  events.push({ data: { candidates: [candidate(answer.kind === 'refusal' ? [] : [{ text: '' }], finishReason)], usageMetadata: usageMetadata(context, context.usage.output), ...head } })
  if (!streamError) return { kind: 'sse', events }
  return { kind: 'sse', events: [...keepPieces(events, streamError.after), { data: streamError.error.body }] }
}

/** A prompt Gemini blocks: 200, no candidates, `promptFeedback.blockReason`. */
export function promptBlocked(context: RenderContext): Rendered {
  const body = { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: usageMetadata(context, undefined), modelVersion: context.model, responseId: randomId('', 22) }
  return context.stream ? { kind: 'sse', events: [{ data: body }] } : { kind: 'json', status: 200, body }
}

/** A failure Gemini reports inside an accepted stream: one `{"error": …}` chunk. */
export function generateContentErrorStream(error: ProviderError): Rendered {
  return { kind: 'sse', events: [{ data: error.body }] }
}
