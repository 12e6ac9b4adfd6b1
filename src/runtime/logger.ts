// The one logger factory: winston, JSON lines, secrets scrubbed before anything is written.
import type { Writable } from 'node:stream';
import winston from 'winston';
import { REDACTED, isSecretKey, redactValue } from './redact.js';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogMeta = Record<string, unknown>;

/** What the runtime and the controllers log through; child loggers carry context such as the object key. */
export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  child(meta: LogMeta): Logger;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; stdout when unset. Tests pass a memory stream. */
  stream?: Writable;
  /** Fields on every line, e.g. the pod name. */
  base?: LogMeta;
}

/** A winston format that redacts every string-keyed field of the record. */
export const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = isSecretKey(key) ? REDACTED : redactValue(info[key]);
  }
  return info;
});

class WinstonLogger implements Logger {
  constructor(private readonly inner: winston.Logger) {}
  error(message: string, meta?: LogMeta): void {
    this.inner.error(message, meta);
  }
  warn(message: string, meta?: LogMeta): void {
    this.inner.warn(message, meta);
  }
  info(message: string, meta?: LogMeta): void {
    this.inner.info(message, meta);
  }
  debug(message: string, meta?: LogMeta): void {
    this.inner.debug(message, meta);
  }
  child(meta: LogMeta): Logger {
    return new WinstonLogger(this.inner.child(meta));
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const inner = winston.createLogger({
    level: options.level,
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    defaultMeta: options.base,
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [transport],
  });
  return new WinstonLogger(inner);
}

/** A logger that drops everything; for tests and for components built without one. */
export const nullLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => nullLogger,
};
