import { readFileSync } from 'node:fs';
import { CorruptDataError, resolveDataFile } from '@fsnas/core';
import { Mask } from './mask';
import { OPS } from './space';

/** The paper's sub-supernets: dataset -> metric family -> leaf masks in the paper's leaf order. */
export type PaperSplits = ReadonlyMap<string, ReadonlyMap<string, readonly Mask[]>>;

export const PAPER_SPLITS_FILE = 'paper/paper_splits.json';

/** Load `paper/paper_splits.json`, checking its op order and that every mask is a valid 6×5 0/1 table. */
export function loadPaperSplits(env: NodeJS.ProcessEnv = process.env): PaperSplits {
  const file = resolveDataFile(PAPER_SPLITS_FILE, env);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CorruptDataError(file, '', `not valid JSON: ${(error as Error).message}`);
  }
  const { ops, splits } = (json ?? {}) as { ops?: unknown; splits?: unknown };
  if (JSON.stringify(ops) !== JSON.stringify(OPS)) throw new CorruptDataError(file, 'ops', `op order must be ${OPS.join(', ')}, got ${JSON.stringify(ops)}`);
  if (typeof splits !== 'object' || splits === null) throw new CorruptDataError(file, 'splits', 'missing dataset -> metric -> masks object');
  return new Map(
    Object.entries(splits).map(([dataset, families]) => [
      dataset,
      new Map(
        Object.entries(families as Record<string, unknown>).map(([metric, masks]) => {
          const where = `splits.${dataset}.${metric}`;
          if (!Array.isArray(masks) || masks.length === 0) throw new CorruptDataError(file, where, 'must be a non-empty list of masks');
          return [
            metric,
            masks.map((rows, i) => {
              try {
                return Mask.fromRows(rows as number[][]);
              } catch (error) {
                throw new CorruptDataError(file, `${where}[${i}]`, (error as Error).message);
              }
            }),
          ];
        }),
      ),
    ]),
  );
}
