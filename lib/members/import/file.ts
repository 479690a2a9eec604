// A CSV file as the browser reads it, before it is sent: its bytes decoded to text, or a message
// saying why not. Plain functions, no server imports: the import page's client component uses
// them too, so that a file too large or in the wrong encoding is refused before upload.

/** What one import may hold: enough for a large company at once, small enough for one request. */
export const IMPORT_LIMITS = { bytes: 8 * 1024 * 1024, rows: 50_000 } as const;

export type DecodedFile = { ok: true; text: string } | { ok: false; error: string };

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

/**
 * UTF-8 (with or without the byte-order mark Excel's "CSV UTF-8" writes) or UTF-16 with its
 * mark (Excel's "Unicode text"). Anything else, such as a legacy Windows-1252 export, is refused
 * rather than guessed: a guessed encoding turns "Zoë" into "ZoÃ«" silently.
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedFile {
  if (bytes.length > IMPORT_LIMITS.bytes)
    return {
      ok: false,
      error: `The file is ${megabytes(bytes.length)}; import at most ${megabytes(IMPORT_LIMITS.bytes)} at a time (split it).`,
    };
  if (bytes.length === 0) return { ok: false, error: "The file is empty." };
  const [a, b] = bytes;
  const encoding =
    a === 0xff && b === 0xfe ? "utf-16le" : a === 0xfe && b === 0xff ? "utf-16be" : "utf-8";
  let text: string;
  try {
    // The decoder drops a leading byte-order mark of its encoding.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return {
      ok: false,
      error:
        'The file is not UTF-8 text. In Excel choose Save As → "CSV UTF-8 (Comma delimited)"; in Google Sheets, File → Download → CSV.',
    };
  }
  if (text.includes("\u0000"))
    return {
      ok: false,
      error: "The file holds binary data (NUL bytes): is it a spreadsheet rather than a CSV?",
    };
  return { ok: true, text };
}
