// Text from rules and events printed on a terminal. Escape sequences in a rule title or an event's computer
// name could retitle the window, clear the screen or write the clipboard, and line breaks or bidi overrides
// could forge report lines; all of them are shown as visible \u escapes, so a value stays one inert line.
/**
 * Bidi controls that reorder what a reader sees (ALM, LRM, RLM, embeddings, overrides, isolates), as the body of
 * a regex character class: the terminal, the CSV timeline and the HTML report's page script show them escaped.
 */
export const BIDI_CONTROLS = String.raw`\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069`;

// C0/C1 controls, line and paragraph separators, and every bidi control (the marks too: an RLM next to digits
// or an extension reorders them as an override would).
const UNSAFE = new RegExp(String.raw`[\u0000-\u001f\u007f-\u009f\u2028\u2029${BIDI_CONTROLS}]`, 'g');

/** One UTF-16 code unit as a visible `\uXXXX` escape (which JSON also reads back as the same character). */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text with every control, line-separator and bidi-override character written as a `\uXXXX` escape. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, unicodeEscape);
}
