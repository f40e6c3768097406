/**
 * The HTTP API as a fastify app: `buildApp(options)` returns it ready to `inject` or `listen`.
 *
 * Request lifecycle: shutdown check (503 once closing) → rate limit (onRequest, per key or
 * address; counters in Redis when given, shared by replicas) → API key (preParsing, before
 * any body is read) → JSON body within `maxBodyBytes` → zod validation (400 naming fields) →
 * route → zod-checked response. Failures of any step take the one error envelope (errors.ts),
 * and every 429 and 503 carries `Retry-After`.
 * The app does not own the JobService: closing the app leaves it to the caller.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyInstance,
} from "fastify";
import { serializerCompiler } from "fastify-type-provider-zod";
import { QplaneError } from "../errors/catalogue.js";
import { collectSecrets, REDACTED, secretEraser } from "../logging/redaction.js";
import { ApiKeyRing, bearerToken } from "./auth.js";
import { type ApiContext, authHook, clientKey } from "./context.js";
import {
  errorHandler,
  frameworkErrors,
  JsonSyntaxError,
  notFoundHandler,
  parseJsonBody,
  retryAfterHook,
  zodValidatorCompiler,
} from "./errors.js";
import { createApiLogger } from "./logger.js";
import { ServiceMetrics } from "./metrics.js";
import { registerOpenApi } from "./openapi.js";
import { type ApiOptions, type ResolvedApiOptions, resolveApiOptions } from "./options.js";
import { catalogRoutes } from "./routes/catalog.js";
import { circuitRoutes } from "./routes/circuit.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { eventRoutes } from "./routes/events.js";
import { experimentRoutes } from "./routes/experiments.js";
import { jobRoutes } from "./routes/jobs.js";
import { operationsRoutes } from "./routes/operations.js";

export type { ApiOptions } from "./options.js";

function loggerFor(options: ResolvedApiOptions): FastifyBaseLogger | false {
  if (options.logger !== undefined) return options.logger;
  if (options.log === false) return false;
  return createApiLogger({
    ...options.log,
    secrets: [...(options.log.secrets ?? []), ...options.apiKeys, ...options.adminKeys],
  });
}

/**
 * The API over a JobService: `/v1` routes, probes, `/metrics`, `/docs`. Call `listen` or
 * `inject` on the result; `close` ends open event streams but leaves the service open.
 */
export async function buildApp(input: ApiOptions): Promise<FastifyInstance> {
  const options = resolveApiOptions(input);
  const logger = loggerFor(options);
  const serverOptions: FastifyHttpOptions<Server> = {
    bodyLimit: options.limits.maxBodyBytes,
    trustProxy: options.trustProxy,
    genReqId: () => randomUUID(),
    frameworkErrors,
    // fastify's own 503 has its own body and no Retry-After: the onRequest hook below answers
    return503OnClosing: false,
  };
  const app =
    logger === false
      ? Fastify({ ...serverOptions, logger: false })
      : Fastify({ ...serverOptions, loggerInstance: logger });

  const context: ApiContext = {
    service: options.service,
    keys: new ApiKeyRing(options.apiKeys, options.adminKeys),
    metrics: options.metrics ?? new ServiceMetrics(),
    options,
  };
  app.decorate("qplane", context);
  app.decorateRequest("qplaneIdentity", null);

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(options.limits.maxBodyBytes));
  app.setNotFoundHandler(notFoundHandler);

  // JSON is the only body type; the parser names where the syntax breaks and refuses
  // `__proto__` members.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(
        error instanceof JsonSyntaxError ? error : new JsonSyntaxError("body: not valid JSON"),
        undefined,
      );
    }
  });

  let closing = false;
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    // Requests still arriving on kept-alive connections while the server closes (fastify
    // adds `Connection: close`), in the error envelope so clients and balancers retry elsewhere.
    if (closing) throw new QplaneError("QPLANE_ERR_UNAVAILABLE", "the server is shutting down");
  });
  // Browsers open sockets ahead of need (preconnect) that may never carry a request. Node's
  // server.close does not count them as idle and would wait headersTimeout (60 s) for them,
  // so a shutdown destroys them; connections serving a request finish as usual.
  const unused = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  app.server.on("request", (request: IncomingMessage) => unused.delete(request.socket));
  app.addHook("preClose", async () => {
    closing = true;
    for (const socket of unused) socket.destroy();
  });
  // Responses can quote what a client sent (`(got "…")`): erase credentials from them, both
  // the server's (API keys, provider credentials) and the token this request presented.
  const logOptions = options.log === false ? {} : options.log;
  const eraseKnown = secretEraser(
    collectSecrets(
      [...options.apiKeys, ...options.adminKeys, ...(logOptions.secrets ?? [])],
      logOptions.env ?? process.env,
    ),
  );
  app.addHook("onSend", retryAfterHook);
  app.addHook("onSend", async (request, _reply, payload) => {
    if (typeof payload !== "string") return payload;
    const token = bearerToken(request.headers.authorization);
    const text = eraseKnown(payload);
    if (token === null || token.length < 8) return text;
    return text
      .replaceAll(token, REDACTED)
      .replaceAll(JSON.stringify(token).slice(1, -1), REDACTED);
  });
  app.addHook("onResponse", async (request, reply) => {
    context.metrics.observeHttpRequest(
      request.method,
      request.routeOptions.url ?? "unmatched",
      reply.statusCode,
      reply.elapsedTime,
    );
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      // Helmet's defaults suit Swagger UI (its own scripts and styles, data: images), except
      // upgrade-insecure-requests, which would break /docs on a plain-HTTP deployment.
      directives: { upgradeInsecureRequests: null },
    },
  });

  if (options.limits.rateLimitPerMinute > 0) {
    const store = options.rateLimitStore;
    await app.register(fastifyRateLimit, {
      max: options.limits.rateLimitPerMinute,
      timeWindow: 60_000,
      ...(store && {
        redis: store.redis,
        nameSpace: `${store.keyPrefix}:rate-limit:`,
        // Redis unreachable: let requests through; routes that need Redis answer 503 themselves
        skipOnError: true,
      }),
      keyGenerator: (request) => clientKey(context.keys, request),
      errorResponseBuilder: (_request, limit) =>
        new QplaneError(
          "QPLANE_ERR_RATE_LIMITED",
          `rate limit of ${limit.max} requests per minute exceeded; retry in ${limit.after}`,
        ),
    });
  }

  await registerOpenApi(app, options.docs, options.specLimits);
  await app.register(operationsRoutes);
  await app.register(dashboardRoutes);
  await app.register(
    async (v1) => {
      v1.addHook("preParsing", authHook(context.keys));
      await v1.register(jobRoutes);
      await v1.register(circuitRoutes);
      await v1.register(eventRoutes);
      await v1.register(catalogRoutes);
      await v1.register(experimentRoutes);
    },
    { prefix: "/v1" },
  );
  return app;
}
