import { DATASETS, datasetSource } from '@fsnas/core';
import { describeBackend, engineBuild, engineBuildCommand, initBackend, type EngineFlavour } from '@fsnas/nn';
import { localServerStatus, parseTrackingUri } from '@fsnas/tracking';
import type { Command } from 'commander';
import { emit } from '../cli-kit';

/** `fsnas doctor`: what this installation computes with, the data it finds and where tracking goes. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'the compute engine in use (backend, version, threads, devices; FSNAS_BACKEND, FSNAS_THREADS), the native engines built in .fsnas/engines, the datasets found and the MLflow target; starts nothing',
    )
    .option('--json', 'print {"backend": "node"|"node-gpu"|"wasm"|"cpu", "tfjs_backend", "version", "threads", "devices", "engines", "datasets", "mlflow"}')
    .action(async (options: { json?: boolean }) => {
      const info = await initBackend({ log: false });
      const engines = (['node', 'node-gpu'] as const).map(engineReport);
      const datasets = DATASETS.map((name) => ({ name, served_by: datasetSource(name)?.source.path ?? null }));
      const mlflow = await mlflowReport();
      const report = {
        backend: info.name,
        tfjsBackend: info.tfBackend,
        version: info.version,
        threads: info.threads,
        devices: info.devices,
        ...(info.fallback ? { fallback: info.fallback } : {}),
        engines,
        datasets,
        mlflow,
      };
      emit(options.json, report, () =>
        [
          describeBackend(info),
          ...engines.map((e) => `engine ${e.flavour.padEnd(8)} ${e.status}${e.detail ? `: ${e.detail}` : ''}`),
          `datasets: ${datasets.map((d) => `${d.name}: ${d.served_by ?? 'MISSING (fsnas data status)'}`).join('; ')}`,
          `mlflow: ${mlflow.target === 'remote' ? `MLFLOW_TRACKING_URI ${mlflow.url}` : mlflow.running ? `local server running at ${mlflow.url}` : 'local server, started on demand'}`,
        ].join('\n'),
      );
    });
}

function engineReport(flavour: EngineFlavour): { flavour: EngineFlavour; status: 'built' | 'failed' | 'not_built'; detail?: string } {
  const build = engineBuild(flavour);
  if (build.manifest) return { flavour, status: 'built', detail: `${build.manifest.package} ${build.manifest.version} on ${build.manifest.tensorflow} (${build.dir})` };
  if (build.failure) return { flavour, status: 'failed', detail: `${build.failure} (${build.dir}/build.log)` };
  return { flavour, status: 'not_built', detail: `build it with: ${engineBuildCommand(flavour)}` };
}

/** Where tracking would go, without starting the local server. */
async function mlflowReport(): Promise<{ target: 'remote' | 'local'; url: string | null; running?: boolean }> {
  const explicit = process.env['MLFLOW_TRACKING_URI'];
  if (explicit) return { target: 'remote', url: parseTrackingUri(explicit) };
  const { running, url } = await localServerStatus();
  return { target: 'local', url, running };
}
