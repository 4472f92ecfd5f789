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

  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`The clock only moves forward; got ${seconds} seconds.`);
    }
    this.offsetSeconds += Math.floor(seconds);
  }
}
