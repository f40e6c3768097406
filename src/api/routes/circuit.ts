/**
 * `GET /v1/jobs/:id/circuit.qasm`: a job's circuit as OpenQASM 3 text (docs/circuits.md).
 * `program=model` (default) is the model's program — a `kind: circuit` model's own text, or
 * the built-in ansatz exactly as `qplane circuit --spec` prints it; `program=sent` is the
 * transpiled (ISA) program the job's run first submitted on a transpiling backend (IBM),
 * kept by the worker. Served as `text/plain; charset=utf-8` (OpenQASM has no registered media
 * type, and plain text opens in a browser, `curl` and the dashboard alike).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { QplaneError } from "../../errors/catalogue.js";
import type { JobRecord, Viewer } from "../../jobs/types.js";
import { modelProgramText } from "../../training/model-qasm.js";
import { MAX_SENT_PROGRAM_CHARS } from "../../training/sent-program.js";
import { isVqcKind } from "../../training/spec.js";
import { requesterOf } from "../admission.js";
import { identify, viewerOf } from "../context.js";
import type { Requester } from "../dataset-shape.js";
import {
  circuitQuerySchema,
  errorResponse,
  jobParamsSchema,
  openQasmTextSchema,
} from "../schemas.js";
import { commonErrors } from "./jobs.js";

const SECURITY = [{ bearerAuth: [] }];

export const circuitRoutes: FastifyPluginAsyncZod = async (app) => {
  const { service, keys, options } = app.qplane;

  /** The model's program; a classical model has none. */
  async function modelProgram(job: JobRecord, requester: Requester): Promise<string> {
    const data = await options.datasetShapes.of(job.spec, requester);
    const text = modelProgramText(job.spec, data);
    if (text === null) throw noCircuit(job);
    return text;
  }

  /** The ISA program the job's run sent, when its backend transpiled and one was kept. */
  async function sentProgram(job: JobRecord, viewer: Viewer): Promise<string> {
    if (!isVqcKind(job.spec.model.kind)) throw noCircuit(job);
    const sent = await service.sentProgram(job.id, viewer);
    if (sent !== null && "qasm" in sent) return sent.qasm;
    const backend = job.spec.backend.name;
    const transpiles =
      options.backends.find((entry) => entry.name === backend)?.provider.transpile !== undefined;
    const why =
      sent !== null
        ? `its transpiled program was ${sent.omittedChars} characters, over the ${MAX_SENT_PROGRAM_CHARS} kept`
        : transpiles
          ? `it has not submitted its circuit yet (status ${job.status}); the program is kept when the run first submits`
          : `its backend "${backend}" runs circuits as written, without transpiling; program=model is the circuit it ran`;
    throw new QplaneError(
      "QPLANE_ERR_JOB_NOT_TRANSPILED",
      `job ${job.id} has no sent program: ${why}`,
    );
  }

  app.get(
    "/jobs/:id/circuit.qasm",
    {
      schema: {
        operationId: "getJobCircuit",
        summary: "The job's circuit as OpenQASM 3",
        description:
          "`program=model` (default): the model's program — a `model.kind: circuit` model's own " +
          "text, or the built-in ansatz exactly as `qplane circuit --spec` prints it (features " +
          "`input float[64] x<j>`, weights under their qplane names, T's bits `c[i]`). " +
          "`program=sent`: the transpiled (ISA) program the job's run first submitted on a " +
          "transpiling backend (IBM), byte for byte as sent (device basis gates on physical " +
          "qubits `$j`). Text/plain, UTF-8.",
        tags: ["jobs"],
        security: SECURITY,
        params: jobParamsSchema,
        querystring: circuitQuerySchema,
        response: {
          200: {
            description: "The OpenQASM 3 program.",
            content: { "text/plain": { schema: openQasmTextSchema } },
          },
          ...commonErrors,
          404: errorResponse(
            "No such job (QPLANE_ERR_JOB_NOT_FOUND); a classical model without a circuit " +
              "(QPLANE_ERR_JOB_NO_CIRCUIT); or, for `program=sent`, no transpiled program kept " +
              "(QPLANE_ERR_JOB_NOT_TRANSPILED: the backend does not transpile, the run has not " +
              "submitted yet, or the program was over 1 MiB).",
          ),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { program } = request.query;
      const viewer = viewerOf(keys, request);
      const job = await service.get(id, viewer);
      const text =
        program === "sent"
          ? await sentProgram(job, viewer)
          : await modelProgram(job, requesterOf(identify(keys, request).owner, reply));
      return reply
        .type("text/plain; charset=utf-8")
        .header("content-disposition", `inline; filename="${id}-${program}.qasm"`)
        .send(text);
    },
  );
};

function noCircuit(job: JobRecord): QplaneError {
  return new QplaneError(
    "QPLANE_ERR_JOB_NO_CIRCUIT",
    `job ${job.id}'s model.kind "${job.spec.model.kind}" is a classical model without a circuit; circuit.qasm serves model.kind "vqc" and "circuit"`,
  );
}
