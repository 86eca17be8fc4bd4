import { defineConfig } from 'vitest/config';

// One configuration for every project: Nx passes each project's folder with --dir.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tensor-heavy suites run one file at a time per project: the machine has two cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
