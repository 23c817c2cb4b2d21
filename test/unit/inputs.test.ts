import { describe, expect, it } from 'vitest'
import { InputError, parseInputs } from '../../src/inputs.ts'

/** A `core.getInput` stand-in: unset inputs read as the empty string, as in Actions. */
function from(values: Record<string, string>): (name: string) => string {
  return (name) => values[name] ?? ''
}

function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError, but nothing was thrown')
}

describe('parseInputs: defaults', () => {
  it('mirrors action.yml when nothing is set (but an unset needs-info-label or command is off: the runner passes their defaults)', () => {
    expect(parseInputs(from({}))).toEqual({
      githubToken: '',
      label: 'plan-me',
      issueNumber: '',
      planner: 'outline',
      plannerUrl: '',
      plannerApiKey: '',
      model: '',
      azureResource: '',
      maxOutputTokens: 8_000,
      explore: true,
      exclude: [],
      plannerTimeoutMs: 300_000,
      context: '',
      contextBudget: 16_000,
      maxSteps: 25,
      dryRun: false,
      stream: true,
      progressIntervalMs: 5_000,
      needsInfoLabel: '',
      command: '',
      removeLabel: true,
      output: 'comment',
      subIssueLabels: [],
    })
  })

  it('trims values and keeps the raw `context` for the context stage', () => {
    const context = 'environment: production\nservices:\n  - api\n'
    const inputs = parseInputs(
      from({ 'github-token': ' ghs_abc123 \n', label: '  needs-plan ', 'issue-number': ' 17 ', context }),
    )
    expect(inputs.githubToken).toBe('ghs_abc123')
    expect(inputs.label).toBe('needs-plan')
    expect(inputs.issueNumber).toBe('17')
    expect(inputs.context).toBe(context)
  })

  it('uses the default label when the input is only whitespace', () => {
    expect(parseInputs(from({ label: '   ' })).label).toBe('plan-me')
  })
})

describe('parseInputs: planner', () => {
  it.each(['kubiya', 'task-planning', 'outline', 'openai', 'anthropic', 'google', 'azure', 'openai-compatible'] as const)('accepts "%s"', (planner) => {
    expect(parseInputs(from({ planner })).planner).toBe(planner)
  })

  it('accepts any capitalisation and surrounding spaces', () => {
    expect(parseInputs(from({ planner: ' Task-Planning ' })).planner).toBe('task-planning')
  })

  it('rejects an unknown planner, naming the input and the choices', () => {
    const error = inputErrorOf(() => parseInputs(from({ planner: 'gpt' })))
    expect(error.message).toContain('`planner`')
    expect(error.message).toContain('"gpt"')
    expect(error.message).toContain('outline, kubiya, task-planning, openai, anthropic, google, azure, openai-compatible')
  })
})

describe('parseInputs: planner-url', () => {
  it('accepts http and https URLs and drops trailing slashes', () => {
    expect(parseInputs(from({ 'planner-url': 'https://planner.example.com/' })).plannerUrl).toBe('https://planner.example.com')
    expect(parseInputs(from({ 'planner-url': 'http://localhost:8080/api//' })).plannerUrl).toBe('http://localhost:8080/api')
  })

  it.each(['planner.example.com', 'ftp://planner.example.com', 'https://', 'not a url'])('rejects "%s", naming `planner-url`', (url) => {
    const error = inputErrorOf(() => parseInputs(from({ planner: 'task-planning', 'planner-url': url })))
    expect(error.message).toContain('`planner-url`')
    expect(error.message).toMatch(/http\(s\) URL/)
  })
})

describe('parseInputs: numbers', () => {
  it('reads planner-timeout in seconds and stores milliseconds', () => {
    expect(parseInputs(from({ 'planner-timeout': '60' })).plannerTimeoutMs).toBe(60_000)
  })

  it('accepts the bounds of each range', () => {
    const low = parseInputs(from({ 'planner-timeout': '1', 'context-budget': '1', 'max-steps': '1' }))
    expect([low.plannerTimeoutMs, low.contextBudget, low.maxSteps]).toEqual([1000, 1, 1])
    const high = parseInputs(from({ 'planner-timeout': '3600', 'context-budget': '200000', 'max-steps': '100' }))
    expect([high.plannerTimeoutMs, high.contextBudget, high.maxSteps]).toEqual([3_600_000, 200_000, 100])
  })

  it.each([
    ['max-steps', '0'],
    ['max-steps', '101'],
    ['max-steps', '2.5'],
    ['max-steps', 'ten'],
    ['max-steps', '-5'],
    ['context-budget', '200001'],
    ['context-budget', '16k'],
    ['planner-timeout', '3601'],
    ['planner-timeout', '5m'],
    ['max-output-tokens', '0'],
    ['max-output-tokens', 'lots'],
  ])('rejects %s = "%s" with an InputError naming the input and its range', (name, raw) => {
    const error = inputErrorOf(() => parseInputs(from({ [name]: raw })))
    expect(error.message).toContain(`\`${name}\``)
    expect(error.message).toContain(`"${raw}"`)
    expect(error.message).toMatch(/whole number from 1 to \d+/)
  })
})

describe('parseInputs: dry-run', () => {
  it.each(['true', 'TRUE', 'yes', '1', 'on', ' True '])('"%s" is true', (raw) => {
    expect(parseInputs(from({ 'dry-run': raw })).dryRun).toBe(true)
  })

  it.each(['false', 'False', 'no', '0', 'off'])('"%s" is false', (raw) => {
    expect(parseInputs(from({ 'dry-run': raw })).dryRun).toBe(false)
  })

  it('rejects anything else, naming `dry-run`', () => {
    const error = inputErrorOf(() => parseInputs(from({ 'dry-run': 'maybe' })))
    expect(error.message).toContain('`dry-run`')
    expect(error.message).toContain('"maybe"')
  })
})

describe('parseInputs: planner-api-key', () => {
  const env = { KUBIYA_API_KEY: ' kubiya-key-from-env ' }

  it('falls back to KUBIYA_API_KEY for the kubiya planner', () => {
    expect(parseInputs(from({ planner: 'kubiya' }), env).plannerApiKey).toBe('kubiya-key-from-env')
  })

  it('prefers the input over the environment', () => {
    expect(parseInputs(from({ 'planner-api-key': 'from-input' }), env).plannerApiKey).toBe('from-input')
  })

  it('never sends the Kubiya key to another planner', () => {
    expect(parseInputs(from({ planner: 'task-planning', 'planner-url': 'https://planner.example.com' }), env).plannerApiKey).toBe('')
    expect(parseInputs(from({ planner: 'outline' }), env).plannerApiKey).toBe('')
  })

  it('passes an explicit key to the task-planning planner', () => {
    const inputs = parseInputs(from({ planner: 'task-planning', 'planner-url': 'https://planner.example.com', 'planner-api-key': 'tp-secret' }), env)
    expect(inputs.plannerApiKey).toBe('tp-secret')
  })
})

describe('parseInputs: exploration', () => {
  it('reads the switch, the budget and the exclude globs', () => {
    const inputs = parseInputs(from({ explore: 'false', 'explore-max-calls': '5', 'explore-max-chars': '20000', exclude: 'secrets/**, *.sql\nvendor/**' }))
    expect([inputs.explore, inputs.exploreMaxCalls, inputs.exploreMaxChars]).toEqual([false, 5, 20_000])
    expect(inputs.exclude).toEqual(['secrets/**', '*.sql', 'vendor/**'])
  })

  it('leaves the budget to the source when unset', () => {
    const inputs = parseInputs(from({}))
    expect(inputs).not.toHaveProperty('exploreMaxCalls')
    expect(inputs).not.toHaveProperty('exploreMaxChars')
  })

  it('rejects a budget that is not a whole number, naming the input', () => {
    expect(inputErrorOf(() => parseInputs(from({ 'explore-max-calls': 'lots' }))).message).toContain('`explore-max-calls`')
  })
})

describe('parseInputs: LLM planners', () => {
  it('reads model and max-output-tokens', () => {
    const inputs = parseInputs(from({ planner: 'anthropic', model: ' claude-sonnet-5 ', 'max-output-tokens': '4000' }))
    expect([inputs.model, inputs.maxOutputTokens]).toEqual(['claude-sonnet-5', 4000])
  })

  it.each([
    ['openai', { OPENAI_API_KEY: 'sk-openai' }, 'sk-openai'],
    ['anthropic', { ANTHROPIC_API_KEY: 'sk-ant' }, 'sk-ant'],
    ['google', { GOOGLE_GENERATIVE_AI_API_KEY: 'g-key' }, 'g-key'],
    ['google', { GEMINI_API_KEY: 'gemini-key' }, 'gemini-key'],
    ['google', { GOOGLE_GENERATIVE_AI_API_KEY: 'first', GEMINI_API_KEY: 'second' }, 'first'],
    ['azure', { AZURE_API_KEY: 'az-key' }, 'az-key'],
    ['openai-compatible', {}, ''],
  ] as const)('%s falls back to its conventional variable (%o)', (planner, env, key) => {
    expect(parseInputs(from({ planner }), env).plannerApiKey).toBe(key)
  })

  it('never sends one provider\'s key to another', () => {
    expect(parseInputs(from({ planner: 'anthropic' }), { OPENAI_API_KEY: 'sk-openai', KUBIYA_API_KEY: 'k' }).plannerApiKey).toBe('')
    expect(parseInputs(from({ planner: 'kubiya' }), { OPENAI_API_KEY: 'sk-openai' }).plannerApiKey).toBe('')
  })

  it('reads the Azure resource name from AZURE_RESOURCE_NAME', () => {
    expect(parseInputs(from({ planner: 'azure' }), { AZURE_RESOURCE_NAME: ' my-res ' }).azureResource).toBe('my-res')
  })
})
