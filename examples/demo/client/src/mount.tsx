import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles.css';
import type { Variant } from './variant.js';

/** Mounts the client whose path prefix matches the page; the first entry (prefix '') is the default. */
export function mount(variants: Array<[prefix: string, create: () => Variant]>) {
  const [, create] =
    variants.find(([prefix]) => prefix && window.location.pathname.startsWith(prefix)) ?? variants[0]!;
  createRoot(document.getElementById('root')!).render(<App variant={create()} />);
}
