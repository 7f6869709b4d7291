"""Builds the documentation site: ./wb docs (or the CMake target `docs`).

1. Copies each chapter's README.md (the question page) into build/docs/pages, turning GitHub's
   $...$ and $$...$$ math into Doxygen's \\f$...\\f$ and \\f[...\\f], and links to exercise headers
   into Doxygen references. docs/*.md are copied as they are.
2. Copies the part of Debian's MathJax 2 the site uses (TeX input, SVG output) next to the site,
   so it renders offline; never a CDN.
3. Runs Doxygen with docs/Doxyfile; any warning fails the build.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MATHJAX = "/usr/share/javascript/mathjax"
MATHJAX_PARTS = ["MathJax.js", "extensions", "jax/input/TeX", "jax/element", "jax/output/SVG/jax.js",
                 "jax/output/SVG/config.js", "jax/output/SVG/autoload", "jax/output/SVG/fonts/TeX", "localization/en"]


def convert_math(text):
    """GitHub math -> Doxygen math, and **bold** -> <b>bold</b>, outside fenced code blocks and inline code.
    (Doxygen leaves ** as it is where the bold starts with a quote or punctuation, or touches Chinese text,
    and runs no command inside double quotes: both left math as raw TeX.) Quotes become &quot;."""
    out, in_fence = [], False
    for block in re.split(r"(^```.*?$)", text, flags=re.M):
        if block.startswith("```"):
            in_fence = not in_fence
            out.append(block)
            continue
        if in_fence:
            out.append(block)
            continue
        parts = re.split(r"(`[^`\n]*`)", block)
        for i, part in enumerate(parts):
            if part.startswith("`"):
                continue
            part = re.sub(r"\$\$(.+?)\$\$", lambda m: "\\f[" + m.group(1) + "\\f]", part, flags=re.S)
            # inline math may wrap onto the next line of a paragraph, never across a blank line
            part = re.sub(r"(?<![\\$])\$(?!\s)((?:[^$\n]|\n(?!\s*\n))+?)(?<!\s)\$",
                          lambda m: "\\f$" + m.group(1) + "\\f$", part)
            part = re.sub(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*)|\n(?!\s*\n))+?)(?<=\S)\*\*", r"<b>\1</b>", part)
            # Doxygen runs no command inside "double quotes": the math in a quoted wrong answer stayed raw TeX
            pieces = re.split(r"(\\f\$.*?\\f\$|\\f\[.*?\\f\])", part, flags=re.S)
            part = "".join(p if k % 2 else p.replace('"', "&quot;") for k, p in enumerate(pieces))
            parts[i] = part
        out.append("".join(parts))
    return "".join(out)


def convert_links(text, chapter):
    """[text](name.hpp) -> a reference to the documented header; ../NN_x/README.md -> that chapter's page."""
    text = re.sub(r"\]\(([\w]+\.hpp)\)", lambda m: f"](@ref chapters/{chapter}/{m.group(1)})", text)
    text = re.sub(r"\]\(\.\./(\d\d_\w+)/README\.md\)", lambda m: f"](@ref chapter_{m.group(1)})", text)
    text = re.sub(r"\]\(\.\./\.\./docs/images/([\w.-]+)\)", r"](\1)", text)  # images: Doxygen's IMAGE_PATH
    return text


def prepare_pages(pages):
    shutil.rmtree(pages, ignore_errors=True)
    os.makedirs(pages)
    for name in os.listdir(os.path.join(ROOT, "docs")):
        if name.endswith(".md"):
            shutil.copy(os.path.join(ROOT, "docs", name), os.path.join(pages, name))
    chapters = sorted(d for d in os.listdir(os.path.join(ROOT, "chapters"))
                      if os.path.isfile(os.path.join(ROOT, "chapters", d, "README.md")))
    for chapter in chapters:
        with open(os.path.join(ROOT, "chapters", chapter, "README.md")) as f:
            text = f.read()
        lines = text.split("\n", 1)
        title = lines[0].lstrip("# ").strip()
        body = convert_links(convert_math(lines[1] if len(lines) > 1 else ""), chapter)
        with open(os.path.join(pages, f"chapter_{chapter}.md"), "w") as f:
            f.write(f"# {title} {{#chapter_{chapter}}}\n{body}")
    return chapters


def copy_mathjax(html):
    target = os.path.join(html, "mathjax")
    if os.path.isfile(os.path.join(target, "MathJax.js")):
        return
    if not os.path.isfile(os.path.join(MATHJAX, "MathJax.js")):
        raise SystemExit(f"docs: {MATHJAX} is missing: apt-get install libjs-mathjax")
    for part in MATHJAX_PARTS:
        src, dst = os.path.join(MATHJAX, part), os.path.join(target, part)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, symlinks=False, dirs_exist_ok=True)  # Debian's files are symlinks: copy content
        else:
            shutil.copy(src, dst)


def main():
    # Looked up when the site is built, not when CMake configures: a configure that ran before the
    # docs packages were installed must not leave a build that cannot find them.
    missing = [what for what, ok in [("doxygen (apt-get install doxygen)", shutil.which("doxygen")),
                                     ("MathJax (apt-get install libjs-mathjax)", os.path.isdir(MATHJAX))] if not ok]
    if missing:
        print("docs: error: not installed: " + ", ".join(missing) + "; ./wb docs installs them", file=sys.stderr)
        return 1
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "docs")
    pages = os.path.join(out, "pages")
    html = os.path.join(out, "html")
    os.makedirs(html, exist_ok=True)
    prepare_pages(pages)
    copy_mathjax(html)
    env = dict(os.environ, WB_ROOT=ROOT, WB_PAGES=pages, WB_DOCS_OUT=out)
    proc = subprocess.run(["doxygen", os.path.join(ROOT, "docs", "Doxyfile")], env=env, cwd=ROOT)
    log = os.path.join(out, "warnings.log")
    warnings = open(log).read().strip() if os.path.exists(log) else ""
    if warnings:
        print(warnings)
    if proc.returncode != 0 or warnings:
        print(f"docs: Doxygen reported warnings (see above); the site is in {html}", file=sys.stderr)
        return 1
    print(f"docs: {os.path.join(html, 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
