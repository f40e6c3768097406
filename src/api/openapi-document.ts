/**
 * The committed OpenAPI document (`openapi/openapi.json`): built from an app whose service is a
 * stand-in (the document depends only on the routes' schemas) under the default configuration's
 * spec limits (what `npm start` serves without QPLANE_MAX_* variables), keys sorted for stable
 * diffs.
 */
import { loadConfig } from "../config.js";
import type { JobService } from "../jobs/types.js";
import { buildApp } from "./app.js";

/** A copy of a JSON value with object keys sorted (arrays keep their order). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** A service for building the document only: every call fails as unavailable. */
function documentOnlyService(): JobService {
  const unavailable = async (): Promise<never> => {
    throw new Error("document-only service");
  };
  return {
    submit: unavailable,
    get: unavailable,
    list: unavailable,
    metrics: unavailable,
    sentProgram: unavailable,
    cancel: unavailable,
    remove: unavailable,
    subscribe: unavailable,
    watchAll: unavailable,
    ready: async () => false,
    workers: unavailable,
    stats: unavailable,
    close: async () => {},
  };
}

/** The OpenAPI document as committed: sorted keys, two-space indent, final newline. */
export async function openApiText(): Promise<string> {
  const app = await buildApp({
    service: documentOnlyService(),
    log: false,
    docs: false,
    // an empty environment: every limit at its default
    limits: loadConfig({}).limits,
  });
  try {
    await app.ready();
    return `${JSON.stringify(sortKeys(app.swagger()), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
