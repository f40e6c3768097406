/** Building an app over the fake service, and the bodies tests send. */
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach } from "vitest";
import { buildApp } from "../../src/api/app.js";
import type { ApiOptions } from "../../src/api/options.js";
import { FakeJobService, type FakeJobServiceOptions } from "./fake-job-service.js";

export const TEST_LIMITS = {
  maxQubits: 8,
  maxShots: 10_000,
  maxEpochs: 50,
  maxDatasetRows: 5_000,
} as const;

export interface TestApp {
  readonly app: FastifyInstance;
  readonly service: FakeJobService;
}

export async function testApp(
  options: Partial<Omit<ApiOptions, "service">> = {},
  fake: FakeJobServiceOptions = {},
): Promise<TestApp> {
  const service = new FakeJobService({ limits: TEST_LIMITS, ...fake });
  const app = await buildApp({
    service,
    log: false,
    limits: { ...TEST_LIMITS, rateLimitPerMinute: 0 },
    ...options,
  });
  return { app, service };
}

/**
 * Registers a beforeEach that builds a fresh default `testApp()` and hands it to `use` (so a
 * file keeps its own `app` and `service` bindings), and an afterEach that closes it.
 */
export function useTestApp(use: (built: TestApp) => void): void {
  let built: TestApp | undefined;
  beforeEach(async () => {
    built = await testApp();
    use(built);
  });
  afterEach(async () => {
    await built?.app.close();
  });
}

/** A small valid submission. */
export function spec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { dataset: { name: "moons", samples: 64 }, training: { epochs: 3 }, ...overrides };
}

/** Log lines written by the app, captured. */
export function logCapture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split("\n")
          .filter((line) => line.length > 0),
      );
      done();
    },
  });
  return { stream, lines };
}

/** POST /v1/jobs with a JSON body; returns the new id. */
export async function submit(
  app: FastifyInstance,
  body: Record<string, unknown> = spec(),
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await app.inject({ method: "POST", url: "/v1/jobs", payload: body, headers });
  if (response.statusCode !== 202)
    throw new Error(`submit: ${response.statusCode} ${response.body}`);
  return response.json().id;
}
