// What the log lost on its way out (log-output.ts). A reader slower than the log (a blocked pipe, a
// stalled log shipper) would grow what waits without end, so at most `maxPendingLogBytes` wait and a
// piece past it is dropped whole; a write that fails (a full disk, a reader gone) loses its piece too.
// The lost pieces' lines are counted here (sluice_log_lines_dropped_total), and once a piece gets
// through again, `onRecovered` hears how many were lost since it was last told, and why (the last
// reason).

/** The most log bytes waiting for stdout: ~4 s of request lines at the bench's ~6,000 requests/s (docs/benchmarks.md). */
export const maxPendingLogBytes = 16 * 1024 * 1024;

export class LogLoss {
  /** Lines dropped since start. */
  lines = 0;
  #reported = 0;
  #reason = '';
  /** Told, once a piece is written again, how many lines were dropped since its last call and why. */
  onRecovered: ((lines: number, reason: string) => void) | undefined;

  /** A piece that was not written: every line in it is lost. */
  dropped(piece: string, reason: string): void {
    let lines = 0;
    for (let at = piece.indexOf('\n'); at !== -1; at = piece.indexOf('\n', at + 1)) lines += 1;
    this.lines += Math.max(1, lines);
    this.#reason = reason;
  }

  /** A piece that was written. */
  accepted(): void {
    if (this.lines === this.#reported) return;
    const lost = this.lines - this.#reported;
    this.#reported = this.lines;
    this.onRecovered?.(lost, this.#reason);
  }
}
