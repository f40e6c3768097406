import { expect } from "vitest";
import { type BackendResolver, runTraining } from "../../src/training/run.js";

/** A spec as the remote-provider tests write it: a configured backend with shots. */
interface RemoteSpec {
  readonly backend: { readonly name: string; readonly shots: number };
}

/**
 * Trains `spec` on its (fake remote) backend, counting the submissions `submissions` sees
 * meanwhile, then the same spec on the backend "local" with the same shots: the reference the
 * remote run must agree with within shot noise.
 */
export async function trainBesideLocal(
  spec: RemoteSpec,
  resolveBackend: BackendResolver,
  submissions: () => number,
) {
  const before = submissions();
  const remote = await runTraining(spec, { resolveBackend });
  const submitted = submissions() - before;
  const local = await runTraining(
    { ...spec, backend: { name: "local", shots: spec.backend.shots } },
    { resolveBackend },
  );
  return { remote, submitted, local };
}

type TrainedRun = Awaited<ReturnType<typeof runTraining>>;

/**
 * Expects the remote run's last epoch to have sampled `shots` shots and to lie within shot
 * noise (0.15) of the local run's in test loss and I(X;T).
 */
export function expectWithinShotNoise(remote: TrainedRun, local: TrainedRun, shots: number): void {
  const a = remote.result.records.at(-1);
  const b = local.result.records.at(-1);
  if (a === undefined || b === undefined) throw new Error("a run without epochs");
  expect(a.shots).toBe(shots);
  expect(Math.abs(a.testLoss - b.testLoss)).toBeLessThan(0.15);
  expect(Math.abs(a.ixt - b.ixt)).toBeLessThan(0.15);
}
