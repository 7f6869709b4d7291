"""The docs site as a reader sees it: chapter 01's page opened in headless Chromium (Debian's chromium).

Checks, for ./wb test: the math was typeset by the site's own MathJax (every TeX span rendered, none left
raw), no request of the page left the machine (read from Chromium's network log, with a page that does
reach out as the control that the check can fail), every page the main page links to exists, and a
screenshot is saved under build/docs/."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile

from project import BUILD

HTML = os.path.join(BUILD, "docs", "html")
SCREENSHOT = os.path.join(BUILD, "docs", "chapter_01_attention.png")
# Quiet Chromium's own background traffic (updates, sync, time, accounts), so that what is left is the page's.
QUIET = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-domain-reliability",
         "--disable-client-side-phishing-detection", "--disable-features=Translate,OptimizationHints,MediaRouter",
         "--proxy-server=127.0.0.1:9"]  # a request that tries to leave goes nowhere, and shows in the log
TIME_BUDGET_MS = "20000"  # virtual time for the page's scripts (MathJax) to finish


def chromium():
    return shutil.which("chromium")


def open_page(path, profile, extra=()):
    """Chromium's DOM of the page after its scripts ran, and the URLs the page itself asked for."""
    netlog = os.path.join(profile, "netlog.json")
    proc = subprocess.run([chromium(), *QUIET, f"--user-data-dir={profile}", f"--log-net-log={netlog}",
                           f"--virtual-time-budget={TIME_BUDGET_MS}", *extra, "--dump-dom", "file://" + path],
                          capture_output=True, text=True, timeout=180)
    return proc.stdout, page_requests(netlog)


def page_requests(netlog):
    """URLs of the requests a page started (Chromium's own start with the initiator 'not an origin')."""
    try:
        with open(netlog) as f:
            log = json.load(f)
    except (OSError, ValueError):
        return ["(no network log: " + netlog + ")"]
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = set()
    for e in log["events"]:
        params = e.get("params", {})
        url = params.get("url", "")
        if e["type"] == start and url and params.get("initiator") != "not an origin" and \
                not url.startswith(("file:", "data:", "blob:")):
            urls.add(url)
    return sorted(urls)


def raw_tex_left(dom):
    """TeX delimiters left in the text of the page (outside scripts, where MathJax keeps its sources)."""
    text = re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.S)
    return len(re.findall(r"\\\(|\\\[|\\f\$|\\f\[", text))


def check(tally):
    if not tally.check(chromium() is not None, "chromium is installed (group browser in tools/packages.txt)"):
        return
    page = os.path.join(HTML, "chapter_01_attention.html")
    if not tally.check(os.path.isfile(page), "the docs site has chapter 01's page", page):
        return
    with open(page) as f:
        source = f.read()
    formulas = source.count("\\(") + source.count("\\[")
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
        dom, requests = open_page(page, profile)
        typeset = len(re.findall(r'class="MathJax_SVG(?:_Display)?"', dom))
        tally.check(formulas > 20 and typeset >= formulas and raw_tex_left(dom) == 0,
                    "chapter 01's math is typeset in Chromium by the local MathJax",
                    f"{formulas} formulas in the page, {typeset} rendered, {raw_tex_left(dom)} left as raw TeX")
        tally.check(requests == [], "chapter 01's page makes no request that leaves the machine", ", ".join(requests[:5]))

        # the control: a page that does reach out must be caught, or the check above proves nothing
        control = os.path.join(profile, "control.html")
        with open(control, "w") as f:
            f.write('<html><body><img src="http://docs.example.invalid/logo.png"></body></html>')
        _, reached = open_page(control, os.path.join(profile, "control"))
        tally.check(any("docs.example.invalid" in u for u in reached),
                    "the network check catches a page that loads from outside", f"saw {reached}")

        subprocess.run([chromium(), *QUIET, f"--user-data-dir={profile}", "--window-size=1280,2400",
                        f"--virtual-time-budget={TIME_BUDGET_MS}", f"--screenshot={SCREENSHOT}", "file://" + page],
                       capture_output=True, timeout=180)
        ok = os.path.isfile(SCREENSHOT) and open(SCREENSHOT, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        tally.check(ok and os.path.getsize(SCREENSHOT) > 50_000, "a screenshot of chapter 01's page is saved",
                    f"{SCREENSHOT} ({os.path.getsize(SCREENSHOT) if os.path.isfile(SCREENSHOT) else 0} bytes)")

    # every other question page: its math typeset, nothing left raw (a quoted formula once stayed raw TeX)
    for other in sorted(glob.glob(os.path.join(HTML, "chapter_*.html"))):
        if other == page:
            continue
        with open(other) as f:
            formulas = f.read().count("\\(")
        with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile:
            dom, requests = open_page(other, profile)
        typeset = len(re.findall(r'class="MathJax_SVG(?:_Display)?"', dom))
        name = os.path.basename(other)
        tally.check(typeset >= formulas and raw_tex_left(dom) == 0 and requests == [],
                    f"{name}: math typeset by the local MathJax, no raw TeX, no outside request",
                    f"{formulas} inline formulas, {typeset} rendered, {raw_tex_left(dom)} raw, requests {requests[:3]}")

    with open(os.path.join(HTML, "index.html")) as f:
        links = sorted({h.split("#")[0] for h in re.findall(r'<a [^>]*href="([^"]+)"', f.read())
                        if not h.startswith(("http:", "https:", "mailto:", "#", "javascript:"))})
    missing = [h for h in links if not os.path.isfile(os.path.join(HTML, h))]
    tally.check(len(links) >= 8 and not missing, "every page the main page links to exists",
                f"{len(links)} links, missing: {missing}")
