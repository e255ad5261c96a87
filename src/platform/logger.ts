import { pino } from 'pino';

export type Logger = pino.Logger;

// JSON logs to stdout; LOG_LEVEL is validated by the config module before we get here.
export function createLogger({ level, name = 'opsdeck' }: { level: string; name?: string }): Logger {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
