/**
 * What the route plugins share, decorated on the fastify instance as `app.qplane` (no module
 * singletons: two apps in one process, as in the tests, never see each other's services).
 */
import { isIPv4, isIPv6 } from "node:net";
import type { FastifyRequest } from "fastify";
import { present } from "../errors/checked.js";
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
  return { kind: "owner", owner: present(identity.owner, "the API key's owner") };
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
 * An IPv4 address as is (an IPv4-mapped or IPv4-translated IPv6 one too, in any spelling, as
 * the IPv4 address); another IPv6 one as its /64 prefix, e.g. `2001:db8:0:1::/64`.
 */
export function addressKey(address: string): string {
  const groups = ipv6Groups(address);
  if (groups === null) return address;
  // ::ffff:0:0/96 (mapped) and ::ffff:0:0:0/96 (translated): 64 zero bits, then ffff:0 or 0:ffff
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const zeroHead = a === 0 && b === 0 && c === 0 && d === 0;
  if (zeroHead && ((e === 0 && f === 0xffff) || (e === 0xffff && f === 0))) {
    return [g >> 8, g & 0xff, h >> 8, h & 0xff].join(".");
  }
  return `${[a, b, c, d].map((group) => group.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone id ignored), or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  const bare = address.split("%")[0]!;
  if (!isIPv6(bare)) return null;
  // a trailing dotted IPv4 part is the last two groups
  const words = (part: string) =>
    part === ""
      ? []
      : part.split(":").flatMap((word) => {
          if (!isIPv4(word)) return [Number.parseInt(word, 16)];
          const [w = 0, x = 0, y = 0, z = 0] = word.split(".").map(Number);
          return [(w << 8) | x, (y << 8) | z];
        });
  const [head = "", tail] = bare.split("::");
  const left = words(head);
  if (tail === undefined) return left;
  const right = words(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
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

/** `authHook` for a server-wide view (`/metrics`): an admin key unless there is one key. */
export function operatorHook(keys: ApiKeyRing, what: string) {
  return async (request: FastifyRequest, _reply: unknown, payload: unknown) => {
    requireOperator(keys, identify(keys, request), what);
    return payload;
  };
}
