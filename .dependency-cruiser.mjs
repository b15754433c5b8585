// Architecture rules (issue #16, docs/architecture.md "Layers"), checked by `npm run lint:arch`.
// test/lint/archRules.test.ts runs this same config on a fixture tree that breaks each rule once.
// Not expressible here, so kept elsewhere: DOM/Node globals in src/shared (ESLint no-restricted-globals,
// eslint.config.js).
import { fileURLToPath } from 'node:url'

const nativeModules = '(^|/)node_modules/(electron|better-sqlite3|sharp|onnxruntime-node|ws|tsx)/'

/** The modules whose classes are the workstation's services (constructed only by the composition root). */
const services = '^src/main/core/(workstation|registerJobs|jobs/runner|events|models/features/context|click/clickState)\\.ts$'

/** `from` layer must not import the `to` layers (only src/shared crosses layers). */
const layer = (name, from, to, why) => ({ name, severity: 'error', comment: why, from: { path: from }, to: { path: to } })

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and the modules inseparable; move the shared piece into its own file.',
      from: {},
      to: { circular: true }
    },
    {
      name: 'shared-imports-only-shared',
      severity: 'error',
      comment: 'src/shared runs in main, preload and renderer alike, so it may import only itself and npm packages such as zod.',
      from: { path: '^src/shared/' },
      to: { pathNot: '^src/shared/|(^|/)node_modules/', dependencyTypesNot: ['core'] }
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'src/shared is pure TypeScript: no Node built-in (fs, path, node:*) so the renderer can load it.',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'shared-no-native-modules',
      severity: 'error',
      comment: 'src/shared must not pull in Electron or native/Node-only packages (better-sqlite3, sharp, onnxruntime-node, ws, tsx).',
      from: { path: '^src/shared/' },
      to: { path: nativeModules }
    },
    layer('renderer-not-main-or-preload', '^src/renderer/', '^src/(main|preload)/', 'The renderer talks to main only through the api object (src/shared/contract).'),
    layer('preload-not-main-or-renderer', '^src/preload/', '^src/(main|renderer)/', 'The preload is a bridge over the shared contract; it runs sandboxed, apart from main and renderer.'),
    layer('main-not-renderer-or-preload', '^src/main/', '^src/(renderer|preload)/', 'Main serves every transport; it must not depend on one front end.'),
    {
      name: 'renderer-no-node',
      severity: 'error',
      comment: 'The renderer is a sandboxed web page: no Node built-ins, Electron or native packages.',
      from: { path: '^src/renderer/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'renderer-no-native-modules',
      severity: 'error',
      comment: 'The renderer is a sandboxed web page: no Electron or native/Node-only packages.',
      from: { path: '^src/renderer/' },
      to: { path: nativeModules }
    },
    {
      name: 'preload-no-native-modules',
      severity: 'error',
      comment: 'The preload runs sandboxed: of the native/Node-only packages it may use only electron.',
      from: { path: '^src/preload/' },
      to: { path: '(^|/)node_modules/(better-sqlite3|sharp|onnxruntime-node|ws|tsx)/' }
    },
    {
      name: 'models-not-training',
      severity: 'error',
      comment: 'Inference (models/**, and the pre-fill and click features built on it) must work without the training code; training builds on models, never the reverse.',
      from: { path: '^src/main/core/(models|prefill|click)/' },
      to: { path: '^src/main/core/training/' }
    },
    {
      name: 'sqlite-only-in-store',
      severity: 'error',
      comment: 'SQL lives in src/main/core/store (docs/store.md): other main code reads and writes through the repositories.',
      from: { path: '^src/main/', pathNot: '^src/main/core/store/' },
      to: { path: '(^|/)node_modules/better-sqlite3/' }
    },
    {
      name: 'store-internals-stay-in-store',
      severity: 'error',
      comment: "The connection (store/db.ts, store/rawDb.ts) is the store's own; tests and benches may look under it, src may not.",
      from: { path: '^src/', pathNot: '^src/main/core/store/' },
      to: { path: '^src/main/core/store/(db|rawDb)\\.ts$' }
    },
    {
      name: 'only-composition-root-constructs-services',
      severity: 'error',
      comment: 'Services are built and wired in one place, src/main/core/app.ts (createWorkstation); everyone else gets them from the workstation and may import these modules for their types only.',
      from: { path: '^src/', pathNot: '^src/main/core/app\\.ts$' },
      to: { path: services, dependencyTypesNot: ['type-only'] }
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import the cruiser cannot resolve escapes every rule above.',
      from: {},
      to: { couldNotResolve: true }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: they tie modules together just as much for the reader and for cycles.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: fileURLToPath(new URL('./tsconfig.node.json', import.meta.url)) },
    // pinia and vite/client resolve only through package.json "exports".
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.vue', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types']
    },
    exclude: { path: '(^|/)test/lint/fixtures/' }
  }
}
