// Times as the intrusion document writes them.

/** ISO 8601 for a millisecond time; the epoch for a missing or out-of-range one (never throws). */
export function isoTime(t: number): string {
  const d = new Date(Number.isFinite(t) ? t : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/** True for a time a Date can hold (records with no or garbage times are left out of time spans). */
export function validTime(t: number): boolean {
  return Number.isFinite(t) && Math.abs(t) <= 8.64e15;
}
