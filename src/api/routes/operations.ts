/**
 * For operators: `GET /healthz` (the process answers), `GET /readyz` (the job store answers)
 * and `GET /metrics` (Prometheus text; behind the API key when keys are configured).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { QplaneError } from "../../errors/catalogue.js";
import { authHook } from "../context.js";
import { errorResponse, healthSchema, readySchema } from "../schemas.js";

/** A readiness probe must answer quickly even when Redis hangs. */
const READY_TIMEOUT_MS = 2_000;

async function storeAnswers(ready: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([ready().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const operationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { service, keys, metrics } = app.qplane;

  app.get(
    "/healthz",
    {
      config: { rateLimit: false },
      schema: {
        operationId: "health",
        summary: "Liveness: 200 while the process runs",
        tags: ["operations"],
        response: { 200: healthSchema },
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
        summary: "Readiness: 200 when the job store (Redis) answers, else 503",
        tags: ["operations"],
        response: {
          200: readySchema,
          503: errorResponse("The job store (Redis) does not answer."),
        },
      },
    },
    async () => {
      if (!(await storeAnswers(() => service.ready()))) {
        throw new QplaneError("QPLANE_ERR_UNAVAILABLE", "the job store (Redis) does not answer");
      }
      return { status: "ready" as const };
    },
  );

  app.get(
    "/metrics",
    {
      preParsing: authHook(keys),
      schema: {
        operationId: "metrics",
        summary: "Prometheus metrics (jobs by status, queue depth, epoch and request durations)",
        tags: ["operations"],
        security: [{ bearerAuth: [] }],
        response: {
          200: {
            description: "Prometheus text exposition format.",
            content: { "text/plain": { schema: z.string() } },
          },
          401: errorResponse("Missing or invalid API key (when keys are configured)."),
        },
      },
    },
    async (_request, reply) => {
      await metrics.refresh(service);
      return reply.type(metrics.contentType).send(await metrics.render());
    },
  );
};
