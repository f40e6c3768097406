/**
 * The qplane API's types, generated from openapi/openapi.json by openapi-typescript
 * (`npm run openapi`). Do not edit: regenerate.
 */
export interface paths {
  "/healthz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: 200 while the process runs */
    get: operations["health"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (jobs by status, queue depth, epoch and request durations) */
    get: operations["metrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/readyz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: 200 when the job store (Redis) answers and, in QPLANE_ROLE=all, a worker is alive; else 503 */
    get: operations["ready"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/backends": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Configured backends: capabilities and live status */
    get: operations["listBackends"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/datasets": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Datasets a spec can name in `dataset.name` */
    get: operations["listDatasets"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/dry-runs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Plan a training job without queuing it
     * @description Takes the body of `POST /v1/jobs` and checks it the same way (spec, server limits, estimated compute), then returns the run's plan instead of queuing it: submissions per epoch, total shots, estimated cost from the backend's price table, amplitude-operations and peak memory (on IBM also the transpiled depth and two-qubit gates). A spec over its own budget (`backend.maxCost`, `backend.maxShots`) is refused with 400 QPLANE_ERR_BUDGET_EXCEEDED naming the field. On a twin or hardware backend, `prediction` runs the first epoch in-process on the device's twin and on the noiseless simulator (same spec and seed) and reports both epochs' I(X;T), I(T;Y) and test metric; over its budget (about 2 s of one core, priced by the cost model) it is `skipped` with the reason instead.
     */
    post: operations["dryRunJob"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Live events of every job (Server-Sent Events)
     * @description The frames of `/v1/jobs/{id}/events` for every job of the key (every job for an admin key, or without keys), each `data:` object carrying `jobId`; a new job appears as a `queued` status event. The stream stays open (with `: heartbeat` comments) until the client closes it.
     */
    get: operations["streamAllJobEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/experiments": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List experiments, newest first */
    get: operations["listExperiments"];
    put?: never;
    /**
     * Submit an experiment: a base spec and a grid of field values
     * @description One child job per grid point, all queued together. `training.seed` in the grid is the replicate axis (aggregated within an arm); every other grid field defines the arms. Every child spec is validated (and the server's limits and backends checked) before anything is queued: an empty grid, an unknown field, an invalid value or more children than QPLANE_MAX_EXPERIMENT_JOBS is a 400 naming the field (the count is the product of the list lengths, checked before any combination is built); a child over the per-job cost limits is a 422 QPLANE_ERR_JOB_TOO_LARGE naming its arm. `compare.baseline` must name exactly one arm (else 400 naming it and the arms). Children that derive from finished runs (`controls`, `tune`d arms' selections, `inherit`, feedback.target `baseline`) are queued once those runs finish, checked like the others; one the server refuses then is listed in its arm's `unrunnable` with the reason, and the experiment still finishes. The API key needs a job slot (QPLANE_MAX_CONCURRENT_JOBS_PER_KEY) for every planned child, derived ones included, else 429 and nothing is queued. An `Idempotency-Key` makes a retried submission safe: the same key and body return the experiment created the first time (200, `Idempotent-Replayed: true`).
     */
    post: operations["submitExperiment"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/experiments/dry-runs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Plan an experiment without queuing it
     * @description Takes the body of `POST /v1/experiments` and checks it the same way (grid, compare, controls, tune, inherit, every child queued at submission against the server's limits and backends; the same 400s naming the field, e.g. `grid.feedback.mode[1]`, and 422s naming the arm), except the API key's job slots. Returns per arm and in total the children (`runs`), the run plans of those queued at submission (`planned`: submissions, circuits, shots, estimated cost, amplitude-operations, peak memory) and those that would derive from finished runs (`waiting`: controls, inherit, feedback.target baseline), which have no plan yet. Bounded by QPLANE_MAX_EXPERIMENT_JOBS; nothing is queued, no first epoch is predicted.
     */
    post: operations["dryRunExperiment"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/experiments/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * An experiment's status counts and aggregate table per arm
     * @description Per arm: mean ± std across its completed children of the final test metric (accuracy or R²), of the epochs to the threshold and of the final I(X;T), I(T;Y). With `compare`: `comparisons`, every other arm against the baseline, paired by seed. `format=csv` gives the arms table as CSV; with comparisons, an empty line and the comparisons table (its own header; pairs as `;`-separated seeds, values, baselineValues) follow it.
     */
    get: operations["getExperiment"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/experiments/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel every unfinished child job and stop deriving children
     * @description Queued and running children are cancelled; children still to derive (controls, tuned or inheriting arms) never will be: each is listed in its arm's `unrunnable` as `experiment cancelled`.
     */
    post: operations["cancelExperiment"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/experiments/{id}/curves": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Per-arm learning and information-plane curves (mean ± std per epoch) */
    get: operations["getExperimentCurves"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List jobs, newest first */
    get: operations["listJobs"];
    put?: never;
    /**
     * Submit a training job
     * @description The body is the training spec (the same as `qplane train` reads) with optional `name` and `tags` beside its sections. Limits configured on the server (qubits, shots, epochs, dataset rows, concurrent jobs per key) are checked before the job is queued, and so is the run's estimated compute: over `QPLANE_MAX_JOB_WORK` amplitude-operations or `QPLANE_MAX_JOB_MEMORY_MB` of peak memory it is refused with 422 QPLANE_ERR_JOB_TOO_LARGE naming the estimate, the limit and the spec fields that drive it. To see a run's plan without queuing it, use `POST /v1/dry-runs`.
     */
    post: operations["submitJob"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A job's status, progress, latest metrics and spec */
    get: operations["getJob"];
    put?: never;
    post?: never;
    /** Remove a finished job and its data */
    delete: operations["deleteJob"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a queued or running job
     * @description The job stops within about a second, even inside a long step; its status becomes `cancelled`.
     */
    post: operations["cancelJob"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/circuit.qasm": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The job's circuit as OpenQASM 3
     * @description `program=model` (default): the model's program — a `model.kind: circuit` model's own text, or the built-in ansatz exactly as `qplane circuit --spec` prints it (features `input float[64] x<j>`, weights under their qplane names, T's bits `c[i]`). `program=sent`: the transpiled (ISA) program the job's run first submitted on a transpiling backend (IBM), byte for byte as sent (device basis gates on physical qubits `$j`). Text/plain, UTF-8.
     */
    get: operations["getJobCircuit"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/curves.svg": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Training curves (loss, accuracy, I(X;T), I(T;Y)) */
    get: operations["getJobCurves"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Live status, progress and metric events (Server-Sent Events)
     * @description `event: status|progress|metric`, `data:` the event as JSON. The current status comes first; the stream ends after a terminal status. Comments (`: heartbeat`) keep it alive.
     */
    get: operations["streamJobEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/infoplane.svg": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The information plane (I(X;T), I(T;Y)) */
    get: operations["getJobInfoPlane"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/jobs/{id}/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Per-epoch metrics (JSON or CSV)
     * @description The same per-epoch records as the CLI's metrics.json (`ixt`, `ity` in bits); `format=csv` gives its metrics.csv. `sinceEpoch=N` returns only epochs after N.
     */
    get: operations["getJobMetrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Backend: {
      /** @description Null (with `provider` and `device`) while a remote backend cannot be reached. */
      capabilities: {
        batchesParameterRows: boolean;
        couplingMap: [number, number][] | null;
        device: string;
        exactProbabilities: boolean;
        maxShots: number;
        minShots: number;
        nativeGates: string[];
        numQubits: number;
        /** @enum {string} */
        provider: "local" | "ibm" | "braket";
      } | null;
      device: string | null;
      /** @description What a spec names in `backend.name`. */
      name: string;
      provider: ("local" | "ibm" | "braket") | null;
      /** @description How the server configured it (QPLANE_BACKENDS): e.g. executionMode, options, fractionalGates, pricing, readoutError. Never credentials or endpoint overrides. */
      settings: {
        [key: string]: unknown;
      };
      status: {
        message: string;
        operational: boolean;
        queueLength: number;
      };
    };
    /** @description The backends this server is configured with. */
    BackendList: {
      backends: components["schemas"]["Backend"][];
    };
    /** @description A configured backend (a name, never a URL). */
    BackendSpec: {
      maxCost?: number;
      maxShots?: number;
      /** @default local */
      name: string;
      /** @default 0 */
      shots: number;
    };
    /** @description A configured backend (a name, never a URL). */
    BackendSpecInput: {
      maxCost?: number;
      maxShots?: number;
      /** @description Default: `"local"`. */
      name?: string;
      /** @description Default: `0`. */
      shots?: number;
    };
    Dataset: {
      classes: number | null;
      description: string;
      features: number | null;
      /** @enum {string} */
      name:
        | "moons"
        | "circles"
        | "xor"
        | "blobs"
        | "sine"
        | "polynomial"
        | "wide"
        | "friedman1"
        | "iris"
        | "penguins"
        | "cars"
        | "csv";
      task: ("classification" | "regression") | null;
    };
    /** @description The datasets a spec can name. */
    DatasetList: {
      datasets: components["schemas"]["Dataset"][];
    };
    /** @description Which data to train on (only `name` is required). */
    DatasetSpec: {
      classSeparation?: number;
      /** @default 3 */
      classes: number;
      /** @default 3 */
      degree: number;
      featureCount?: number;
      features?: string[];
      informative?: number;
      labelNoise?: number;
      /** @enum {string} */
      name:
        | "moons"
        | "circles"
        | "xor"
        | "blobs"
        | "sine"
        | "polynomial"
        | "wide"
        | "friedman1"
        | "iris"
        | "penguins"
        | "cars"
        | "csv";
      /** @default 0.1 */
      noise: number;
      path?: string;
      redundant?: number;
      /** @default 200 */
      samples: number;
      /** @default 1 */
      seed: number;
      target?: string;
      /** @enum {string} */
      task?: "classification" | "regression";
      /** @default 0.25 */
      testFraction: number;
      /** @default 0 */
      validationFraction: number;
    };
    /** @description Which data to train on (only `name` is required). */
    DatasetSpecInput: {
      classSeparation?: number;
      /** @description Default: `3`. */
      classes?: number;
      /** @description Default: `3`. */
      degree?: number;
      featureCount?: number;
      features?: string[];
      informative?: number;
      labelNoise?: number;
      /** @enum {string} */
      name:
        | "moons"
        | "circles"
        | "xor"
        | "blobs"
        | "sine"
        | "polynomial"
        | "wide"
        | "friedman1"
        | "iris"
        | "penguins"
        | "cars"
        | "csv";
      /** @description Default: `0.1`. */
      noise?: number;
      path?: string;
      redundant?: number;
      /** @description Default: `200`. */
      samples?: number;
      /** @description Default: `1`. */
      seed?: number;
      target?: string;
      /** @enum {string} */
      task?: "classification" | "regression";
      /** @description Default: `0.25`. */
      testFraction?: number;
      /** @description Default: `0`. */
      validationFraction?: number;
    };
    /** @description The plan of a run, and on a twin or device the predicted first epoch; nothing was queued. */
    DryRun: {
      plan: components["schemas"]["RunPlan"];
      prediction?: components["schemas"]["Prediction"];
    };
    /** @description The first epoch's information plane and test metric. */
    EpochOutcome: {
      /** @description I(T;Y) in bits after the first epoch. */
      ity: number;
      /** @description I(X;T) in bits after the first epoch (on `infoPlane.split`). */
      ixt: number;
      testMetric: {
        /** @enum {string} */
        name: "testAccuracy" | "testMse";
        value: number;
      };
    };
    /** @description One epoch of training: the same record as the CLI's metrics.json. */
    EpochRecord: {
      alpha: number | null;
      circuitEvaluations: number;
      compressionPenalty: number | null;
      compressionTarget: number | null;
      elapsedMs: number | null;
      epoch: number;
      /** @description This epoch's estimated cost in USD from the backend's price table. */
      estimatedCostUsd?: number | null;
      /** @enum {string} */
      estimator: "exact" | "plugin" | "miller-madow";
      /** @description Holevo quantity of the readout register in bits. */
      holevo?: number | null;
      /** @description H(T) in bits. */
      ht: number | null;
      /** @description H(Y) in bits. */
      hy: number | null;
      /** @description I(T;Y) in bits. */
      ity: number | null;
      /** @description I(X;T) in bits. */
      ixt: number | null;
      /** @description Effective learning rate of the epoch's last step: η₀ × the schedule's factor × the feedback factor in `lr` mode. */
      learningRate: number | null;
      /** @description Mean effective learning rate over the epoch's steps. Absent in records of runs from before the field existed. */
      meanLearningRate?: number | null;
      /** @description I(X;T) ≥ 0.9·log2 N over the N samples it was measured on: T tells (nearly) every sample apart, so I(X;T) reflects N rather than compression. Absent in records of runs from before the field existed. */
      saturated?: boolean;
      shots: number;
      /** @description Shots spent in this epoch (rows × shots). */
      shotsUsed?: number;
      /** @description Optimisation steps taken by the end of this epoch, cumulative over the run. Absent in records of runs from before the field existed. */
      step?: number;
      /** @description Provider submissions in this epoch. */
      submissions?: number;
      testAccuracy?: number | null;
      testLoss: number | null;
      testMse?: number | null;
      testR2?: number | null;
      trainAccuracy?: number | null;
      trainLoss: number | null;
      trainMse?: number | null;
      /** @description Validation accuracy (classification). */
      validationAccuracy?: number | null;
      /** @description Mean loss on the validation split (`dataset.validationFraction` > 0); absent without one. */
      validationLoss?: number | null;
      /** @description Validation MSE in the target's units (regression). */
      validationMse?: number | null;
      /** @description Validation R² (regression). */
      validationR2?: number | null;
    } & {
      [key: string]: unknown;
    };
    /** @description A job's epoch records, oldest first. */
    EpochRecords: {
      metrics: components["schemas"]["EpochRecord"][];
    };
    /** @description The CLI's metrics.csv: a header row of field names, then one row per epoch, oldest first. */
    EpochRecordsCsv: string;
    Error: {
      error: {
        /** @description A QPLANE_ERR_* code of the error catalogue. */
        code: string;
        /** @description What went wrong, naming the field at fault. */
        message: string;
      };
    };
    /** @description An experiment with its children's status counts and one aggregate row per arm. */
    Experiment: {
      arms: components["schemas"]["ExperimentArm"][];
      /** @description `compare.baseline` as submitted and the key of the arm it names. */
      compare?: {
        baseline: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        baselineArm: string;
      };
      /** @description With `compare`: every other arm vs the baseline on the final test metric (and steps to a given threshold), once a seed has completed runs in both arms. */
      comparisons?: components["schemas"]["ExperimentComparison"][];
      controls?: ("dose-matched" | "placebo")[];
      counts: {
        cancelled: number;
        completed: number;
        failed: number;
        /** @description Children whose records expired or were removed. */
        missing: number;
        queued: number;
        running: number;
        /** @description Children that will never run (a run they derive from failed, the server refused them, or the experiment was cancelled): each arm's `unrunnable` says why. Any makes a finished experiment failed, unless it was cancelled. */
        unrunnable: number;
        /** @description Children not queued yet: they derive from runs still unfinished (controls, tuned or inheriting arms); the experiment is running while any waits. */
        waiting: number;
      };
      createdAt: string;
      /** @description The body it was submitted with minus `name` and `tags` (defaults applied to the spec; the default threshold given explicitly unless `compare` had none): submitting it again defines the same experiment. Null for experiments stored before it was kept. */
      definition: components["schemas"]["ExperimentDefinition"] | null;
      grid: {
        [key: string]: (
          | (string | number | boolean | null)
          | (string | number | boolean | null)[]
        )[];
      };
      id: string;
      jobIds: string[];
      /** @enum {string} */
      metric: "testAccuracy" | "testR2";
      name: string | null;
      replicateField: string;
      /** @enum {string} */
      status: "queued" | "running" | "completed" | "failed" | "cancelled";
      tags: string[];
      threshold: {
        /** @enum {string} */
        metric:
          | "testAccuracy"
          | "trainAccuracy"
          | "testR2"
          | "testMse"
          | "trainMse"
          | "testLoss"
          | "trainLoss";
        value: number;
      };
    };
    ExperimentArm: {
      completed: number;
      /** @description Control arms only: which control, derived from which arm. */
      control?: {
        /** @enum {string} */
        kind: "dose-matched" | "placebo";
        /** @description The feedback arm's key. */
        of: string;
      };
      /** @description Its children wait for other children (controls, inherit, feedback.target baseline). */
      deferred?: boolean;
      /** @description Arms with feedback on: of the `of` completed runs whose summary carries feedbackReachable, `count` say false (L_comp never fell below half its first value). */
      feedbackUnreachable?: {
        count: number;
        of: number;
      };
      finalIty: components["schemas"]["Stat"];
      finalIxt: components["schemas"]["Stat"];
      finalMetric: components["schemas"]["Stat"];
      /** @description The children aggregated: one per seed (a tuned arm: the run `selected` for that seed). */
      jobIds: string[];
      jobs: number;
      /** @description `field=value, …` over the non-replicate grid fields (`<arm> / <control>` for controls). */
      key: string;
      /** @enum {string} */
      metric: "testAccuracy" | "testR2";
      /** @description Tuned arms: per seed, the candidate chosen on the validation split (its run is the arm's run for that seed). */
      selected?: {
        candidate: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        jobId: string;
        seed: (string | number | boolean | null) | (string | number | boolean | null)[];
      }[];
      /** @description Parallel to jobIds: each child's slot (`r<seed index>`, `r<seed index>.c<candidate index>`). */
      slots?: string[];
      stepsToThreshold: components["schemas"]["StepsStat"];
      /** @description Tuned arms: the candidates tried per seed. */
      tuning?: {
        candidates: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        }[];
      };
      /** @description Children that can never run (a run they derive from failed), with why. */
      unrunnable?: {
        message: string;
        slot: string;
      }[];
      values: {
        [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
      };
    };
    /** @description The arms table (one row per arm); with comparisons, an empty line and the comparisons table. */
    ExperimentArmsCsv: string;
    /** @description One arm against the baseline arm, paired by training.seed. */
    ExperimentComparison: {
      arm: string;
      /** @description The baseline arm's key. */
      baseline: string;
      /** @description stepsToThreshold: runs among the pairs that never reached it (counted at their budget). */
      censored?: {
        arm: number;
        baseline: number;
      };
      /** @description [lo, hi]: 95 % percentile bootstrap of medianDiff (2000 resamples, seeded by a hash of the experiment's base spec and grid, arm, baseline and metric: reproducible). */
      ci95: number[];
      /** @description stepsToThreshold: seeds with completed runs on both sides left out of n, measured on different splits (`split`) or censored against a different step budget (`budget`). */
      excluded?: {
        budget: number;
        split: number;
      };
      /** @description Holm-adjusted across every comparison of the experiment. */
      holmP: number;
      /** @description Median over the seeds of arm − baseline. */
      medianDiff: number;
      /**
       * @description The final test metric (the summary's: the selected epoch's with training.select best-validation) or optimisation steps to the experiment's threshold (lower is better).
       * @enum {string}
       */
      metric: "testAccuracy" | "testR2" | "stepsToThreshold";
      /** @description Seeds with a completed run in both arms. */
      n: number;
      pairs: {
        baselineValue: number;
        seed: number;
        value: number;
      }[];
      /**
       * @description stepsToThreshold: the split the threshold was measured on.
       * @enum {string}
       */
      split?: "validation" | "train";
      /** @description Seeds left out of n because only that side has a completed run with the value (the other's failed, was cancelled, expired, is still running or lacks it). */
      unpaired: {
        arm: number;
        baseline: number;
      };
      /** @description Two-sided Wilcoxon signed-rank p (as SciPy 1.10's default). */
      wilcoxonP: number;
    };
    /** @description Per arm, per epoch: mean ± std across the arm's children of the learning and information-plane curves. */
    ExperimentCurves: {
      arms: {
        epochs: {
          compressionTarget: components["schemas"]["Stat"];
          epoch: number;
          ity: components["schemas"]["Stat"];
          ixt: components["schemas"]["Stat"];
          learningRate: components["schemas"]["Stat"];
          /** @description Children with a record for this epoch. */
          n: number;
          testLoss: components["schemas"]["Stat"];
          testMetric: components["schemas"]["Stat"];
          trainLoss: components["schemas"]["Stat"];
        }[];
        key: string;
        /** @enum {string} */
        metric: "testAccuracy" | "testR2";
        values: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
      }[];
    };
    /** @description What defines an experiment: a base spec, a grid of field values, an optional threshold, comparison, controls, tuning and inheritance. */
    ExperimentDefinition: {
      /** @description The baseline arm: every other arm (controls included) is compared with it, paired by training.seed, in `comparisons`. */
      compare?: {
        /** @description Grid field → value naming exactly one arm (e.g. `{"feedback.mode": "off"}`). */
        baseline: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
      };
      /** @description Controls derived per seed from every arm with feedback on, once its run finished: `dose-matched` = feedback off at that run's mean effective learning rate (constant); `placebo` = feedback off replaying another seed's learning-rate trajectory (training.schedule `replay`). They appear as arms `<arm> / <control>`, queued as their feedback runs finish. */
      controls?: ("dose-matched" | "placebo")[];
      /** @description Spec field (`section.field`) → values to try. `training.seed` is the replicate axis: arms are the combinations of the other fields, and an arm's seeds are aggregated. One child job per grid point, at most QPLANE_MAX_EXPERIMENT_JOBS. */
      grid: {
        [key: string]: (
          | (string | number | boolean | null)
          | (string | number | boolean | null)[]
        )[];
      };
      /** @description Per seed, the matched arms' children take these fields from the baseline arm's selected child (e.g. its tuned training.learningRate); they run once it finished. Needs `compare`. */
      inherit?: {
        /** @description Grid field → value: every matching arm (not the baseline) inherits. */
        arm: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        /** @description Spec fields (not grid fields, not dataset fields) taken from the baseline arm's selected run of the same seed. */
        fields: string[];
      }[];
      spec: components["schemas"]["JobSpec"];
      /** @description true: each `training.seed` replicate also sets dataset.seed, so a seed draws its own train/validation/test split as well as its initialisation (arms still share each seed's split: pairs are by seed), and the statistics cover split variation too. Default false: every seed trains on the base spec's split. */
      splitPerSeed?: boolean;
      /** @description What each arm's `stepsToThreshold` counts (≥ for accuracy and R², ≤ for losses and MSE): optimisation steps until the metric reaches it on the validation split (else the training split; never the test split: `testAccuracy` means accuracy there), runs that never reach it censored at their budget. Default: the arm's final metric ≥ 0.9. With `compare`, a given threshold is also compared in `comparisons`. */
      threshold?: {
        /** @enum {string} */
        metric:
          | "testAccuracy"
          | "trainAccuracy"
          | "testR2"
          | "testMse"
          | "trainMse"
          | "testLoss"
          | "trainLoss";
        value: number;
      };
      /** @description Tuned arms: per seed, one child per candidate; once all finished, the one with the best validation accuracy (R² for regression) at its selected epoch is the arm's run for that seed (ties: lower validation loss, then the earlier candidate). Needs dataset.validationFraction > 0. Never chosen on the test split. */
      tune?: {
        /** @description Grid field → value: every arm matching all of them is tuned (at least one). */
        arm: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        /** @description Spec field (not a grid field, not a dataset field: those define the data and its split) → values; the candidates are their product (first field slowest), at most 64 per arm. */
        candidates: {
          [key: string]: (
            | (string | number | boolean | null)
            | (string | number | boolean | null)[]
          )[];
        };
      }[];
    };
    /** @description An experiment's plan per arm and in total; nothing was queued. */
    ExperimentDryRun: {
      arms: {
        key: string;
        /** @description The arm's first planned child's run plan (null when all its children wait). */
        plan: components["schemas"]["RunPlan"] | null;
        totals: {
          amplitudeOperations: number;
          circuits: number;
          estimatedCostUsd: number;
          /** @description The largest child's. */
          peakMemoryBytes: number;
          /** @description Children queued at submission: the sums are over these. */
          planned: number;
          /** @description Children planned in all, derived ones included. */
          runs: number;
          shots: number;
          submissions: number;
          /** @description Children derived from finished runs later: not planned yet. */
          waiting: number;
        };
        values: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
      }[];
      totals: {
        amplitudeOperations: number;
        circuits: number;
        estimatedCostUsd: number;
        /** @description The largest child's. */
        peakMemoryBytes: number;
        /** @description Children queued at submission: the sums are over these. */
        planned: number;
        /** @description Children planned in all, derived ones included. */
        runs: number;
        shots: number;
        submissions: number;
        /** @description Children derived from finished runs later: not planned yet. */
        waiting: number;
      };
    };
    /** @description One page of experiments, newest first. */
    ExperimentPage: {
      experiments: components["schemas"]["ExperimentSummary"][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    /** @description An experiment's definition plus optional `name` and `tags`. */
    ExperimentSubmissionInput: {
      /** @description The baseline arm: every other arm (controls included) is compared with it, paired by training.seed, in `comparisons`. */
      compare?: {
        /** @description Grid field → value naming exactly one arm (e.g. `{"feedback.mode": "off"}`). */
        baseline: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
      };
      /** @description Controls derived per seed from every arm with feedback on, once its run finished: `dose-matched` = feedback off at that run's mean effective learning rate (constant); `placebo` = feedback off replaying another seed's learning-rate trajectory (training.schedule `replay`). They appear as arms `<arm> / <control>`, queued as their feedback runs finish. */
      controls?: ("dose-matched" | "placebo")[];
      /** @description Spec field (`section.field`) → values to try. `training.seed` is the replicate axis: arms are the combinations of the other fields, and an arm's seeds are aggregated. One child job per grid point, at most QPLANE_MAX_EXPERIMENT_JOBS. */
      grid: {
        [key: string]: (
          | (string | number | boolean | null)
          | (string | number | boolean | null)[]
        )[];
      };
      /** @description Per seed, the matched arms' children take these fields from the baseline arm's selected child (e.g. its tuned training.learningRate); they run once it finished. Needs `compare`. */
      inherit?: {
        /** @description Grid field → value: every matching arm (not the baseline) inherits. */
        arm: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        /** @description Spec fields (not grid fields, not dataset fields) taken from the baseline arm's selected run of the same seed. */
        fields: string[];
      }[];
      /** @description A label for people; not unique. */
      name?: string;
      spec: components["schemas"]["JobSpecInput"];
      /** @description true: each `training.seed` replicate also sets dataset.seed, so a seed draws its own train/validation/test split as well as its initialisation (arms still share each seed's split: pairs are by seed), and the statistics cover split variation too. Default false: every seed trains on the base spec's split. */
      splitPerSeed?: boolean;
      /** @description Labels to filter `GET /v1/jobs` by (`?tag=`). */
      tags?: string[];
      /** @description What each arm's `stepsToThreshold` counts (≥ for accuracy and R², ≤ for losses and MSE): optimisation steps until the metric reaches it on the validation split (else the training split; never the test split: `testAccuracy` means accuracy there), runs that never reach it censored at their budget. Default: the arm's final metric ≥ 0.9. With `compare`, a given threshold is also compared in `comparisons`. */
      threshold?: {
        /** @enum {string} */
        metric:
          | "testAccuracy"
          | "trainAccuracy"
          | "testR2"
          | "testMse"
          | "trainMse"
          | "testLoss"
          | "trainLoss";
        value: number;
      };
      /** @description Tuned arms: per seed, one child per candidate; once all finished, the one with the best validation accuracy (R² for regression) at its selected epoch is the arm's run for that seed (ties: lower validation loss, then the earlier candidate). Needs dataset.validationFraction > 0. Never chosen on the test split. */
      tune?: {
        /** @description Grid field → value: every arm matching all of them is tuned (at least one). */
        arm: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        /** @description Spec field (not a grid field, not a dataset field: those define the data and its split) → values; the candidates are their product (first field slowest), at most 64 per arm. */
        candidates: {
          [key: string]: (
            | (string | number | boolean | null)
            | (string | number | boolean | null)[]
          )[];
        };
      }[];
    };
    /** @description An experiment in a list: its children's status counts and arms without aggregates (`GET /v1/experiments/{id}` has those). */
    ExperimentSummary: {
      arms: {
        completed: number;
        /** @description Control arms only: which control, derived from which arm. */
        control?: {
          /** @enum {string} */
          kind: "dose-matched" | "placebo";
          /** @description The feedback arm's key. */
          of: string;
        };
        /** @description Its children wait for other children (controls, inherit, feedback.target baseline). */
        deferred?: boolean;
        jobIds: string[];
        jobs: number;
        key: string;
        /** @enum {string} */
        metric: "testAccuracy" | "testR2";
        /** @description Parallel to jobIds: each child's slot (`r<seed index>`, `r<seed index>.c<candidate index>`). */
        slots?: string[];
        /** @description Tuned arms: the candidates tried per seed. */
        tuning?: {
          candidates: {
            [key: string]:
              | (string | number | boolean | null)
              | (string | number | boolean | null)[];
          }[];
        };
        /** @description Children that can never run (a run they derive from failed), with why. */
        unrunnable?: {
          message: string;
          slot: string;
        }[];
        values: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
      }[];
      /** @description `compare.baseline` as submitted and the key of the arm it names. */
      compare?: {
        baseline: {
          [key: string]: (string | number | boolean | null) | (string | number | boolean | null)[];
        };
        baselineArm: string;
      };
      /** @description With `compare`: every other arm vs the baseline on the final test metric (and steps to a given threshold), once a seed has completed runs in both arms. */
      comparisons?: components["schemas"]["ExperimentComparison"][];
      controls?: ("dose-matched" | "placebo")[];
      counts: {
        cancelled: number;
        completed: number;
        failed: number;
        /** @description Children whose records expired or were removed. */
        missing: number;
        queued: number;
        running: number;
        /** @description Children that will never run (a run they derive from failed, the server refused them, or the experiment was cancelled): each arm's `unrunnable` says why. Any makes a finished experiment failed, unless it was cancelled. */
        unrunnable: number;
        /** @description Children not queued yet: they derive from runs still unfinished (controls, tuned or inheriting arms); the experiment is running while any waits. */
        waiting: number;
      };
      createdAt: string;
      grid: {
        [key: string]: (
          | (string | number | boolean | null)
          | (string | number | boolean | null)[]
        )[];
      };
      id: string;
      jobIds: string[];
      /** @enum {string} */
      metric: "testAccuracy" | "testR2";
      name: string | null;
      replicateField: string;
      /** @enum {string} */
      status: "queued" | "running" | "completed" | "failed" | "cancelled";
      tags: string[];
      threshold: {
        /** @enum {string} */
        metric:
          | "testAccuracy"
          | "trainAccuracy"
          | "testR2"
          | "testMse"
          | "trainMse"
          | "testLoss"
          | "trainLoss";
        value: number;
      };
    };
    /** @description Compression-gnostic feedback (arXiv:2411.02313). */
    FeedbackSpec: {
      allowUnreachableTarget?: boolean;
      /** @default 1 */
      alpha: number;
      /** @default epoch */
      every: "epoch" | number;
      /**
       * @default off
       * @enum {string}
       */
      mode: "off" | "loss" | "lr";
      /** @default false */
      normalize: boolean;
      /** @default 128 */
      probeSize: number;
      /** @default label-entropy */
      target: ("label-entropy" | "relevance" | "baseline") | number;
    };
    /** @description Compression-gnostic feedback (arXiv:2411.02313). */
    FeedbackSpecInput: {
      allowUnreachableTarget?: boolean;
      /** @description Default: `1`. */
      alpha?: number;
      /** @description Default: `"epoch"`. */
      every?: "epoch" | number;
      /**
       * @description Default: `"off"`.
       * @enum {string}
       */
      mode?: "off" | "loss" | "lr";
      /** @description Default: `false`. */
      normalize?: boolean;
      /** @description Default: `128`. */
      probeSize?: number;
      /** @description Default: `"label-entropy"`. */
      target?: ("label-entropy" | "relevance" | "baseline") | number;
    };
    /** @description The process answers. */
    Health: {
      /** @constant */
      status: "ok";
    };
    /** @description How I(X;T) and I(T;Y) are measured. */
    InfoPlaneSpec: {
      /** @default 8 */
      bins: number;
      /** @enum {string} */
      estimator?: "plugin" | "miller-madow";
      /** @default false */
      holevo: boolean;
      /** @default readout */
      register: ("readout" | "all") | number[];
      /** @default 0 */
      shots: number;
      /**
       * @default train
       * @enum {string}
       */
      split: "train" | "test";
    };
    /** @description How I(X;T) and I(T;Y) are measured. */
    InfoPlaneSpecInput: {
      /** @description Default: `8`. */
      bins?: number;
      /** @enum {string} */
      estimator?: "plugin" | "miller-madow";
      /** @description Default: `false`. */
      holevo?: boolean;
      /** @description Default: `"readout"`. */
      register?: ("readout" | "all") | number[];
      /** @description Default: `0`. */
      shots?: number;
      /**
       * @description Default: `"train"`.
       * @enum {string}
       */
      split?: "train" | "test";
    };
    Job: {
      /** @description Times a worker started or resumed the job. */
      attempts: number;
      cancelRequested: boolean;
      createdAt: string;
      error: {
        code: string;
        message: string;
      } | null;
      /** @description Estimated seconds to completion (null before one epoch). */
      etaSeconds: number | null;
      finishedAt: string | null;
      id: string;
      /** @description The last epoch record. */
      latest: components["schemas"]["EpochRecord"] | null;
      name: string | null;
      progress: {
        epoch: number;
        epochs: number;
      };
      spec: components["schemas"]["JobSpec"];
      /** @description Hash of the spec without `backend.name` and the budgets: equal for runs of the same training on different backends (a device and its twin); list them with `GET /v1/jobs?specHash=`. Null for jobs submitted before it existed. */
      specHash: string | null;
      startedAt: string | null;
      status: components["schemas"]["JobStatus"];
      summary: components["schemas"]["RunSummary"] | null;
      tags: string[];
    };
    /** @description The `data:` of one Server-Sent Event as JSON; the frame's `event:` is its `type`. */
    JobEvent:
      | components["schemas"]["JobStatusEvent"]
      | components["schemas"]["JobProgressEvent"]
      | components["schemas"]["JobMetricEvent"];
    /** @description Server-Sent Events: frames `event: <type>\ndata: <JobEvent as JSON>\n\n`, where <type> is the event's `type` (`status`, `progress` or `metric`), and `:` comment lines. */
    JobEventStream: string;
    /** @description `event: metric`: an epoch finished; `record` is its epoch record. */
    JobMetricEvent: {
      /** @description The job (on `/v1/events` only). */
      jobId?: string;
      record: components["schemas"]["EpochRecord"];
      /** @constant */
      type: "metric";
    };
    /** @description One page of jobs, newest first. */
    JobPage: {
      jobs: components["schemas"]["Job"][];
      /** @description Pass as `cursor` for the next page; null on the last. */
      nextCursor: string | null;
    };
    /** @description `event: progress`: optimisation steps inside an epoch. */
    JobProgressEvent: {
      /** @description The epoch in progress (1-based). */
      epoch: number;
      epochs: number;
      /** @description The job (on `/v1/events` only). */
      jobId?: string;
      /** @description Steps done in this epoch. */
      step: number;
      stepsPerEpoch: number;
      /** @constant */
      type: "progress";
    };
    /** @description The base spec every child starts from. */
    JobSpec: {
      /**
       * @default {
       *       "name": "local",
       *       "shots": 0
       *     }
       */
      backend: components["schemas"]["BackendSpec"];
      dataset: components["schemas"]["DatasetSpec"];
      /**
       * @default {
       *       "alpha": 1,
       *       "every": "epoch",
       *       "mode": "off",
       *       "normalize": false,
       *       "probeSize": 128,
       *       "target": "label-entropy"
       *     }
       */
      feedback: components["schemas"]["FeedbackSpec"];
      /**
       * @default {
       *       "bins": 8,
       *       "holevo": false,
       *       "register": "readout",
       *       "shots": 0,
       *       "split": "train"
       *     }
       */
      infoPlane: components["schemas"]["InfoPlaneSpec"];
      /**
       * @default {
       *       "bins": 30,
       *       "classMap": "balanced",
       *       "encoding": "linear",
       *       "encodingScale": 1,
       *       "entangler": "linear",
       *       "entanglingGate": "cx",
       *       "hidden": [
       *         8
       *       ],
       *       "kind": "vqc",
       *       "l2": 0,
       *       "layers": 3,
       *       "qubits": 4,
       *       "readout": "auto",
       *       "reduce": "none",
       *       "representation": "output",
       *       "reupload": true,
       *       "scaling": "robust"
       *     }
       */
      model: components["schemas"]["ModelSpec"];
      /**
       * @default {
       *       "batchSize": 16,
       *       "epochs": 30,
       *       "gradient": "adjoint",
       *       "initScale": 3.141592653589793,
       *       "learningRate": 0.05,
       *       "momentum": 0,
       *       "optimizer": "adam",
       *       "schedule": "constant",
       *       "seed": 1,
       *       "select": "last"
       *     }
       */
      training: components["schemas"]["TrainingSpec"];
    };
    /** @description The base spec every child starts from. */
    JobSpecInput: {
      /** @description Default: `{"name":"local","shots":0}`. */
      backend?: components["schemas"]["BackendSpecInput"];
      dataset: components["schemas"]["DatasetSpecInput"];
      /** @description Default: `{"mode":"off","alpha":1,"target":"label-entropy","every":"epoch","probeSize":128,"normalize":false}`. */
      feedback?: components["schemas"]["FeedbackSpecInput"];
      /** @description Default: `{"register":"readout","shots":0,"bins":8,"holevo":false,"split":"train"}`. */
      infoPlane?: components["schemas"]["InfoPlaneSpecInput"];
      /** @description Default: `{"kind":"vqc","qubits":4,"layers":3,"reupload":true,"entangler":"linear","entanglingGate":"cx","readout":"auto","encoding":"linear","encodingScale":1,"scaling":"robust","reduce":"none","classMap":"balanced","representation":"output","hidden":[8],"bins":30,"l2":0}`. */
      model?: components["schemas"]["ModelSpecInput"];
      /** @description Default: `{"epochs":30,"batchSize":16,"optimizer":"adam","learningRate":0.05,"momentum":0,"gradient":"adjoint","seed":1,"initScale":3.141592653589793,"select":"last","schedule":"constant"}`. */
      training?: components["schemas"]["TrainingSpecInput"];
    };
    /**
     * @description `queued` → `running` → `completed`, `failed` or `cancelled` (the last three are final).
     * @enum {string}
     */
    JobStatus: "queued" | "running" | "completed" | "failed" | "cancelled";
    /** @description `event: status`: the job entered a status. The first event of a job's stream is its current status; a stream of one job ends after a terminal one. */
    JobStatusEvent: {
      /** @description When the job entered this status (ISO 8601). */
      at: string;
      /** @description The job (on `/v1/events` only). */
      jobId?: string;
      status: components["schemas"]["JobStatus"];
      /** @constant */
      type: "status";
    };
    /**
     * @description `queued` → `running` → `completed`, `failed` or `cancelled` (the last three are final).
     * @enum {string}
     */
    JobStatusInput: "queued" | "running" | "completed" | "failed" | "cancelled";
    /** @description The training spec (the six sections `qplane train` reads) plus optional `name` and `tags`. */
    JobSubmissionInput: {
      /** @description Default: `{"name":"local","shots":0}`. */
      backend?: components["schemas"]["BackendSpecInput"];
      dataset: components["schemas"]["DatasetSpecInput"];
      /** @description Default: `{"mode":"off","alpha":1,"target":"label-entropy","every":"epoch","probeSize":128,"normalize":false}`. */
      feedback?: components["schemas"]["FeedbackSpecInput"];
      /** @description Default: `{"register":"readout","shots":0,"bins":8,"holevo":false,"split":"train"}`. */
      infoPlane?: components["schemas"]["InfoPlaneSpecInput"];
      /** @description Default: `{"kind":"vqc","qubits":4,"layers":3,"reupload":true,"entangler":"linear","entanglingGate":"cx","readout":"auto","encoding":"linear","encodingScale":1,"scaling":"robust","reduce":"none","classMap":"balanced","representation":"output","hidden":[8],"bins":30,"l2":0}`. */
      model?: components["schemas"]["ModelSpecInput"];
      /** @description A label for people; not unique. */
      name?: string;
      /** @description Labels to filter `GET /v1/jobs` by (`?tag=`). */
      tags?: string[];
      /** @description Default: `{"epochs":30,"batchSize":16,"optimizer":"adam","learningRate":0.05,"momentum":0,"gradient":"adjoint","seed":1,"initScale":3.141592653589793,"select":"last","schedule":"constant"}`. */
      training?: components["schemas"]["TrainingSpecInput"];
    };
    /** @description The variational circuit (or a classical baseline: the MLP or the linear model). */
    ModelSpec: {
      /** @default 30 */
      bins: number;
      /**
       * @default balanced
       * @enum {string}
       */
      classMap: "balanced" | "modulo";
      components?: number;
      /**
       * @default linear
       * @enum {string}
       */
      encoding: "linear" | "fixed";
      /** @default 1 */
      encodingScale: number;
      /**
       * @default linear
       * @enum {string}
       */
      entangler: "linear" | "ring" | "full";
      /**
       * @default cx
       * @enum {string}
       */
      entanglingGate: "cx" | "cz";
      featureInputs?:
        | string
        | {
            [key: string]: number;
          };
      /**
       * @default [
       *       8
       *     ]
       */
      hidden: number[];
      initialWeights?: {
        [key: string]: number;
      };
      /**
       * @default vqc
       * @enum {string}
       */
      kind: "vqc" | "mlp" | "linear" | "circuit";
      /** @default 0 */
      l2: number;
      /** @default 3 */
      layers: number;
      qasm?: string;
      qasmFile?: string;
      /** @default 4 */
      qubits: number;
      /** @default auto */
      readout: "auto" | number[];
      readoutBits?: string[];
      /**
       * @default none
       * @enum {string}
       */
      reduce: "none" | "pca";
      /**
       * @default output
       * @enum {string}
       */
      representation: "output" | "hidden";
      /** @default true */
      reupload: boolean;
      /**
       * @default robust
       * @enum {string}
       */
      scaling: "robust" | "minmax";
    };
    /** @description The variational circuit (or a classical baseline: the MLP or the linear model). */
    ModelSpecInput: {
      /** @description Default: `30`. */
      bins?: number;
      /**
       * @description Default: `"balanced"`.
       * @enum {string}
       */
      classMap?: "balanced" | "modulo";
      components?: number;
      /**
       * @description Default: `"linear"`.
       * @enum {string}
       */
      encoding?: "linear" | "fixed";
      /** @description Default: `1`. */
      encodingScale?: number;
      /**
       * @description Default: `"linear"`.
       * @enum {string}
       */
      entangler?: "linear" | "ring" | "full";
      /**
       * @description Default: `"cx"`.
       * @enum {string}
       */
      entanglingGate?: "cx" | "cz";
      featureInputs?:
        | string
        | {
            [key: string]: number;
          };
      /** @description Default: `[8]`. */
      hidden?: number[];
      initialWeights?: {
        [key: string]: number;
      };
      /**
       * @description Default: `"vqc"`.
       * @enum {string}
       */
      kind?: "vqc" | "mlp" | "linear" | "circuit";
      /** @description Default: `0`. */
      l2?: number;
      /** @description Default: `3`. */
      layers?: number;
      qasm?: string;
      qasmFile?: string;
      /** @description Default: `4`. */
      qubits?: number;
      /** @description Default: `"auto"`. */
      readout?: "auto" | number[];
      readoutBits?: string[];
      /**
       * @description Default: `"none"`.
       * @enum {string}
       */
      reduce?: "none" | "pca";
      /**
       * @description Default: `"output"`.
       * @enum {string}
       */
      representation?: "output" | "hidden";
      /** @description Default: `true`. */
      reupload?: boolean;
      /**
       * @description Default: `"robust"`.
       * @enum {string}
       */
      scaling?: "robust" | "minmax";
    };
    /** @description An OpenQASM 3 program (served as text/plain; charset=utf-8). */
    OpenQasm3Program: string;
    /** @description The first epoch run in-process under the device's noise and without it; present on twin and hardware backends. */
    Prediction: {
      /** @description Both first epochs (twin and noiseless) as the cost model prices them. */
      amplitudeOperations?: number;
      /** @description The prediction's budget: about 2 s of one core for a dry run. */
      maxAmplitudeOperations: number;
      /** @description `twin`: the twin backend named (the spec's, or one configured for the device); `calibration`: a twin of the device's own calibration (cached, refreshed hourly). */
      noise: {
        backend: string;
        /** @enum {string} */
        source: "twin" | "calibration";
      };
      /** @description The same first epoch (same spec and seed) on the noiseless simulator. */
      noiseless?: components["schemas"]["EpochOutcome"];
      /** @description The first epoch on the twin. */
      noisy?: components["schemas"]["EpochOutcome"];
      /** @description Why nothing was run: over the budget, no calibration, a classical model, CSV data. */
      skipped?: string;
    };
    /** @description Prometheus text exposition format (version 0.0.4). */
    PrometheusText: string;
    /** @description A job just queued; `Location` is its URL. */
    QueuedJob: {
      id: string;
      /** @constant */
      status: "queued";
    };
    /** @description The job store answers (and, in QPLANE_ROLE=all, a worker is alive). */
    Readiness: {
      /** @constant */
      status: "ready";
    };
    /** @description An `Idempotency-Key` matched an earlier identical submission: that job (in its current status), not a new one. `Location` is its URL; `Idempotent-Replayed: true`. */
    ReplayedJob: {
      id: string;
      status: components["schemas"]["JobStatus"];
    };
    /** @description What a run would submit and cost, computed without running anything. */
    RunPlan: {
      /** @description Compute of the whole run: one gate on one statevector amplitude (plus a fixed 64 per gate), summed over every step, gradient, evaluation and probe (the MLP: multiply-adds). Checked against QPLANE_MAX_JOB_WORK. */
      amplitudeOperations: number;
      circuitsPerEpoch: number;
      /** @description The spec fields that drive the compute cost, e.g. `{"model.qubits": 20}`. */
      costDrivers: {
        [key: string]: string | number | boolean;
      };
      costPerEpochUsd: number;
      epochs: number;
      /** @description From the backend's price table (0 on simulators). */
      estimatedCostUsd: number;
      /** @description Memory of the largest step or evaluation, dataset included; checked against QPLANE_MAX_JOB_MEMORY_MB. */
      peakMemoryBytes: number;
      shotsPerEpoch: number;
      stepsPerEpoch: number;
      submissionsPerEpoch: number;
      totalCircuits: number;
      totalShots: number;
      totalSubmissions: number;
      /** @description IBM backends: the ISA circuit the model circuit becomes. */
      transpiled?: {
        depth: number;
        layout: number[];
        /** @description Only when the coupling map forced SWAPs. */
        swaps?: number;
        twoQubitGates: number;
      };
    };
    /** @description How a run ended: the selected epoch's test metrics and the final information plane. */
    RunSummary: {
      circuitEvaluations: number;
      elapsedMs: number | null;
      epochs: number;
      /** @description With feedback on: min measured L_comp ÷ the first measured L_comp (null when feedback is off, the first was 0 or nothing was measured). */
      feedbackReachability?: number | null;
      /** @description With feedback on: false when L_comp never fell below half its first value, so the feedback was a near-constant factor on the learning rate. Absent when feedback is off. */
      feedbackReachable?: boolean;
      finalIty: number | null;
      finalIxt: number | null;
      /** @description Mean effective learning rate over every step of the run (the dose a dose-matched control trains at). Absent in summaries from before the field existed. */
      meanLearningRate?: number | null;
      /** @description The epoch whose test metrics the summary reports (`training.select`: the last, or the best on the validation split). Absent before the first epoch and in summaries from before the field existed. */
      selectedEpoch?: number;
      /** @enum {string} */
      task: "classification" | "regression";
      testAccuracy?: number | null;
      testMse?: number | null;
      testR2?: number | null;
    } & {
      [key: string]: unknown;
    };
    /** @description I* of the feedback (n = 0 when it is off). */
    Stat: {
      mean: number | null;
      n: number;
      /** @description Sample standard deviation (n − 1); null for n < 2. */
      std: number | null;
    };
    /** @description Optimisation steps to the threshold over the completed children. */
    StepsStat: {
      /** @description Counted runs that never reached the threshold, each at its step budget (the mean is then a lower bound). */
      censored: number;
      mean: number | null;
      n: number;
      /**
       * @description Where the steps were measured (absent while no run is counted).
       * @enum {string}
       */
      split?: "validation" | "train";
      /** @description Sample standard deviation (n − 1); null for n < 2. */
      std: number | null;
    };
    /** @description An SVG image. */
    SvgImage: string;
    /** @description Optimisation settings. */
    TrainingSpec: {
      /** @default 16 */
      batchSize: number;
      /** @default 30 */
      epochs: number;
      /**
       * @default adjoint
       * @enum {string}
       */
      gradient: "adjoint" | "parameter-shift" | "spsa";
      /** @default 3.141592653589793 */
      initScale: number;
      /** @default 0.05 */
      learningRate: number;
      maxSeconds?: number;
      minLearningRateFactor?: number;
      /** @default 0 */
      momentum: number;
      /**
       * @default adam
       * @enum {string}
       */
      optimizer: "adam" | "sgd";
      replay?: number[];
      /**
       * @default constant
       * @enum {string}
       */
      schedule: "constant" | "cosine" | "step" | "replay";
      /** @default 1 */
      seed: number;
      /**
       * @default last
       * @enum {string}
       */
      select: "last" | "best-validation";
      stepEvery?: number;
      stepGamma?: number;
    };
    /** @description Optimisation settings. */
    TrainingSpecInput: {
      /** @description Default: `16`. */
      batchSize?: number;
      /** @description Default: `30`. */
      epochs?: number;
      /**
       * @description Default: `"adjoint"`.
       * @enum {string}
       */
      gradient?: "adjoint" | "parameter-shift" | "spsa";
      /** @description Default: `3.141592653589793`. */
      initScale?: number;
      /** @description Default: `0.05`. */
      learningRate?: number;
      maxSeconds?: number;
      minLearningRateFactor?: number;
      /** @description Default: `0`. */
      momentum?: number;
      /**
       * @description Default: `"adam"`.
       * @enum {string}
       */
      optimizer?: "adam" | "sgd";
      replay?: number[];
      /**
       * @description Default: `"constant"`.
       * @enum {string}
       */
      schedule?: "constant" | "cosine" | "step" | "replay";
      /** @description Default: `1`. */
      seed?: number;
      /**
       * @description Default: `"last"`.
       * @enum {string}
       */
      select?: "last" | "best-validation";
      stepEvery?: number;
      stepGamma?: number;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The process is alive. */
      200: {
        headers: {
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Health"];
        };
      };
      /** @description The server is shutting down. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  metrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Prometheus text exposition format. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "text/plain": components["schemas"]["PrometheusText"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A valid key that is not an admin key, when the server has more than one key (the counts cover every key's jobs). */
      403: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited (a budget separate from the /v1 routes'). */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable, or the server is closing. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready to serve: the job store answers. */
      200: {
        headers: {
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Readiness"];
        };
      };
      /** @description The job store (Redis) does not answer, or (QPLANE_ROLE=all) no worker is alive. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listBackends: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every configured backend with its capabilities and live status. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["BackendList"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listDatasets: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every dataset a spec can name. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DatasetList"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  dryRunJob: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["JobSubmissionInput"];
      };
    };
    responses: {
      /** @description The run's plan; nothing was queued. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DryRun"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body larger than the configured limit. */
      413: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body is not application/json. */
      415: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description QPLANE_ERR_JOB_TOO_LARGE: the run's estimated work or peak memory is over this server's per-job limit. */
      422: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  streamAllJobEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An event stream (`text/event-stream`). Each event is `event: <type>` and one `data:` line holding the event as JSON: `status` (`JobStatusEvent`), `progress` (`JobProgressEvent`) or `metric` (`JobMetricEvent`); `JobEvent` is their union by `type`. Lines starting with `:` are comments (`: heartbeat`, `: connected`) that keep the connection open. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example event: status
           *     data: {"type":"status","status":"running","at":"2026-01-01T12:00:00.000Z"}
           *
           *     event: progress
           *     data: {"type":"progress","epoch":1,"epochs":2,"step":4,"stepsPerEpoch":4}
           *
           *     : heartbeat
           *
           *     event: status
           *     data: {"type":"status","status":"completed","at":"2026-01-01T12:00:05.000Z"}
           */
          "text/event-stream": components["schemas"]["JobEventStream"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listExperiments: {
    parameters: {
      query?: {
        /** @description `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Experiments per page (1-100, default 20). */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of experiments, newest first. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ExperimentPage"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  submitExperiment: {
    parameters: {
      query?: never;
      header?: {
        /** @description Repeat a submission safely: the same key with the same body returns the job created the first time (200); the same key with a different body is refused (409). */
        "idempotency-key"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ExperimentSubmissionInput"];
      };
    };
    responses: {
      /** @description An `Idempotency-Key` matched an earlier identical submission: that experiment, not a new one. */
      200: {
        headers: {
          /** @description `true`: the `Idempotency-Key` matched an earlier identical submission. */
          "Idempotent-Replayed": "true";
          /** @description The URL of the resource (`/v1/jobs/{id}`, `/v1/experiments/{id}`). */
          Location: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Experiment"];
        };
      };
      /** @description Queued: the experiment and its first children. */
      202: {
        headers: {
          /** @description The URL of the resource (`/v1/jobs/{id}`, `/v1/experiments/{id}`). */
          Location: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Experiment"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description `Idempotency-Key` reused with a different body. */
      409: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body larger than the configured limit. */
      413: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body is not application/json. */
      415: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description QPLANE_ERR_JOB_TOO_LARGE: a child's estimated work or peak memory is over this server's per-job limit. */
      422: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  dryRunExperiment: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ExperimentSubmissionInput"];
      };
    };
    responses: {
      /** @description The experiment's plan; nothing was queued. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ExperimentDryRun"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body larger than the configured limit. */
      413: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body is not application/json. */
      415: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description QPLANE_ERR_JOB_TOO_LARGE: a child's estimated work or peak memory is over this server's per-job limit. */
      422: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getExperiment: {
    parameters: {
      query?: {
        /** @description `json` (default) or `csv` (arms table). */
        format?: "json" | "csv";
      };
      header?: never;
      path: {
        /** @description Experiment id (same form as job ids). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The experiment (`format=json`) or its arms table (`format=csv`). */
      200: {
        headers: {
          /** @description With `format=csv` only: `inline` with a file name for the table. */
          "Content-Disposition"?: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Experiment"];
          "text/csv": components["schemas"]["ExperimentArmsCsv"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such experiment. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  cancelExperiment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Experiment id (same form as job ids). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The experiment once its children were cancelled. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Experiment"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such experiment. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getExperimentCurves: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Experiment id (same form as job ids). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Each arm's curves, epoch by epoch. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ExperimentCurves"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such experiment. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listJobs: {
    parameters: {
      query?: {
        status?: components["schemas"]["JobStatusInput"];
        /** @description Only jobs carrying this tag. */
        tag?: string;
        /** @description Only jobs on this backend. */
        backend?: string;
        /** @description Only runs of this spec, on any backend: the `specHash` of a job lists it with its twin and device runs. */
        specHash?: string;
        /** @description `nextCursor` of the previous page. */
        cursor?: string;
        /** @description Jobs per page (1-100, default 20). */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of jobs, newest first. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["JobPage"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  submitJob: {
    parameters: {
      query?: never;
      header?: {
        /** @description Repeat a submission safely: the same key with the same body returns the job created the first time (200); the same key with a different body is refused (409). */
        "idempotency-key"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["JobSubmissionInput"];
      };
    };
    responses: {
      /** @description An `Idempotency-Key` matched an earlier identical submission: that job, not a new one. */
      200: {
        headers: {
          /** @description `true`: the `Idempotency-Key` matched an earlier identical submission. */
          "Idempotent-Replayed": "true";
          /** @description The URL of the resource (`/v1/jobs/{id}`, `/v1/experiments/{id}`). */
          Location: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ReplayedJob"];
        };
      };
      /** @description Queued. */
      202: {
        headers: {
          /** @description The URL of the resource (`/v1/jobs/{id}`, `/v1/experiments/{id}`). */
          Location: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["QueuedJob"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description `Idempotency-Key` reused with a different body. */
      409: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body larger than the configured limit. */
      413: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body is not application/json. */
      415: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description QPLANE_ERR_JOB_TOO_LARGE: the run's estimated work or peak memory is over this server's per-job limit. */
      422: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getJob: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The job. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  deleteJob: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job has not finished (cancel it first). */
      409: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  cancelJob: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Cancelling: the job as it is now (`cancelRequested: true`). */
      202: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job already finished. */
      409: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getJobCircuit: {
    parameters: {
      query?: {
        /** @description `model` (default): the model's program — a `kind: circuit` model's own, or the built-in ansatz as `qplane circuit` prints it. `sent`: the transpiled (ISA) program the job's run first submitted on a transpiling backend (IBM), as it was sent. */
        program?: "model" | "sent";
      };
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The OpenQASM 3 program. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "text/plain": components["schemas"]["OpenQasm3Program"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job (QPLANE_ERR_JOB_NOT_FOUND); a classical model without a circuit (QPLANE_ERR_JOB_NO_CIRCUIT); or, for `program=sent`, no transpiled program kept (QPLANE_ERR_JOB_NOT_TRANSPILED: the backend does not transpile, the run has not submitted yet, or the program was over 1 MiB). */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getJobCurves: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An SVG image (the same plot as the CLI's run folder). */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "image/svg+xml": components["schemas"]["SvgImage"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  streamJobEvents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An event stream (`text/event-stream`). Each event is `event: <type>` and one `data:` line holding the event as JSON: `status` (`JobStatusEvent`), `progress` (`JobProgressEvent`) or `metric` (`JobMetricEvent`); `JobEvent` is their union by `type`. Lines starting with `:` are comments (`: heartbeat`, `: connected`) that keep the connection open. */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          /**
           * @example event: status
           *     data: {"type":"status","status":"running","at":"2026-01-01T12:00:00.000Z"}
           *
           *     event: progress
           *     data: {"type":"progress","epoch":1,"epochs":2,"step":4,"stepsPerEpoch":4}
           *
           *     : heartbeat
           *
           *     event: status
           *     data: {"type":"status","status":"completed","at":"2026-01-01T12:00:05.000Z"}
           */
          "text/event-stream": components["schemas"]["JobEventStream"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getJobInfoPlane: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description An SVG image (the same plot as the CLI's run folder). */
      200: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "image/svg+xml": components["schemas"]["SvgImage"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getJobMetrics: {
    parameters: {
      query?: {
        /** @description `json` (default) or `csv` (the CLI's metrics.csv). */
        format?: "json" | "csv";
        /** @description Only epochs after this one (cheap polling: pass the last epoch you have). */
        sinceEpoch?: number;
      };
      header?: never;
      path: {
        /** @description Job id (ULID-style: 26 characters of Crockford base 32, ordered by creation time). */
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The records, oldest first: JSON (`format=json`) or the CLI's metrics.csv (`format=csv`). */
      200: {
        headers: {
          /** @description With `format=csv` only: `inline` with a file name for the table. */
          "Content-Disposition"?: string;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["EpochRecords"];
          "text/csv": components["schemas"]["EpochRecordsCsv"];
        };
      };
      /** @description Bad input; the message names the field. */
      400: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Missing or invalid API key (when keys are configured). */
      401: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such job. */
      404: {
        headers: {
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Rate limited; see Retry-After. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The job store (Redis) is unavailable or the server is shutting down; see Retry-After. */
      503: {
        headers: {
          /** @description Seconds to wait before retrying. */
          "Retry-After": number;
          /** @description Requests allowed per minute (when the server rate-limits). */
          "X-RateLimit-Limit"?: number;
          /** @description Requests left in the current minute (when the server rate-limits). */
          "X-RateLimit-Remaining"?: number;
          /** @description Seconds until the budget is renewed (when the server rate-limits). */
          "X-RateLimit-Reset"?: number;
          /** @description This request's id, as the server's log lines name it. */
          "X-Request-Id": string;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
}
