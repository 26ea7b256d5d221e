import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';
import { bundleSizes } from './bundle-sizes.ts';

// In development the Vite dev server stands in for the control plane's static hosting: the REST APIs
// and the runtime configuration are proxied to the control plane.
const controlPlane = process.env.APIM_CONTROL_PLANE_URL ?? 'http://127.0.0.1:9443';

export default defineConfig({
  // the catalogue is where a visitor lands first (the start page of anyone not a publisher)
  plugins: [react(), bundleSizes({ firstRoute: 'devportal/routes.tsx', limitKb: 250 })],
  // Workspace packages (@apim/contracts) export their TypeScript sources under "source".
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'build', emptyOutDir: true, sourcemap: false },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target: controlPlane, changeOrigin: true },
      '/console-config.json': { target: controlPlane, changeOrigin: true },
    },
  },
});
