import { parse } from 'yaml'
import { InputError } from '../inputs.js'

/** Parses the `context` input, a YAML or JSON mapping (JSON is YAML), into a plain object. */
export function parseUserContext(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {}
  let value: unknown
  try {
    value = parse(raw, { maxAliasCount: 50 })
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new InputError(`Input \`context\` is not valid YAML or JSON: ${reason}. Write it as a mapping, e.g. "environment: production".`)
  }
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'a list' : `a ${typeof value}`
    throw new InputError(`Input \`context\` must be a YAML or JSON mapping of keys to values, e.g. "environment: production"; got ${kind}.`)
  }
  return value as Record<string, unknown>
}
