/**
 * The emulator's notion of "now", in Unix seconds. It follows the wall clock
 * plus whatever tests have advanced it by, so `advanceClock(31 * 86_400)`
 * makes a monthly subscription due without waiting a month.
 */
export class Clock {
  /** `offsetSeconds`: how far an earlier run had advanced the clock, when restoring its state. */
  constructor(private offsetSeconds = 0) {}

  /** Seconds added to the wall clock so far. */
  get offset(): number {
    return this.offsetSeconds;
  }

  /** Set while a test clock's objects are handled: their "now" is that clock's `frozen_time`. */
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  /**
   * Runs `work` with "now" fixed at `time` (a test clock's frozen time). Safe because every API
   * handler and lifecycle step is synchronous: nothing else runs until `work` returns.
   */
  at<T>(time: number, work: () => T): T {
    const outer = this.frozenAt;
    this.frozenAt = time;
    try {
      return work();
    } finally {
      this.frozenAt = outer;
    }
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`The clock only moves forward; got ${seconds} seconds.`);
    }
    this.offsetSeconds += Math.floor(seconds);
  }
}
