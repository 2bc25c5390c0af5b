import { useEffect, useState } from 'react';
import type { ApiClient } from '../api.js';

export const PANELS = ['visits', 'signups', 'revenue', 'errors', 'latency', 'uptime'] as const;

/** A third-party status widget, called through the same client: the bearer token must not go there. */
export const STATUS_URL = 'https://status.example.test/v1/status';

type PanelState =
  | { kind: 'loading' }
  | { kind: 'loaded'; value: number }
  | { kind: 'failed'; message: string };

/** Fires one request per panel at the same moment, the way dashboards do on load. */
export function DashboardPage({ api }: { api: ApiClient }) {
  const [panels, setPanels] = useState<Record<string, PanelState>>(() =>
    Object.fromEntries(PANELS.map((name) => [name, { kind: 'loading' }])),
  );

  const [status, setStatus] = useState('checking…');

  useEffect(() => {
    api
      .get<{ status: string }>(STATUS_URL)
      .then((data) => setStatus(data.status))
      .catch(() => setStatus('unavailable'));
    for (const name of PANELS) {
      api
        .get<{ value: number }>(`/api/dashboard/${name}`)
        .then((data) => setPanels((all) => ({ ...all, [name]: { kind: 'loaded', value: data.value } })))
        .catch((error: Error) =>
          setPanels((all) => ({ ...all, [name]: { kind: 'failed', message: error.message } })),
        );
    }
  }, [api]);

  return (
    <section>
      <h1>Dashboard</h1>
      <div className="panels">
        {PANELS.map((name) => {
          const state = panels[name]!;
          return (
            <article key={name} data-panel={name} className={`panel ${state.kind}`}>
              <h2>{name}</h2>
              <p>{state.kind === 'loaded' ? state.value : state.kind === 'failed' ? state.message : '…'}</p>
            </article>
          );
        })}
      </div>
      <aside data-widget="status" className="status-widget">
        Service status (third party): {status}
      </aside>
    </section>
  );
}
