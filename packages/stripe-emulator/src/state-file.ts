import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SavedIdempotencyKey } from './idempotency';
import type { StoreSnapshot } from './store';

/** Bumped when the file's shape changes in a way an older reader would misread. */
const FORMAT = 1;

/** Everything a restarted emulator needs to carry on where the last one stopped. */
export interface EmulatorState {
  format: typeof FORMAT;
  /** Kept so a restarted emulator prints, and clients keep using, the same key. */
  secretKey: string;
  /** Kept so endpoints configured with it keep verifying what a restarted emulator signs. */
  webhookSecret: string;
  clockOffsetSeconds: number;
  store: StoreSnapshot;
  /** A retry after a restart still gets the first result, as Stripe keeps keys for 24 hours. */
  idempotencyKeys: SavedIdempotencyKey[];
}

/** The file, inside the emulator's data directory, that holds its state. */
export const STATE_FILE_NAME = 'stripe-emulator.json';

export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE_NAME);
}

/** Saves soon after a change rather than on each one: a checkout changes state several times in a row. */
const SAVE_DELAY_MS = 200;

/** Reads the state a previous run saved at `path`; undefined when there is none yet. */
export async function readState(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`The Stripe emulator state file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const format = (state as { format?: unknown } | null)?.format;
  if (format !== FORMAT) {
    throw new Error(
      `The Stripe emulator state file ${path} has format ${String(format)}; this emulator reads format ${FORMAT}. ` +
        'Delete or move the file away to start with an empty emulator.',
    );
  }
  return state as EmulatorState;
}

/**
 * Writes the emulator's state to `path` a moment after it changes, and at once on `flush()`.
 * Each write goes to a temporary file in the same directory, is flushed to disk, then replaces the
 * old file by rename (atomic on one file system), so a kill or crash mid-write leaves the previous
 * state whole; writes never overlap, and each takes the state as it is then.
 */
export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly current: () => Omit<EmulatorState, 'format'>,
  ) {}

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.flush().catch((error: unknown) => {
        process.emitWarning(`The Stripe emulator could not save its state to ${this.path}: ${String(error)}`);
      });
    }, SAVE_DELAY_MS);
    // A pending save must not keep the process alive; close() flushes it.
    this.timer.unref();
  }

  /** Saves now, including any change still waiting for its delayed save. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.catch(() => {}).then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const state: EmulatorState = { format: FORMAT, ...this.current() };
    const temporary = `${this.path}.${process.pid}.tmp`;
    await mkdir(dirname(this.path), { recursive: true });
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(JSON.stringify(state));
      // Without it a power cut after the rename could leave the new name pointing at an empty file.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, this.path);
  }
}
