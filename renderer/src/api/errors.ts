// A failed API call as an Error carrying the Kubernetes Status (code, reason, field causes).
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface Status {
  kind?: 'Status';
  code?: number;
  reason?: string;
  message?: string;
  details?: { causes?: StatusCause[] };
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: Status,
  ) {
    super(status.message || `request failed with HTTP ${code}`);
    this.name = 'ApiError';
  }

  get causes(): StatusCause[] {
    return this.status.details?.causes ?? [];
  }
}

/** Reads a failed response into an ApiError (a Status, an app API `{error}`, or plain text). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let status: Status = { code: res.status, message: text.trim() || res.statusText };
  try {
    const body = JSON.parse(text) as Status & { error?: string; hint?: string };
    if (body.kind === 'Status') status = body;
    else if (body.error)
      status = { code: res.status, message: body.hint ? `${body.error} (${body.hint})` : body.error };
  } catch {
    // not JSON: keep the text
  }
  if (res.status === 401)
    status = { ...status, message: 'Your session ended. Open the login link that flotilla printed again.' };
  return new ApiError(res.status, status);
}
