/**
 * API keys: `Authorization: Bearer <key>`. Keys are compared in constant time (both sides
 * hashed to SHA-256 first, so neither content nor length leaks through timing), and a job's
 * owner is a hash of its key, never the key.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { QplaneError } from "../errors/catalogue.js";

/** Who made a request: the owner hash of a valid key, or nobody (auth off or no valid key). */
export interface Identity {
  /** Hash of the presented key when it is valid; null otherwise. */
  readonly owner: string | null;
  /** Why a request without a valid key is refused (null when the key is valid). */
  readonly problem: string | null;
  /** Whether the key is an admin key (sees and acts on every key's jobs). */
  readonly admin: boolean;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** The owner recorded for jobs submitted with `apiKey`: `key_` + 32 hex digits of SHA-256. */
export function ownerOf(apiKey: string): string {
  return `key_${sha256(apiKey).toString("hex").slice(0, 32)}`;
}

/** The token of an `Authorization: Bearer <token>` header, or null when it is not one. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return match ? match[1]! : null;
}

/** A configured key as the ring keeps it: its digest, whose jobs it owns, and its role. */
interface KeyEntry {
  readonly digest: Buffer;
  readonly owner: string;
  readonly admin: boolean;
}

export class ApiKeyRing {
  private readonly entries: readonly KeyEntry[];
  /** Whether exactly one key is configured: one tenant, who may see server-wide views. */
  readonly singleTenant: boolean;

  /** `adminKeys` are accepted too (a key in both lists is an admin key). */
  constructor(keys: readonly string[], adminKeys: readonly string[] = []) {
    const all = [...new Set([...keys, ...adminKeys])];
    this.entries = all.map((key) => ({
      digest: sha256(key),
      owner: ownerOf(key),
      admin: adminKeys.includes(key),
    }));
    this.singleTenant = all.length === 1;
  }

  /** Whether requests must carry a key. */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** Matches an Authorization header against every key without stopping at the first hit. */
  identify(header: string | undefined): Identity {
    if (!this.enabled) return { owner: null, problem: null, admin: false };
    const refused = (problem: string): Identity => ({ owner: null, problem, admin: false });
    if (header === undefined) {
      return refused("missing API key: send `Authorization: Bearer <key>`");
    }
    const token = bearerToken(header);
    if (token === null) return refused("the Authorization header must be `Bearer <key>`");
    const digest = sha256(token);
    let found: KeyEntry | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest) && found === null) found = entry;
    }
    return found === null
      ? refused("invalid API key")
      : { owner: found.owner, problem: null, admin: found.admin };
  }
}

/** Throws QPLANE_ERR_UNAUTHORIZED unless the identity carries a valid key (or auth is off). */
export function requireKey(ring: ApiKeyRing, identity: Identity): void {
  if (ring.enabled && identity.problem !== null) {
    throw new QplaneError("QPLANE_ERR_UNAUTHORIZED", identity.problem);
  }
}

/**
 * For what shows every tenant's activity (`/metrics`): an admin key only, unless the server
 * has exactly one key (a single tenant, who sees nobody else's activity) or none (one user).
 * Another valid key gets QPLANE_ERR_FORBIDDEN: with several tenants and no admin key, nobody.
 */
export function requireOperator(ring: ApiKeyRing, identity: Identity, what: string): void {
  requireKey(ring, identity);
  if (ring.enabled && !ring.singleTenant && !identity.admin) {
    throw new QplaneError(
      "QPLANE_ERR_FORBIDDEN",
      `${what} shows every key's activity and this server has several keys: it needs an admin key (QPLANE_ADMIN_KEYS)`,
    );
  }
}
