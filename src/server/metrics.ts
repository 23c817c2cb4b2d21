import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** What a plan request ended in, beyond its status: `needs_info` and `invalid` are both 422. */
export type Outcome =
  | 'plan'
  | 'needs_info'
  | 'invalid'
  | 'unauthorized'
  | 'too_large'
  | 'rejected'
  | 'upstream_error'
  | 'timeout'
  | 'client_gone'
  | 'shutting_down'
  | 'error'

/**
 * The service's Prometheus metrics, in a registry of its own (one per server, so tests can run
 * several). Labels are bounded: routes are the declared ones, keys the configured names.
 */
export class ServiceMetrics {
  readonly registry = new Registry()
  readonly requests = new Counter({
    name: 'task_planning_requests_total',
    help: 'HTTP requests answered, by route, status, outcome and client key name.',
    labelNames: ['route', 'status', 'outcome', 'key'] as const,
    registers: [this.registry],
  })
  readonly duration = new Histogram({
    name: 'task_planning_request_duration_seconds',
    help: 'Time from request to the end of the response (whole stream for the stream route), by route and outcome.',
    labelNames: ['route', 'outcome'] as const,
    // Plans take seconds to minutes; errors and health checks milliseconds.
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 240, 480],
    registers: [this.registry],
  })
  readonly tokens = new Counter({
    name: 'task_planning_tokens_total',
    help: 'Model tokens spent on plans, by client key name and kind (input or output).',
    labelNames: ['key', 'kind'] as const,
    registers: [this.registry],
  })
  readonly inFlight = new Gauge({
    name: 'task_planning_in_flight',
    help: 'Plans being made now.',
    registers: [this.registry],
  })
  readonly queued = new Gauge({
    name: 'task_planning_queued',
    help: 'Plan requests waiting for a slot.',
    registers: [this.registry],
  })
  readonly rejections = new Counter({
    name: 'task_planning_rejections_total',
    help: 'Requests refused before planning, by reason: queue_full, queue_timeout, shutting_down, unauthorized, too_large, invalid.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry })
  }
}
