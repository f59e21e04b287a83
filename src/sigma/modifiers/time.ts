// Date-part modifiers minute, hour, day, week, month, year: a field holding a timestamp is reduced to one part
// (in UTC), which is then compared with the rule's number.

/** The date parts a time modifier can extract. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** Reads a timestamp written as ISO 8601 or Sysmon's `YYYY-MM-DD HH:MM:SS.mmm` (UTC); NaN when it is not one. */
export function parseTimestamp(text: string): number {
  let t = text.trim();
  if (t.length < 10 || t.length > 40) return NaN;
  if (/^\d{4}-\d\d-\d\d \d/.test(t)) t = t.replace(' ', 'T');
  if (/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t)) t += 'Z';
  return Date.parse(t);
}

/** ISO 8601 week number (1-53) of a UTC time. */
function isoWeek(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday - yearStart) / (7 * 86_400_000));
}

/** The requested part of a timestamp (day = day of month, month 1-12), or undefined when not a timestamp. */
export function timePart(text: string, part: TimePart): number | undefined {
  const ms = parseTimestamp(text);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(ms);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}
