import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// One single-page app for the creator dashboard (/app/…) and the listener pages (/listen/…).
// Assets are served under /ui/ by the web service (and cached by the edge); the HTML shell is
// served for every /app/ and /listen/ path so the client router takes over.
// The dev server (`npm run dev:ui -w @gatehouse/web`) serves from / so /app/… and /listen/… fall
// back to the shell, and sends every API path to the local edge (cookies stay first-party).
export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  base: command === 'build' ? '/ui/' : '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:58080',
      '/billing': 'http://127.0.0.1:58080',
      '/web': 'http://127.0.0.1:58080',
      '/operator': 'http://127.0.0.1:58080',
      '/portal': 'http://127.0.0.1:58080',
      '/v1': 'http://127.0.0.1:58080',
      '/f/': 'http://127.0.0.1:58080',
      '/d/': 'http://127.0.0.1:58080',
      '/m/': 'http://127.0.0.1:58080',
      '/pub/': 'http://127.0.0.1:58080',
    },
  },
}));
