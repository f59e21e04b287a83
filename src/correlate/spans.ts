// Time spans: a bounded stand-in for "every time something happened". Times closer than SPAN_GAP_MS merge into
// one span, so "is any time within W of t?" stays exact for every W ≥ SPAN_GAP_MS / 2 (12 h), the smallest
// window correlation asks about; only a span list past its cap merges wider gaps (then it errs towards "near").

/** Times at most this far apart share one span (twice the smallest proximity window correlation uses). */
export const SPAN_GAP_MS = 86_400_000;

/** Spans as a flat sorted list [from0, to0, from1, to1, ...]; consecutive spans are more than the gap apart. */
export type Spans = number[];

/** Index (even) of the first span whose end is ≥ t, or spans.length. */
function firstEndingAtOrAfter(spans: readonly number[], t: number): number {
  let lo = 0;
  let hi = spans.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid + 1] < t) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

/** Merges the two closest neighbouring spans (keeps a list at its cap). */
function mergeClosest(spans: Spans): void {
  let best = 2;
  let bestGap = Infinity;
  for (let i = 2; i < spans.length; i += 2) {
    const gap = spans[i] - spans[i - 1];
    if (gap < bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  spans.splice(best - 1, 2);
}

/** Adds a time (any order; fastest in time order). Non-finite times are ignored. */
export function addTime(spans: Spans, t: number, maxSpans: number, gap = SPAN_GAP_MS): void {
  if (!Number.isFinite(t)) return;
  const n = spans.length;
  if (n === 0) {
    spans.push(t, t);
    return;
  }
  if (t >= spans[n - 2]) {
    // In or after the last span: the common case of a time-ordered stream.
    if (t <= spans[n - 1]) return;
    if (t - spans[n - 1] <= gap) spans[n - 1] = t;
    else spans.push(t, t);
  } else {
    const i = firstEndingAtOrAfter(spans, t);
    if (i < n && spans[i] <= t) return;
    const joinsPrev = i > 0 && t - spans[i - 1] <= gap;
    const joinsNext = i < n && spans[i] - t <= gap;
    if (joinsPrev && joinsNext) spans.splice(i - 1, 2);
    else if (joinsPrev) spans[i - 1] = t;
    else if (joinsNext) spans[i] = t;
    else spans.splice(i, 0, t, t);
  }
  if (spans.length > 2 * maxSpans) mergeClosest(spans);
}

/** The union of several span lists (same gap rule). */
export function unionSpans(lists: Iterable<readonly number[]>, gap = SPAN_GAP_MS): Spans {
  const all: [number, number][] = [];
  for (const s of lists) for (let i = 0; i < s.length; i += 2) all.push([s[i], s[i + 1]]);
  all.sort((a, b) => a[0] - b[0]);
  const out: Spans = [];
  for (const [from, to] of all) {
    const n = out.length;
    if (n > 0 && from - out[n - 1] <= gap) {
      if (to > out[n - 1]) out[n - 1] = to;
    } else out.push(from, to);
  }
  return out;
}

/** True when some span meets [from, to]. */
export function spansMeet(spans: readonly number[], from: number, to: number): boolean {
  if (!(from <= to)) return false;
  const i = firstEndingAtOrAfter(spans, from);
  return i < spans.length && spans[i] <= to;
}

/** True when some time of the spans is within `window` of t (exact for window ≥ half the gap). */
export function nearSpans(spans: readonly number[] | undefined, t: number, window: number): boolean {
  return spans !== undefined && spansMeet(spans, t - window, t + window);
}

/** Earliest time, or NaN when there is none. */
export function spansFirst(spans: readonly number[]): number {
  return spans.length > 0 ? spans[0] : NaN;
}

/** Latest time, or NaN when there is none. */
export function spansLast(spans: readonly number[]): number {
  return spans.length > 0 ? spans[spans.length - 1] : NaN;
}
