/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the UI with hot reload and sends API calls to a running
// `concord serve` (CONCORD_URL, default http://127.0.0.1:8080).
const api = process.env.CONCORD_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // The first load must stay small: the editor (CodeMirror) is split off and loaded on demand.
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { "/api": { target: api, changeOrigin: false } } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
