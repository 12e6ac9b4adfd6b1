// Waiting on a condition with a deadline: the only way tests and scripts here wait for anything.

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
  /** Checked before each probe: a message stops the wait at once with that message (e.g. "the process exited"). */
  giveUpIf?: () => string | undefined;
  /** Called once on timeout: what was seen instead, appended to the error (the last value, the operator's warnings). */
  detail?: () => string | Promise<string>;
}

/**
 * Calls `probe` until it returns a value other than undefined/false, and returns that value.
 * Throws after `timeoutMs` with the description and the last error the probe threw, if any.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100, description = 'condition', giveUpIf, detail } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reasonToGiveUp = giveUpIf?.();
    if (reasonToGiveUp) throw new Error(`gave up waiting for ${description}: ${reasonToGiveUp}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      const seen = detail
        ? `\n${await Promise.resolve()
            .then(detail)
            .catch((error: unknown) => `(no detail: ${String(error)})`)}`
        : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${reason}${seen}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
