// `issue-planner serve` configuration: flags, ISSUE_PLANNER_* variables, client keys and the rules
// that keep an open service on this machine only.
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/input-error.ts'
import { type ServeConfig, asFlags, envName, isLoopback, parseServeConfig } from '../../src/server/config.ts'
import { createKeyring, parseKeys } from '../../src/server/keys.ts'

const SECRET = 'a'.repeat(32)
const OTHER = 'b'.repeat(32)

function config(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): ServeConfig {
  const parsed = parseServeConfig(argv, env, (path) => {
    if (!(path in files)) throw new Error(`ENOENT: no such file or directory, open '${path}'`)
    return files[path]!
  })
  if (parsed === 'help') throw new Error('unexpected help')
  return parsed
}

function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    config(argv, env)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseServeConfig', () => {
  it('has safe defaults: loopback, outline, limits', () => {
    expect(config(['--api-key', `ci=${SECRET}`])).toEqual({
      host: '127.0.0.1',
      port: 8080,
      planner: { planner: 'outline', plannerUrl: '', plannerApiKey: '', stream: true, model: '', azureResource: '', maxOutputTokens: 8000, maxSteps: 25, contextBudget: 32_000 },
      keys: [{ name: 'ci', secret: SECRET }],
      open: false,
      maxBodyBytes: 1024 * 1024,
      concurrency: 8,
      queue: 16,
      queueTimeoutMs: 10_000,
      timeoutMs: 240_000,
      drainDelayMs: 0,
      shutdownTimeoutMs: 25_000,
      logLevel: 'info',
    })
  })

  it('reads every option from ISSUE_PLANNER_* variables; a flag wins', () => {
    const env = {
      ISSUE_PLANNER_HOST: '0.0.0.0',
      ISSUE_PLANNER_PORT: '9000',
      ISSUE_PLANNER_PLANNER: 'anthropic',
      ISSUE_PLANNER_MODEL: 'claude-sonnet-5',
      ANTHROPIC_API_KEY: 'sk-ant-from-env',
      ISSUE_PLANNER_API_KEYS: `ci=${SECRET}, bot=${OTHER}`,
      ISSUE_PLANNER_MAX_BODY: '256kb',
      ISSUE_PLANNER_CONCURRENCY: '4',
      ISSUE_PLANNER_QUEUE: '0',
      ISSUE_PLANNER_QUEUE_TIMEOUT: '3',
      ISSUE_PLANNER_TIMEOUT: '90',
      ISSUE_PLANNER_SHUTDOWN_TIMEOUT: '5',
      ISSUE_PLANNER_DRAIN_DELAY: '2',
      ISSUE_PLANNER_NO_STREAM: 'true',
      ISSUE_PLANNER_LOG_LEVEL: 'debug',
    }
    const parsed = config(['--port', '9100'], env)
    expect(parsed).toMatchObject({ host: '0.0.0.0', port: 9100, maxBodyBytes: 256 * 1024, concurrency: 4, queue: 0, queueTimeoutMs: 3000, timeoutMs: 90_000, drainDelayMs: 2000, shutdownTimeoutMs: 5000, logLevel: 'debug' })
    expect(parsed.planner).toMatchObject({ planner: 'anthropic', model: 'claude-sonnet-5', plannerApiKey: 'sk-ant-from-env', stream: false })
    expect(parsed.keys.map((k) => k.name)).toEqual(['ci', 'bot'])
    expect(envName('max-body')).toBe('ISSUE_PLANNER_MAX_BODY')
  })

  it('reads PORT as platforms set it', () => {
    expect(config(['--no-auth'], { PORT: '3000' }).port).toBe(3000)
  })

  it('reads keys from a file of name=secret lines with comments', () => {
    const parsed = config(['--api-keys-file', '/run/keys'], {}, { '/run/keys': `# clients\nci=${SECRET}\n\nbot=${OTHER}\n` })
    expect(parsed.keys.map((k) => k.name)).toEqual(['ci', 'bot'])
    expect(refusal(['--api-keys-file', '/run/missing'])).toContain('--api-keys-file /run/missing cannot be read: ENOENT')
  })

  it('needs client keys, or --no-auth on a loopback host only', () => {
    expect(refusal([])).toContain('No client keys: give each client a key with --api-key name=secret')
    expect(config(['--no-auth']).open).toBe(true)
    expect(config(['--no-auth', '--host', '::1']).open).toBe(true)
    expect(config([], { ISSUE_PLANNER_NO_AUTH: 'true' }).open).toBe(true)
    expect(refusal(['--no-auth', '--host', '0.0.0.0'])).toContain('--no-auth is only allowed on a loopback host')
    expect(refusal(['--no-auth', '--api-key', `ci=${SECRET}`])).toContain('--no-auth and client keys were both given')
  })

  it('refuses weak, nameless or repeated keys, naming the key but never its secret', () => {
    expect(refusal(['--api-key', 'ci=short-secret'])).toBe('--api-key: the secret of key "ci" has 12 characters; use at least 16 (e.g. openssl rand -hex 32).')
    expect(refusal(['--api-key', SECRET])).toContain('each key is written name=secret')
    expect(refusal(['--api-key', `bad name=${SECRET}`])).toContain('the key name "bad name" must be')
    expect(refusal(['--api-key', `ci=${SECRET}`, '--api-key', `ci=${OTHER}`])).toContain('Two client keys are named "ci"')
    const same = refusal(['--api-key', `ci=${SECRET}`, '--api-key', `bot=${SECRET}`])
    expect(same).toContain('"bot" has the same secret')
    expect(same).not.toContain(SECRET)
  })

  it('checks the backing planner as the action checks its inputs, in terms of flags', () => {
    expect(refusal(['--no-auth', '--planner', 'gpt'])).toContain('--planner must be one of outline, kubiya, task-planning, openai')
    expect(refusal(['--no-auth', '--planner', 'anthropic', '--model', 'claude-sonnet-5'])).toBe(
      "The anthropic planner needs its API key: set ANTHROPIC_API_KEY in the service's environment (--planner-api-key works too, but shows in the process list).",
    )
    expect(config(['--no-auth', '--planner', 'openai-compatible', '--model', 'llama3.1:8b', '--planner-url', 'http://127.0.0.1:11434/v1']).planner.plannerApiKey).toBe('')
  })

  it('explains unusable numbers, sizes and flags', () => {
    expect(refusal(['--no-auth', '--port', '70000'])).toBe('--port must be a whole number from 0 to 65535; got "70000".')
    expect(refusal(['--no-auth', '--concurrency', '0'])).toContain('--concurrency must be a whole number from 1')
    expect(refusal(['--no-auth', '--max-body', 'lots'])).toContain('--max-body must be a size from 1kb to 100mb')
    expect(refusal(['--no-auth', '--log-level', 'loud'])).toContain('--log-level must be fatal, error, warn, info or debug')
    expect(refusal(['--no-auth', '--bogus'])).toContain("Unknown option '--bogus'")
    expect(refusal([], { ISSUE_PLANNER_NO_AUTH: 'maybe' })).toBe('ISSUE_PLANNER_NO_AUTH must be true or false; got "maybe".')
  })

  it('answers --help', () => {
    expect(parseServeConfig(['--help'], {})).toBe('help')
  })
})

describe('isLoopback and asFlags', () => {
  it.each([['127.0.0.1', true], ['127.3.2.1', true], ['localhost', true], ['::1', true], ['[::1]', true], ['0.0.0.0', false], ['::', false], ['10.0.0.5', false], ['planner.internal', false]])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected)
  })

  it('names flags where the action names inputs', () => {
    expect(asFlags('The openai planner needs input `model`: the model. Check Input `planner-url`.')).toBe('The openai planner needs --model: the model. Check --planner-url.')
  })
})

describe('createKeyring', () => {
  const identify = createKeyring(parseKeys([`ci=${SECRET}`, `bot=${OTHER}`], 'test'))

  it('finds the key a Bearer header holds', () => {
    expect(identify(`Bearer ${OTHER}`)).toEqual({ name: 'bot' })
    expect(identify(`bearer   ${SECRET} `)).toEqual({ name: 'ci' })
  })

  it('tells a missing key from a wrong one', () => {
    expect(identify(undefined)).toEqual({ problem: 'missing' })
    expect(identify(`Basic ${SECRET}`)).toEqual({ problem: 'missing' })
    expect(identify('Bearer ')).toEqual({ problem: 'missing' })
    expect(identify(`Bearer ${SECRET.slice(1)}`)).toEqual({ problem: 'invalid' })
    expect(identify(`Bearer ${SECRET}x`)).toEqual({ problem: 'invalid' })
  })
})
