#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checks the relative links of the documentation: every link in README.md, CHANGELOG.md and
# docs/*.md that is not a URL must point at a file or directory of the repository (tracked by
# git, or new and not ignored), and a link with an #anchor into a Markdown file must name one of its headings (GitHub's
# slugs). Prints each broken link as file:line and exits non-zero when there is one.
#   scripts/check-links.sh [files...]      default: README.md CHANGELOG.md docs/*.md
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
  set -- README.md CHANGELOG.md docs/*.md
fi

python3 - "$@" <<'PY'
import os
import re
import subprocess
import sys
import urllib.parse

root = os.getcwd()

def repository_paths():
    """Files of the repository (tracked, or new and not ignored) and the directories holding
    them; None outside a git checkout, where the disk decides."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = {""}
    for name in out.decode().split("\0"):
        while name and name not in paths:
            paths.add(name)
            name = os.path.dirname(name)
    return paths

PATHS = repository_paths()

def exists(relative):
    if PATHS is None:
        return os.path.exists(os.path.join(root, relative))
    return relative in PATHS and os.path.exists(os.path.join(root, relative))

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
HTML_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")

def lines_outside_code(text):
    """(line number, line) of the lines outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
            elif match.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield number, line

def slug(heading):
    """GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces -> '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = re.sub(r"<[^>]+>", "", text)                          # HTML tags
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")

ANCHORS = {}

def anchors_of(path):
    if path not in ANCHORS:
        found = set()
        counts = {}
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        previous = ""
        for _, line in lines_outside_code(text):
            match = ATX.match(line)
            heading = match.group(2) if match else None
            if heading is None and previous.strip() and re.match(r"^\s{0,3}(=+|-+)\s*$", line):
                heading = previous.strip()  # a setext heading: the line above
            if heading is not None:
                base = slug(heading)
                n = counts.get(base, 0)
                counts[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
            for name in HTML_ANCHOR.findall(line):
                found.add(name)
            previous = line
        ANCHORS[path] = found
    return ANCHORS[path]

def links(text):
    for number, line in lines_outside_code(text):
        plain = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)  # no links inside `code`
        for match in INLINE_LINK.finditer(plain):
            yield number, match.group(1)
        match = REFERENCE.match(plain)
        if match:
            yield number, match.group(1)

files = [f for f in sys.argv[1:] if os.path.isfile(f)]
broken = 0
checked = 0
for source in files:
    with open(source, encoding="utf-8") as f:
        text = f.read()
    base = os.path.dirname(source)
    for number, target in links(text):
        target = target.strip("<>")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # http:, https:, mailto:, ...
            continue
        checked += 1
        path, _, anchor = target.partition("#")
        path = urllib.parse.unquote(path)
        anchor = urllib.parse.unquote(anchor)
        relative = os.path.normpath(os.path.join(base, path)) if path else os.path.normpath(source)
        if relative == ".":
            relative = ""
        problem = None
        if relative.startswith(".."):
            problem = "outside the repository"
        elif path and not exists(relative):
            problem = "no such file in the repository"
        elif anchor and relative.endswith(".md") and anchor not in anchors_of(relative):
            problem = f"no heading #{anchor} in {relative}"
        if problem:
            broken += 1
            print(f"{source}:{number}: broken link ({target}): {problem}")

if broken:
    print(f"{broken} broken link(s) of {checked} checked in {len(files)} file(s)", file=sys.stderr)
    sys.exit(1)
print(f"documentation links: {checked} relative links in {len(files)} files, all good")
PY
