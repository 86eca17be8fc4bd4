import type { BackendInfo } from '@fsnas/nn';
import { checkTrackingTarget, describeTrackingCheck, type TrackingCheck } from '@fsnas/tracking';

/** Check where runs go before any work, and say it: a refused tracking URI fails now, not after the first run. */
export async function announceTrackingTarget(command: string): Promise<TrackingCheck> {
  const tracking = await checkTrackingTarget();
  process.stderr.write(`fsnas ${command}: ${describeTrackingCheck(tracking)}${tracking.reachable ? ' (runs appear there as they are logged)' : ''}\n`);
  return tracking;
}

/** The tags every computing run carries: its results depend on the engine and on its thread count. */
export function computeEngineTags(engine: BackendInfo, threads: number): Record<string, string> {
  return { 'fsnas.backend': engine.name, 'fsnas.engine': engine.version, 'fsnas.threads': String(threads) };
}
