import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { VitePWA } from 'vite-plugin-pwa';
// With its extension: Vite's config loader warns about extensionless imports (and will require them).
import { bundledModel } from './tools/bundled-model/vite-plugin.ts';

/**
 * Cross-origin isolation gives onnxruntime-web its WASM threads (SharedArrayBuffer).
 * Without these headers the app still works, single-threaded.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const THEME_COLOR = '#4f46e5';

/**
 * Content Security Policy of the page (the worker's own policy comes from its response headers, see
 * public/_headers). Scripts only from this origin (+ WebAssembly compilation), no inline scripts, no
 * plugins. The page itself never fetches models: the inference worker does, so the page may connect
 * to its own origin only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * Puts the policy into the built index.html only, first in <head>. `npm run dev` serves without it:
 * Vite's dev server injects CSS as inline <style> elements and its client as an inline module, which
 * `style-src 'self'` would block (an unstyled page on a newcomer's first look).
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'uniner-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/** Favicon and Apple touch icon links, relative like everything else in index.html. */
function iconLinks(): Plugin {
  return {
    name: 'uniner-icon-links',
    transformIndexHtml: () => [
      { tag: 'link', attrs: { rel: 'icon', type: 'image/png', href: './favicon-32.png' }, injectTo: 'head' },
      { tag: 'link', attrs: { rel: 'apple-touch-icon', href: './apple-touch-icon.png' }, injectTo: 'head' },
    ],
  };
}

export default defineConfig({
  // Relative base: dist/ works from any sub-path of a plain static host.
  base: './',
  plugins: [
    react(),
    tailwindcss(),
    contentSecurityPolicy(),
    iconLinks(),
    // SmolLM2-135M under models/ (UNINER_BUNDLE_MODEL=0 leaves it out); real 404s under /models/.
    bundledModel(),
    VitePWA({
      // A new version waits until the person clicks "Reload" in the update toast (never mid-run).
      registerType: 'prompt',
      // src/lib/service-worker.ts registers it (production builds only) with workbox-window.
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // globPatterns below already lists every icon; adding them again gives duplicate precache
      // entries, which make the service worker's install fail.
      includeManifestIcons: false,
      manifest: {
        id: './',
        name: 'UniNER Web',
        short_name: 'UniNER',
        description:
          'Open named-entity recognition that runs entirely in your browser: paste a passage, name entity types, see the spans.',
        lang: 'en',
        theme_color: THEME_COLOR,
        background_color: '#f8fafc',
        display: 'standalone',
        // Relative to the manifest's URL, so the app installs correctly from any sub-path.
        start_url: './',
        scope: './',
        categories: ['productivity', 'utilities'],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell plus the engine: the worker chunk and onnxruntime's .mjs/.wasm (~27 MB).
        // (The plugin adds manifest.webmanifest itself.)
        globPatterns: ['**/*.{html,js,mjs,css,wasm,png,svg,ico}'],
        // Model folders (the bundled SmolLM2, ~190 MB; a self-hosted one) are never precached: the engine
        // keeps what it loads in transformers.js's own cache, so one online visit still makes it offline.
        globIgnores: ['models/**'],
        // Workbox silently leaves out files over 2 MiB otherwise — the .wasm among them.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // Vite's hashed assets need no revision query.
        dontCacheBustURLsMatching: /^assets\/.+-[\w-]{8}\.\w+$/,
        // No runtime caching at all: model files live in transformers.js's own Cache Storage
        // ('transformers-cache'); a second copy here would double the disk use of multi-GB models.
        runtimeCaching: [],
      },
      // `npm run dev` registers no service worker (a stale SW in development is a trap).
      devOptions: { enabled: false },
    }),
  ],
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
