/**
 * The providers the conformance suite holds to one contract, each as a subject: local
 * (exact), local-noisy (readout errors), IBM Quantum on its fake (through the transpiler, as
 * the registry builds it) and Amazon Braket on its fake, once per program-set result layout
 * (inline, and S3 paths as the AWS SDK resolves them). Local and IBM are built from their
 * descriptors, as the registry builds them.
 */
import { braketProviderDescriptor } from "../../../providers/braket/descriptor.js";
import { BraketProvider } from "../../../providers/braket/provider.js";
import { ibmProviderDescriptor } from "../../../providers/ibm/descriptor.js";
import { localProviderDescriptor } from "../../../providers/local/descriptor.js";
import type { Provider } from "../../../providers/types.js";
import type { ErrorCode } from "../../../src/errors/catalogue.js";
import { FakeBraket, type FakeDevice, type ProgramSetResultLayout } from "../braket/fake-server.js";
import { s3Reads } from "../braket/harness.js";
import { type FakeIbmServer, startFakeIbm } from "../ibm/fake-server.js";
import { fakeIbmBackend } from "../ibm/helpers.js";

export interface ReadoutError {
  readonly p1Given0: number;
  readonly p0Given1: number;
}

export interface Subject {
  readonly provider: Provider;
  /** Readout flips the subject applies to every measured bit; undefined: none. */
  readonly readoutError?: ReadoutError;
  /** How it refuses a circuit wider than its `numQubits`, and shots outside its range. */
  readonly refusals: { readonly tooManyQubits: ErrorCode; readonly shots: ErrorCode };
  /**
   * Remote subjects: keeps the jobs submitted from now on queued at the service until the
   * returned release is called, and counts the jobs still running there.
   */
  readonly remote?: { hold(): () => void; activeJobs(): number };
  /** Braket: the program-set result layout its fake writes, and the S3 keys read so far. */
  readonly braketResults?: { layout: ProgramSetResultLayout; s3Reads(): string[] };
  /** What its descriptor says its providers offer beyond the Provider interface. */
  readonly declaresTranspile: boolean;
}

export const SUBJECT_NAMES = [
  "local",
  "local-noisy",
  "ibm (fake)",
  "braket (fake, inline results)",
  "braket (fake, S3-path results)",
] as const;
export type SubjectName = (typeof SUBJECT_NAMES)[number];

/** Whether a subject runs remotely (jobs can be cancelled after submission) or on Braket. */
export const SUBJECT_TRAITS: Readonly<Record<SubjectName, { remote: boolean; braket: boolean }>> = {
  local: { remote: false, braket: false },
  "local-noisy": { remote: false, braket: false },
  "ibm (fake)": { remote: true, braket: false },
  "braket (fake, inline results)": { remote: true, braket: true },
  "braket (fake, S3-path results)": { remote: true, braket: true },
};

/** A program-set QPU of the Braket fake, all-to-all (placement then keeps the qubits). */
const BRAKET_DEVICE: FakeDevice = {
  arn: "arn:aws:braket:eu-north-1::device/qpu/iqm/Conformance",
  name: "Conformance",
  qubitCount: 4,
  supportedOperations: ["h", "x", "ry", "rx", "rz", "cnot", "cz"],
  programSet: { maximumExecutables: 100, maximumTotalShots: 1_000_000 },
  pollIntervalMs: 2,
  shotsRange: [1, 50_000],
};

const LOCAL_NOISY_READOUT: ReadoutError = { p1Given0: 0.015, p0Given1: 0.03 };

/** Starts the fakes and builds every subject; `close` stops the fakes. */
export async function startSubjects(): Promise<{
  subjects: ReadonlyMap<SubjectName, Subject>;
  close(): Promise<void>;
}> {
  const ibm = await startFakeIbm({ seed: 7 });
  const braketFakes = new Map<ProgramSetResultLayout, FakeBraket>();
  for (const layout of ["inline", "paths"] as const) {
    const fake = new FakeBraket({ devices: [BRAKET_DEVICE], programSetResults: layout, seed: 11 });
    await fake.start();
    braketFakes.set(layout, fake);
  }
  const local = (readoutError?: ReadoutError): Subject => ({
    provider: localProviderDescriptor.create({
      name: "local",
      provider: "local",
      ...(readoutError ? { readoutError } : {}),
    }),
    ...(readoutError ? { readoutError } : {}),
    refusals: { tooManyQubits: "QPLANE_ERR_SIM_TOO_MANY_QUBITS", shots: "QPLANE_ERR_SIM_SHOTS" },
    declaresTranspile: localProviderDescriptor.offers.transpile,
  });
  const subjects = new Map<SubjectName, Subject>([
    ["local", local()],
    ["local-noisy", local(LOCAL_NOISY_READOUT)],
    ["ibm (fake)", ibmSubject(ibm)],
    ["braket (fake, inline results)", braketSubject(braketFakes.get("inline")!, "inline")],
    ["braket (fake, S3-path results)", braketSubject(braketFakes.get("paths")!, "paths")],
  ]);
  return {
    subjects,
    close: async () => {
      await ibm.close();
      for (const fake of braketFakes.values()) await fake.stop();
    },
  };
}

function ibmSubject(fake: FakeIbmServer): Subject {
  return {
    provider: ibmProviderDescriptor.create(fakeIbmBackend(fake, "ibm-fake"), {
      IBM_CLOUD_API_KEY: fake.apiKey,
    }),
    refusals: {
      tooManyQubits: "QPLANE_ERR_PROVIDER_CIRCUIT",
      shots: "QPLANE_ERR_PROVIDER_CIRCUIT",
    },
    remote: {
      hold: () => {
        fake.queuedPolls = 1_000_000;
        return () => {
          fake.queuedPolls = 1;
        };
      },
      activeJobs: () =>
        [...fake.jobs.values()].filter((job) => job.status === "Queued" || job.status === "Running")
          .length,
    },
    declaresTranspile: ibmProviderDescriptor.offers.transpile,
  };
}

function braketSubject(fake: FakeBraket, layout: ProgramSetResultLayout): Subject {
  // the registry builds it from the entry, but takes credentials from the environment (the
  // AWS SDK's chain); here the fake's test key is given directly
  const entry = braketProviderDescriptor.optionsSchema.parse({
    name: "braket-fake",
    provider: "braket",
    deviceArn: BRAKET_DEVICE.arn,
    s3Bucket: "amazon-braket-conformance",
    s3Prefix: "runs",
    region: "eu-north-1",
    endpoint: fake.endpoint,
  });
  return {
    provider: new BraketProvider({
      ...entry,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    }),
    refusals: {
      tooManyQubits: "QPLANE_ERR_PROVIDER_CIRCUIT",
      shots: "QPLANE_ERR_PROVIDER_CIRCUIT",
    },
    remote: {
      hold: () => {
        fake.pollsPerState = 1_000_000;
        return () => {
          fake.pollsPerState = 1;
        };
      },
      activeJobs: () => fake.activeTasks().length,
    },
    braketResults: { layout, s3Reads: () => s3Reads(fake) },
    declaresTranspile: braketProviderDescriptor.offers.transpile,
  };
}
