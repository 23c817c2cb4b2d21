import { randomUUID } from 'node:crypto'
import { PassThrough, type Writable } from 'node:stream'
import Fastify, { type FastifyError, LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { PlanRequest } from '../context/request.js'
import type { FetchLike } from '../planners/http.js'
import { createPlanner, runsLocally } from '../planners/index.js'
import type { PlanProgress, Planner, PlannerResult, ProgressListener, TokenUsage } from '../planners/planner.js'
import { redact } from '../secrets.js'
import type { ServeConfig } from './config.js'
import { PlanTextStream, type StreamUpdate, planDocument, questionsDetail } from './document.js'
import { ClientGone, type Failure, ServiceTimeout, ShuttingDown, describeFailure } from './errors.js'
import { createKeyring } from './keys.js'
import { Limiter, NoSlot } from './limiter.js'
import { type Outcome, ServiceMetrics } from './metrics.js'
import { type FieldError, readPlanBody, toPlanRequest } from './request.js'

export const PLAN_ROUTE = '/task-planning/plan'
export const STREAM_ROUTE = '/task-planning/plan/stream'

/** Gap between two empty updates on a quiet stream, so proxies and load balancers keep it open. */
const HEARTBEAT_MS = 15_000
/** Least gap between two reads of a planner's progress (each read can parse the whole partial plan). */
const PROGRESS_MS = 50

export interface ServiceOptions {
  fetch?: FetchLike
  /** Where the JSON log lines go (stdout by default). */
  logStream?: Writable
}

export interface Service {
  app: FastifyInstance
  metrics: ServiceMetrics
  /**
   * Answers /readyz with 503 and keeps serving for --drain-delay, then stops accepting requests
   * (requests waiting for a slot get 503), lets plans in flight finish until --shutdown-timeout, stops
   * the rest and closes the server.
   */
  shutdown(): Promise<void>
  /** Stops every plan now (a second SIGTERM). */
  abortAll(): void
}

/** What is known about one request, for its access log line and its metrics. */
interface RequestState {
  started: number
  key?: string
  outcome?: Outcome
  usage?: TokenUsage
}

/**
 * The Task Planning Service: the documented plan routes, backed by one of the project's planners,
 * with the health, readiness and metrics routes a platform expects. Stateless: every request carries
 * everything its plan needs.
 */
export function createService(config: ServeConfig, options: ServiceOptions = {}): Service {
  const fetchFn = options.fetch ?? globalThis.fetch
  // Fails at start-up, not on the first request, when the backing planner is misconfigured.
  createPlanner(config.planner, fetchFn, () => {})
  const secrets = [config.planner.plannerApiKey].filter(Boolean)
  const metrics = new ServiceMetrics()
  const limiter = new Limiter({ concurrency: config.concurrency, queue: config.queue, waitMs: config.queueTimeoutMs })
  const identify = createKeyring(config.keys)
  const running = new Set<AbortController>()
  const states = new WeakMap<FastifyRequest, RequestState>()
  /** SIGTERM came: /readyz answers 503 so load balancers stop sending, while requests are still served. */
  let draining = false
  /** New requests are refused; plans in flight finish. */
  let closing = false
  /** Ends the drain delay early (a second signal). */
  let hurry = (): void => {}
  /** Recent plan durations, for the Retry-After of a 429. */
  let typicalPlanMs = 0

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label: string) => ({ level: label }) },
    },
    // Fastify's own per-request lines are off: one access line per request is written below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id']
      return typeof sent === 'string' && /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID()
    },
    bodyLimit: config.maxBodyBytes,
    return503OnClosing: false,
    keepAliveTimeout: 65_000,
  })

  // JSON only, and only valid UTF-8: a lossy decode would plan from text the client never sent.
  app.removeAllContentTypeParsers()
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser(/^application\/(?:[\w.-]+\+)?json(?:\s*;.*)?$/i, { parseAs: 'buffer' }, (request, body, done) => {
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer)
    } catch {
      done(Object.assign(new Error('The request body is not valid UTF-8: send JSON encoded as UTF-8.'), { statusCode: 400, code: 'INVALID_UTF8' }), undefined)
      return
    }
    parseJson(request, text, done)
  })

  app.addHook('onRequest', async (request, reply) => {
    const state: RequestState = { started: performance.now() }
    states.set(request, state)
    reply.header('x-request-id', request.id)
    // One access line per request, however it ends: answered, failed, or dropped by the client.
    reply.raw.once('close', () => finishRequest(request, reply, state))
    const path = request.url.split('?')[0]
    if (closing && path !== '/healthz' && path !== '/metrics') {
      reply.header('connection', 'close')
      state.outcome = 'shutting_down'
      metrics.rejections.inc({ reason: 'shutting_down' })
      return reply.code(503).header('retry-after', '1').send({ detail: 'The service is shutting down: send the request again (another copy will answer).' })
    }
    return undefined
  })

  // Draining: a client on a kept-alive connection reconnects for its next request, to another copy.
  app.addHook('onSend', async (request, reply, payload) => {
    if (draining || closing) reply.header('connection', 'close')
    return payload
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const state = states.get(request)
    const status = error.statusCode ?? 500
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      metrics.rejections.inc({ reason: 'too_large' })
      if (state) state.outcome = 'too_large'
      return reply.code(413).send({ detail: `The request body is larger than the ${config.maxBodyBytes} bytes this service accepts (--max-body): send a shorter task and context.` })
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      if (state) state.outcome = 'invalid'
      return reply.code(415).send({ detail: 'Send the request body as JSON with the header Content-Type: application/json.' })
    }
    if (status >= 400 && status < 500) {
      metrics.rejections.inc({ reason: 'invalid' })
      if (state) state.outcome = 'invalid'
      const detail =
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? 'The request body is empty: send {"task_description": "…", "context": {…}} as JSON.'
          : error.code === 'INVALID_UTF8'
            ? error.message
            : error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
              ? `The request body is not valid JSON (${error.message.replace(/\.$/, '')}): send {"task_description": "…", "context": {…}}.`
              : error.message
      return reply.code(status).send({ detail })
    }
    request.log.error({ error: `${error.name}: ${error.message}` }, 'request failed')
    if (state) state.outcome = 'error'
    return reply.code(500).send({ detail: 'Internal Server Error' })
  })

  app.setNotFoundHandler((request, reply) => {
    const state = states.get(request)
    if (state) state.outcome = 'invalid'
    return reply.code(404).send({ detail: 'Not Found' })
  })

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (request, reply) => {
    if (draining || closing) return reply.code(503).send({ detail: 'The service is shutting down.' })
    return { status: 'ready' }
  })
  app.get('/metrics', async (request, reply) => {
    metrics.inFlight.set(limiter.inFlight)
    metrics.queued.set(limiter.queued)
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })

  for (const url of [PLAN_ROUTE, STREAM_ROUTE]) {
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url,
      handler: async (request, reply) => {
        states.get(request)!.outcome = 'invalid'
        return reply.code(405).header('allow', 'POST').send({ detail: 'Method Not Allowed: plans are asked for with POST.' })
      },
    })
  }
  app.post(PLAN_ROUTE, { onRequest: authenticate }, async (request, reply) => {
    const planning = await prepare(request, reply)
    if (!planning) return reply
    const { state, controller, planRequest, release } = planning
    try {
      const result = await plan(request, state, controller, planRequest, undefined)
      if (result.kind === 'needs-info') {
        state.outcome = 'needs_info'
        return await reply.code(422).header('cache-control', 'no-store').send({ detail: questionsDetail(result) })
      }
      state.outcome = 'plan'
      return await reply.header('cache-control', 'no-store').send(planDocument(result.plan, result.usage))
    } catch (error) {
      const failure = failed(request, state, error, controller.signal)
      if (failure.outcome === 'client_gone') return reply
      // Another copy can take a request this one stopped while shutting down.
      if (failure.status === 503) reply.header('retry-after', '1')
      return await reply.code(failure.status).send({ detail: failure.message })
    } finally {
      release()
    }
  })

  app.post(STREAM_ROUTE, { onRequest: authenticate }, async (request, reply) => {
    const planning = await prepare(request, reply)
    if (!planning) return reply
    const { state, controller, planRequest, release } = planning
    const out = new PassThrough()
    const write = (update: StreamUpdate): void => {
      if (!out.destroyed && !out.writableEnded) out.write(`data: ${JSON.stringify(update)}\n\n`)
    }
    const text = new PlanTextStream()
    let latest: (() => PlanProgress) | undefined
    let timer: NodeJS.Timeout | undefined
    let ended = false
    const flushProgress = (): void => {
      timer = undefined
      if (ended || !latest) return
      try {
        for (const update of text.progress(latest())) write(update)
      } catch (error) {
        // A partial plan that cannot be read only delays the steps until the plan is complete.
        request.log.warn({ error: (error as Error).name }, 'could not read the planner’s progress')
      }
    }
    const onProgress: ProgressListener = (read) => {
      latest = read
      timer ??= setTimeout(flushProgress, PROGRESS_MS)
    }
    const heartbeat = setInterval(() => write({ data: '' }), HEARTBEAT_MS)
    void reply
      .code(200)
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-store, no-transform')
      .header('x-accel-buffering', 'no')
      .send(out)
    // Headers and a first (empty) update go out now: the client and any proxy see the stream start.
    write({ data: '' })
    try {
      const result = await plan(request, state, controller, planRequest, onProgress)
      ended = true
      if (result.kind === 'needs-info') {
        state.outcome = 'needs_info'
        write(text.questions(result))
      } else {
        state.outcome = 'plan'
        for (const update of text.finish(result.plan, result.usage)) write(update)
      }
    } catch (error) {
      ended = true
      const failure = failed(request, state, error, controller.signal)
      // Headers went out with 200: the failure is the last update, in the same shape as an error body.
      write(text.failure(failure.code, failure.message))
    } finally {
      if (timer) clearTimeout(timer)
      clearInterval(heartbeat)
      release()
      if (!out.destroyed) out.end()
    }
    return reply
  })

  /** `onRequest` of the plan routes: a known client key, or --no-auth. */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const state = states.get(request)!
    if (config.open) return
    const found = identify(request.headers.authorization)
    if ('name' in found) {
      state.key = found.name
      return
    }
    state.outcome = 'unauthorized'
    metrics.rejections.inc({ reason: 'unauthorized' })
    const detail = found.problem === 'missing' ? 'Missing API key: send it as the header Authorization: Bearer <key>.' : 'Invalid API key: check the key you were given for this service.'
    await reply.code(401).header('www-authenticate', 'Bearer').send({ detail })
  }

  /**
   * Validates the body and waits for a slot. Answers the request itself (422, 429, 503) and returns
   * nothing when it cannot be planned; otherwise the abort controller of the plan is watching the
   * client's connection.
   */
  async function prepare(request: FastifyRequest, reply: FastifyReply): Promise<{ state: RequestState; controller: AbortController; planRequest: PlanRequest; release: () => void } | undefined> {
    const state = states.get(request)!
    const read = readPlanBody(request.body)
    if (!read.ok) {
      state.outcome = 'invalid'
      metrics.rejections.inc({ reason: 'invalid' })
      await reply.code(422).send({ detail: read.errors satisfies FieldError[] })
      return undefined
    }
    const planRequest = toPlanRequest(read.body, { budget: config.planner.contextBudget, localPlanner: runsLocally(config.planner.planner) })
    const controller = new AbortController()
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort(new ClientGone())
    })
    let release: () => void
    try {
      release = await limiter.acquire(controller.signal)
    } catch (error) {
      if (error instanceof NoSlot) {
        metrics.rejections.inc({ reason: error.reason })
        state.outcome = error.reason === 'shutting_down' ? 'shutting_down' : 'rejected'
        const retry = String(retryAfterSeconds())
        const detail =
          error.reason === 'queue_full'
            ? `The service is busy: ${config.concurrency} plans are running and ${config.queue} waiting. Retry after ${retry} s.`
            : error.reason === 'queue_timeout'
              ? `The service is busy: no plan slot came free within ${config.queueTimeoutMs / 1000} s. Retry after ${retry} s.`
              : 'The service is shutting down: send the request again (another copy will answer).'
        await reply
          .code(error.reason === 'shutting_down' ? 503 : 429)
          .header('retry-after', error.reason === 'shutting_down' ? '1' : retry)
          .send({ detail })
        return undefined
      }
      // The client left while waiting: nobody to answer.
      state.outcome = 'client_gone'
      return undefined
    }
    return { state, controller, planRequest, release }
  }

  /** Runs the backing planner under the service's timeout, the client's connection and the shutdown. */
  async function plan(request: FastifyRequest, state: RequestState, controller: AbortController, planRequest: PlanRequest, onProgress: ProgressListener | undefined): Promise<PlannerResult> {
    const started = performance.now()
    const timer = setTimeout(() => controller.abort(new ServiceTimeout(config.timeoutMs)), config.timeoutMs)
    running.add(controller)
    try {
      // A planner per request: its log lines carry the request id.
      const planner: Planner = createPlanner(config.planner, fetchFn, (message) => request.log.info({ planner: true }, redact(message, secrets)))
      const result = await planner.plan(planRequest, controller.signal, onProgress)
      // Outline ignores the signal: a plan the client stopped waiting for is not sent.
      if (controller.signal.aborted) throw controller.signal.reason
      if (result.usage) {
        state.usage = result.usage
        metrics.tokens.inc({ key: state.key ?? '', kind: 'input' }, result.usage.inputTokens)
        metrics.tokens.inc({ key: state.key ?? '', kind: 'output' }, result.usage.outputTokens)
      }
      const took = performance.now() - started
      typicalPlanMs = typicalPlanMs === 0 ? took : typicalPlanMs * 0.8 + took * 0.2
      return result
    } finally {
      clearTimeout(timer)
      running.delete(controller)
    }
  }

  function failed(request: FastifyRequest, state: RequestState, error: unknown, signal: AbortSignal): Failure {
    const failure = describeFailure(error, signal, secrets)
    state.outcome = failure.outcome
    const level = failure.status >= 500 && failure.outcome !== 'shutting_down' ? 'error' : 'warn'
    request.log[level]({ error: failure.code }, failure.logged)
    return failure
  }

  /** A wait worth suggesting: the typical plan's share of one slot for each request ahead, 1-60 s. */
  function retryAfterSeconds(): number {
    const perSlot = (typicalPlanMs || 5000) / config.concurrency
    return Math.min(60, Math.max(1, Math.ceil((perSlot * (limiter.queued + 1)) / 1000)))
  }

  function finishRequest(request: FastifyRequest, reply: FastifyReply, state: RequestState): void {
    const gone = !reply.raw.writableFinished
    const status = gone ? 499 : reply.statusCode
    const outcome: Outcome = gone ? 'client_gone' : (state.outcome ?? (status < 400 ? 'plan' : 'error'))
    const route = request.routeOptions.url ?? 'unmatched'
    const planRoute = route === PLAN_ROUTE || route === STREAM_ROUTE
    const duration = (performance.now() - state.started) / 1000
    metrics.requests.inc({ route, status: String(status), outcome: planRoute ? outcome : status < 400 ? 'ok' : outcome, key: state.key ?? '' })
    if (planRoute) metrics.duration.observe({ route, outcome }, duration)
    const line = {
      method: request.method,
      path: request.url.split('?')[0]!.slice(0, 200),
      status,
      duration_ms: Math.round(duration * 10_000) / 10,
      key: state.key ?? null,
      ...(planRoute ? { outcome } : {}),
      ...(state.usage ? { input_tokens: state.usage.inputTokens, output_tokens: state.usage.outputTokens } : {}),
      remote: request.ip,
    }
    // Probes and scrapes come every few seconds: only at debug level.
    if (route === '/healthz' || route === '/readyz' || route === '/metrics') request.log.debug(line, 'request')
    else request.log.info(line, 'request')
    // A kept-alive connection whose response began before the shutdown would hold the close open.
    if (closing && !gone) request.raw.socket.end()
  }

  const abortAll = (): void => {
    hurry()
    for (const controller of running) controller.abort(new ShuttingDown())
  }

  return {
    app,
    metrics,
    abortAll,
    async shutdown() {
      draining = true
      if (config.drainDelayMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, config.drainDelayMs)
          hurry = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      closing = true
      limiter.stop()
      app.server.closeIdleConnections()
      const deadline = setTimeout(() => {
        app.log.warn({ in_flight: running.size }, 'shutdown deadline reached: stopping the plans still running')
        abortAll()
      }, config.shutdownTimeoutMs)
      // Stopped plans answer at once; a connection still open after that is cut.
      const cut = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs + 2000)
      try {
        await app.close()
      } finally {
        clearTimeout(deadline)
        clearTimeout(cut)
      }
    },
  }
}
