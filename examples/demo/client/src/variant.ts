import type { ComponentType, ReactNode } from 'react';
import type { ApiClient, Auth } from './api.js';

/** A client variant: where its pages live, how it talks to the API, and what wraps its pages. */
export interface Variant {
  name: string;
  /** Path prefix of its pages: '' or '/lazy'. */
  base: string;
  api: ApiClient;
  /** Whether unsaved form input survives leaving the page. */
  drafts: boolean;
  auth: Auth;
  Shell: ComponentType<{ children: ReactNode }>;
}
