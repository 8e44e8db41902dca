/**
 * Exit codes shared by every command: 0 ok, 1 API/upstream error (or output that could not be
 * delivered), 2 usage or configuration error, 130 interrupted (Ctrl-C), 141 the reader of the
 * output went away (128 + SIGPIPE, what a shell reports for a tool killed by a closed pipe).
 */
export const ExitCode = { ok: 0, apiError: 1, usage: 2, interrupted: 130, brokenPipe: 141 } as const;
