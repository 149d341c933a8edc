import { UsageError } from './usage.ts';

/** Parses "90s", "150m", "2h" (or plain seconds) into milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} "${text}" is not a duration; use e.g. 90s, 150m or 2h`);
  const unit = { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit * 1000;
}
