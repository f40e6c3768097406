/**
 * The log formats a process can write (`LOG_FORMAT`). Defined here, beside the logger that
 * writes them, so the logger needs nothing from the server configuration above it.
 */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
/** `auto`: human-readable lines on a terminal, JSON lines otherwise (files, log collectors). */
export type LogFormat = (typeof LOG_FORMATS)[number];
