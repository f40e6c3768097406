/**
 * A first program against the qplane API through a client generated from its OpenAPI document:
 * openapi-typescript wrote the types (schema.d.ts, `npm run openapi`), openapi-fetch makes the
 * calls. It plans a small job, submits it, polls until it finishes and reads its metrics as
 * JSON and as CSV. test/api/example-client.test.ts type-checks it and runs it against a server.
 *
 *   npm start                 # in another terminal: the API on http://127.0.0.1:8080
 *   npm run example:client    # QPLANE_URL and QPLANE_API_KEY override the defaults
 */
import { fileURLToPath } from "node:url";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
export type JobStatus = Schemas["JobStatus"];
export type EpochRecord = Schemas["EpochRecord"];

/** What the program saw, for a caller (the test) to check. */
export interface FirstJobResult {
  readonly jobId: string;
  readonly location: string | null;
  readonly status: JobStatus;
  readonly plan: Schemas["RunPlan"];
  readonly records: readonly EpochRecord[];
  readonly csv: string;
}

export interface FirstJobOptions {
  readonly baseUrl: string;
  /** Needed when the server has API keys (`QPLANE_API_KEYS`). */
  readonly apiKey?: string | undefined;
  /** Between two polls of the job. @defaultValue 500 */
  readonly pollMs?: number;
  /** Give up waiting for the job after this long. @defaultValue 120_000 */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** Statuses a job never leaves. */
const FINAL: ReadonlySet<JobStatus> = new Set<JobStatus>(["completed", "failed", "cancelled"]);

/** Every field but `dataset.name` has a default; these keep the job to a few seconds. */
const SUBMISSION: Schemas["JobSubmissionInput"] = {
  name: "first job",
  tags: ["example"],
  dataset: { name: "moons", samples: 64 },
  model: { qubits: 2, layers: 1 },
  training: { epochs: 3 },
};

/** An API error as one line: the status, the code and the message (which names the field). */
function failure(step: string, response: Response, error: Schemas["Error"]): Error {
  return new Error(`${step}: ${response.status} ${error.error.code}: ${error.error.message}`);
}

export async function firstJob(options: FirstJobOptions): Promise<FirstJobResult> {
  const log = options.log ?? console.log;
  const pollMs = options.pollMs ?? 500;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  // "application/json": responses offered as JSON or CSV are read as JSON unless asked
  const client = createClient<paths, "application/json">({
    baseUrl: options.baseUrl,
    headers: options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` },
  });

  // 1. What would it cost? A dry run checks the spec like a submission and queues nothing.
  const planned = await client.POST("/v1/dry-runs", { body: SUBMISSION });
  if (planned.error) throw failure("dry run", planned.response, planned.error);
  const { plan } = planned.data;
  log(`plan: ${plan.epochs} epochs, ${plan.totalCircuits} circuits, ${plan.totalShots} shots`);

  // 2. Submit. The Idempotency-Key makes a retry after a lost answer return the same job.
  const submitted = await client.POST("/v1/jobs", {
    params: { header: { "idempotency-key": `first-job-${Date.now()}` } },
    body: SUBMISSION,
  });
  if (submitted.error) throw failure("submit", submitted.response, submitted.error);
  const jobId = submitted.data.id;
  const location = submitted.response.headers.get("location");
  log(`queued job ${jobId} (${location})`);

  // 3. Poll until the job ends (GET /v1/jobs/{id}/events streams the same as it happens).
  let status: JobStatus = submitted.data.status;
  while (!FINAL.has(status)) {
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status}: gave up waiting`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const polled = await client.GET("/v1/jobs/{id}", { params: { path: { id: jobId } } });
    if (polled.error) throw failure("poll", polled.response, polled.error);
    status = polled.data.status;
    log(`${status}: epoch ${polled.data.progress.epoch} of ${polled.data.progress.epochs}`);
  }
  if (status !== "completed") throw new Error(`job ${jobId} ended ${status}`);

  // 4. Read the per-epoch metrics: I(X;T) and I(T;Y) in bits, null where a value diverged.
  const metrics = await client.GET("/v1/jobs/{id}/metrics", {
    params: { path: { id: jobId }, query: { sinceEpoch: 0 } },
  });
  if (metrics.error) throw failure("metrics", metrics.response, metrics.error);
  for (const record of metrics.data.metrics) {
    log(
      `epoch ${record.epoch}: test loss ${record.testLoss}, ` +
        `I(X;T) ${record.ixt} bits, I(T;Y) ${record.ity} bits`,
    );
  }

  // The same records as the CLI's metrics.csv: the other media type of the same response.
  const table = await client.GET("/v1/jobs/{id}/metrics", {
    params: { path: { id: jobId }, query: { format: "csv" } },
    parseAs: "text",
  });
  if (table.error) throw failure("metrics.csv", table.response, table.error);
  log(`metrics.csv: ${table.data.trimEnd().split("\n").length - 1} rows`);

  return { jobId, location, status, plan, records: metrics.data.metrics, csv: table.data };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await firstJob({
    baseUrl: process.env.QPLANE_URL ?? "http://127.0.0.1:8080",
    apiKey: process.env.QPLANE_API_KEY,
  });
}
