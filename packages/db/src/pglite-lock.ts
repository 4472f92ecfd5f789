import { readFileSync, rmSync, writeFileSync } from 'node:fs';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Another running process holds the PGlite data directory: an operator's mistake, not a bug. */
export class PgliteDataDirInUseError extends Error {
  constructor(dataDir: string, owner: number) {
    super(
      `The PGlite data directory ${dataDir} is in use by process ${owner}. PGlite serves one process; set DATABASE_URL to run several.`,
    );
    this.name = 'PgliteDataDirInUseError';
  }
}

/**
 * PGlite is Postgres inside one process: a second process opening the same data directory would
 * corrupt it. A lock file beside the directory names the owning process; a lock left by a process
 * that no longer runs is taken over. Returns the release function.
 */
export function lockPgliteDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new PgliteDataDirInUseError(dataDir, owner);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the PGlite data directory ${dataDir}`);
}
