#!/usr/bin/env python3
"""Takes a screenshot of a running Rathaus: by default /soest/ at 1280×900 into docs/screenshot-soest.png.

Starts nothing itself; run the portal first (`make run`, or `rathaus serve --port 8020`), then:

    .venv/bin/python scripts/screenshot.py [BASE_URL] [--path /soest/] [--width 1280] [--height 900] [--out FILE]
"""

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("RATHAUS_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--path", default="/soest/")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true", help="the whole page, not only the first screen")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "docs" / "screenshot-soest.png")
    args = parser.parse_args()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": args.width, "height": args.height}, locale="de-DE", device_scale_factor=1
        )
        page = context.new_page()
        response = page.goto(args.base_url.rstrip("/") + args.path, wait_until="networkidle")
        if response is None or not response.ok:
            print(f"{args.path}: HTTP {response.status if response else '?'}", file=sys.stderr)
            return 1
        page.screenshot(path=str(args.out), full_page=args.full_page)
        browser.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
