/** What the pages need from an HTTP client; the resilient and the lazy variant each provide one. */
export interface ApiClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/** How a variant signs a person in and out. */
export interface Auth {
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Whether a protected page can be shown without signing in first. */
  hasSession(): boolean;
}

/** An error with the server's message, for display. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON response, turning non-2xx answers into ApiError with the server's message. */
export async function readJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? `HTTP ${response.status}`);
  return body as T;
}

export const DEMO_CREDENTIALS = { email: 'demo@example.com', password: 'demo-password' };
