// Shared DOM helper, prepended to each widget's ES module by widgets/_base.py.

/**
 * French typography: a no-break space before « ? ! ; : » » and after « « », so that a line
 * never starts with them (on a 360 px phone « situation ? » would often break there).
 */
function frenchText(text) {
  return String(text).replace(/ ([?!;:»])/g, "\u00a0$1").replace(/« /g, "«\u00a0");
}

/** Create an element: attributes (null/false skipped, on* are listeners) and children. */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Node) node.append(child);
    // An option's text never wraps, and is what a choice is looked up by: left as it is.
    else node.append(document.createTextNode(tag === "option" ? String(child) : frenchText(child)));
  }
  return node;
}

