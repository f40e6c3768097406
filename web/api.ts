/**
 * Every request to the API goes through `api()`: it adds the API key (kept in this tab's
 * sessionStorage, sent as a Bearer token) and, on a 401, asks for a key and retries, so a
 * page never has to handle authentication itself.
 */

const KEY_STORAGE = "qplane.apiKey";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

/** One pending prompt however many requests got a 401 at the same time. */
let keyPrompt: Promise<void> | null = null;

/** Shows the key dialog; resolves when a key has been entered. */
export function promptForKey(reason: string): Promise<void> {
  keyPrompt ??= new Promise<void>((resolve) => {
    const dialog = document.getElementById("key-dialog") as HTMLDialogElement;
    const form = document.getElementById("key-form") as HTMLFormElement;
    const input = document.getElementById("key-input") as HTMLInputElement;
    (document.getElementById("key-reason") as HTMLElement).textContent = reason;
    input.value = "";
    const onSubmit = () => {
      const key = input.value.trim();
      if (key === "") return;
      storeKey(key);
      form.removeEventListener("submit", onSubmit);
      keyPrompt = null;
      resolve();
    };
    form.addEventListener("submit", onSubmit);
    // requests are waiting on this key: Escape must not leave them hanging
    dialog.addEventListener("cancel", (event) => event.preventDefault(), { once: true });
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
  return keyPrompt;
}

function withKey(init: RequestInit): RequestInit {
  const key = storedKey();
  if (key === null) return init;
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${key}`);
  return { ...init, headers };
}

/** The API's error envelope `{"error": {"code", "message"}}` as an ApiError. */
async function errorOf(response: Response): Promise<ApiError> {
  let code = "HTTP_ERROR";
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message);
}

/** fetch() with the key; a 401 prompts for a key and retries. Non-2xx → ApiError. */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const response = await fetch(path, withKey(init));
    if (response.status === 401) {
      const error = await errorOf(response);
      await promptForKey(
        storedKey() === null
          ? "This server needs an API key."
          : `The key was refused: ${error.message}`,
      );
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await api(path, init)).json() as Promise<T>;
}

export function post<T>(path: string): Promise<T> {
  return apiJson<T>(path, { method: "POST" });
}

/** POSTs `body` as JSON (with any extra headers, e.g. an Idempotency-Key). */
export function postJson<T>(
  path: string,
  body: unknown,
  init: { readonly headers?: Record<string, string>; readonly signal?: AbortSignal } = {},
): Promise<T> {
  return apiJson<T>(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
}

/** Downloads an authenticated resource: fetched with the key, saved through a blob link. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await api(path)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // the click has started the download; the URL is no longer needed after this task
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
