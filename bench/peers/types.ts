/** A client under test: something that can GET a path with the session's token handling. */
export interface Peer {
  name: string;
  /** Resolves true when the request ended in a 2xx, false otherwise; must honour the signal. */
  get(path: string, signal: AbortSignal): Promise<boolean>;
}

export interface PeerSetup {
  origin: string;
  tokens: { accessToken: string; refreshToken: string };
}

/** `get` for an axios-based peer: true on 2xx, false on any error. */
export const axiosGet =
  (api: { get(path: string, config: { signal: AbortSignal }): Promise<unknown> }) =>
  (path: string, signal: AbortSignal): Promise<boolean> =>
    api.get(path, { signal }).then(
      () => true,
      () => false,
    );
