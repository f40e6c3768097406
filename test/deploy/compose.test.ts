import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../../src/config.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), "utf8");

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas: number };
}

const compose = parse(read("docker-compose.yml")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** Compose's ${VAR:-default} / ${VAR:?message} interpolation, with the given variables. */
function interpolate(
  environment: Record<string, string>,
  variables: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(
        /\$\{(\w+)(?::[-?]([^}]*))?\}/g,
        (_, name: string, fallback: string | undefined) => {
          return variables[name] ?? fallback ?? "";
        },
      ),
    ]),
  );
}

describe("docker-compose.yml", () => {
  it("runs Redis with append-only persistence on a named volume", () => {
    const redis = compose.services.redis!;
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.command).toEqual(expect.arrayContaining(["--appendonly", "yes"]));
    expect(redis.volumes).toEqual(["redis-data:/data"]);
    expect(Object.keys(compose.volumes)).toEqual(["redis-data"]);
  });

  it("runs the API on port 8080 against that Redis, requiring API keys", () => {
    const api = compose.services.api!;
    expect(api.ports).toEqual(["8080:8080"]);
    expect(api.environment).toMatchObject({
      QPLANE_ROLE: "api",
      REDIS_URL: "redis://redis:6379",
      PORT: "8080",
    });
    expect(api.environment!.QPLANE_API_KEYS).toMatch(/^\$\{QPLANE_API_KEYS:\?/);
    expect(api.depends_on).toEqual({ redis: { condition: "service_healthy" } });
    expect(api.build).toEqual({ context: ".", dockerfile: "docker/Dockerfile" });
  });

  it("runs scalable workers from the same image without published ports", () => {
    const worker = compose.services.worker!;
    expect(worker.environment).toMatchObject({
      QPLANE_ROLE: "worker",
      REDIS_URL: "redis://redis:6379",
    });
    expect(worker.ports).toBeUndefined();
    expect(worker.deploy?.replicas).toBe(2);
    expect(worker.image).toBe(compose.services.api!.image);
  });

  it("names only environment variables the server's config accepts", () => {
    const variables = { QPLANE_API_KEYS: "alpha-0123456789abcdef,beta-0123456789abcdef" };
    const api = loadConfig(interpolate(compose.services.api!.environment!, variables));
    expect(api).toMatchObject({ role: "api", port: 8080 });
    const worker = loadConfig(interpolate(compose.services.worker!.environment!, variables));
    expect(worker).toMatchObject({ role: "worker" });
  });
});

describe("docker/Dockerfile", () => {
  const dockerfile = read("docker/Dockerfile");

  it("is multi-stage, installs production dependencies only and runs as a non-root user", () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^FROM node:20[^\n]* AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20[^\n]* AS runtime$/m);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
    expect(runtime).toMatch(/^USER node$/m);
  });

  it("starts the compiled entry point that the build produces", () => {
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(existsSync(fileURLToPath(new URL("src/main.ts", root)))).toBe(true);
    for (const copied of ["src", "providers", "bench", "bin", "openapi"]) {
      expect(existsSync(fileURLToPath(new URL(copied, root))), copied).toBe(true);
    }
  });
});
