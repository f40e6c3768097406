/**
 * What the route plugins share, decorated on the fastify instance as `app.qplane` (no module
 * singletons: two apps in one process, as in the tests, never see each other's services).
 */
import type { FastifyRequest } from "fastify";
import { EVERYONE, type JobService, type Viewer } from "../jobs/types.js";
import { type ApiKeyRing, type Identity, requireKey } from "./auth.js";
import type { ServiceMetrics } from "./metrics.js";
import type { ResolvedApiOptions } from "./options.js";

export interface ApiContext {
  readonly service: JobService;
  readonly keys: ApiKeyRing;
  readonly metrics: ServiceMetrics;
  readonly options: ResolvedApiOptions;
}

declare module "fastify" {
  interface FastifyInstance {
    qplane: ApiContext;
  }
  interface FastifyRequest {
    /** Set on first use by `identify`. */
    qplaneIdentity: Identity | null;
  }
}

/** The request's identity, computed once (the rate limiter and the auth hook both ask). */
export function identify(keys: ApiKeyRing, request: FastifyRequest): Identity {
  if (request.qplaneIdentity === null) {
    request.qplaneIdentity = keys.identify(request.headers.authorization);
  }
  return request.qplaneIdentity;
}

/**
 * Whose jobs the request may see: its key's, or every job for an admin key and when no keys
 * are configured (a single user on loopback).
 */
export function viewerOf(keys: ApiKeyRing, request: FastifyRequest): Viewer {
  const identity = identify(keys, request);
  requireKey(keys, identity);
  if (!keys.enabled || identity.admin) return EVERYONE;
  return { kind: "owner", owner: identity.owner! };
}

/** Who a per-client limit counts against: the API key, or the address without one. */
export function clientKey(keys: ApiKeyRing, request: FastifyRequest): string {
  const owner = identify(keys, request).owner;
  return owner === null ? `ip:${request.ip}` : `key:${owner}`;
}

/**
 * A hook refusing requests without a valid key when keys are configured. It runs as a
 * `preParsing` hook: after the rate limiter (so guessing keys is rate limited) and before the
 * body is read (so nobody unauthenticated makes the server parse a body).
 */
export function authHook(keys: ApiKeyRing) {
  return async (request: FastifyRequest, _reply: unknown, payload: unknown) => {
    requireKey(keys, identify(keys, request));
    return payload;
  };
}
