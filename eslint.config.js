import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import globals from 'globals'

/**
 * Layering (DESIGN.md) is checked by dependency-cruiser (.dependency-cruiser.mjs, `npm run lint:arch`):
 * which module may import which. ESLint keeps what an import graph cannot show: src/shared uses no
 * DOM or Node globals.
 */
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
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname', 'localStorage']
    }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser }
  },
  {
    files: ['src/main/**/*.ts'],
    languageOptions: { globals: globals.node }
  },
  {
    files: ['scripts/**/*.{js,mjs,ts}', 'bin/**', 'test/**/*.{ts,mjs}', 'bench/**/*.ts', '*.config.{js,ts}', 'electron.vite.config.ts'],
    languageOptions: { globals: globals.node }
  }
)
