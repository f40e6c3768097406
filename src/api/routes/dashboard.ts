/**
 * The dashboard (web/, bundled by `npm run build` into dist/web/): `index.html` at `/` and at
 * the client's routes (`/jobs/:id`, `/experiments`, `/experiments/:id`), never cached so a
 * deploy shows at once; `/assets/*` (content-hashed names) cached for a year. No route here
 * needs the API key: the page asks for one and sends it on its own `/v1` requests. Hidden from
 * the OpenAPI document (it is not part of the API).
 */

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

export interface DashboardOptions {
  /** The built dashboard. @defaultValue `dist/web` of this package */
  readonly root?: string;
}

/** Pages the client renders; each gets index.html. */
export const DASHBOARD_PAGES = ["/", "/jobs/:id", "/experiments", "/experiments/:id"] as const;

/** `<package>/dist/web`, found from this module whether it runs from src/ or dist/src/. */
export function defaultDashboardRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("dashboard: no package.json above the server's modules");
    dir = parent;
  }
  return join(dir, "dist", "web");
}

async function readIndex(root: string): Promise<string | null> {
  try {
    return await readFile(join(root, "index.html"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const root = options.root ?? defaultDashboardRoot();
  const index = await readIndex(root);
  if (index === null) {
    app.log.warn({ root }, "dashboard not built (npm run build); / answers 503");
  } else {
    await app.register(fastifyStatic, {
      root: join(root, "assets"),
      prefix: "/assets/",
      decorateReply: false,
      index: false,
      // names carry a content hash: a changed file is a new URL
      maxAge: "365d",
      immutable: true,
    });
  }
  for (const url of DASHBOARD_PAGES) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      if (index === null) {
        return reply
          .code(503)
          .type("text/plain; charset=utf-8")
          .send("The dashboard is not built: run `npm run build` (it writes dist/web/).");
      }
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(index);
    });
  }
};
