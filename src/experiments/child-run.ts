/**
 * One child of an experiment: train its spec, then write its run folder. The same function
 * runs in the CLI's thread (`--parallel 1`) and in every worker of ./run-pool.ts, so where a
 * child runs cannot change what it produces.
 */
import { type RunArtifacts, writeRunFolder } from "../runs/run-folder.js";
import type { EpochRecord, RunSummary } from "../training/records.js";
import { type BackendResolver, runTraining } from "../training/run.js";
import type { JobSpec } from "../training/spec.js";

/** Where a child's run folder goes: `<dir>/<id>/`, and which files it gets. */
export interface RunFolderTarget {
  readonly dir: string;
  readonly id: string;
  /** @defaultValue "full" */
  readonly artifacts?: RunArtifacts;
}

/** What an experiment keeps of a child: its epoch records and summary. */
export interface ChildRunResult {
  readonly records: readonly EpochRecord[];
  readonly summary: RunSummary;
}

export async function trainChild(
  spec: JobSpec,
  resolveBackend: BackendResolver,
  folder?: RunFolderTarget,
): Promise<ChildRunResult> {
  const { result } = await runTraining(spec, { resolveBackend });
  if (folder !== undefined) {
    await writeRunFolder(folder.dir, {
      id: folder.id,
      spec,
      records: result.records,
      summary: result.summary,
      ...(folder.artifacts === undefined ? {} : { artifacts: folder.artifacts }),
    });
  }
  return { records: result.records, summary: result.summary };
}
