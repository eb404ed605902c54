/**
 * Minimal XML text helpers for the generated policy templates (ADMX/ADML, plist). Escapes the five
 * XML special characters (XML 1.0 §2.4) so any definition text yields well-formed output.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
