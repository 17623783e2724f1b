/** A Logger (server/core/log.ts) that keeps every line for the test to read. */
import type { Logger, LogFields } from '../../../server/core/log';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields?: LogFields;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  };
}
