/**
 * What New job and New experiment share: the spec editor over a collection's POST, titled
 * "New <noun>" (and "(clone)" when it starts from `?from=<id>`), landing on the created
 * item's page.
 */
import type { Page } from "../router.js";
import { type SpecEditorOptions, specEditorPage } from "./spec-editor.js";

export interface SubmissionKind extends Pick<SpecEditorOptions, "prefix" | "templates" | "check"> {
  /** What is created, as the title names it: `job`. */
  readonly noun: string;
  /** The collection: `jobs` is posted to `/v1/jobs` and its items shown at `/jobs/<id>`. */
  readonly collection: string;
  /** The editor's starting text for a clone of item `id`. */
  readonly cloneText: (id: string) => Promise<string>;
}

/** The editor page for a new `kind`, or for a clone of item `from`. */
export function newSubmissionPage(kind: SubmissionKind, from: string | null): Page {
  const title = `New ${kind.noun}`;
  return specEditorPage({
    title: from === null ? title : `${title} (clone)`,
    submitPath: `/v1/${kind.collection}`,
    pageOf: (id) => `/${kind.collection}/${encodeURIComponent(id)}`,
    prefix: kind.prefix,
    templates: kind.templates,
    ...(from === null ? {} : { initial: () => kind.cloneText(from) }),
    check: kind.check,
  });
}
