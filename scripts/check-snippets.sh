#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The code shown in the documentation is code that CI compiles and runs: a fenced block right
# after a line `<!-- snippet: examples/FILE.cpp#NAME -->` in README.md or docs/*.md must equal,
# line for line (indentation of the region removed), the lines of that file between its
# `// [NAME]` and `// [/NAME]` marks. Prints each mismatch and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - README.md docs/*.md <<'PY'
import re, sys, textwrap

failures = 0
checked = 0
for doc in sys.argv[1:]:
    lines = open(doc, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        m = re.fullmatch(r"<!-- snippet: (\S+)#(\S+) -->", line.strip())
        if not m:
            continue
        path, name = m.groups()
        where = f"{doc}:{i + 1}"
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            print(f"{where}: no fenced block after the snippet mark"); failures += 1; continue
        end = next((j for j in range(i + 2, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            print(f"{where}: the fenced block does not end"); failures += 1; continue
        shown = lines[i + 2:end]
        try:
            source = open(path, encoding="utf-8").read().split("\n")
        except OSError as e:
            print(f"{where}: {path}: {e.strerror}"); failures += 1; continue
        marks = [k for k, l in enumerate(source) if l.strip() in (f"// [{name}]", f"// [/{name}]")]
        if len(marks) != 2:
            print(f"{where}: {path} has no region [{name}] ... [/{name}]"); failures += 1; continue
        region = textwrap.dedent("\n".join(source[marks[0] + 1:marks[1]])).split("\n")
        checked += 1
        if region != shown:
            print(f"{where}: differs from {path} [{name}]:")
            for k, (a, b) in enumerate(zip(region + [""] * len(shown), shown + [""] * len(region))):
                if a != b:
                    print(f"  first difference at line {k + 1} of the block:\n    file: {a}\n    doc:  {b}")
                    break
            failures += 1
print(f"{checked} snippets checked, {failures} wrong")
sys.exit(1 if failures else 0)
PY
