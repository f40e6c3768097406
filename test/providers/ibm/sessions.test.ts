import { describe, expect, it } from "vitest";
import type { RunOutcome, RunScope } from "../../../providers/types.js";
import { emitQasm3 } from "../../../src/circuits/qasm3/emit.js";
import type { TrainingResult } from "../../../src/training/loop.js";
import { type PreparedRun, withinRunScope } from "../../../src/training/run.js";
import { FAKE_SESSION_CLOSED, FAKE_SESSION_NOT_FOUND, type FakeIbmServer } from "./fake-server.js";
import {
  clientFor,
  ISA_ROWS,
  isaCircuit,
  providerFor,
  samplerJobPosts,
  useFreshFakeIbm,
} from "./helpers.js";

let fake: FakeIbmServer;
useFreshFakeIbm((started) => (fake = started));

const rows = ISA_ROWS.slice(0, 2);

const sessionRequests = () =>
  fake.requests
    .filter((r) => r.path.startsWith("/api/v1/sessions"))
    .map((r) => ({ method: r.method, path: r.path, body: r.body, status: r.status }));
const jobPosts = () => samplerJobPosts(fake);
/** A session request as `sessionRequests()` lists it. */
const sessionRequest = (method: string, path: string, body: unknown, status: number) => ({
  method,
  path,
  body,
  status,
});
/** The request that opens a session in `mode` on the fake's device, for `maxTtl` seconds at most. */
const openSession = (mode: string, maxTtl: number) =>
  sessionRequest("POST", "/api/v1/sessions", { mode, backend: "fake_lagos", max_ttl: maxTtl }, 200);

describe("IBM execution modes: one session per run scope", () => {
  it("batch: the first submission opens one session, every job carries its id, a completed run closes it gracefully", async () => {
    const provider = providerFor(fake, { executionMode: "batch" });
    const scope = provider.openRunScope();
    expect(sessionRequests()).toEqual([]); // opening a scope sends nothing
    // two concurrent first submissions share one session
    const [a, b] = await Promise.all([
      scope.run(isaCircuit, rows, { shots: 20 }),
      scope.run(isaCircuit, rows, { shots: 20 }),
    ]);
    const c = await scope.run(isaCircuit, rows, { shots: 20 });
    await Promise.all([a.result(), b.result(), c.result()]);
    const [session] = [...fake.sessions.values()];
    expect(fake.sessions.size).toBe(1);
    expect(session).toMatchObject({ mode: "batch", backend: "fake_lagos", maxTtl: 28_800 });
    expect(jobPosts().map((r) => (r.body as { session_id?: string }).session_id)).toEqual([
      session!.id,
      session!.id,
      session!.id,
    ]);
    expect(jobPosts()[2]!.body).toEqual({
      program_id: "sampler",
      backend: "fake_lagos",
      session_id: session!.id,
      params: { pubs: [[emitQasm3(isaCircuit), rows, 20]], version: 2, support_qiskit: false },
    });

    await scope.close("completed");
    await scope.close("completed"); // idempotent
    expect(sessionRequests()).toEqual([
      openSession("batch", 28_800),
      sessionRequest("PATCH", `/api/v1/sessions/${session!.id}`, { accepting_jobs: false }, 204),
    ]);
    expect(session).toMatchObject({ acceptingJobs: false, closed: false });
    await expect(scope.run(isaCircuit, rows, { shots: 20 })).rejects.toThrow(
      /session is already closed/,
    );
    expect(jobPosts()).toHaveLength(3);
  });

  it("session: opens a dedicated session with the configured max_ttl; a cancelled run closes it at once", async () => {
    fake.queuedPolls = 1_000_000;
    const provider = providerFor(fake, { executionMode: "session", sessionMaxTtlSeconds: 3600 });
    const scope = provider.openRunScope();
    const handle = await scope.run(isaCircuit, rows, { shots: 20 });
    const [session] = [...fake.sessions.values()];
    await scope.close("cancelled");
    expect(sessionRequests()).toEqual([
      openSession("dedicated", 3600),
      sessionRequest("DELETE", `/api/v1/sessions/${session!.id}/close`, undefined, 204),
    ]);
    expect(session).toMatchObject({ mode: "dedicated", closed: true });
    // the fake cancels what the session had pending; the handle sees it
    await expect(handle.result()).rejects.toMatchObject({ code: "QPLANE_ERR_RUN_CANCELLED" });
    expect(await handle.status()).toBe("cancelled");
  });

  it("a failed run closes its session at once too", async () => {
    const scope = providerFor(fake, { executionMode: "batch" }).openRunScope();
    await (await scope.run(isaCircuit, rows, { shots: 5 })).result();
    await scope.close("failed");
    expect(sessionRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/sessions",
      `DELETE /api/v1/sessions/${[...fake.sessions.keys()][0]}/close`,
    ]);
  });

  it("treats an expired session as closed, and names the session when closing keeps failing", async () => {
    const expired = providerFor(fake, { executionMode: "batch" }).openRunScope();
    await (await expired.run(isaCircuit, rows, { shots: 5 })).result();
    fake.sessions.clear(); // max_ttl passed: the service no longer knows it
    await expect(expired.close("completed")).resolves.toBeUndefined();

    const scope = providerFor(fake, {
      executionMode: "batch",
      sessionMaxTtlSeconds: 600,
    }).openRunScope();
    await (await scope.run(isaCircuit, rows, { shots: 5 })).result();
    const id = [...fake.sessions.keys()][0]!;
    fake.injectFault({ status: 503, count: 5 });
    await expect(scope.close("cancelled")).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      message: expect.stringMatching(
        new RegExp(
          `^the run ended \\(cancelled\\) but its IBM session ${id} could not be closed \\(IBM Quantum DELETE /sessions/${id}/close failed after 5 attempts: HTTP 503.*\\); it ends by itself after max_ttl = 600 s$`,
        ),
      ),
    });
    expect(fake.sessions.get(id)?.closed).toBe(false);
  });

  it("job mode and unused scopes send no session requests", async () => {
    const jobScope = providerFor(fake).openRunScope();
    await (await jobScope.run(isaCircuit, rows, { shots: 5 })).result();
    await jobScope.close("completed");
    expect(jobPosts()[0]!.body).not.toHaveProperty("session_id");
    const unused = providerFor(fake, { executionMode: "session" }).openRunScope();
    await unused.close("cancelled");
    expect(sessionRequests()).toEqual([]);
    // a bare run of a batch-mode provider (no scope) is a standalone job
    await (
      await providerFor(fake, { executionMode: "batch" }).run(isaCircuit, rows, {
        shots: 5,
      })
    ).result();
    expect(jobPosts()[1]!.body).not.toHaveProperty("session_id");
    expect(fake.sessions.size).toBe(0);
  });

  it("explains IBM's 1352 when the Open plan refuses a dedicated session, and submits nothing", async () => {
    fake.plan = "open";
    const scope = providerFor(fake, { executionMode: "session" }).openRunScope();
    const error = await scope.run(isaCircuit, rows, { shots: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "QPLANE_ERR_PROVIDER_REJECTED",
      retryable: false,
      message: expect.stringMatching(
        /^IBM refused a dedicated session on fake_lagos \(HTTP 403, IBM error 1352: You are not authorized to run a session when using the open plan\. \[trace [\w-]+\]\): the instance's plan \(Open\) cannot run dedicated sessions; set executionMode: "batch" \(or "job"\) for this backend$/,
      ),
    });
    expect(jobPosts()).toHaveLength(0);
    await scope.close("failed"); // nothing was opened: nothing to close
    expect(sessionRequests().map((r) => r.method)).toEqual(["POST"]);
    // batch mode is allowed on the Open plan
    const batch = providerFor(fake, { executionMode: "batch" }).openRunScope();
    await (await batch.run(isaCircuit, rows, { shots: 5 })).result();
    expect(fake.sessions.size).toBe(1);
  });

  it("the fake refuses jobs naming an unknown or closed session with IBM's error body", async () => {
    const client = clientFor(fake);
    const job = (sessionId: string) => ({
      program_id: "sampler",
      backend: "fake_lagos",
      session_id: sessionId,
      params: { pubs: [[emitQasm3(isaCircuit), rows, 5]], version: 2 },
    });
    const unknown = await client.post("/jobs", job("no-such-session"), {
      acceptStatuses: [404],
    });
    expect(unknown.status).toBe(404);
    expect(unknown.data).toMatchObject({
      errors: [{ code: FAKE_SESSION_NOT_FOUND, message: "Session no-such-session not found" }],
      trace: expect.any(String),
    });
    const opened = await client.post<{ id: string }>("/sessions", {
      mode: "batch",
      backend: "fake_lagos",
    });
    expect(fake.sessions.get(opened.data.id)?.maxTtl).toBe(28_800); // the documented default
    await client.delete(`/sessions/${opened.data.id}/close`);
    await expect(client.post("/jobs", job(opened.data.id))).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_REJECTED",
      message: expect.stringContaining(
        `HTTP 409, IBM error ${FAKE_SESSION_CLOSED}: Session ${opened.data.id} is closed and accepts no new jobs`,
      ),
    });
    await expect(
      client.post("/sessions", { mode: "exclusive", backend: "fake_lagos" }),
    ).rejects.toThrow(/mode must be "batch" or "dedicated", got "exclusive"/);
  });
});

describe("withinRunScope (how runTraining and the worker end a run's scope)", () => {
  const closes: RunOutcome[] = [];
  const scope = (closeError?: Error): RunScope =>
    ({
      close: async (outcome: RunOutcome) => {
        closes.push(outcome);
        if (closeError) throw closeError;
      },
    }) as unknown as RunScope;
  const prepared = (s: RunScope) => ({ scope: s }) as unknown as PreparedRun;
  const finished = (status: "completed" | "cancelled") => async () =>
    ({ status }) as unknown as TrainingResult;

  it("closes with the run's outcome: completed, cancelled, or failed (rethrowing the training error)", async () => {
    closes.length = 0;
    await withinRunScope(prepared(scope()), finished("completed"));
    await withinRunScope(prepared(scope()), finished("cancelled"));
    const boom = new Error("device exploded");
    await expect(
      withinRunScope(prepared(scope(new Error("close failed too"))), async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(closes).toEqual(["completed", "cancelled", "failed"]);
  });

  it("reports a close failure after a finished run to onCloseError, or throws it without one", async () => {
    const failure = new Error("PATCH failed");
    const seen: unknown[] = [];
    const result = await withinRunScope(prepared(scope(failure)), finished("completed"), (e) =>
      seen.push(e),
    );
    expect(result.status).toBe("completed");
    expect(seen).toEqual([failure]);
    await expect(withinRunScope(prepared(scope(failure)), finished("completed"))).rejects.toBe(
      failure,
    );
  });
});
