"""Runs the Python of the docs page "Keep and move your model" (apps/docs/guide/keep-and-move.md), run by run.sh.

    python page.py <page.md> <dir>

Every ```python block of the page that is not marked `<!-- snippet: not run (...) -->` runs in <dir> (where page.mjs
wrote model.safetensors) with `safetensors.numpy` in place of `safetensors.torch`: the same file format, names and
functions, without PyTorch's gigabytes. A `print(...)` line followed by a `# <text>` comment line must print <text>.
Exits non-zero when a block fails or prints something else.
"""
import contextlib
import io
import os
import re
import sys


def blocks(markdown):
    """The page's Python blocks to run, with the line each starts at."""
    lines = markdown.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            j = i + 1
            while lines[j].strip() != "```":
                j += 1
            above = i - 1
            while above >= 0 and lines[above].strip() == "":
                above -= 1
            if not re.match(r"^<!--\s*snippet:\s*not run", lines[above].strip()):
                found.append((i + 1, lines[i + 1 : j]))
            i = j
        i += 1
    return found


def main(page, folder):
    found = blocks(open(page, encoding="utf-8").read())
    if not found:
        sys.exit(f"page: no Python block to run in {page}")
    os.chdir(folder)
    problems = []
    for line, body in found:
        code = "\n".join(body)
        if "safetensors.torch" not in code:
            problems.append(f"{page}:{line}: the block does not use safetensors.torch")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code.replace("safetensors.torch", "safetensors.numpy"), f"{page}:{line}", "exec"), {})
        printed = out.getvalue().splitlines()
        stated = [body[k + 1].strip()[2:] for k, text in enumerate(body[:-1])
                  if text.startswith("print(") and body[k + 1].startswith("# ")]
        if printed != stated:
            problems.append(f"{page}:{line}: printed {printed}, the page says {stated}")
        else:
            print(f"page: {page}:{line} ran with safetensors.numpy, printed {len(printed)} line(s) as stated")
    if problems:
        sys.exit("page: " + "\n  ".join(problems))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
