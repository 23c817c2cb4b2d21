// The fake GitHub's contract: GitHub's own OpenAPI description (trimmed by scripts/trim-openapi.mjs),
// loaded into openapi-backend for routing and for validating requests and responses, plus the
// translation of schema violations into the error bodies GitHub sends.
import { readFileSync } from 'node:fs'
import { OpenAPIBackend, type Document, type Operation, type ValidationResult } from 'openapi-backend'
import type { ErrorDetail } from './fake-github-store.ts'

export const SPEC_PATH = new URL('../fixtures/github-openapi.json', import.meta.url)
export const GENERIC_DOCS_URL = 'https://docs.github.com/rest'

type AjvError = NonNullable<ValidationResult['errors']>[number]

/** The JSON that was validated, in the shape openapi-backend validates it, for quoting offending values. */
export interface ValidatedInput {
  path: Record<string, unknown>
  query: Record<string, unknown>
  requestBody: unknown
}

let shared: Promise<OpenAPIBackend> | undefined

/**
 * One backend per process: compiling the validators is the expensive part (the repository and issue
 * schemas are large), and `quick` mode compiles each operation's validators on first use only, so
 * every FakeGitHub in a test run shares them. The definition itself is checked against the OpenAPI
 * meta-schema by a unit test rather than on every start.
 */
export function loadGitHubApi(): Promise<OpenAPIBackend> {
  shared ??= (async () => {
    const definition = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as Document
    const api = new OpenAPIBackend({
      definition,
      quick: true,
      strict: true,
      // GitHub answers 404 for a trailing slash, so it must not match the route.
      ignoreTrailingSlashes: false,
      // Path and query values arrive as strings; coercion lets `issue_number: "7"` satisfy `integer`.
      // Bodies are never coerced, so `{"sub_issue_id": "7"}` is still refused, as GitHub refuses it.
      coerceTypes: true,
      // Compiling the big issue and repository schemas dominates test time. Skipping ajv's
      // meta-schema check (the contract test validates the whole description instead) and its
      // code optimisation pass more than halves it; the validators accept and refuse the same data.
      ajvOpts: { validateSchema: false, code: { optimize: false } },
      customizeAjv: (ajv) => {
        // openapi-backend registers OpenAPI's own formats (int64, byte...), not JSON Schema's; these
        // are the two the description uses. Checking them keeps the fake's timestamps and URLs honest.
        ajv.addFormat('date-time', { type: 'string', validate: isRfc3339DateTime })
        ajv.addFormat('uri', { type: 'string', validate: (value: string) => URL.canParse(value) })
        return ajv
      },
    })
    return api.init()
  })()
  return shared
}

function isRfc3339DateTime(value: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i.test(value) && !Number.isNaN(Date.parse(value))
}

/** Where GitHub's error bodies point: the operation's reference page when there is one. */
export function documentationUrl(operation: Operation | undefined): string {
  return operation?.externalDocs?.url ?? GENERIC_DOCS_URL
}

/**
 * Whether the operation documents its 422 as `validation-error-simple`, whose `errors` are plain
 * strings rather than objects (reprioritize-sub-issue is one).
 */
export function usesSimpleValidationErrors(operation: Operation): boolean {
  const response = operation.responses?.['422']
  if (!response || '$ref' in response) return false
  const schema = response.content?.['application/json']?.schema
  return schema !== undefined && !('$ref' in schema) && schema.title === 'Validation Error Simple'
}

/**
 * Turns ajv's findings into GitHub's "Invalid request" 422: GitHub validates requests against the
 * same JSON schemas and words its findings as
 *   Invalid request.\n\n"body" wasn't supplied.
 *   Invalid request.\n\nFor 'properties/sub_issue_id', "7" is not an integer.
 * GitHub sends only the message; the `errors` list repeats each finding in the structured shape of
 * the description's `validation-error` schema so tests can assert on fields.
 */
export function describeValidationErrors(errors: AjvError[], input: ValidatedInput): { message: string; errors: ErrorDetail[] } {
  const details = relevantErrors(errors).map((error) => describe(error, input))
  return { message: `Invalid request.\n\n${details.map((d) => d.message).join('\n')}`, errors: details }
}

/**
 * For oneOf/anyOf ajv reports every failed alternative and then the combinator; only the
 * combinator says something about the request.
 */
function relevantErrors(errors: AjvError[]): AjvError[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`)
  return errors.filter((e) => !combinators.some((prefix) => e.schemaPath.startsWith(prefix)))
}

function describe(error: AjvError, input: ValidatedInput): ErrorDetail {
  const [section = '', ...segments] = error.instancePath.split('/').slice(1).map(unescapePointer)
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty)
    return { field: [...segments, missing].join('/'), code: 'missing_field', message: `"${missing}" wasn't supplied.` }
  }
  const field = segments.join('/')
  const finding = `${quote(valueAt(input, [section, ...segments]))} ${complaint(error)}.`
  if (field === '') return { code: 'invalid', message: finding }
  const where = section === 'requestBody' ? `properties/${field}` : field
  return { field, code: 'invalid', message: `For '${where}', ${finding}` }
}

function complaint(error: AjvError): string {
  switch (error.keyword) {
    case 'type':
      return `is not ${String(error.params.type).split(',').map(withArticle).join(' or ')}`
    case 'enum':
      return `is not a member of [${(error.params.allowedValues as unknown[]).map(quote).join(', ')}]`
    case 'oneOf':
    case 'anyOf':
      return 'does not match any of the allowed schemas'
    default:
      return error.message ?? 'is invalid'
  }
}

function withArticle(type: string): string {
  if (type === 'null') return 'null'
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** GitHub quotes values the way Ruby's #inspect does, which for JSON values is JSON with `nil`. */
function quote(value: unknown): string {
  return value === null || value === undefined ? 'nil' : JSON.stringify(value)
}

function valueAt(input: ValidatedInput, pointer: string[]): unknown {
  let current: unknown = input
  for (const segment of pointer) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}
