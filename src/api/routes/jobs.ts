/**
 * `/v1/jobs…`: submit, list, read, metrics (JSON/CSV), plots (SVG), cancel, delete.
 * Server-Sent Events live in `events.ts`.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { localBackendResolver } from "../../backends/registry.js";
import { curvesSvg } from "../../plots/curves.js";
import { infoPlaneSvg } from "../../plots/infoplane.js";
import { metricsCsv } from "../../runs/run-folder.js";
import {
  CALIBRATION_WAIT_MS,
  createPredictionSlots,
  DRY_RUN_CONCURRENT_PREDICTIONS,
  DRY_RUN_PREDICTION_SECONDS,
  predictFirstEpoch,
  predictionWork,
} from "../../training/prediction.js";
import { prepareData } from "../../training/prepare.js";
import { checkSingleRunSpec, type JobSpec } from "../../training/spec.js";
import { requesterOf, specAdmission } from "../admission.js";
import { identify, viewerOf } from "../context.js";
import type { Requester } from "../dataset-shape.js";
import { planAdmitted } from "../dry-run.js";
import {
  jsonOrCsvResponse,
  jsonResponse,
  LOCATION_HEADER,
  REPLAYED_HEADERS,
} from "../responses.js";
import {
  dryRunSchema,
  errorResponse,
  type JobSubmission,
  jobPageSchema,
  jobParamsSchema,
  jobSchema,
  jobSubmissionSchema,
  listQuerySchema,
  metricsCsvSchema,
  metricsQuerySchema,
  metricsResponseSchema,
  removedSchema,
  replayedSchema,
  submitHeadersSchema,
  submitQuerySchema,
  submittedSchema,
  svgImageSchema,
} from "../schemas.js";
import { epochView, jobLocation, jobView } from "../views.js";

const SECURITY = [{ bearerAuth: [] }];

/** Error responses of every `/v1` route, including those that take no input. */
export const serviceErrors = {
  401: errorResponse("Missing or invalid API key (when keys are configured)."),
  429: errorResponse("Rate limited; see Retry-After."),
  503: errorResponse(
    "The job store (Redis) is unavailable or the server is shutting down; see Retry-After.",
  ),
};
/** Error responses of a route that reads a JSON body. */
export const bodyErrors = {
  413: errorResponse("Body larger than the configured limit."),
  415: errorResponse("Body is not application/json."),
};
/** Error responses every job route can give (documented in OpenAPI). */
export const commonErrors = {
  400: errorResponse("Bad input; the message names the field."),
  ...serviceErrors,
};
const withJob = { ...commonErrors, 404: errorResponse("No such job.") };

const svgResponse = (description: string) => ({
  description,
  content: { "image/svg+xml": { schema: svgImageSchema } },
});

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  const { service, keys, options } = app.qplane;
  const admit = specAdmission(options);
  const predictionSlots = createPredictionSlots(DRY_RUN_CONCURRENT_PREDICTIONS);

  /**
   * The plan of a spec admitted for `requester` on its backend (nothing is queued), and on a
   * twin or device the first epoch predicted within the dry run's small budget.
   */
  async function dryRun(spec: JobSpec, requester: Requester) {
    const { plan, backend, dataShape } = await planAdmitted(options, spec, requester);
    if (backend.prediction === undefined) return { plan };
    const csv = spec.dataset.name === "csv";
    const prediction = await predictFirstEpoch({
      spec,
      noise: backend.prediction,
      noiseless: localBackendResolver("local"),
      dataShape,
      // the API sizes a CSV file (DatasetShapes) but reads its rows only in the worker
      prepareData: csv ? undefined : prepareData,
      unavailableData: "a dry run does not read CSV files (qplane estimate predicts on them)",
      maxWork: predictionWork(DRY_RUN_PREDICTION_SECONDS),
      calibrationWaitMs: CALIBRATION_WAIT_MS,
      slots: predictionSlots,
    });
    return { plan, prediction };
  }

  /** A submission's spec after the server's checks (limits, backend, compute estimate). */
  async function admitted(body: JobSubmission, requester: Requester) {
    const { name: _name, tags: _tags, ...fields } = body;
    const spec = await admit(fields, requester);
    // admission also serves experiment base specs; a single job has no baseline run
    checkSingleRunSpec(spec);
    return spec;
  }

  const tooLarge = {
    422: errorResponse(
      "QPLANE_ERR_JOB_TOO_LARGE: the run's estimated work or peak memory is over this server's per-job limit.",
    ),
  };

  app.post(
    "/jobs",
    {
      schema: {
        operationId: "submitJob",
        summary: "Submit a training job",
        description:
          "The body is the training spec (the same as `qplane train` reads) with optional `name` " +
          "and `tags` beside its sections. Limits configured on the server (qubits, shots, epochs, " +
          "dataset rows, concurrent jobs per key) are checked before the job is queued, and so " +
          "is the run's estimated compute: over `QPLANE_MAX_JOB_WORK` amplitude-operations or " +
          "`QPLANE_MAX_JOB_MEMORY_MB` of peak memory it is refused with 422 " +
          "QPLANE_ERR_JOB_TOO_LARGE naming the estimate, the limit and the spec fields that " +
          "drive it. To see a run's plan without queuing it, use `POST /v1/dry-runs`.",
        tags: ["jobs"],
        security: SECURITY,
        headers: submitHeadersSchema,
        querystring: submitQuerySchema,
        body: jobSubmissionSchema,
        response: {
          202: jsonResponse("Queued.", submittedSchema, LOCATION_HEADER),
          200: jsonResponse(
            "An `Idempotency-Key` matched an earlier identical submission: that job, not a new one.",
            replayedSchema,
            REPLAYED_HEADERS,
          ),
          ...commonErrors,
          409: errorResponse("`Idempotency-Key` reused with a different body."),
          ...bodyErrors,
          ...tooLarge,
        },
      },
    },
    async (request, reply) => {
      const { owner } = identify(keys, request);
      const requester = requesterOf(owner, reply);
      const spec = await admitted(request.body, requester);
      if (request.query.dryRun === "true") {
        // the pre-`/v1/dry-runs` form: its body is not the route's documented 200, so it
        // is checked against its own schema and serialised here
        const body = dryRunSchema.parse(await dryRun(spec, requester));
        return reply
          .code(200)
          .type("application/json; charset=utf-8")
          .serializer(JSON.stringify)
          .send(body);
      }
      const { created, job } = await service.submit(spec, {
        name: request.body.name ?? null,
        tags: request.body.tags ?? [],
        idempotencyKey: request.headers["idempotency-key"],
        owner,
      });
      reply.header("location", jobLocation(job.id));
      if (created) return reply.code(202).send({ id: job.id, status: "queued" as const });
      reply.header("idempotent-replayed", "true");
      return reply.code(200).send({ id: job.id, status: job.status });
    },
  );

  app.post(
    "/dry-runs",
    {
      schema: {
        operationId: "dryRunJob",
        summary: "Plan a training job without queuing it",
        description:
          "Takes the body of `POST /v1/jobs` and checks it the same way (spec, server limits, " +
          "estimated compute), then returns the run's plan instead of queuing it: submissions " +
          "per epoch, total shots, estimated cost from the backend's price table, " +
          "amplitude-operations and peak memory (on IBM also the transpiled depth and " +
          "two-qubit gates). A spec over its own budget (`backend.maxCost`, " +
          "`backend.maxShots`) is refused with 400 QPLANE_ERR_BUDGET_EXCEEDED naming the field. " +
          "On a twin or hardware backend, `prediction` runs the first epoch in-process on the " +
          "device's twin and on the noiseless simulator (same spec and seed) and reports both " +
          "epochs' I(X;T), I(T;Y) and test metric; over its budget (about 2 s of one core, " +
          "priced by the cost model) it is `skipped` with the reason instead.",
        tags: ["jobs"],
        security: SECURITY,
        body: jobSubmissionSchema,
        response: {
          200: jsonResponse("The run's plan; nothing was queued.", dryRunSchema),
          ...commonErrors,
          ...bodyErrors,
          ...tooLarge,
        },
      },
    },
    async (request, reply) => {
      const requester = requesterOf(identify(keys, request).owner, reply);
      const spec = await admitted(request.body, requester);
      return dryRun(spec, requester);
    },
  );

  app.get(
    "/jobs",
    {
      schema: {
        operationId: "listJobs",
        summary: "List jobs, newest first",
        tags: ["jobs"],
        security: SECURITY,
        querystring: listQuerySchema,
        response: {
          200: jsonResponse("A page of jobs, newest first.", jobPageSchema),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const page = await service.list(request.query, viewerOf(keys, request));
      return { jobs: page.jobs.map(jobView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/jobs/:id",
    {
      schema: {
        operationId: "getJob",
        summary: "A job's status, progress, latest metrics and spec",
        tags: ["jobs"],
        security: SECURITY,
        params: jobParamsSchema,
        response: { 200: jsonResponse("The job.", jobSchema), ...withJob },
      },
    },
    async (request) => jobView(await service.get(request.params.id, viewerOf(keys, request))),
  );

  app.get(
    "/jobs/:id/metrics",
    {
      schema: {
        operationId: "getJobMetrics",
        summary: "Per-epoch metrics (JSON or CSV)",
        description:
          "The same per-epoch records as the CLI's metrics.json (`ixt`, `ity` in bits); " +
          "`format=csv` gives its metrics.csv. `sinceEpoch=N` returns only epochs after N.",
        tags: ["jobs"],
        security: SECURITY,
        params: jobParamsSchema,
        querystring: metricsQuerySchema,
        response: {
          200: jsonOrCsvResponse(
            "The records, oldest first: JSON (`format=json`) or the CLI's metrics.csv (`format=csv`).",
            metricsResponseSchema,
            metricsCsvSchema,
          ),
          ...withJob,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { format, sinceEpoch } = request.query;
      const records = await service.metrics(id, viewerOf(keys, request), sinceEpoch);
      if (format === "csv") {
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `inline; filename="${id}-metrics.csv"`)
          .send(metricsCsv(records));
      }
      return reply.type("application/json").send({ metrics: records.map(epochView) });
    },
  );

  const plot = (
    path: string,
    operationId: string,
    summary: string,
    render: (records: Parameters<typeof infoPlaneSvg>[0], title: string) => Promise<string>,
  ) =>
    app.get(
      path,
      {
        schema: {
          operationId,
          summary,
          tags: ["jobs"],
          security: SECURITY,
          params: jobParamsSchema,
          response: {
            200: svgResponse("An SVG image (the same plot as the CLI's run folder)."),
            ...withJob,
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const viewer = viewerOf(keys, request);
        const [job, records] = await Promise.all([
          service.get(id, viewer),
          service.metrics(id, viewer),
        ]);
        const svg = await render(records, job.name ?? `job ${job.id}`);
        return reply
          .type("image/svg+xml; charset=utf-8")
          .header("cache-control", "no-cache")
          .send(svg);
      },
    );

  plot(
    "/jobs/:id/infoplane.svg",
    "getJobInfoPlane",
    "The information plane (I(X;T), I(T;Y))",
    (records, title) => infoPlaneSvg(records, { title: `Information plane — ${title}` }),
  );
  plot(
    "/jobs/:id/curves.svg",
    "getJobCurves",
    "Training curves (loss, accuracy, I(X;T), I(T;Y))",
    (records, title) => curvesSvg(records, { title: `Training curves — ${title}` }),
  );

  app.post(
    "/jobs/:id/cancel",
    {
      schema: {
        operationId: "cancelJob",
        summary: "Cancel a queued or running job",
        description:
          "The job stops within about a second, even inside a long step; its status becomes `cancelled`.",
        tags: ["jobs"],
        security: SECURITY,
        params: jobParamsSchema,
        response: {
          202: jsonResponse(
            "Cancelling: the job as it is now (`cancelRequested: true`).",
            jobSchema,
          ),
          ...withJob,
          409: errorResponse("The job already finished."),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(jobView(await service.cancel(request.params.id, viewerOf(keys, request)))),
  );

  app.delete(
    "/jobs/:id",
    {
      schema: {
        operationId: "deleteJob",
        summary: "Remove a finished job and its data",
        tags: ["jobs"],
        security: SECURITY,
        params: jobParamsSchema,
        response: {
          204: removedSchema,
          ...withJob,
          409: errorResponse("The job has not finished (cancel it first)."),
        },
      },
    },
    async (request, reply) => {
      await service.remove(request.params.id, viewerOf(keys, request));
      return reply.code(204).send();
    },
  );
};
