/**
 * A benchmark server's side of the IPC channel: it says where it listens; answers `cpu` with the CPU time
 * it has used, `memory` with its memory after a full GC (when run with --expose-gc: idle memory is what
 * stays, not garbage not yet collected), and `stop` by stopping.
 */
export interface Memory {
  rss: number;
  heapUsed: number;
  /** Whether a full GC ran first. */
  gc: boolean;
}

export type ServerMessage = { ready: string } | { cpuMs: number } | { memory: Memory };

export function answerProbes(url: string, stop: () => Promise<void>): void {
  const send = (message: ServerMessage) => process.send?.(message);
  process.on('message', async (message: unknown) => {
    if (message === 'cpu') {
      const cpu = process.cpuUsage();
      send({ cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        // A second pass collects what the first one's finalisers let go.
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      const { rss, heapUsed } = process.memoryUsage();
      send({ memory: { rss, heapUsed, gc: gc !== undefined } });
    } else if (message === 'stop') {
      await stop();
      process.disconnect?.();
      process.exit(0);
    }
  });
  send({ ready: url });
}
