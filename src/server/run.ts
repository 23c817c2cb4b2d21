import { InputError } from '../input-error.js'
import { PlannerError } from '../planners/planner.js'
import { SERVE_HELP, asFlags, parseServeConfig } from './config.js'
import { createService } from './app.js'

/**
 * `issue-planner serve`: reads the configuration, listens, and on SIGTERM or SIGINT shuts down
 * gracefully (a second signal stops the plans still running at once). Resolves with the exit status.
 */
export async function serve(argv: readonly string[], env: Record<string, string | undefined>): Promise<number> {
  let service: ReturnType<typeof createService>
  let config: Exclude<ReturnType<typeof parseServeConfig>, 'help'>
  try {
    const parsed = parseServeConfig(argv, env)
    if (parsed === 'help') {
      process.stdout.write(`${SERVE_HELP}\n`)
      return 0
    }
    config = parsed
    service = createService(config)
  } catch (error) {
    if (error instanceof InputError || (error instanceof PlannerError && error.reason === 'config')) {
      process.stderr.write(`issue-planner serve: ${asFlags(error.message)}\nRun issue-planner serve --help for usage.\n`)
      return 2
    }
    throw error
  }

  const { app } = service
  try {
    await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    process.stderr.write(`issue-planner serve: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`)
    return 1
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  app.log.info(
    {
      url: `http://${host}:${port}`,
      planner: config.planner.planner,
      ...(config.planner.model ? { model: config.planner.model } : {}),
      keys: config.keys.map((key) => key.name),
      auth: !config.open,
      concurrency: config.concurrency,
      queue: config.queue,
      timeout_s: config.timeoutMs / 1000,
      max_body: config.maxBodyBytes,
    },
    'listening',
  )

  await new Promise<void>((resolve) => {
    let signals = 0
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++
      if (signals > 1) {
        app.log.warn({ signal }, 'second signal: stopping every plan now')
        service.abortAll()
        app.server.closeAllConnections()
        return
      }
      app.log.info({ signal, deadline_s: config.shutdownTimeoutMs / 1000 }, 'shutting down: no new requests; plans in flight may finish')
      service.shutdown().then(resolve, (error: unknown) => {
        app.log.error({ error: (error as Error).message }, 'shutdown failed')
        resolve()
      })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
  app.log.info('stopped')
  return 0
}
