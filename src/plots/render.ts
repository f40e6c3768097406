/**
 * The one place a chart becomes pixels: a Vega-Lite spec is compiled to Vega, run headless
 * (`renderer: "none"`) and serialised with the SVG string renderer. No DOM, no canvas, no
 * fonts and no network: every spec built in `src/plots/` carries its data inline, and the
 * view gets a loader that refuses all URLs and files, so a spec that tries to fetch fails
 * loudly instead of reaching out. Without the optional `canvas` package vega estimates text
 * widths from character counts, which keeps the output identical on every machine.
 */
import { type Loader, type LoggerInterface, parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type { TopLevelSpec } from "vega-lite";

/** Vega log levels (vega-util): 0 none, 1 error, 2 warn, 3 info, 4 debug. */
const LOG_WARN = 2;

/** Vega reports a failed data load as a warning; here it fails the render. */
const FATAL_WARNING = /^(Loading failed|Data ingestion failed)/;

/**
 * Collects errors and fatal warnings; drops other warnings (and never writes to the
 * console), so a CLI progress bar is not interleaved with log lines.
 */
function collectingLogger(errors: string[]): LoggerInterface {
  let level = LOG_WARN;
  const logger: LoggerInterface = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(args.map(String).join(" "));
      return logger;
    },
    warn(...args: unknown[]) {
      const message = args.map(String).join(" ");
      if (FATAL_WARNING.test(message)) errors.push(message);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new Error(`plots are rendered offline; refusing to load ${what}`));
}

const offlineLoader: Loader = {
  load: (uri) => refuse(uri),
  sanitize: (uri) => refuse(uri),
  http: (uri) => refuse(uri),
  file: (filename) => refuse(filename),
};

/** Compile a Vega-Lite spec and render it to standalone SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const errors: string[] = [];
  const logger = collectingLogger(errors);
  const { spec: vegaSpec } = compile(spec, { logger });
  const view = new View(parse(vegaSpec), {
    renderer: "none",
    loader: offlineLoader,
    logger,
    logLevel: LOG_WARN,
  });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) {
      throw new Error(`chart rendering failed: ${errors.join("; ")}`);
    }
    return svg;
  } finally {
    view.finalize();
  }
}
