import { readFileSync } from 'node:fs';
import { resolveDataFile } from '@fsnas/core';
import { Mask } from '@fsnas/nb201';

/** Test helper: one family (8 leaf masks, paper order) of ../shared/data/paper/paper_splits.json. */
export function paperFamily(dataset: string, metric: string): Mask[] {
  const json = JSON.parse(readFileSync(resolveDataFile('paper/paper_splits.json'), 'utf8')) as { splits: Record<string, Record<string, number[][][]>> };
  const family = json.splits[dataset]?.[metric];
  if (!family) throw new Error(`paper_splits.json has no ${dataset}/${metric}`);
  return family.map((rows) => Mask.fromRows(rows));
}

/** Rows 0..2 of a mask as op lists, the form docs/reference.md §10.7 quotes. */
export const firstRows = (m: Mask): number[][] => [0, 1, 2].map((e) => m.allowedOps(e));
