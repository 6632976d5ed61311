"""Screenshots of the dashboard as people see it: the Procfile server, headless Chromium,
Start, a few seconds of training, at a projector's 1024×768, a 1920×1080 screen and a
390×844 phone. Writes docs/screenshot.png (1920×1080) and docs/screenshot-<w>x<h>.png.
Run from the repository root: `python scripts/screenshot.py [seconds] [--url URL]
[--target ID] [--out DIR]` (with --url, an already running server is used instead; with
--target, that target is chosen before Start; --out writes elsewhere than docs/)."""
import argparse
import sys
import time
from contextlib import nullcontext
from pathlib import Path

from selenium import webdriver

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import ROOT, Server  # noqa: E402

SIZES = ((1024, 768), (1920, 1080), (390, 844))


def shoot(url: str, width: int, height: int, seconds: float, out: Path, target: str | None = None) -> None:
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--disable-background-networking", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    try:
        # The viewport itself at this size (a window's size would include its frame).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        driver.get(url)
        end = time.monotonic() + 60
        while "Ready" not in _status(driver) and time.monotonic() < end:
            time.sleep(0.2)
        if target:  # as the dropdown would set it
            driver.execute_script(f"dash_clientside.set_props('target-function', {{value: '{target}'}})")
            time.sleep(1.5)
        driver.execute_script("document.getElementById('start-button').click()")
        time.sleep(seconds)
        if not driver.save_screenshot(str(out)):
            raise SystemExit(f"could not write {out}")
        print(f"wrote {out}")
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("seconds", nargs="?", type=float, default=6.0)
    parser.add_argument("--url")
    parser.add_argument("--target")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with (nullcontext() if args.url else Server()) as server:
        url = args.url or server.url
        for width, height in SIZES:
            name = "screenshot.png" if (width, height) == (1920, 1080) else f"screenshot-{width}x{height}.png"
            shoot(url, width, height, args.seconds, args.out / name, args.target)


def _status(driver) -> str:
    try:
        return driver.find_element("id", "status").text
    except Exception:  # the page is still rendering
        return ""


if __name__ == "__main__":
    main()
