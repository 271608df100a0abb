// The console is served by Sluice at /ui (src/server/serve-console.ts), so every asset URL starts there.
// JSX is compiled by Vite's own transformer (oxc) with React's automatic runtime: no plugin needed.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single chunk is loaded once and cached (file names carry a content hash).
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npm run dev` in web/ against a Sluice on :8080: the API calls go there.
    proxy: { '/admin/api': 'http://127.0.0.1:8080', '/v1': 'http://127.0.0.1:8080', '/metrics': 'http://127.0.0.1:8080' },
  },
});
