"""Screenshots of the report's HTML in headless Chromium, for a person to look at.

``python -m mfgcheck.reports.screenshots report/index.html [--out DIR] [--width 1400]``
(``make screenshots``) writes ``top.png`` (the first screen: title, contents, summary
table), ``page.png`` (the whole page, trimmed of the blank rows after its end) and
``page-01.png``, ``page-02.png``, ... (the whole page cut into screens of ``--height``
pixels, to look at one by one), all ``--width`` pixels wide. (Chromium's headless
screenshot of a page opened at an anchor comes out blank, so sections are cut from the
whole page instead.) Chromium runs with a fresh, empty profile and no network features.
It is not a Python dependency: ``apt-get install chromium`` (Debian) provides it; without
it the command says so and exits 2.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--disable-extensions", "--mute-audio")


def find_browser() -> str | None:
    """The first Chromium-like executable on PATH, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _shoot(browser: str, url: str, path: Path, width: int, height: int) -> Path:
    """One screenshot of ``url`` in a ``width`` x ``height`` window."""
    with tempfile.TemporaryDirectory(prefix="mfgcheck-chromium-") as profile:
        cmd = [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--screenshot={path}", url]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not path.exists():
        raise RuntimeError(f"chromium failed on {url} (exit {done.returncode}): "
                           f"{done.stderr.strip()[-500:]}")
    return path


def sections(html: str) -> list[str]:
    """The anchors of the level-2 headings of a report page."""
    return re.findall(r'<h2 id="([^"]+)"', html)


def _content_rows(path: Path):
    """The pixels of a screenshot (H, W, 3) and the index of its last non-blank row."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        px = np.asarray(im.convert("RGB"))
    ink = np.flatnonzero((px < 250).any(axis=(1, 2)))
    return px, (int(ink[-1]) if ink.size else -1)


def screenshots(page: Path, out: Path, *, width: int = 1400, height: int = 1000,
                page_height: int = 30000, max_height: int = 120000,
                browser: str | None = None) -> list[Path]:
    from PIL import Image

    browser = browser or find_browser()
    if browser is None:
        raise FileNotFoundError("no Chromium found (tried " + ", ".join(BROWSERS)
                                + "): apt-get install chromium")
    page = Path(page).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    url = page.as_uri()
    paths = [_shoot(browser, url, out / "top.png", width, height)]
    whole = out / "page.png"
    while True:   # a window taller than the page: blank rows at the bottom
        _shoot(browser, url, whole, width, page_height)
        px, last = _content_rows(whole)
        if last < page_height - 50 or page_height >= max_height:
            break
        page_height = min(2 * page_height, max_height)
    px = px[: last + 41]
    Image.fromarray(px).save(whole)
    paths.append(whole)
    for i, top in enumerate(range(0, px.shape[0], height), 1):
        tile = out / f"page-{i:02d}.png"
        Image.fromarray(px[top: top + height]).save(tile)
        paths.append(tile)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", type=Path, help="the report's index.html")
    ap.add_argument("--out", type=Path, default=None,
                    help="directory for the PNGs (default: screenshots/ beside the page)")
    ap.add_argument("--width", type=int, default=1400, help="window width in px (default 1400)")
    ap.add_argument("--height", type=int, default=1000,
                    help="height of top.png and of each page-NN.png (default 1000)")
    ap.add_argument("--page-height", type=int, default=30000,
                    help="first window height tried for the whole page; doubled until the "
                         "page fits (default 30000)")
    args = ap.parse_args(argv)
    if not args.page.is_file():
        print(f"page: {args.page} is not a file (run `make report` first)", file=sys.stderr)
        return 2
    out = args.out or args.page.parent / "screenshots"
    try:
        paths = screenshots(args.page, out, width=args.width, height=args.height,
                            page_height=args.page_height)
    except FileNotFoundError as exc:
        print(f"make screenshots: {exc}", file=sys.stderr)
        return 2
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
