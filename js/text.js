// User text on the page: labels and names are the user's, and may hold bidi controls (a
// U+202E in a label would make "12" read "21" in the text after it). Text is built from
// pieces, plain strings and user({...}) pieces; user text is always isolated, as a <bdi>
// in HTML and between U+2068 and U+2069 in plain strings (titles), and always a text
// node: never parsed as HTML.

/** @typedef {string | {user: string}} Piece */

/** A piece of user text. */
export const user = (text) => ({ user: String(text) });

/** Appends `pieces` to `parent` as text nodes, user text in <bdi> elements. */
export function appendText(parent, pieces) {
  const doc = parent.ownerDocument;
  for (const piece of pieces) {
    if (typeof piece === "string") {
      parent.append(doc.createTextNode(piece));
    } else {
      const bdi = doc.createElement("bdi");
      bdi.textContent = piece.user;
      parent.append(bdi);
    }
  }
  return parent;
}

/** The pieces as one string; `isolate` puts user text between bidi isolates (for
 * attributes such as title, where no element can isolate it). */
export function plainText(pieces, { isolate = false } = {}) {
  return pieces.map((piece) => (typeof piece === "string" ? piece : isolate ? `\u2068${piece.user}\u2069` : piece.user)).join("");
}
