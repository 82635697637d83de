/// <reference types="vite/client" />
import type { EngineClient } from './lib/engine-client';

declare global {
  interface ImportMetaEnv {
    /** Folder URL (or Hub id) of a converted UniNER-7B ONNX export; empty means "not configured". */
    readonly VITE_UNINER_MODEL_URL?: string;
  }

  interface Window {
    /** Scripting and e2e hook: the live engine client of this page. */
    uninerDebug?: { readonly client: EngineClient };
  }
}
