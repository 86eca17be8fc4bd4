import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFsnas as fsnas } from './testing';

describe('fsnas validate splits', () => {
  it("compares a computed split with the paper's level by level, and reuses the finished tree on a rerun", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-validate-'));
    const r = await fsnas('validate', 'splits', '--metrics', 'num_params', '--dir', dir, '--json');
    expect(r.status).toBe(0);
    const { rows, computed } = JSON.parse(r.stdout) as { computed: string[]; rows: { metric: string; sameLeavesInOrder: boolean; levelDistances: number[]; timing: { seconds: number; resumed: boolean; backend: string } }[] };
    expect(computed).toEqual(['num_params']);
    // num_params depends on neither data nor initialisation: an exact-match target (linear_regions: splitter.test.ts).
    expect(rows.map((row) => row.metric)).toEqual(['num_params']);
    for (const row of rows) {
      expect(row).toMatchObject({ sameLeavesInOrder: true, levelDistances: [0, 0, 0] });
      expect(row.timing).toMatchObject({ resumed: false, backend: expect.stringMatching(/^(wasm|cpu|node|node-gpu)$/) });
    }
    expect(readdirSync(dir).sort()).toEqual(['num_params.json', 'num_params.timing.json']);
    const again = await fsnas('validate', 'splits', '--metrics', 'num_params', '--dir', dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/num_params\s+true\s+true\s+0\.00 \/ 0\.00 \/ 0\.00/);
    expect(again.stderr).not.toMatch(/split num_params/); // reused, not recomputed
  });

  it('names the available metrics for one the paper did not split with', async () => {
    const r = await fsnas('validate', 'splits', '--metrics', 'fisher');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no CIFAR-10 split for 'fisher'; available: gradient_matching, .*num_params/);
  });
});
