import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import axios from "axios";
import { afterEach, describe, expect, it } from "vitest";
import { IamTokenSource } from "../../../providers/ibm/auth.js";
import { baseUrlForCrn, IbmRuntimeClient } from "../../../providers/ibm/client.js";
import { IbmProvider } from "../../../providers/ibm/provider.js";
import { QplaneError } from "../../../src/errors/catalogue.js";
import { type FakeIbmServer, startFakeIbm } from "./fake-server.js";
import { FAST_RETRY, isaCircuit, providerFor } from "./helpers.js";

let fake: FakeIbmServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("IBM authentication", () => {
  it("derives the host from the CRN's region", () => {
    expect(baseUrlForCrn("crn:v1:bluemix:public:quantum-computing:us-east:a/acc:guid::")).toBe(
      "https://quantum.cloud.ibm.com/api/v1",
    );
    expect(baseUrlForCrn("crn:v1:bluemix:public:quantum-computing:eu-de:a/acc:guid::")).toBe(
      "https://eu-de.quantum.cloud.ibm.com/api/v1",
    );
    expect(() => baseUrlForCrn("not-a-crn")).toThrow(/not an IBM Cloud CRN/);
    expect(() =>
      baseUrlForCrn("crn:v1:bluemix:public:quantum-computing:evil.example/x:a/acc:guid::"),
    ).toThrow(/region .* is malformed/);
    const provider = new IbmProvider({
      device: "ibm_fez",
      instanceCrn: "crn:v1:bluemix:public:quantum-computing:eu-de:a/acc:guid::",
      apiKey: "k",
    });
    expect(provider).toBeInstanceOf(IbmProvider);
  });

  it("reuses the token within 80 % of its lifetime and renews it after", async () => {
    fake = await startFakeIbm({ tokenTtlSeconds: 1 });
    const provider = providerFor(fake);
    await provider.status();
    await provider.status();
    expect(fake.iamRequests()).toHaveLength(1);
    await sleep(850); // past 0.8 s, before the fake's 1 s expiry
    await provider.status();
    expect(fake.iamRequests()).toHaveLength(2);
    expect(fake.apiRequests().every((r) => r.status === 200)).toBe(true);
    const tokens = new Set(fake.apiRequests().map((r) => r.headers.authorization));
    expect(tokens.size).toBe(2);
  });

  it("exchanges the key once more and retries once on a 401", async () => {
    fake = await startFakeIbm();
    const provider = providerFor(fake);
    await provider.status();
    fake.revokeTokens(); // the service forgets the token before it expires
    expect((await provider.status()).operational).toBe(true);
    expect(fake.iamRequests()).toHaveLength(2);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
  });

  it("fails fast with an auth error when the key is wrong, never echoing it", async () => {
    fake = await startFakeIbm();
    const secret = "wrong-key-SECRET-42";
    const provider = providerFor(fake, { apiKey: secret });
    const error = (await provider
      .run(isaCircuit, [[0, 0, 0]], { shots: 10 })
      .catch((e) => e)) as Error;
    expect(error).toMatchObject({
      code: "QPLANE_ERR_PROVIDER_AUTH",
      retryable: false,
      message: expect.stringContaining("BXNIM0415E: Provided API key could not be found."),
    });
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
    expect((error as Error & { cause?: unknown }).cause).toBeUndefined();
    expect(fake.iamRequests()).toHaveLength(1);
    expect(fake.apiRequests()).toHaveLength(0);
  });

  it("fails fast when the API keeps answering 401 after a fresh token", async () => {
    fake = await startFakeIbm();
    const provider = providerFor(fake, {
      instanceCrn: "crn:v1:bluemix:public:quantum-computing:us-east:a/other:guid::",
    });
    await expect(provider.status()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_AUTH",
      message: expect.stringMatching(/after a fresh token \(HTTP 401, IBM error 1279: Instance/),
    });
    expect(fake.apiRequests().map((r) => r.status)).toEqual([401, 401]);
    expect(fake.iamRequests()).toHaveLength(2);
  });

  it("refuses a missing key before any request", () => {
    expect(
      () =>
        new IbmProvider({
          device: "ibm_fez",
          instanceCrn: "crn:v1:bluemix:public:quantum-computing:us-east:a/acc:guid::",
          apiKey: "",
        }),
    ).toThrow(/IBM_CLOUD_API_KEY/);
  });
});

describe("the fake enforces headers and token expiry", () => {
  it("answers 401/400 with IBM's error shape for a missing token, CRN or API version", async () => {
    fake = await startFakeIbm();
    const url = `${fake.baseUrl}/backends/fake_lagos/status`;
    const tokens = new IamTokenSource({ apiKey: fake.apiKey, iamUrl: fake.iamUrl });
    const token = await tokens.token();
    const get = (headers: Record<string, string>) =>
      axios.get(url, { headers, validateStatus: () => true });
    const full = {
      Authorization: `Bearer ${token}`,
      "Service-CRN": fake.instanceCrn,
      "IBM-API-Version": "2026-04-15",
    };
    expect((await get(full)).status).toBe(200);
    const noToken = await get({ ...full, Authorization: "" });
    expect(noToken.status).toBe(401);
    expect(noToken.data).toMatchObject({
      errors: [{ code: 1201, message: "Invalid or expired token" }],
      trace: expect.any(String),
    });
    const { "Service-CRN": _crn, ...withoutCrn } = full;
    expect((await get(withoutCrn)).data).toMatchObject({ errors: [{ code: 1206 }] });
    const { "IBM-API-Version": _version, ...withoutVersion } = full;
    const missingVersion = await get(withoutVersion);
    expect(missingVersion.status).toBe(400);
    expect(missingVersion.data).toMatchObject({ errors: [{ code: 1210 }] });
  });

  it("rejects an expired token with 401; the client renews and retries once", async () => {
    fake = await startFakeIbm({ tokenTtlSeconds: 1 });
    // A client whose clock stands still keeps using the token after the fake expired it.
    const tokens = new IamTokenSource({
      apiKey: fake.apiKey,
      iamUrl: fake.iamUrl,
      now: () => 0,
    });
    const client = new IbmRuntimeClient({
      instanceCrn: fake.instanceCrn,
      baseUrl: fake.baseUrl,
      tokens,
      retry: FAST_RETRY,
    });
    await client.get("/backends/fake_lagos/status");
    await sleep(1100);
    const response = await client.get<{ state: boolean }>("/backends/fake_lagos/status");
    expect(response.data.state).toBe(true);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([200, 401, 200]);
    expect(tokens.exchanges).toBe(2);
  });
});

describe("secrets and unreachable hosts", () => {
  it("keeps the API key out of inspected and serialised providers", async () => {
    fake = await startFakeIbm();
    const provider = providerFor(fake);
    await provider.status();
    expect(inspect(provider, { depth: 20, showHidden: true })).not.toContain(fake.apiKey);
    expect(JSON.stringify(provider)).not.toContain(fake.apiKey);
  });

  it("retries network errors a bounded number of times, then fails as unavailable", async () => {
    fake = await startFakeIbm();
    const provider = providerFor(fake, { baseUrl: "http://127.0.0.1:9/api/v1" });
    await expect(provider.status()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_UNAVAILABLE",
      message: expect.stringMatching(
        /failed after 5 attempts: .*ECONNREFUSED.* \(endpoint 127\.0\.0\.1:9\)$/,
      ),
    });
  });

  it("serves calibration properties for layout selection", async () => {
    fake = await startFakeIbm();
    const properties = (await providerFor(fake).properties()) as { qubits: unknown[] };
    expect(properties.qubits).toHaveLength(7);
  });
});

describe("IAM and Runtime endpoint faults are not key refusals", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  /** A local HTTP server answering every request with `status` and `body`; its origin. */
  async function answering(status: number, body: string, type = "text/html"): Promise<string> {
    server = createServer((_request, response) => {
      response.writeHead(status, { "content-type": type }).end(body);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function exchangeError(iamUrl: string): Promise<QplaneError> {
    const tokens = new IamTokenSource({
      apiKey: "k3y-SECRET-123456",
      iamUrl,
      requestTimeoutMs: 5000,
    });
    const error = (await tokens.token().catch((e: unknown) => e)) as QplaneError;
    expect(error).toBeInstanceOf(QplaneError);
    expect(error.message).not.toContain("refused the API key");
    expect(error.message).not.toContain("k3y-SECRET-123456");
    return error;
  }

  it("a wrong IAM URL answering 404 is a misconfigured endpoint named by its host", async () => {
    const origin = await answering(404, "<html>Not Found</html>");
    const error = await exchangeError(`${origin}/wrong/path`);
    expect(error).toMatchObject({ code: "QPLANE_ERR_PROVIDER_ENDPOINT", retryable: false });
    expect(error.message).toBe(
      `IBM Cloud IAM endpoint ${new URL(origin).host} answered HTTP 404 with neither a token nor an IAM error (no access token returned): the IAM URL is probably wrong; the API key was not checked`,
    );
  });

  it("a 400 or 200 without IAM's body is the endpoint's fault too", async () => {
    const bad = await answering(400, '{"message":"bad request"}', "application/json");
    expect((await exchangeError(bad)).code).toBe("QPLANE_ERR_PROVIDER_ENDPOINT");
    server?.close();
    const page = await answering(200, "<html>welcome</html>");
    expect((await exchangeError(page)).code).toBe("QPLANE_ERR_PROVIDER_ENDPOINT");
  });

  it("a 5xx is an unavailable endpoint (retryable), named by its host", async () => {
    const origin = await answering(502, "<html>Bad Gateway</html>");
    const error = await exchangeError(origin);
    expect(error).toMatchObject({ code: "QPLANE_ERR_PROVIDER_UNAVAILABLE", retryable: true });
    expect(error.message).toMatch(
      new RegExp(`^IBM Cloud IAM endpoint ${new URL(origin).host} failed \\(HTTP 502: `),
    );
  });

  it("an unresolvable or closed IAM host is unreachable, named by its host", async () => {
    const dns = await exchangeError("https://iam.does-not-exist.invalid");
    expect(dns.code).toBe("QPLANE_ERR_PROVIDER_UNAVAILABLE");
    expect(dns.message).toMatch(
      /^IBM Cloud IAM endpoint iam\.does-not-exist\.invalid could not be reached \(.+\); check the IAM URL and the network$/,
    );
    const closed = await exchangeError("http://127.0.0.1:9");
    expect(closed.message).toMatch(
      /^IBM Cloud IAM endpoint 127\.0\.0\.1:9 could not be reached \(.*ECONNREFUSED/,
    );
  });

  it("only IAM's key error (400/401/403 with a BXNIM code) means a refused key", async () => {
    const origin = await answering(
      401,
      '{"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found."}',
      "application/json",
    );
    const tokens = new IamTokenSource({ apiKey: "k3y-SECRET-123456", iamUrl: origin });
    await expect(tokens.token()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_AUTH",
      message:
        "IBM Cloud IAM refused the API key (HTTP 401): BXNIM0415E: Provided API key could not be found.",
    });
  });

  it("a Runtime base URL answering 404 without an IBM error is a misconfigured endpoint", async () => {
    fake = await startFakeIbm();
    const origin = await answering(404, "<html>Not Found</html>");
    const provider = providerFor(fake, { baseUrl: `${origin}/api/v1` });
    await expect(provider.status()).rejects.toMatchObject({
      code: "QPLANE_ERR_PROVIDER_ENDPOINT",
      message: expect.stringMatching(
        new RegExp(`^IBM Quantum endpoint ${new URL(origin).host} answered GET /backends/`),
      ),
    });
    // IBM's own 404 (with its error code) stays a rejection
    const unknown = providerFor(fake, { device: "ibm_nowhere" });
    await expect(unknown.status()).rejects.toMatchObject({ code: "QPLANE_ERR_PROVIDER_REJECTED" });
  });
});
