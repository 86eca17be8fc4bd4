import { describe, expect, it } from 'vitest';
import { arrayScript, slurmTimeSeconds } from './script';
import { checkTrackingForCluster } from './submit';

describe('slurmTimeSeconds', () => {
  it("reads every form of sbatch's --time", () => {
    expect(['30', '30:15', '4:00:00', '2-12', '2-12:30', '1-00:00:01'].map(slurmTimeSeconds)).toEqual([1800, 1815, 14_400, 216_000, 217_800, 86_401]);
    expect(() => slurmTimeSeconds('4h')).toThrow("--time '4h' is not a Slurm time");
  });
});

describe('arrayScript', () => {
  const job = {
    finding: 'F2-oneshot-on-splits',
    budget: 'paper' as const,
    runs: [3, 7, 11],
    workspace: "/home/o'brien/fsnas",
    shared: '/scratch/fsnas',
    trackingUri: 'http://login1:5000',
    resources: { partition: 'gpu', time: '24:00:00', gres: 'gpu:1', cpusPerTask: 8, arrayParallel: 2, extra: ['--qos=long'] },
    chunk: { index: 1, of: 2 },
  };
  it('maps array task i to planned run RUNS[i], with the sbatch options as directives and no credentials', () => {
    const script = arrayScript(job);
    const directives = script.split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(directives).toEqual([
      '#SBATCH --job-name=fsnas-F2-oneshot-on-splits-paper',
      '#SBATCH --array=0-2%2',
      '#SBATCH --output=/scratch/fsnas/slurm/logs/%x-%A_%a.out',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=24:00:00',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --qos=long',
    ]);
    expect(script).toContain('RUNS=(3 7 11)');
    // A quote in a path stays a path.
    expect(script).toContain(`cd '/home/o'\\''brien/fsnas'`);
    expect(script).toContain("export MLFLOW_TRACKING_URI='http://login1:5000'");
    expect(script).toContain('(chunk 2 of 2)');
    expect(script).not.toMatch(/TOKEN|PASSWORD/);
  });
});

describe('checkTrackingForCluster', () => {
  it('refuses a loopback tracking server unless every node is this machine', () => {
    expect(() => checkTrackingForCluster('http://127.0.0.1:5000', ['localhost'])).not.toThrow();
    expect(() => checkTrackingForCluster('http://login1:5000', ['node1', 'node2'])).not.toThrow();
    expect(() => checkTrackingForCluster('http://127.0.0.1:5000', ['localhost', 'node2'])).toThrow(/loopback address, which array tasks on localhost, node2 cannot reach.*--host 0\.0\.0\.0/);
  });
});
