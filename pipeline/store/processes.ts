/**
 * Whether a process still runs, for cleaning up the temporaries that crashed writers leave
 * (run-store entries, the site's dist/ swap): a file named after a live process is in use.
 */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}
