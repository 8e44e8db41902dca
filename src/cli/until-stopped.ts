/**
 * Resolves when the process gets SIGINT or SIGTERM, or when `signal` aborts (how tests stop a
 * server command in-process). Long-running commands (`emulate`, `serve`) await it, then close.
 */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
