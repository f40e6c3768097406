/**
 * Prometheus metrics served at `GET /metrics`. One `ServiceMetrics` per process, created by
 * the caller and passed both to `buildApp` and to whatever runs the worker in the same process:
 * the worker reports each finished epoch with `observeEpochDuration(record.elapsedMs)`.
 * A process running only workers has no HTTP server, so its epoch histogram is not scraped.
 * While the job store is down a scrape fails (503), which Prometheus records as `up == 0`.
 *
 * | metric                                | type      | labels                        |
 * | ------------------------------------- | --------- | ----------------------------- |
 * | qplane_jobs                           | gauge     | status                        |
 * | qplane_queue_depth                    | gauge     |                               |
 * | qplane_epoch_duration_seconds         | histogram |                               |
 * | qplane_http_request_duration_seconds  | histogram | method, route, status_code    |
 * | qplane_process_* / qplane_nodejs_*    | defaults  | (when `defaultMetrics` is on) |
 */
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { JOB_STATUSES, type JobService } from "../jobs/types.js";

export interface ServiceMetricsOptions {
  /** Also export prom-client's process and Node.js metrics. @defaultValue true */
  readonly defaultMetrics?: boolean;
}

/** Epochs take from milliseconds (tiny simulator runs) to many minutes (hardware queues). */
const EPOCH_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const HTTP_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly jobs: Gauge<"status">;
  private readonly queueDepth: Gauge;
  private readonly epochDuration: Histogram;
  private readonly httpDuration: Histogram<"method" | "route" | "status_code">;

  constructor(options: ServiceMetricsOptions = {}) {
    const registers = [this.registry];
    this.jobs = new Gauge({
      name: "qplane_jobs",
      help: "Jobs in the store by status.",
      labelNames: ["status"],
      registers,
    });
    this.queueDepth = new Gauge({
      name: "qplane_queue_depth",
      help: "Jobs waiting in the queue for a worker.",
      registers,
    });
    this.epochDuration = new Histogram({
      name: "qplane_epoch_duration_seconds",
      help: "Wall time of one training epoch (reported by the worker of this process).",
      buckets: EPOCH_BUCKETS_SECONDS,
      registers,
    });
    this.httpDuration = new Histogram({
      name: "qplane_http_request_duration_seconds",
      help: "HTTP request duration by route pattern.",
      labelNames: ["method", "route", "status_code"],
      buckets: HTTP_BUCKETS_SECONDS,
      registers,
    });
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: "qplane_" });
    }
  }

  /** Records one finished epoch (`EpochRecord.elapsedMs`). */
  observeEpochDuration(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.epochDuration.observe(ms / 1000);
  }

  /** Records one answered HTTP request; `route` is the route pattern, not the raw URL. */
  observeHttpRequest(method: string, route: string, statusCode: number, ms: number): void {
    this.httpDuration.observe(
      { method, route, status_code: String(statusCode) },
      Math.max(0, ms) / 1000,
    );
  }

  /**
   * Refreshes the job gauges from the store; rejects with the store's error when it fails (the
   * scrape then answers 503 rather than stale counts).
   */
  async refresh(service: JobService): Promise<void> {
    const stats = await service.stats();
    for (const status of JOB_STATUSES) this.jobs.set({ status }, stats.byStatus[status] ?? 0);
    this.queueDepth.set(stats.queueDepth);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
