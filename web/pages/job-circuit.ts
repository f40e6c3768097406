/**
 * The job page's circuit view (`GET /v1/jobs/:id/circuit.qasm`): the model's program and, on
 * a transpiling backend (IBM), the ISA program its run sent (`?program=sent`), each as text
 * with a download. Fetched when the panel is first opened; where there is no such program
 * (a classical model, a backend that runs circuits as written, a run that has not submitted
 * yet) the server's reason is shown instead.
 */
import { ApiError, api, download } from "../api.js";
import { errorBox, h } from "../dom.js";

const PROGRAMS = [
  { program: "model", title: "Program" },
  { program: "sent", title: "Sent to the device (transpiled ISA program)" },
] as const;

export function jobCircuitPanel(id: string, signal: AbortSignal): HTMLElement {
  const path = `/v1/jobs/${encodeURIComponent(id)}/circuit.qasm`;
  const sections = PROGRAMS.map(({ program, title }) => {
    const body = h("div", {}, h("p", { class: "muted small" }, "Loading…"));
    const section = h("section", { "data-program": program }, h("h3", {}, title), body);
    return { program, section, body };
  });
  const panel = h(
    "details",
    { class: "panel circuit", "data-panel": "circuit" },
    h("summary", {}, "Circuit (OpenQASM 3)"),
    ...sections.map((entry) => entry.section),
  );

  const load = async (program: string, body: HTMLElement) => {
    const url = `${path}?program=${program}`;
    try {
      const text = await (await api(url, { signal })).text();
      const save = h(
        "button",
        { type: "button", "data-action": `download-${program}` },
        "Download",
      );
      save.addEventListener("click", () => {
        download(url, `${id}-${program}.qasm`).catch((error: unknown) =>
          body.append(errorBox(error)),
        );
      });
      body.replaceChildren(save, h("pre", { class: "qasm mono" }, text));
    } catch (error) {
      if (signal.aborted) return;
      // 404 here is an answer (no such program), not a failure of the page
      body.replaceChildren(
        error instanceof ApiError && error.status === 404
          ? h("p", { class: "muted", "data-role": "no-program" }, error.message)
          : errorBox(error),
      );
    }
  };

  let loaded = false;
  panel.addEventListener("toggle", () => {
    if (!panel.open || loaded) return;
    loaded = true;
    for (const { program, body } of sections) void load(program, body);
  });
  return panel;
}
