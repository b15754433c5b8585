import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const nativeModules = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws', 'tsx']

/**
 * Layering (DESIGN.md): src/shared is pure TypeScript (no Node, DOM or Electron, nothing outside
 * shared); main, preload and renderer never import each other, only shared.
 */
const layer = (name, forbiddenDirs, forbiddenModules) => ({
  paths: forbiddenModules.map((m) => ({ name: m, message: `${name} must not import ${m} (layering rule, see docs/architecture.md).` })),
  patterns: forbiddenDirs.map((d) => ({ group: [`**/${d}/**`, `**/${d}`], message: `${name} must not import from src/${d} (only @shared crosses layers).` }))
})

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'model/**', 'resources/**', 'bench/results/**', 'test/lint/fixtures/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] } }
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-empty-object-type': 'off',
      'vue/multi-word-component-names': 'off'
    }
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', layer('src/shared', ['main', 'renderer', 'preload'], [...nodeBuiltins, ...nativeModules])],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname', 'localStorage']
    }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-restricted-imports': ['error', layer('src/renderer', ['main', 'preload'], [...nodeBuiltins, ...nativeModules])] }
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', layer('src/preload', ['main', 'renderer'], nativeModules.filter((m) => m !== 'electron'))] }
  },
  {
    files: ['src/main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', layer('src/main', ['renderer', 'preload'], [])] }
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'bin/**', 'test/**/*.{ts,mjs}', 'bench/**/*.ts', '*.config.{js,ts}', 'electron.vite.config.ts'],
    languageOptions: { globals: globals.node }
  }
)
