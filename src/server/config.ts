import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { InputError } from '../input-error.js'
import { type Inputs, parseInputs } from '../inputs.js'
import { PROVIDERS, isLlmPlanner } from '../planners/llm/providers.js'
import { type ClientKey, checkUnique, parseKeys } from './keys.js'

export const SERVE_HELP = `issue-planner serve: the Task Planning Service (POST /task-planning/plan and
/task-planning/plan/stream), backed by one of the project's planners.

Usage:
  issue-planner serve [options]

Every option can also be set in the environment as ISSUE_PLANNER_<NAME> (e.g. --max-body is
ISSUE_PLANNER_MAX_BODY); a flag wins over the variable.

Listening:
  --host <address>          interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --port <n>                port (default 8080; PORT is read too)
Backing planner:
  --planner <name>          outline (default: offline, no AI); openai, anthropic, google, azure
                            or openai-compatible (with --model); task-planning or kubiya
  --model <id>              the model an LLM planner asks, e.g. claude-sonnet-5
  --planner-url <url>       the model's or upstream service's base URL
  --planner-api-key <key>   the provider's key; better from its usual variable: OPENAI_API_KEY,
                            ANTHROPIC_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY, AZURE_API_KEY
                            (with AZURE_RESOURCE_NAME) or KUBIYA_API_KEY
  --max-output-tokens <n>   most tokens a model may write for one plan (default 8000)
  --max-steps <n>           most steps a model is asked for (default 25)
  --context-budget <n>      characters of task and context sent to the planner (default 32000)
  --no-stream               call the backing planner without streaming (the stream route then
                            sends the whole plan at the end)
Clients:
  --api-key <name=secret>   a client key (repeatable); the name shows in logs and metrics
  --api-keys-file <file>    a file of name=secret lines (e.g. a mounted Kubernetes Secret)
                            ISSUE_PLANNER_API_KEYS holds name=secret entries separated by commas
  --no-auth                 accept requests without a key: only on a loopback host
Limits:
  --max-body <size>         largest request body, in bytes or with kb/mb (default 1mb)
  --concurrency <n>         plans at once (default 8)
  --queue <n>               requests that may wait for a slot; more get 429 (default 16)
  --queue-timeout <s>       longest wait for a slot before 429 (default 10)
  --timeout <s>             longest plan before 504 (default 240)
  --drain-delay <s>         on SIGTERM, how long /readyz answers 503 while requests are still
                            served, so load balancers stop sending first (default 0; 5 in Kubernetes)
  --shutdown-timeout <s>    then, how long plans in flight may finish (default 25)
  --log-level <level>       fatal, error, warn, info (default; one line per request) or debug
                            (also health checks and metrics scrapes)
  -h, --help                this text

Exit status: 0 after a clean shutdown, 1 when the server failed, 2 for a usage error.`

export interface ServeConfig {
  host: string
  port: number
  /** The backing planner's settings, in the action's terms (createPlanner takes them). */
  planner: Pick<Inputs, 'planner' | 'plannerUrl' | 'plannerApiKey' | 'stream' | 'model' | 'azureResource' | 'maxOutputTokens' | 'maxSteps' | 'contextBudget'>
  keys: ClientKey[]
  /** True only when asked for with --no-auth (and the host is loopback). */
  open: boolean
  maxBodyBytes: number
  concurrency: number
  queue: number
  queueTimeoutMs: number
  timeoutMs: number
  drainDelayMs: number
  shutdownTimeoutMs: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug'
}

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  planner: { type: 'string' },
  model: { type: 'string' },
  'planner-url': { type: 'string' },
  'planner-api-key': { type: 'string' },
  'max-output-tokens': { type: 'string' },
  'max-steps': { type: 'string' },
  'context-budget': { type: 'string' },
  stream: { type: 'boolean' },
  'api-key': { type: 'string', multiple: true },
  'api-keys-file': { type: 'string' },
  auth: { type: 'boolean' },
  'max-body': { type: 'string' },
  concurrency: { type: 'string' },
  queue: { type: 'string' },
  'queue-timeout': { type: 'string' },
  timeout: { type: 'string' },
  'drain-delay': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `--max-body` is ISSUE_PLANNER_MAX_BODY. */
export const envName = (flag: string): string => `ISSUE_PLANNER_${flag.replace(/-/g, '_').toUpperCase()}`

/**
 * Reads the flags and ISSUE_PLANNER_* variables (flags win) into the service's settings, with an
 * error that names the flag and the fix for anything unusable. `help` is set when --help was asked.
 */
export function parseServeConfig(argv: readonly string[], env: Record<string, string | undefined>, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ServeConfig | 'help' {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, allowNegative: true }).values
  } catch (error) {
    throw new InputError(`${(error as Error).message}. See issue-planner serve --help.`)
  }
  if (values.help) return 'help'
  const text = (flag: keyof typeof OPTIONS): string => {
    const value = values[flag]
    return typeof value === 'string' ? value.trim() : (env[envName(flag)] ?? '').trim()
  }
  const flagOn = (flag: 'stream' | 'auth', fallback: boolean): boolean => {
    const value = values[flag]
    if (typeof value === 'boolean') return value
    const raw = (env[envName(flag === 'auth' ? 'no-auth' : 'no-stream')] ?? '').trim().toLowerCase()
    if (raw === '') return fallback
    if (['true', '1', 'yes', 'on'].includes(raw)) return false
    if (['false', '0', 'no', 'off'].includes(raw)) return true
    throw new InputError(`${envName(flag === 'auth' ? 'no-auth' : 'no-stream')} must be true or false; got "${raw}".`)
  }

  const host = text('host') || '127.0.0.1'
  const port = whole('--port', text('port') || (env.PORT ?? '').trim(), 8080, 0, 65535)
  const planner = backingPlanner(text, flagOn('stream', true), env)
  const keys = clientKeys(values['api-key'] as string[] | undefined, text('api-keys-file'), env, readFile)
  const open = !flagOn('auth', true)
  if (open && keys.length > 0) throw new InputError('--no-auth and client keys were both given: drop --no-auth to require the keys, or the keys to run open on this machine.')
  if (!open && keys.length === 0) {
    throw new InputError(`No client keys: give each client a key with --api-key name=secret (or ${envName('api-keys')}, or --api-keys-file), e.g. --api-key ci=$(openssl rand -hex 32). To try the service on this machine without keys, pass --no-auth.`)
  }
  if (open && !isLoopback(host)) {
    throw new InputError(`--no-auth is only allowed on a loopback host (127.0.0.1, ::1 or localhost), where no other machine can reach the service; --host is ${host}. Give clients keys with --api-key name=secret instead.`)
  }
  const logLevel = (text('log-level') || 'info').toLowerCase()
  if (!['fatal', 'error', 'warn', 'info', 'debug'].includes(logLevel)) throw new InputError(`--log-level must be fatal, error, warn, info or debug; got "${logLevel}".`)
  return {
    host,
    port,
    planner,
    keys,
    open,
    maxBodyBytes: size('--max-body', text('max-body'), 1024 * 1024),
    concurrency: whole('--concurrency', text('concurrency'), 8, 1, 10_000),
    queue: whole('--queue', text('queue'), 16, 0, 100_000),
    queueTimeoutMs: whole('--queue-timeout', text('queue-timeout'), 10, 0, 3600) * 1000,
    timeoutMs: whole('--timeout', text('timeout'), 240, 1, 3600) * 1000,
    drainDelayMs: whole('--drain-delay', text('drain-delay'), 0, 0, 600) * 1000,
    shutdownTimeoutMs: whole('--shutdown-timeout', text('shutdown-timeout'), 25, 0, 3600) * 1000,
    logLevel: logLevel as ServeConfig['logLevel'],
  }
}

/** The planner settings, read by the action's own input parser so both accept the same values. */
function backingPlanner(text: (flag: keyof typeof OPTIONS) => string, stream: boolean, env: Record<string, string | undefined>): ServeConfig['planner'] {
  let inputs: Inputs
  try {
    inputs = parseInputs((name) => {
      if (name === 'stream') return String(stream)
      // Parsed below, with the service's own default.
      if (name === 'context-budget') return ''
      return name in OPTIONS ? text(name as keyof typeof OPTIONS) : ''
    }, env)
  } catch (error) {
    if (error instanceof InputError) throw new InputError(asFlags(error.message))
    throw error
  }
  const contextBudget = whole('--context-budget', text('context-budget'), 32_000, 1000, 200_000)
  if (isLlmPlanner(inputs.planner) && !inputs.plannerApiKey && !PROVIDERS[inputs.planner].keyOptional) {
    const variables = PROVIDERS[inputs.planner].keyVariables
    throw new InputError(`The ${inputs.planner} planner needs its API key: set ${variables.join(' or ')} in the service's environment (--planner-api-key works too, but shows in the process list).`)
  }
  const { planner, plannerUrl, plannerApiKey, model, azureResource, maxOutputTokens, maxSteps } = inputs
  return { planner, plannerUrl, plannerApiKey, stream, model, azureResource, maxOutputTokens, maxSteps, contextBudget }
}

/** The action's messages name inputs ("input `model`"); here they are flags. */
export function asFlags(message: string): string {
  return message.replace(/\b[Ii]nput `([a-z-]+)`/g, '--$1')
}

function clientKeys(flags: string[] | undefined, file: string, env: Record<string, string | undefined>, readFile: (path: string) => string): ClientKey[] {
  const keys = [...parseKeys(flags ?? [], '--api-key'), ...parseKeys([env[envName('api-keys')] ?? ''], envName('api-keys'))]
  if (file) {
    let content: string
    try {
      content = readFile(file)
    } catch (error) {
      throw new InputError(`--api-keys-file ${file} cannot be read: ${(error as Error).message}`)
    }
    keys.push(...parseKeys([content], `--api-keys-file ${file}`))
  }
  checkUnique(keys)
  return keys
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (bare === 'localhost' || bare === '::1') return true
  return isIP(bare) === 4 && bare.startsWith('127.')
}

function whole(flag: string, raw: string, fallback: number, min: number, max: number): number {
  if (raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new InputError(`${flag} must be a whole number from ${min} to ${max}; got "${raw}".`)
  }
  return Number(raw)
}

/** Bytes, or a number with kb/mb (1024-based). */
function size(flag: string, raw: string, fallback: number): number {
  if (raw === '') return fallback
  const match = /^(\d+)\s*(b|kb|k|mb|m)?$/i.exec(raw)
  const bytes = match ? Number(match[1]) * ({ '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2 }[(match[2] ?? '').toLowerCase()] ?? 1) : Number.NaN
  if (!Number.isFinite(bytes) || bytes < 1024 || bytes > 100 * 1024 ** 2) {
    throw new InputError(`${flag} must be a size from 1kb to 100mb, in bytes or with kb/mb (e.g. 256kb); got "${raw}".`)
  }
  return bytes
}
