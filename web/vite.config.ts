import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web app. Run from the repo root: `npx vite --config web/vite.config.ts` (dev) or `npx vite build --config web/vite.config.ts`. */
const root = fileURLToPath(new URL('.', import.meta.url));
const server = process.env.COMPTOIR_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The app is one chunk, loaded once and cached (about 800 kB minified, 230 kB gzipped): Vite's warning at
    // 500 kB would only be noise on a first `npm start` or `npm run demo`. It still warns if the app grows
    // half as large again.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/healthz': { target: server, changeOrigin: false },
      '/ws': { target: server, ws: true, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: server },
      '/healthz': { target: server },
      '/ws': { target: server, ws: true },
    },
  },
});
