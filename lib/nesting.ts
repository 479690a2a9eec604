// How deeply a text nests brackets outside its double-quoted strings, counted without parsing:
// parsers recurse on nesting, so hostile input is measured before it is parsed. JSON nests with
// [ and {; SCIM filters with ( and [.
export function nestingDepth(text: string, opens = "[{", closes = "]}"): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (opens.includes(c)) deepest = Math.max(deepest, ++depth);
    else if (closes.includes(c)) depth--;
  }
  return deepest;
}
