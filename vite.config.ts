import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

/**
 * Cross-origin isolation gives onnxruntime-web its WASM threads (SharedArrayBuffer).
 * Without these headers the app still works, single-threaded.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base: dist/ works from any sub-path of a plain static host.
  base: './',
  plugins: [react(), tailwindcss()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // onnxruntime's wasm (~20 MB) is an asset, not something to inline.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  // transformers.js ships its own ESM build; pre-bundling it breaks the wasm URL handling.
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
});
