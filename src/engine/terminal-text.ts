// Text from rules and events printed on a terminal. Escape sequences in a rule title or an event's computer
// name could retitle the window, clear the screen or write the clipboard, and line breaks or bidi overrides
// could forge report lines; all of them are shown as visible \u escapes, so a value stays one inert line.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control, line-separator and bidi-override character written as a `\uXXXX` escape. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
