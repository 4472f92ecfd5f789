/**
 * Thrown by a handler when its event can never take effect, such as one about a subscription
 * Stripe no longer has (deleted with its customer, another account or mode, an emulator that lost
 * its state). Retrying would fail the same way for days, so the event is acknowledged and recorded
 * as ignored with this message as the reason.
 */
export class IgnoredEvent extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IgnoredEvent';
  }
}
