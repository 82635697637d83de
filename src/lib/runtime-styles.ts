/**
 * CSS rules that depend on values known only at run time (the emphasised entity type), applied through
 * one constructed stylesheet per document. Why not a `<style>` element: the build's
 * Content-Security-Policy (`style-src 'self'`) blocks inline `<style>`, but not stylesheets made
 * through the CSSOM (`adoptedStyleSheets`).
 */
const sheets = new WeakMap<Document, CSSStyleSheet>();

/**
 * Replaces the document's run-time rules with `rules` (`''` clears them). Returns false where the
 * browser lacks constructed stylesheets (the rules are then simply not applied).
 */
export function setRuntimeRules(doc: Document, rules: string): boolean {
  const Sheet = doc.defaultView?.CSSStyleSheet;
  if (!Sheet || !Array.isArray(doc.adoptedStyleSheets)) return false;
  let sheet = sheets.get(doc);
  if (!sheet) {
    sheet = new Sheet();
    sheets.set(doc, sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(rules);
  return true;
}
