import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { f2Export, f2SearchesOfExport, type F2Export } from './export';

// Every F2 table committed in docs/results (written by `fsnas analyze f2 --export docs/results/`).
const RESULTS = join(workspaceRoot(), 'docs', 'results');
const committed = readdirSync(RESULTS).filter((f) => /^F2-[a-z]+-[\w-]+\.json$/.test(f));

describe('committed F2 exports', () => {
  it('exist', () => expect(committed.length).toBeGreaterThan(0));

  it.each(committed)('%s: every cell is what the exporter computes from the runs the file records', (file) => {
    const doc = JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as F2Export;
    const planned = new Map(doc.cells.map((c) => [`${c.algo} ${c.family}`, c.planned]));
    const again = f2Export(f2SearchesOfExport(doc), {
      budget: doc.budget,
      dataset: doc.dataset,
      mlflowUrl: doc.mlflow_url,
      commits: doc.run_commits,
      plannedLeaves: (algo, family) => planned.get(`${algo} ${family}`) ?? 0,
    });
    expect(again.cells).toEqual(doc.cells);
    expect(again.splitting_wins).toEqual(doc.splitting_wins);
    // Each cell cites runs the file records, and each recorded run is in exactly one cell.
    const cited = doc.cells.flatMap((c) => c.runs).sort();
    expect(cited).toEqual(doc.runs.map((r) => r.run_id).sort());
  });
});
