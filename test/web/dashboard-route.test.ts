/**
 * The dashboard plugin without a browser: what it serves from a fresh build (index.html at
 * the client's routes, hashed assets cached for a year), and the clear 503 when the bundle
 * was never built.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_PAGES, dashboardRoutes } from "../../src/api/routes/dashboard.js";
import { buildDashboard, type DashboardBuild } from "../../web/build.mjs";

describe("dashboard routes", () => {
  let dir: string;
  let built: DashboardBuild;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qplane-dashboard-"));
    built = await buildDashboard({ outDir: join(dir, "web") });
    app = Fastify({ logger: false });
    await app.register(dashboardRoutes, { root: built.outDir });
    unbuilt = Fastify({ logger: false });
    await unbuilt.register(dashboardRoutes, { root: join(dir, "never-built") });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await unbuilt?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds index.html naming the hashed bundle and its stylesheet, with no inline script", async () => {
    expect(built.script).toMatch(/^\/assets\/app-[A-Z0-9]+\.js$/);
    expect(built.stylesheet).toMatch(/^\/assets\/app-[A-Z0-9]+\.css$/);
    const html = await readFile(join(built.outDir, "index.html"), "utf8");
    expect(html).toContain(`<script type="module" src="${built.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${built.stylesheet}" />`);
    expect(html).not.toMatch(/%APP_(JS|CSS)%/);
    // helmet's CSP allows scripts from 'self' only: every <script> has a src
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    const bundle = await readFile(join(built.outDir, built.script), "utf8");
    expect(bundle).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
  });

  it("answers every client route with index.html, never cached", async () => {
    const html = await readFile(join(built.outDir, "index.html"), "utf8");
    for (const path of ["/", "/jobs/01ABC", "/experiments", "/experiments/exp_1"]) {
      const response = await app.inject({ method: "GET", url: path });
      expect(response.statusCode, path).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.headers["cache-control"]).toBe("no-cache");
      expect(response.body).toBe(html);
    }
    expect(DASHBOARD_PAGES).toEqual(["/", "/jobs/:id", "/experiments", "/experiments/:id"]);
  });

  it("serves the hashed assets for a year, and 404 for others", async () => {
    for (const asset of [built.script, built.stylesheet]) {
      const response = await app.inject({ method: "GET", url: asset });
      expect(response.statusCode, asset).toBe(200);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(response.body).toBe(await readFile(join(built.outDir, asset), "utf8"));
    }
    expect((await app.inject({ method: "GET", url: "/assets/app-MISSING.js" })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: "GET", url: "/jobs/1/extra" })).statusCode).toBe(404);
  });

  it("says how to build it when the bundle is missing", async () => {
    const response = await unbuilt.inject({ method: "GET", url: "/jobs/01ABC" });
    expect(response.statusCode).toBe(503);
    expect(response.body).toBe(
      "The dashboard is not built: run `npm run build` (it writes dist/web/).",
    );
  });
});
