// Sums the Vitest JSON reports that each project's test target writes into one closing line, and says
// how many were replayed from the Nx cache rather than run now (a report whose Vitest start time is
// before this `npm test` began). With FSNAS_REQUIRE_FRESH_TESTS=1 (CI), a replayed report fails.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'dist/test-results';
const startedMs = Number(process.env.FSNAS_TEST_STARTED_MS ?? 0);
const reports = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const total = { passed: 0, failed: 0, skipped: 0 };
const replayed = [];
for (const file of reports) {
  const r = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  total.passed += r.numPassedTests;
  total.failed += r.numFailedTests;
  total.skipped += r.numPendingTests + r.numTodoTests;
  if (startedMs > 0 && !(r.startTime >= startedMs)) replayed.push(file.replace(/\.json$/, ''));
}
console.log(`\n${reports.length} projects tested (${reports.length - replayed.length} run now, ${replayed.length} replayed from the Nx cache${replayed.length ? `: ${replayed.join(', ')}` : ''})`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (total.passed === 0) process.exitCode = 1;
if (replayed.length > 0 && process.env.FSNAS_REQUIRE_FRESH_TESTS === '1') {
  console.log('test-summary: FSNAS_REQUIRE_FRESH_TESTS=1 but some results were replayed, not run');
  process.exitCode = 1;
}
