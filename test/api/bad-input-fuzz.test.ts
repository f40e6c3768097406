/** Nothing a client sends gets a 5xx: arbitrary bodies, spec sections, paths and queries. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { app, post, useBadInputApp } from "./bad-input-cases.js";

useBadInputApp();

describe("bad input", () => {
  it("never answers arbitrary JSON bodies with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const response = await app.inject(post(JSON.stringify(value)));
        expect([202, 400, 413]).toContain(response.statusCode);
      }),
      { numRuns: 150 },
    );
  });

  it("never answers arbitrary text bodies with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const response = await app.inject(post(text));
        expect([202, 400, 413]).toContain(response.statusCode);
      }),
      { numRuns: 150 },
    );
  });

  it("never answers specs with random section fields with a 5xx", async () => {
    const section = fc.dictionary(
      fc.constantFrom(
        "epochs",
        "batchSize",
        "learningRate",
        "qubits",
        "layers",
        "name",
        "shots",
        "alpha",
        "mode",
        "samples",
        "readout",
        "target",
        "every",
      ),
      fc.oneof(
        fc.integer({ min: -5, max: 1_000_000 }),
        fc.double(),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.integer({ min: -2, max: 30 })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            dataset: section,
            model: section,
            training: section,
            feedback: section,
            infoPlane: section,
            backend: section,
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const response = await app.inject(
            post(JSON.stringify({ dataset: { name: "moons" }, ...body })),
          );
          expect(
            response.statusCode === 202 ||
              (response.statusCode >= 400 && response.statusCode < 500),
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("never answers random paths and query strings with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("", "/metrics", "/infoplane.svg", "/curves.svg", "/cancel"),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        async (suffix, id, query) => {
          const url = `/v1/jobs/${encodeURIComponent(id)}${suffix}?${encodeURIComponent(query)}=${encodeURIComponent(query)}`;
          const response = await app.inject({ method: suffix === "/cancel" ? "POST" : "GET", url });
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
