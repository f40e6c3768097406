/**
 * The training job spec: one zod schema used by the CLI (`qplane train`) and, later, the
 * HTTP API and the dashboard. It is the single source of defaults: every field has one,
 * except `dataset.name`. Unknown keys and out-of-range values are refused with the field's
 * path in the message.
 */
import { z } from "zod";
import {
  DATASET_NAMES,
  type DatasetName,
  type DatasetSpec,
  datasetSpecSchema,
  finite,
  integer,
  seed,
} from "../data/spec.js";
import { QplaneError } from "../errors/catalogue.js";
import { describeSpecIssues } from "../errors/describe.js";
import { MAX_QASM_CHARS, programQubits } from "./circuit-program.js";
import { MAX_REPLAY_STEPS, SCHEDULE_NAMES, scheduleFieldProblems } from "./schedule.js";

/**
 * The largest time limit on a run, in seconds (about 23 days): below the 2^31 ms ceiling of
 * a Node timer, which the training loop arms with the limit.
 */
export const MAX_TIME_LIMIT_SECONDS = 2_000_000;

/** `model.qubits` when not given (a circuit model's must equal its program's: 4 fits a 4-qubit one). */
const DEFAULT_QUBITS = 4;

export const modelSpecSchema = z
  .strictObject({
    /**
     * `vqc`: variational quantum circuit; `mlp`: classical tanh MLP; `linear`: softmax /
     * logistic regression (classification) or linear least squares (regression), the
     * classical reference trained by the same loop; `circuit`: a VQC whose circuit is the
     * user's OpenQASM 3 program `qasm` (docs/circuits.md).
     */
    kind: z.enum(["vqc", "mlp", "linear", "circuit"]).default("vqc"),
    /** `vqc`: qubits of the ansatz; `circuit`: must equal the program's qubit count. */
    qubits: integer(1, 24).default(DEFAULT_QUBITS),
    /** `circuit`: the model program, OpenQASM 3 text (inline; the CLI reads `qasmFile` into it). */
    qasm: z.string().min(1).max(MAX_QASM_CHARS).optional(),
    /** `circuit`, CLI only: a file holding the program; refused anywhere else (give `qasm`). */
    qasmFile: z.string().optional(),
    /**
     * `circuit`: which inputs receive the features — a pattern with one `<j>` (default
     * `x<j>`, `x_<j>`, `_x_<j>_`) or a map from input name to feature index.
     */
    featureInputs: z
      .union([z.string().min(1).max(200), z.record(z.string().max(200), integer(0, 100_000))])
      .optional(),
    /** `circuit`: the measured bits forming the readout register, bit 0 first (default: every measured bit). */
    readoutBits: z.array(z.string().min(1).max(200)).min(1).max(16).optional(),
    /**
     * `circuit`: initial values of weights by input name (radians); every weight not named
     * starts where the seeded initialiser puts it without this field (docs/circuits.md).
     */
    initialWeights: z.record(z.string().min(1).max(200), finite()).optional(),
    layers: integer(1, 200).default(3),
    reupload: z.boolean().default(true),
    entangler: z.enum(["linear", "ring", "full"]).default("linear"),
    entanglingGate: z.enum(["cx", "cz"]).default("cx"),
    /**
     * `auto`: the last ceil(log2 C) qubits for C classes (the last min(qubits, 4) for
     * regression, read as a trained linear combination of their ⟨Z⟩); or explicit qubits.
     */
    readout: z.union([z.literal("auto"), z.array(integer(0, 23)).min(1).max(16)]).default("auto"),
    /**
     * VQC: how features reach the circuit. `linear`: every encoding rotation's angle is a
     * trained affine map of all F features (b + W·x/√F per qubit and encoding layer,
     * initialised to the fixed map's first pass); `fixed`: feature j drives qubit j mod n at
     * the fixed scale. The defaults of `encoding`, `scaling` and `classMap` were chosen by
     * `npm run bench:models` on tuning seeds (README, "Models").
     */
    encoding: z.enum(["linear", "fixed"]).default("linear"),
    /** Angle scaling: the scaled features span [−s·π/2, s·π/2] (fitted on the training split). */
    encodingScale: finite().pipe(z.number().gt(0).max(10)).default(1),
    /**
     * VQC: feature scaling before the angle map (fitted on the training split). `robust`:
     * median and inter-quartile range, then squashed by tanh, so one outlier cannot squash a
     * column; `minmax`: the training range maps linearly onto the angle interval.
     */
    scaling: z.enum(["robust", "minmax"]).default("robust"),
    /** `pca`: project the features onto their first `components` principal axes (training split). */
    reduce: z.enum(["none", "pca"]).default("none"),
    /** `reduce: pca`: components kept (default: min(`qubits`, feature count)); at most the feature count. */
    components: integer(1, 1000).optional(),
    /**
     * VQC classification: which outcomes of the readout register vote for which class.
     * `balanced`: every class gets the same number of outcomes (the rest are left out and the
     * class probabilities renormalised); `modulo`: outcome t votes for class t mod C.
     */
    classMap: z.enum(["balanced", "modulo"]).default("balanced"),
    /**
     * `mlp` / `linear`: the representation T on the information plane. `output`: for
     * classification the class sampled from the softmax output (the classical analogue of
     * the Born-rule outcome), for regression the prediction in `bins` equal-width bins;
     * `hidden` (mlp): the hidden activations in `bins` equal-width bins.
     */
    representation: z.enum(["output", "hidden"]).default("output"),
    /** `mlp`: hidden layer widths. */
    hidden: z.array(integer(1, 1024)).min(1).max(8).default([8]),
    /**
     * `mlp` / `linear`: equal-width bins for I(X;T) of the hidden activations (over [−1, 1])
     * or of the standardised regression output (over [−3, 3]).
     */
    bins: integer(2, 1000).default(30),
    /**
     * `mlp` / `linear`: L2 penalty (l2/2)·Σ W² on the weight matrices, not the biases, added
     * to the mean training loss (ridge regression for `linear` on a regression task).
     */
    l2: finite().pipe(z.number().min(0).max(100)).default(0),
  })
  .superRefine((model, context) => {
    if (model.components !== undefined && model.reduce === "none") {
      context.addIssue({
        code: "custom",
        path: ["components"],
        message: `only applies with model.reduce "pca"`,
      });
    }
    circuitProblems(model, context);
    // a classical-only setting on a VQC would be ignored silently: refuse it instead
    if (isVqcKind(model.kind) && model.l2 !== 0) {
      context.addIssue({
        code: "custom",
        path: ["l2"],
        message: `only applies to model.kind "mlp" or "linear"`,
      });
    }
    if (isVqcKind(model.kind) && model.representation === "hidden") {
      context.addIssue({
        code: "custom",
        path: ["representation"],
        message: `only applies to model.kind "mlp"; a VQC's T is set by infoPlane.register`,
      });
    }
    if (model.kind === "linear" && model.representation === "hidden") {
      context.addIssue({
        code: "custom",
        path: ["representation"],
        message: `a linear model has no hidden layer; use "output" with model.kind "linear"`,
      });
    }
  });

/** Whether a model kind is a variational quantum circuit (the built-in ansatz or a program). */
export function isVqcKind(kind: ModelKind): kind is "vqc" | "circuit" {
  return kind === "vqc" || kind === "circuit";
}

type ModelKind = "vqc" | "mlp" | "linear" | "circuit";

/**
 * What `model.kind: "circuit"` asks: the program, checked as text (line and column in the
 * message), no `qasmFile` (the CLI reads it into `qasm`), and the program's fields only on
 * a circuit model.
 */
function circuitProblems(
  model: {
    kind: ModelKind;
    qasm?: string | undefined;
    qasmFile?: string | undefined;
    featureInputs?: unknown;
    readoutBits?: unknown;
    initialWeights?: unknown;
    qubits: number;
  },
  context: z.RefinementCtx,
): void {
  const issue = (field: string, message: string) =>
    context.addIssue({ code: "custom", path: [field], message });
  if (model.qasmFile !== undefined) {
    issue(
      "qasmFile",
      "only the CLI reads a program file (qplane train); give the program inline in model.qasm",
    );
  }
  if (model.kind !== "circuit") {
    for (const field of ["qasm", "featureInputs", "readoutBits", "initialWeights"] as const) {
      if (model[field] !== undefined) issue(field, `only applies to model.kind "circuit"`);
    }
    return;
  }
  if (model.qasm === undefined) {
    if (model.qasmFile === undefined)
      issue("qasm", `model.kind "circuit" needs its OpenQASM 3 program`);
    return;
  }
  let declared: number;
  try {
    declared = programQubits(model.qasm);
  } catch (error) {
    if (!(error instanceof QplaneError)) throw error;
    issue("qasm", error.message);
    return;
  }
  // T's "all" register, readout and register checks and the limits read model.qubits; the
  // schema cannot fill it from the program (the API encodes specs back through it, and a
  // transform cannot be reversed), so it must agree — the default 4 fits 4-qubit programs
  if (model.qubits !== declared) {
    issue(
      "qubits",
      `the program declares ${declared} qubit(s) but model.qubits is ${model.qubits} (${DEFAULT_QUBITS} when not given); a circuit model's qubits are its program's: set model.qubits to ${declared}`,
    );
  }
}

export const trainingSpecSchema = z
  .strictObject({
    epochs: integer(1, 100_000).default(30),
    batchSize: integer(1, 100_000).default(16),
    optimizer: z.enum(["adam", "sgd"]).default("adam"),
    learningRate: finite().pipe(z.number().gt(0).max(100)).default(0.05),
    /** SGD momentum (0 = plain gradient descent). */
    momentum: finite().pipe(z.number().min(0).lt(1)).default(0),
    gradient: z.enum(["adjoint", "parameter-shift", "spsa"]).default("adjoint"),
    seed: seed().default(1),
    /** Half-width of the weight initialisation interval [−w, w] (radians for the VQC). */
    initScale: finite().pipe(z.number().gt(0).max(10)).default(Math.PI),
    /**
     * Training time limit in seconds, summed over resumes; past it the run stops at its last
     * epoch checkpoint and fails with QPLANE_ERR_TIME_LIMIT. No default: only the server's
     * limit applies (the smaller of the two wins).
     */
    maxSeconds: finite().pipe(z.number().gt(0).max(MAX_TIME_LIMIT_SECONDS)).optional(),
    /**
     * Which epoch the run's summary reports (its test metrics and `selectedEpoch`): `last`, or
     * `best-validation` = the best validation accuracy (classification) / R² (regression), ties
     * to the lower validation loss, then the earlier epoch. Needs `dataset.validationFraction`
     * > 0. Nothing is chosen on the test split.
     */
    select: z.enum(["last", "best-validation"]).default("last"),
    /**
     * Learning-rate schedule η_t of step t (src/training/schedule.ts); feedback in `lr` mode
     * multiplies the scheduled rate. `constant`: η₀; `cosine`: η₀·(m + (1−m)·½(1 + cos(π·t/T)))
     * over the T = epochs × steps-per-epoch planned steps; `step`: η₀·γ^⌊epoch/k⌋; `replay`:
     * η₀ × the step's entry of `replay` (the last entry past its end).
     */
    schedule: z.enum(SCHEDULE_NAMES).default("constant"),
    /** `cosine`: the floor m of the rate as a fraction of η₀ (default 0). */
    minLearningRateFactor: finite().pipe(z.number().min(0).max(1)).optional(),
    /** `step`: epochs k between rate drops (default 10). */
    stepEvery: integer(1, 100_000).optional(),
    /** `step`: factor γ of each drop (default 0.1). */
    stepGamma: finite().pipe(z.number().gt(0).max(1)).optional(),
    /**
     * `replay`: per-step multipliers of η₀ (e.g. another run's per-epoch meanLearningRate ÷ η₀,
     * repeated per step); steps past its end use the last entry.
     */
    replay: z
      .array(finite().pipe(z.number().gt(0)))
      .min(1)
      .max(MAX_REPLAY_STEPS)
      .optional(),
  })
  .superRefine((training, context) => {
    for (const problem of scheduleFieldProblems(training)) {
      context.addIssue({ code: "custom", path: [problem.field], message: problem.message });
    }
  });

const targetSchema = z.union([
  // "baseline": an experiment's baseline run's I(X;T), resolved to bits before the child runs
  z.enum(["label-entropy", "relevance", "baseline"]),
  finite().pipe(z.number().min(0).max(64)),
]);

export const feedbackSpecSchema = z.strictObject({
  mode: z.enum(["off", "loss", "lr"]).default("off"),
  alpha: finite().pipe(z.number().min(0).max(1000)).default(1),
  /**
   * I*: H(Y) of the training labels, the current I(T;Y), a number of bits, or (experiments
   * with compare.baseline only) the baseline arm's I(X;T) for the same seed.
   */
  target: targetSchema.default("label-entropy"),
  /** Measure I(X;T) every this many optimisation steps (default: once per epoch). */
  every: z.union([z.literal("epoch"), integer(1, 1_000_000)]).default("epoch"),
  probeSize: integer(2, 100_000).default(128),
  /** Divide L_comp by |R| bits. */
  normalize: z.boolean().default(false),
  /**
   * Accept a target above the representation's |R| bits (a number of bits, or
   * `"label-entropy"` when H(Y) of the training labels exceeds |R|): I(X;T) ≤ |R| can then
   * never reach it, so L_comp never falls: the feedback is a constant factor. Refused
   * without this flag.
   */
  allowUnreachableTarget: z.boolean().optional(),
});

/** The most qubits an explicit `infoPlane.register` list may name (2^20 outcomes of T). */
export const MAX_REGISTER_QUBITS = 20;

export const infoPlaneSpecSchema = z.strictObject({
  /**
   * VQC: the qubits whose measured outcome is T. `readout`: the readout register; `all`: every
   * qubit; or a list of distinct qubit indices, in bit order (the first listed qubit is bit 0
   * of T's outcome index). `mlp` / `linear` take their T from `model.representation`.
   */
  register: z
    .union(
      [
        z.enum(["readout", "all"]),
        z
          .array(integer(0, 23))
          .min(1)
          .max(MAX_REGISTER_QUBITS)
          .refine((qubits) => new Set(qubits).size === qubits.length, {
            message: "must list distinct qubits",
          }),
      ],
      {
        error: `must be "readout", "all" or a list of 1 to ${MAX_REGISTER_QUBITS} distinct qubit indices (integers 0–23)`,
      },
    )
    .default("readout"),
  /** Default: miller-madow with shots, exact (plugin on exact probabilities) without. */
  estimator: z.enum(["plugin", "miller-madow"]).optional(),
  shots: integer(0, 1_000_000).default(0),
  /** Equal-frequency bins of a regression target for I(T;Y). */
  bins: integer(2, 1000).default(8),
  /** Also report the Holevo quantity of the readout register (exact simulator only). */
  holevo: z.boolean().default(false),
  /** Which split the per-epoch I(X;T), I(T;Y) are measured on. */
  split: z.enum(["train", "test"]).default("train"),
});

const BACKEND_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const backendSpecSchema = z.strictObject({
  /** A configured backend's name (never a URL). */
  name: z
    .string()
    .regex(BACKEND_NAME, {
      message: "must be a configured backend name (lowercase letters, digits, dashes), not a URL",
    })
    .default("local"),
  /** Shots per circuit evaluation in training; 0 = exact probabilities (simulators only). */
  shots: integer(0, 1_000_000).default(0),
  /**
   * Budget: the most the run may cost in USD (from the backend's price table), checked on the
   * planned run before anything is submitted. No default: unlimited.
   */
  maxCost: finite().pipe(z.number().min(0)).optional(),
  /** Budget: the most shots the whole run may spend (checked before submission). Unlimited by default. */
  maxShots: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * What `infoPlane.register` asks of the model: a VQC-only setting (the classical models' T is
 * `model.representation`), and listed qubits that exist. `at`: the path under the field.
 */
function registerProblems(
  model: Pick<z.output<typeof modelSpecSchema>, "kind" | "qubits">,
  register: z.output<typeof infoPlaneSpecSchema>["register"],
): { at: number[]; message: string }[] {
  if (register === "readout") return [];
  if (!isVqcKind(model.kind)) {
    return [
      {
        at: [],
        message: `only applies to model.kind "vqc"; model.kind "${model.kind}" takes its T from model.representation (use "readout")`,
      },
    ];
  }
  if (register === "all") return [];
  return register.flatMap((qubit, i) =>
    qubit < model.qubits
      ? []
      : [{ at: [i], message: `qubit ${qubit} does not exist in a ${model.qubits}-qubit model` }],
  );
}

export const jobSpecSchema = z
  .strictObject({
    dataset: datasetSpecSchema,
    model: modelSpecSchema.default(modelSpecSchema.parse({})),
    training: trainingSpecSchema.default(trainingSpecSchema.parse({})),
    feedback: feedbackSpecSchema.default(feedbackSpecSchema.parse({})),
    infoPlane: infoPlaneSpecSchema.default(infoPlaneSpecSchema.parse({})),
    backend: backendSpecSchema.default(backendSpecSchema.parse({})),
  })
  .superRefine((spec, context) => {
    for (const problem of registerProblems(spec.model, spec.infoPlane.register)) {
      context.addIssue({
        code: "custom",
        path: ["infoPlane", "register", ...problem.at],
        message: problem.message,
      });
    }
    if (spec.training.select === "best-validation" && spec.dataset.validationFraction === 0) {
      context.addIssue({
        code: "custom",
        path: ["training", "select"],
        message: `"best-validation" needs a validation split (set dataset.validationFraction > 0)`,
      });
    }
  });

/** A spec as written by a user (defaults not yet applied). */
export type JobSpecInput = z.input<typeof jobSpecSchema>;
/** A complete spec with every default applied. */
export type JobSpec = z.output<typeof jobSpecSchema>;
// the dataset section is src/data's (src/data/spec.ts); re-exported for the spec's users
export { DATASET_NAMES, type DatasetName, type DatasetSpec, datasetSpecSchema };
export type ModelSpec = JobSpec["model"];
export type TrainingSpec = JobSpec["training"];
export type FeedbackSpec = JobSpec["feedback"];
export type InfoPlaneSpec = JobSpec["infoPlane"];

// the formatter of zod issues lives in src/errors, for the layers below training too
export { describeSpecIssues };

/** Validates a spec and applies every default; throws QPLANE_ERR_SPEC_INVALID naming fields. */
export function parseJobSpec(input: unknown): JobSpec {
  const result = jobSpecSchema.safeParse(input);
  if (!result.success) {
    throw new QplaneError("QPLANE_ERR_SPEC_INVALID", describeSpecIssues(result.error, input));
  }
  // every single run (job, worker, qplane train, experiment child) passes here: an experiment
  // replaces "baseline" by a number of bits before its child runs
  checkSingleRunSpec(result.data);
  return result.data;
}

/**
 * What a spec of ONE run (not an experiment's base spec) may not hold: feedback.target
 * "baseline", which only an experiment can resolve. Throws QPLANE_ERR_SPEC_INVALID.
 */
export function checkSingleRunSpec(spec: JobSpec): void {
  if (spec.feedback.target === "baseline") {
    throw new QplaneError(
      "QPLANE_ERR_SPEC_INVALID",
      `spec.feedback.target: "baseline" is the baseline run's I(X;T), only in experiments with compare.baseline; give a number of bits, "label-entropy" or "relevance"`,
    );
  }
}
