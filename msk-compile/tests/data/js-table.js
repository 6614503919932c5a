// Writes js-table.json: Node's own answers for the JavaScript semantics that
// msk-compile/src/js.rs reproduces. Run from anywhere: `node msk-compile/tests/data/js-table.js`.
// Each row: the input string, String(Number(text)), text.trim(), Boolean(text),
// Boolean(Number(text)), and whether Object.keys lists text first as an array index.
"use strict";
const fs = require("fs");
const path = require("path");

const spaces = ["\t", "\n", "\v", "\f", "\r", " ", "\u0085", "\u00a0", "\u1680", "\u2000",
  "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\u180e", "\u200b"];
const numbers = ["", "0", "-0", "+0", "1", "10", "007", "1.5", " 1.5 ", "1.50", ".5", "5.", "+.5",
  "-.5", ".", "+", "-", "1e3", "1E3", "1e+3", "1e-7", "1e", "1e+", "e3", "1e3.5", "1e5e5",
  "1_000", "1_0", "123456789012345680000", "1,000", "0x1F", "0X1f", "0x", "0x+1F", "0x-1F", "-0x10", "+0x10", "0xG", "0o17",
  "0O17", "0o8", "0b101", "0B2", "0b", "0x1p3", "0xffffffffffffffffffffffffffffffffff",
  "Infinity", "+Infinity", "-Infinity", "infinity", "inf", "-inf", "NaN", "nan", "null",
  "true", "false", "abc", "1 2", "9007199254740993", "123456789012345678901", "1e21",
  "1e-6", "0.000001", "0.0000001", "1.7976931348623157e308", "1e309", "-1e309", "5e-324",
  "4294967294", "4294967295", "4294967296", "01", "00", "1.0", "-1", "١٢"];
const texts = new Set(numbers);
for (const s of spaces) {
  texts.add(s);
  texts.add(s + "5");
  texts.add("5" + s);
  texts.add(s + "0x1F" + s);
  texts.add("a" + s);
}
const rows = [...texts].map((text) => ({
  text,
  number: String(Number(text)),
  trim: text.trim(),
  truthy: Boolean(text),
  number_truthy: Boolean(Number(text)),
  array_index: Object.keys({ z: 0, [text]: 1 })[0] === text && text !== "z",
}));
fs.writeFileSync(path.join(__dirname, "js-table.json"), JSON.stringify(rows, null, 1) + "\n");
