import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("quotes separators, quotes and line breaks", () => {
    expect(
      toCsv(
        ["name", "cost"],
        [
          ['Ann "A", Jr', 1.5],
          ["line\nbreak", null],
        ],
      ),
    ).toBe('name,cost\r\n"Ann ""A"", Jr",1.5\r\n"line\nbreak",\r\n');
  });

  it("keeps formula-looking text inert in spreadsheets", () => {
    expect(toCsv(["g"], [['=HYPERLINK("http://x")'], ["+1"], ["-2"], ["@sum"], ["plain"]])).toBe(
      'g\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n\'-2\r\n\'@sum\r\nplain\r\n',
    );
  });

  it("leaves numbers as numbers, negative ones included", () => {
    expect(toCsv(["n"], [[-3]])).toBe("n\r\n-3\r\n");
  });
});
