// Render LaTeX strings with KaTeX, as a documentation site would.
// Reads a JSON array of strings on stdin; writes a JSON array of the failures,
// [{"index": i, "error": "..."}], on stdout (empty when every string renders).
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((latex, index) => {
    try {
      // strict: "error" also refuses what KaTeX would only warn about.
      katex.renderToString(latex, { throwOnError: true, displayMode: true, strict: "error" });
    } catch (error) {
      failures.push({ index, error: String(error.message || error) });
    }
  });
  process.stdout.write(JSON.stringify(failures));
});
