import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { createLazyVariant } from './lazy/variant.js';
import { createResilientVariant } from './resilient/variant.js';
import './styles.css';

// One bundle, two clients: /lazy/... is built the way the tutorials teach, everything else with expiryproof.
const variant = window.location.pathname.startsWith('/lazy') ? createLazyVariant() : createResilientVariant();
createRoot(document.getElementById('root')!).render(<App variant={variant} />);
