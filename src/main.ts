import * as core from '@actions/core'
import * as github from '@actions/github'
import { createGitHub } from './github/client.js'
import { parseInputs } from './inputs.js'
import { CancelledError, type Outcome, type PipelineDeps, errorText, planIssue } from './pipeline.js'
import { redact } from './secrets.js'
import { outputsOf, summaryOf } from './report.js'
import { type Trigger, decideTrigger } from './trigger.js'

/** The action's entry point: the only place that reads the environment. */
export async function run(): Promise<void> {
  const secrets: string[] = []
  try {
    // 1. Inputs, with every secret masked before anything can log it.
    const inputs = parseInputs(core.getInput, process.env)
    for (const secret of [inputs.githubToken, inputs.plannerApiKey]) {
      if (secret) {
        core.setSecret(secret)
        secrets.push(secret)
      }
    }

    // 2. Trigger: is this event a request to plan, and which issue?
    const { context } = github
    const trigger = decideTrigger({ eventName: context.eventName, payload: context.payload }, inputs)
    if (trigger.kind === 'skip') {
      core.info(`Nothing to plan: ${trigger.reason}.`)
      setOutputs({ status: 'skipped', comment: null }, secrets)
      return
    }
    if (!inputs.githubToken) throw new Error('Input `github-token` is empty: leave it at its default (`${{ github.token }}`) or pass a token that can write issues.')

    // 3. Plan the issue: context, planner, comment. A cancelled job (SIGINT, then SIGTERM from the
    // runner) aborts the planner so the comment can be closed off before the process is killed.
    const cancel = new AbortController()
    const onSignal = (signal: NodeJS.Signals): void => {
      core.info(`Received ${signal}: stopping the planner and closing off the comment.`)
      cancel.abort(new CancelledError(signal))
    }
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const outcome = await planIssue({
      octokit: createGitHub(inputs.githubToken, (message) => core.info(message)),
      fetch: globalThis.fetch,
      inputs,
      ref: { ...context.repo, issue_number: trigger.issueNumber },
      trigger: {
        source: trigger.source,
        ...(trigger.source === 'command' ? { command: trigger.command } : {}),
        ...(trigger.source === 'answer' ? { answer: trigger.answer } : {}),
        triggeredAt: triggerTime(trigger, context.payload),
      },
      defaultBranch: String(context.payload.repository?.default_branch ?? ''),
      eventIssue: trigger.source === 'label' ? (context.payload.issue as PipelineDeps['eventIssue']) : undefined,
      runUrl: context.runId ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}` : '',
      secrets,
      log: (message) => core.info(message),
      cancelSignal: cancel.signal,
      ...(process.env.GITHUB_WORKSPACE ? { workspace: process.env.GITHUB_WORKSPACE } : {}),
      serverUrl: context.serverUrl,
    })

    // 4. Report: outputs, job summary, exit status.
    await report(outcome, inputs.dryRun, secrets)
  } catch (error) {
    setOutputs({ status: 'failed', comment: null }, secrets)
    core.setFailed(redact(errorText(error), secrets))
  }
}

/**
 * When the run was asked for. Events carry no timestamp of their own, so: the command's or the
 * answer's creation, the issue's last update for a label (applying it updates the issue), or now.
 */
function triggerTime(trigger: Extract<Trigger, { kind: 'plan' }>, payload: { issue?: Record<string, unknown> }): Date {
  const updated = payload.issue?.updated_at
  const stamp =
    trigger.source === 'command' ? trigger.command.createdAt
    : trigger.source === 'answer' ? trigger.answer.createdAt
    : trigger.source === 'label' && typeof updated === 'string' ? updated
    : undefined
  const time = stamp ? Date.parse(stamp) : Number.NaN
  return new Date(Number.isNaN(time) ? Date.now() : time)
}

/** Sets every declared output, so that no path leaves one unset for a later step to trip on. */
function setOutputs(outcome: Parameters<typeof outputsOf>[0], secrets: readonly string[]): void {
  for (const [name, value] of Object.entries(outputsOf(outcome, secrets))) core.setOutput(name, value)
}

async function report(outcome: Outcome, dryRun: boolean, secrets: readonly string[]): Promise<void> {
  setOutputs(outcome, secrets)
  try {
    await core.summary.addRaw(summaryOf(outcome, dryRun, secrets)).write()
  } catch (error) {
    // Outside the runner there is no summary file; the outputs and comment still stand.
    core.warning(`Could not write the job summary: ${errorText(error)}`)
  }
  if (outcome.status === 'failed' || outcome.status === 'cancelled') core.setFailed(outcome.message ?? 'Planning failed.')
  else core.info(`Done: ${outcome.status}${outcome.comment ? ` (${outcome.comment.html_url})` : ''}.`)
}
