/** What a run did, for its `RELIABILITY invariants` line: counted as it happens, read at the end. */
export const figures = {
  sequences: 0,
  steps: 0,
  /** HTTP answers checked for their shape (and, when 5xx, for their error log line). */
  answersChecked: 0,
  /** Settles after which every per-user invariant was checked against Stripe and the database. */
  settles: 0,
  /** Individual invariant checks evaluated, answers and settled state together. */
  invariantChecks: 0,
  /** The most an attacker had sent of a refused large body when the refusal came (of OFFERED_BYTES). */
  largestRefusedBodyBytes: 0,
};

export function countCheck(): void {
  figures.invariantChecks += 1;
}
