"""Take docs/screenshot.png: the Procfile server, headless Chromium, Start, a few seconds of
training. Run from the repository root: `python scripts/screenshot.py [seconds]`."""
import sys
import time
from pathlib import Path

from selenium import webdriver

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import ROOT, Server  # noqa: E402


def main(seconds: float = 6.0) -> None:
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    with Server(env={"GAN_SPARE_SESSIONS": "1"}) as server:
        driver = webdriver.Chrome(options=options)
        try:
            driver.get(server.url)
            end = time.monotonic() + 60
            while "Ready" not in _status(driver) and time.monotonic() < end:
                time.sleep(0.2)
            driver.find_element("id", "start-button").click()
            time.sleep(seconds)
            out = ROOT / "docs" / "screenshot.png"
            driver.save_screenshot(str(out))
            print(f"wrote {out}")
        finally:
            driver.quit()


def _status(driver) -> str:
    try:
        return driver.find_element("id", "status").text
    except Exception:  # the page is still rendering
        return ""


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
