import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependency direction of the design (docs/architecture.md): each tag may import only the tags listed.
const allowed = {
  'lib:core': [],
  'lib:nb201': ['lib:core'],
  'lib:benchmark': ['lib:core', 'lib:nb201'],
  'lib:data': ['lib:core'],
  'lib:nn': ['lib:core', 'lib:nb201'],
  'lib:metrics': ['lib:core', 'lib:nb201', 'lib:nn', 'lib:data'],
  'lib:splitting': ['lib:core', 'lib:nb201', 'lib:nn', 'lib:data', 'lib:metrics'],
  'lib:search': ['lib:core', 'lib:nb201', 'lib:nn', 'lib:data', 'lib:benchmark'],
  'lib:analysis': ['lib:core', 'lib:nb201', 'lib:benchmark', 'lib:splitting'],
  'lib:tracking': ['lib:core'],
  // experiments builds the run context (tables, splits, images, backend) that findings' runs read, and
  // lists the project's own splits per budget (every registered metric).
  'lib:experiments': ['lib:core', 'lib:tracking', 'lib:nb201', 'lib:benchmark', 'lib:data', 'lib:nn', 'lib:metrics', 'lib:splitting'],
};
const libs = Object.keys(allowed);

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.venv/**', '.nx/**', '**/*.ipynb'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            ...libs.map((tag) => ({ sourceTag: tag, onlyDependOnLibsWithTags: allowed[tag] })),
            { sourceTag: 'app:experiment', onlyDependOnLibsWithTags: libs },
            { sourceTag: 'app:cli', onlyDependOnLibsWithTags: [...libs, 'app:experiment'] },
            { sourceTag: 'app:notebooks', onlyDependOnLibsWithTags: [...libs, 'app:experiment'] },
            // tools/robustness: the bad-input and fault matrix, which drives the CLI and reads core's data paths.
            { sourceTag: 'app:tool', onlyDependOnLibsWithTags: libs },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
