import { describe, expect, it } from 'vitest';
import { collapseSummary, sweepTable, type TrajectoryPoint } from './analysis';

const traj = (pf: number[], acc: number[]): TrajectoryPoint[] => pf.map((p, i) => ({ epoch: i + 1, accuracy: acc[i] as number, paramFreeOps: p, alphaEntropy: 1, seconds: 10 }));

describe('F2a-collapse analysis', () => {
  it('the onset is the first epoch of the run of collapsed cells that lasts to the end; a recovered dip does not count', () => {
    const c = collapseSummary(traj([2, 4, 2, 4, 5, 4], [92, 90, 93, 88, 85, 86]), 40);
    expect(c).toEqual({ onsetEpoch: 4, onsetStep: 160, onsetSeconds: 40, peakAccuracy: 93, peakEpoch: 3, finalAccuracy: 86, finalParamFreeOps: 4 });
    expect(collapseSummary(traj([4, 4, 3], [1, 2, 3]), 40).onsetEpoch).toBeNull();
  });

  it('the sweep table averages the seeds of a line at every `every` epochs', () => {
    const rows = sweepTable(
      [
        { line: 'C8N1 full', seed: 1, stepsPerEpoch: 40, points: traj([1, 2, 3, 4], [90, 91, 92, 93]) },
        { line: 'C8N1 full', seed: 2, stepsPerEpoch: 40, points: traj([3, 4, 5, 6], [88, 89, 90, 91]) },
      ],
      2,
    );
    expect(rows.map((r) => [r.step, r.accuracy, r.paramFreeOps])).toEqual([
      [80, 90, 3],
      [160, 92, 5],
    ]);
    expect(rows[0]?.accuracyStd).toBeCloseTo(Math.SQRT2, 12);
  });
});
