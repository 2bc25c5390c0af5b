import { createLazyVariant } from './lazy/variant.js';
import { mount } from './mount.js';
import { createResilientVariant } from './resilient/variant.js';

// One bundle, two clients: /lazy/... is built the way the tutorials teach, everything else with expiryproof.
mount([
  ['', createResilientVariant],
  ['/lazy', createLazyVariant],
]);
