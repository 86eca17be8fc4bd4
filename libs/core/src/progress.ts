/**
 * Progress of long work, written to stderr (stdout stays clean for --json): done/total, the rate
 * and the ETA. On a terminal the line is redrawn in place; otherwise a line is printed at most every
 * `intervalMs`, plus the final one, so CI logs stay short.
 */
export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly unit?: string;
  readonly intervalMs?: number;
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly now?: () => number;
  /** Set FSNAS_QUIET=1 to silence progress. */
  readonly quiet?: boolean;
}

export class Progress {
  private done = 0;
  private readonly started: number;
  private lastPrinted = -Infinity;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly now: () => number;
  private readonly quiet: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.quiet = options.quiet ?? process.env['FSNAS_QUIET'] === '1';
    this.started = this.now();
  }

  /** Mark `n` more units done; `detail` describes the current item (e.g. the node being evaluated). */
  tick(n = 1, detail = ''): void {
    this.done += n;
    const t = this.now();
    const finished = this.done >= this.options.total;
    if (!finished && t - this.lastPrinted < (this.options.intervalMs ?? (this.stream.isTTY ? 100 : 5000))) return;
    this.lastPrinted = t;
    this.print(this.line(t, detail), finished);
  }

  /** The current status line, e.g. `split 3/7 node 1.0 (edge 1) | 0.52 node/s | ETA 8s`. */
  line(t = this.now(), detail = ''): string {
    const { label, total, unit = 'it' } = this.options;
    const elapsed = (t - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const remaining = rate > 0 ? (total - this.done) / rate : NaN;
    const eta = this.done >= total ? `done in ${formatSeconds(elapsed)}` : `ETA ${formatSeconds(remaining)}`;
    return `${label} ${this.done}/${total}${detail ? ` ${detail}` : ''} | ${formatRate(rate)} ${unit}/s | ${eta}`;
  }

  private print(text: string, finished: boolean): void {
    if (this.quiet) return;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${text}${finished ? '\n' : ''}`);
    else this.stream.write(`${text}\n`);
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatRate(rate: number): string {
  if (rate >= 100) return rate.toFixed(0);
  if (rate >= 1) return rate.toFixed(2);
  return rate.toPrecision(2);
}
