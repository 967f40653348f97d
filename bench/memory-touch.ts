/**
 * What this machine charges for memory touched for the first time. A 64 MiB buffer, fresh from
 * the system (Buffer.allocUnsafeSlow: large enough to be mapped anew, not taken from a pool), is
 * filled twice: the first fill pays a page fault per 4 KiB page, the second only the writes. On
 * the VM these benchmarks ran on, the first costs tens of times the second, so every megabyte a
 * plan's heap grows costs milliseconds of its wall: the table prints each process's page faults
 * beside its peak RSS.
 */
const SIZE = 64 * 1024 * 1024;

export interface MemoryTouch {
  /** Milliseconds per MiB, first fill of fresh memory (page faults included). */
  readonly firstMsPerMiB: number;
  /** Milliseconds per MiB, the same memory filled again. */
  readonly againMsPerMiB: number;
}

export function measureMemoryTouch(): MemoryTouch {
  const mib = SIZE / (1024 * 1024);
  const buffer = Buffer.allocUnsafeSlow(SIZE);
  const t0 = performance.now();
  buffer.fill(1);
  const t1 = performance.now();
  buffer.fill(2);
  const t2 = performance.now();
  return { firstMsPerMiB: (t1 - t0) / mib, againMsPerMiB: (t2 - t1) / mib };
}
