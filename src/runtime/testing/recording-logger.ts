// A Logger for unit tests that keeps every line (level, message, and the fields of the line merged over those of
// its child loggers), so a test can check what was logged at which level with which context.
import type { LogLevel, LogMeta, Logger } from '../logger.js';

export interface RecordedLine {
  level: LogLevel;
  message: string;
  meta: LogMeta;
}

export class RecordingLogger implements Logger {
  constructor(
    readonly lines: RecordedLine[] = [],
    private readonly context: LogMeta = {},
  ) {}

  error(message: string, meta?: LogMeta): void {
    this.record('error', message, meta);
  }
  warn(message: string, meta?: LogMeta): void {
    this.record('warn', message, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.record('info', message, meta);
  }
  debug(message: string, meta?: LogMeta): void {
    this.record('debug', message, meta);
  }
  child(meta: LogMeta): Logger {
    return new RecordingLogger(this.lines, { ...this.context, ...meta });
  }

  /** `level message` of every line, in order. */
  summary(): string[] {
    return this.lines.map((l) => `${l.level} ${l.message}`);
  }

  private record(level: LogLevel, message: string, meta: LogMeta = {}): void {
    this.lines.push({ level, message, meta: { ...this.context, ...meta } });
  }
}
