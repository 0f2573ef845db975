// Calls to the gateway with the signed-in key; every non-2xx answer becomes an ApiError carrying the problem+json
// (an OpenAI-shaped /v1/ error is read as one).
const KEY = 'ladd.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  /** {field: message} from the problem's "errors" list. */
  fieldErrors() {
    const out = {};
    for (const e of this.problem.errors || []) out[e.field] = e.message;
    return out;
  }
}

async function call(method, path, body, accept) {
  const headers = { Authorization: `Bearer ${apiKey() || ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: `${method} ${path}: ${e.message}` });
  }
  if (!response.ok) {
    let problem;
    const text = await response.text();
    try { problem = JSON.parse(text); } catch { problem = { title: `HTTP ${response.status}`, detail: text.slice(0, 300) }; }
    if (problem && typeof problem.error === 'object' && problem.error) {
      // /v1/ (the playground's images API) answers in OpenAI's shape: {"error": {"message", "type", "param", "code"}}
      const e = problem.error;
      problem = { title: e.type || `HTTP ${response.status}`, detail: e.message,
        errors: e.param ? [{ field: e.param, message: e.message }] : [] };
    }
    if (!problem.title) problem.title = `HTTP ${response.status}`;
    problem.status = response.status;
    throw new ApiError(response.status, problem);
  }
  return response;
}

export async function get(path) {
  return (await call('GET', path)).json();
}

export async function post(path, body) {
  const response = await call('POST', path, body ?? {});
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** A PNG (or other image) as an object URL, since an <img src> cannot send the key. */
export async function imageUrl(path) {
  const blob = await (await call('GET', path, undefined, 'image/png')).blob();
  return URL.createObjectURL(blob);
}

/** Checkpoint ids contain '/': one path segment, URL-encoded. */
export const seg = (id) => encodeURIComponent(id);
