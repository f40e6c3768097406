/** `GET /v1/backends` and `GET /v1/datasets`: what a spec can name. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ProviderStatus } from "../../../providers/types.js";
import { DATASET_INFO } from "../../data/index.js";
import type { ApiBackend } from "../options.js";
import { jsonResponse } from "../responses.js";
import { backendsResponseSchema, datasetsResponseSchema } from "../schemas.js";
import { serviceErrors } from "./jobs.js";

/** A remote status call that hangs must not hang the listing. */
const STATUS_TIMEOUT_MS = 5_000;

async function liveStatus(backend: ApiBackend): Promise<ProviderStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProviderStatus>((resolve) => {
    timer = setTimeout(
      () => resolve({ operational: false, message: "status check timed out", queueLength: 0 }),
      STATUS_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([backend.provider.status(), timeout]);
  } catch {
    // Provider errors may carry endpoints or credentials: report only that it failed.
    return { operational: false, message: "status unavailable", queueLength: 0 };
  } finally {
    clearTimeout(timer);
  }
}

async function describeBackend(backend: ApiBackend) {
  const [capabilities, status] = await Promise.all([
    backend.provider.capabilities().catch(() => null),
    liveStatus(backend),
  ]);
  if (capabilities === null) {
    // Remote capabilities are fetched (and cached) by the provider; it could not reach them.
    return {
      name: backend.name,
      provider: null,
      device: null,
      capabilities: null,
      settings: backend.settings ?? {},
      status: { ...status, operational: false },
    };
  }
  return {
    name: backend.name,
    provider: capabilities.provider,
    device: capabilities.device,
    capabilities: {
      ...capabilities,
      nativeGates: [...capabilities.nativeGates],
      couplingMap:
        capabilities.couplingMap === null
          ? null
          : capabilities.couplingMap.map(([a, b]) => [a, b] as [number, number]),
    },
    settings: backend.settings ?? {},
    status,
  };
}

export const catalogRoutes: FastifyPluginAsyncZod = async (app) => {
  const { options } = app.qplane;

  app.get(
    "/backends",
    {
      schema: {
        operationId: "listBackends",
        summary: "Configured backends: capabilities and live status",
        tags: ["catalog"],
        security: [{ bearerAuth: [] }],
        response: {
          200: jsonResponse(
            "Every configured backend with its capabilities and live status.",
            backendsResponseSchema,
          ),
          ...serviceErrors,
        },
      },
    },
    async () => ({ backends: await Promise.all(options.backends.map(describeBackend)) }),
  );

  app.get(
    "/datasets",
    {
      schema: {
        operationId: "listDatasets",
        summary: "Datasets a spec can name in `dataset.name`",
        tags: ["catalog"],
        security: [{ bearerAuth: [] }],
        response: {
          200: jsonResponse("Every dataset a spec can name.", datasetsResponseSchema),
          ...serviceErrors,
        },
      },
    },
    async () => ({ datasets: DATASET_INFO.map((info) => ({ ...info })) }),
  );
};
