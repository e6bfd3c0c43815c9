import { ApiError } from "../api/client";

/** An error as the user should read it: the cluster's own message, with what kind of refusal
 * it was. Rendered as text (React escapes it). */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  const label = apiError ? statusLabel(apiError) : "Error";
  return (
    <div className="error-message" role="alert">
      <strong>{title ? `${title}: ` : ""}{label}</strong>
      <pre className="error-text">{message}</pre>
    </div>
  );
}

function statusLabel(error: ApiError): string {
  switch (error.status) {
    case 0:
      return "Concord is unreachable";
    case 401:
      return "Not signed in (401)";
    case 403:
      return "Forbidden (403)";
    case 404:
      return "Not found (404)";
    case 409:
      return "Conflict (409)";
    case 410:
      return "Gone (410)";
    case 413:
      return "Too large (413)";
    case 422:
      return "Invalid (422)";
    case 502:
    case 504:
      return `The cluster is unavailable (${error.status})`;
    default:
      return error.status ? `${error.outcome} (${error.status})` : error.outcome;
  }
}
