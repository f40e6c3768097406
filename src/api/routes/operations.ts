/**
 * For operators: `GET /healthz` (the process answers), `GET /readyz` (the job store answers
 * and, when the app was given `workerAlive` — QPLANE_ROLE=all — a worker is alive) and
 * `GET /metrics` (Prometheus text; server-wide, so behind an admin key when the server has
 * several keys, behind its key when it has exactly one).
 * Any of them answers 503 while the server shuts down.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { QplaneError } from "../../errors/catalogue.js";
import { operatorHook } from "../context.js";
import { jsonResponse } from "../responses.js";
import { errorResponse, healthSchema, prometheusTextSchema, readySchema } from "../schemas.js";

/** A readiness probe must answer quickly even when Redis hangs. */
const READY_TIMEOUT_MS = 2_000;

/** `check()` within READY_TIMEOUT_MS; false when it fails or takes longer. */
async function answersTrue(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const operationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { service, keys, metrics } = app.qplane;
  const { workerAlive } = app.qplane.options;

  app.get(
    "/healthz",
    {
      config: { rateLimit: false },
      schema: {
        operationId: "health",
        summary: "Liveness: 200 while the process runs",
        tags: ["operations"],
        response: {
          200: jsonResponse("The process is alive.", healthSchema),
          503: errorResponse("The server is shutting down."),
        },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      config: { rateLimit: false },
      schema: {
        operationId: "ready",
        summary:
          "Readiness: 200 when the job store (Redis) answers and, in QPLANE_ROLE=all, a worker is alive; else 503",
        tags: ["operations"],
        response: {
          200: jsonResponse("Ready to serve: the job store answers.", readySchema),
          503: errorResponse(
            "The job store (Redis) does not answer, or (QPLANE_ROLE=all) no worker is alive.",
          ),
        },
      },
    },
    async () => {
      if (!(await answersTrue(() => service.ready()))) {
        throw new QplaneError("QPLANE_ERR_UNAVAILABLE", "the job store (Redis) does not answer");
      }
      if (workerAlive && !(await answersTrue(workerAlive))) {
        throw new QplaneError(
          "QPLANE_ERR_UNAVAILABLE",
          "no worker is alive: the worker process is down or restarting",
        );
      }
      return { status: "ready" as const };
    },
  );

  app.get(
    "/metrics",
    {
      // A budget of its own (same size, per key or address): a key busy on /v1 never makes a
      // scrape 429, and key guessing through /metrics is still limited.
      config: { rateLimit: {} },
      preParsing: operatorHook(keys, "/metrics"),
      schema: {
        operationId: "metrics",
        summary: "Prometheus metrics (jobs by status, queue depth, epoch and request durations)",
        tags: ["operations"],
        security: [{ bearerAuth: [] }],
        response: {
          200: {
            description: "Prometheus text exposition format.",
            content: { "text/plain": { schema: prometheusTextSchema } },
          },
          401: errorResponse("Missing or invalid API key (when keys are configured)."),
          403: errorResponse(
            "A valid key that is not an admin key, when the server has more than one key (the counts cover every key's jobs).",
          ),
          429: errorResponse("Rate limited (a budget separate from the /v1 routes')."),
          503: errorResponse("The job store (Redis) is unavailable, or the server is closing."),
        },
      },
    },
    async (_request, reply) => {
      await metrics.refresh(service);
      return reply.type(metrics.contentType).send(await metrics.render());
    },
  );
};
