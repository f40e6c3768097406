/**
 * Sampler V2 `params.options` a backend may set: dynamical decoupling and Pauli twirling,
 * with IBM's own field names so IBM's documentation applies as written. Only documented
 * fields are accepted (the service's options model forbids extra keys).
 */
import { z } from "zod";

export const dynamicalDecouplingSchema = z.strictObject({
  enable: z.boolean(),
  sequence_type: z.enum(["XX", "XpXm", "XY4"]).optional(),
  extra_slack_distribution: z.enum(["middle", "edges"]).optional(),
  scheduling_method: z.enum(["alap", "asap"]).optional(),
});

const countOrAuto = z.union([z.literal("auto"), z.number().int().min(1).max(10_000_000)], {
  error: 'must be "auto" or an integer in 1..10000000',
});

export const twirlingSchema = z.strictObject({
  /** 2-qubit Clifford gate twirling. IBM's default for the Sampler: false. */
  enable_gates: z.boolean().optional(),
  /** Measurement twirling. IBM's default for the Sampler: false. */
  enable_measure: z.boolean().optional(),
  num_randomizations: countOrAuto.optional(),
  shots_per_randomization: countOrAuto.optional(),
  strategy: z.enum(["active", "active-accum", "active-circuit", "all"]).optional(),
});

export const samplerOptionsSchema = z.strictObject({
  dynamical_decoupling: dynamicalDecouplingSchema.optional(),
  twirling: twirlingSchema.optional(),
});
export type SamplerOptions = z.infer<typeof samplerOptionsSchema>;

/** IBM's fractional gates: arbitrary-angle rx and rzz, offered by Heron devices on request. */
export const FRACTIONAL_GATES: ReadonlySet<string> = new Set(["rx", "rzz"]);

/**
 * Why these settings cannot run, or undefined: IBM fails jobs that combine fractional gates
 * with gate twirling (error 1519), so the combination is refused before anything is sent.
 */
export function samplerOptionsConflict(
  options: SamplerOptions | undefined,
  fractionalGates: boolean,
): string | undefined {
  if (fractionalGates && options?.twirling?.enable_gates === true) {
    return "gate twirling cannot be combined with fractional gates (rx, rzz): IBM fails such jobs with error 1519; set fractionalGates: false or twirling.enable_gates: false";
  }
  return undefined;
}

/** Whether the options make the service twirl (and so change the number of samples). */
export function twirls(options: SamplerOptions | undefined): boolean {
  return options?.twirling?.enable_gates === true || options?.twirling?.enable_measure === true;
}

/**
 * Samples per parameter row a twirled PUB of `shots` shots returns: IBM runs
 * num_randomizations × shots_per_randomization shots, where an "auto" value is derived from
 * the PUB's shots (shots_per_randomization = max(64, ⌈shots/32⌉) when both are auto;
 * otherwise ⌈shots / the other⌉). Without twirling: `shots`.
 */
export function samplesPerRow(shots: number, options: SamplerOptions | undefined): number {
  if (!twirls(options)) return shots;
  const requested = options?.twirling ?? {};
  const randomizations = requested.num_randomizations ?? "auto";
  let perRandomization = requested.shots_per_randomization ?? "auto";
  if (perRandomization === "auto") {
    perRandomization =
      randomizations === "auto"
        ? Math.max(64, Math.ceil(shots / 32))
        : Math.ceil(shots / randomizations);
  }
  const count = randomizations === "auto" ? Math.ceil(shots / perRandomization) : randomizations;
  return count * perRandomization;
}
