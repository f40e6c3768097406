import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** A scratch folder for a describe block, once its beforeAll has run. */
export interface TempDir {
  readonly path: string;
}

/**
 * Registers a beforeAll that makes a fresh folder `<tmpdir>/<prefix>XXXXXX` and an afterAll that
 * deletes it with all it holds.
 */
export function useTempDir(prefix: string): TempDir {
  const dir = { path: "" };
  beforeAll(async () => {
    dir.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir.path !== "") await rm(dir.path, { recursive: true, force: true });
  });
  return dir;
}
