/**
 * `/v1/experiments…`: submit a grid of child jobs (or dry-run it: the same checks, the plans,
 * nothing queued), read status counts and arm aggregates (JSON or CSV), per-epoch curves per
 * arm, list, cancel. Reading one experiment (or its
 * curves) first queues the children that became derivable (controls, tuned and inheriting
 * arms: src/jobs/experiment-advance.ts), checked by the same admission as a submission's; the
 * API process's driver (src/jobs/experiment-driver.ts) does so too, unread.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { QplaneError } from "../../errors/catalogue.js";
import { type ExperimentView, experimentCsv } from "../../experiments/view.js";
import type {
  ChildAdmission,
  ExperimentService,
  ExperimentSubmission,
} from "../../jobs/experiment-types.js";
import { requesterOf, specAdmission } from "../admission.js";
import { identify, viewerOf } from "../context.js";
import { planAdmitted } from "../dry-run.js";
import { experimentDryRun } from "../experiment-dry-run.js";
import {
  experimentCsvSchema,
  experimentCurvesSchema,
  experimentDryRunSchema,
  experimentListQuerySchema,
  experimentPageSchema,
  experimentParamsSchema,
  experimentQuerySchema,
  experimentSchema,
  experimentSubmissionSchema,
} from "../experiment-schemas.js";
import type { ResolvedApiOptions } from "../options.js";
import {
  jsonOrCsvResponse,
  jsonResponse,
  LOCATION_HEADER,
  REPLAYED_HEADERS,
} from "../responses.js";
import { errorResponse, submitHeadersSchema } from "../schemas.js";
import { bodyErrors, commonErrors } from "./jobs.js";

const SECURITY = [{ bearerAuth: [] }];

// The service's views are deeply readonly; the response schemas' types are not. The shapes
// are the same (the schemas check every response at serialisation).
type ExperimentBody = z.output<typeof experimentSchema>;
const body = (view: ExperimentView) => view as unknown as ExperimentBody;
const withExperiment = { ...commonErrors, 404: errorResponse("No such experiment.") };
/** Submission and dry run refuse the same experiments: one child over the per-job limit. */
const childTooLarge = errorResponse(
  "QPLANE_ERR_JOB_TOO_LARGE: a child's estimated work or peak memory is over this server's per-job limit.",
);

/** The service's submission from a body (the schema's defaults applied). */
function submissionOf(input: z.output<typeof experimentSubmissionSchema>): ExperimentSubmission {
  const { name, tags, ...definition } = input;
  return { ...definition, name: name ?? null, tags: tags ?? [] };
}

export const experimentLocation = (id: string) => `/v1/experiments/${encodeURIComponent(id)}`;

/**
 * The server's checks of a derived child, for its experiment's owner: the submission's
 * admission, with no client to abort for (a reader leaving must not make a child unrunnable).
 */
export function experimentChildAdmission(options: ResolvedApiOptions): ChildAdmission {
  const admit = specAdmission(options);
  return (spec, owner) => admit(spec, { owner });
}

export const experimentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { keys, options } = app.qplane;
  const admit = specAdmission(options);
  const admitChild = experimentChildAdmission(options);
  const experiments = (): ExperimentService => {
    if (options.experiments === undefined) {
      throw new QplaneError(
        "QPLANE_ERR_UNAVAILABLE",
        "experiments are not available on this server (no experiment service configured)",
      );
    }
    return options.experiments;
  };

  app.post(
    "/experiments",
    {
      schema: {
        operationId: "submitExperiment",
        summary: "Submit an experiment: a base spec and a grid of field values",
        description:
          "One child job per grid point, all queued together. `training.seed` in the grid is " +
          "the replicate axis (aggregated within an arm); every other grid field defines the " +
          "arms. Every child spec is validated (and the server's limits and backends checked) " +
          "before anything is queued: an empty grid, an unknown field, an invalid value or more " +
          "children than QPLANE_MAX_EXPERIMENT_JOBS is a 400 naming the field (the count is the " +
          "product of the list lengths, checked before any combination is built); a child over " +
          "the per-job cost limits is a 422 QPLANE_ERR_JOB_TOO_LARGE naming its arm. " +
          "`compare.baseline` must name exactly one arm (else 400 naming it and the arms). " +
          "Children that derive from finished runs (`controls`, `tune`d arms' selections, " +
          "`inherit`, feedback.target `baseline`) are queued once those runs finish, checked " +
          "like the others; one the server refuses then is listed in its arm's `unrunnable` " +
          "with the reason, and the experiment still finishes. The API key needs a job slot " +
          "(QPLANE_MAX_CONCURRENT_JOBS_PER_KEY) for every planned child, derived ones " +
          "included, else 429 and nothing is queued. An `Idempotency-Key` makes a retried " +
          "submission safe: the same key and body return the experiment created the first " +
          "time (200, `Idempotent-Replayed: true`).",
        tags: ["experiments"],
        security: SECURITY,
        headers: submitHeadersSchema,
        body: experimentSubmissionSchema,
        response: {
          202: jsonResponse(
            "Queued: the experiment and its first children.",
            experimentSchema,
            LOCATION_HEADER,
          ),
          200: jsonResponse(
            "An `Idempotency-Key` matched an earlier identical submission: that experiment, not a new one.",
            experimentSchema,
            REPLAYED_HEADERS,
          ),
          ...commonErrors,
          409: errorResponse("`Idempotency-Key` reused with a different body."),
          ...bodyErrors,
          422: childTooLarge,
        },
      },
    },
    async (request, reply) => {
      const { owner } = identify(keys, request);
      const requester = requesterOf(owner, reply);
      const { created, experiment } = await experiments().submit(
        // the service admits the base spec and every child exactly once (admission rewrites a
        // CSV path to its resolved form, which a second admission would refuse)
        submissionOf(request.body),
        {
          owner,
          admit: (child) => admit(child, requester),
          idempotencyKey: request.headers["idempotency-key"],
        },
      );
      reply.header("location", experimentLocation(experiment.id));
      if (created) return reply.code(202).send(body(experiment));
      reply.header("idempotent-replayed", "true");
      return reply.code(200).send(body(experiment));
    },
  );

  app.post(
    "/experiments/dry-runs",
    {
      schema: {
        operationId: "dryRunExperiment",
        summary: "Plan an experiment without queuing it",
        description:
          "Takes the body of `POST /v1/experiments` and checks it the same way (grid, compare, " +
          "controls, tune, inherit, every child queued at submission against the server's " +
          "limits and backends; the same 400s naming the field, e.g. `grid.feedback.mode[1]`, " +
          "and 422s naming the arm), except the API key's job slots. Returns per arm and in " +
          "total the children (`runs`), the run plans of those queued at submission " +
          "(`planned`: submissions, circuits, shots, estimated cost, amplitude-operations, " +
          "peak memory) and those that would derive from finished runs (`waiting`: controls, " +
          "inherit, feedback.target baseline), which have no plan yet. Bounded by " +
          "QPLANE_MAX_EXPERIMENT_JOBS; nothing is queued, no first epoch is predicted.",
        tags: ["experiments"],
        security: SECURITY,
        body: experimentSubmissionSchema,
        response: {
          200: jsonResponse("The experiment's plan; nothing was queued.", experimentDryRunSchema),
          ...commonErrors,
          ...bodyErrors,
          422: childTooLarge,
        },
      },
    },
    async (request, reply) => {
      const { owner } = identify(keys, request);
      const requester = requesterOf(owner, reply);
      const planned = await experiments().plan(submissionOf(request.body), {
        owner,
        admit: (child) => admit(child, requester),
      });
      const plans = [];
      // one at a time: the plans share the server's admission with everyone else's requests
      for (const child of planned.ready) {
        plans.push((await planAdmitted(options, child.spec, requester)).plan);
      }
      return experimentDryRun(planned, plans) as unknown as z.output<typeof experimentDryRunSchema>;
    },
  );

  app.get(
    "/experiments",
    {
      schema: {
        operationId: "listExperiments",
        summary: "List experiments, newest first",
        tags: ["experiments"],
        security: SECURITY,
        querystring: experimentListQuerySchema,
        response: {
          200: jsonResponse("A page of experiments, newest first.", experimentPageSchema),
          ...commonErrors,
        },
      },
    },
    async (request) => {
      const page = await experiments().list(request.query, viewerOf(keys, request));
      return page as unknown as z.output<typeof experimentPageSchema>;
    },
  );

  app.get(
    "/experiments/:id",
    {
      schema: {
        operationId: "getExperiment",
        summary: "An experiment's status counts and aggregate table per arm",
        description:
          "Per arm: mean ± std across its completed children of the final test metric " +
          "(accuracy or R²), of the epochs to the threshold and of the final I(X;T), I(T;Y). " +
          "With `compare`: `comparisons`, every other arm against the baseline, paired by seed. " +
          "`format=csv` gives the arms table as CSV; with comparisons, an empty line and the " +
          "comparisons table (its own header; pairs as `;`-separated seeds, values, " +
          "baselineValues) follow it.",
        tags: ["experiments"],
        security: SECURITY,
        params: experimentParamsSchema,
        querystring: experimentQuerySchema,
        response: {
          200: jsonOrCsvResponse(
            "The experiment (`format=json`) or its arms table (`format=csv`).",
            experimentSchema,
            experimentCsvSchema,
          ),
          ...withExperiment,
        },
      },
    },
    async (request, reply) => {
      const view = await experiments().get(request.params.id, viewerOf(keys, request), admitChild);
      if (request.query.format === "csv") {
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `inline; filename="experiment-${view.id}.csv"`)
          .send(experimentCsv(view));
      }
      return reply.type("application/json").send(body(view));
    },
  );

  app.get(
    "/experiments/:id/curves",
    {
      schema: {
        operationId: "getExperimentCurves",
        summary: "Per-arm learning and information-plane curves (mean ± std per epoch)",
        tags: ["experiments"],
        security: SECURITY,
        params: experimentParamsSchema,
        response: {
          200: jsonResponse("Each arm's curves, epoch by epoch.", experimentCurvesSchema),
          ...withExperiment,
        },
      },
    },
    async (request) =>
      ({
        arms: await experiments().curves(request.params.id, viewerOf(keys, request), admitChild),
      }) as unknown as z.output<typeof experimentCurvesSchema>,
  );

  app.post(
    "/experiments/:id/cancel",
    {
      schema: {
        operationId: "cancelExperiment",
        summary: "Cancel every unfinished child job and stop deriving children",
        description:
          "Queued and running children are cancelled; children still to derive (controls, " +
          "tuned or inheriting arms) never will be: each is listed in its arm's `unrunnable` " +
          "as `experiment cancelled`.",
        tags: ["experiments"],
        security: SECURITY,
        params: experimentParamsSchema,
        response: {
          200: jsonResponse("The experiment once its children were cancelled.", experimentSchema),
          ...withExperiment,
        },
      },
    },
    async (request) => body(await experiments().cancel(request.params.id, viewerOf(keys, request))),
  );
};
