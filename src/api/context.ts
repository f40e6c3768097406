/**
 * What the route plugins share, decorated on the fastify instance as `app.qplane` (no module
 * singletons: two apps in one process, as in the tests, never see each other's services).
 */
import { isIPv6 } from "node:net";
import type { FastifyRequest } from "fastify";
import { EVERYONE, type JobService, type Viewer } from "../jobs/types.js";
import { type ApiKeyRing, type Identity, requireKey, requireOperator } from "./auth.js";
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

/**
 * Who a per-client limit counts against: the API key, or the address without one — an IPv6
 * client by its /64 (one subscriber's allocation: a host picks any address inside it, so
 * counting each /128 would give it 2^64 budgets).
 */
export function clientKey(keys: ApiKeyRing, request: FastifyRequest): string {
  const owner = identify(keys, request).owner;
  return owner === null ? `ip:${addressKey(request.ip)}` : `key:${owner}`;
}

/**
 * An IPv4 address as is (an IPv4-mapped IPv6 one too, as the IPv4 address); an IPv6 one as
 * its /64 prefix, e.g. `2001:db8:0:1::/64`.
 */
export function addressKey(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = "", tail] = address.split("%")[0]!.split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  // only the first four groups matter: a trailing dotted IPv4 part lies in the last 32 bits
  const left = groups(head);
  const right = groups(tail);
  const width = (part: string) => (part.includes(".") ? 2 : 1);
  const missing = 8 - [...left, ...right].reduce((sum, part) => sum + width(part), 0);
  const all = tail === undefined ? left : [...left, ...Array(missing).fill("0"), ...right];
  return `${all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
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

/** `authHook` for a server-wide view (`/metrics`): an admin key when admin keys exist. */
export function operatorHook(keys: ApiKeyRing, what: string) {
  return async (request: FastifyRequest, _reply: unknown, payload: unknown) => {
    requireOperator(keys, identify(keys, request), what);
    return payload;
  };
}
