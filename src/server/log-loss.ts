// What the log lost on its way out. stdout is written asynchronously (sonic-boom); a reader slower
// than the log (a blocked pipe, a stalled log shipper) would grow what waits without end, so the
// destination holds at most `maxPendingLogBytes` (sonic-boom's `maxLength`) and drops a piece whole
// past it. The dropped pieces' lines are counted here (sluice_log_lines_dropped_total), and once a
// piece gets through again, `onRecovered` hears how many were lost since it was last told.

/** The most log bytes waiting for stdout: ~4 s of request lines at the bench's ~6,000 requests/s (docs/benchmarks.md). */
export const maxPendingLogBytes = 16 * 1024 * 1024;

export class LogLoss {
  /** Lines dropped since start. */
  lines = 0;
  #reported = 0;
  /** Told, once a piece is accepted again, how many lines were dropped since its last call. */
  onRecovered: ((lines: number) => void) | undefined;

  /** A piece the destination refused: every line in it is lost. */
  dropped(piece: string): void {
    let lines = 0;
    for (let at = piece.indexOf('\n'); at !== -1; at = piece.indexOf('\n', at + 1)) lines += 1;
    this.lines += Math.max(1, lines);
  }

  /** A piece the destination took. */
  accepted(): void {
    if (this.lines === this.#reported) return;
    const lost = this.lines - this.#reported;
    this.#reported = this.lines;
    this.onRecovered?.(lost);
  }
}
