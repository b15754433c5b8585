import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { fileURLToPath } from 'node:url'

const shared = fileURLToPath(new URL('./src/shared', import.meta.url))

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      rollupOptions: {
        input: {
          index: fileURLToPath(new URL('./src/main/electron/index.ts', import.meta.url)),
          // The fine-tuning worker thread is its own entry (loaded by training/workerClient.ts).
          'training-worker': fileURLToPath(new URL('./src/main/core/training/worker.ts', import.meta.url)),
          'head-training-worker': fileURLToPath(new URL('./src/main/core/training/head/headWorker.ts', import.meta.url)),
          // The pre-fill stage threads (decode, preprocess, post-process; loaded by prefill/prefillPool.ts).
          'prefill-worker': fileURLToPath(new URL('./src/main/core/prefill/prefillWorker.ts', import.meta.url))
        }
      }
    }
  },
  preload: {
    resolve: { alias: { '@shared': shared } },
    build: {
      rollupOptions: {
        input: { index: fileURLToPath(new URL('./src/preload/index.ts', import.meta.url)) },
        // Sandboxed preloads cannot load ESM or extra chunks: one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true }
      }
    }
  },
  renderer: {
    root: 'src/renderer',
    resolve: { alias: { '@shared': shared } },
    plugins: [vue()],
    build: { rollupOptions: { input: { index: fileURLToPath(new URL('./src/renderer/index.html', import.meta.url)) } } }
  }
})
