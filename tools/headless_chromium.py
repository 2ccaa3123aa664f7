"""Drive Debian's headless Chromium over the DevTools protocol (for report tests and measurements).

A small client: start `chromium --headless --remote-debugging-port=0` with a fresh profile, attach to
its page over a websocket (`websocket-client`, in the test extra), navigate, evaluate JavaScript,
click and type with real input events, take screenshots. Only 127.0.0.1 is contacted.
Used by test/python/test_report.py and tools/bench_report.py.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars=false",
]

KEYS = {  # key -> (code, windowsVirtualKeyCode)
    "ArrowDown": ("ArrowDown", 40),
    "ArrowUp": ("ArrowUp", 38),
    "Enter": ("Enter", 13),
    "Escape": ("Escape", 27),
    "Home": ("Home", 36),
    "End": ("End", 35),
    "PageDown": ("PageDown", 34),
    "PageUp": ("PageUp", 33),
    "/": ("Slash", 191),
    "[": ("BracketLeft", 219),
    "]": ("BracketRight", 221),
}


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class ChromiumError(RuntimeError):
    pass


class Chromium:
    """One headless browser with one page. Use as a context manager."""

    def __init__(self, width: int = 1500, height: int = 950, binary: str | None = None, timeout: float = 60):
        import websocket  # websocket-client

        self.binary = binary or find_chromium()
        if not self.binary:
            raise ChromiumError("chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="hexopt-chromium-")
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [
                self.binary,
                *FLAGS,
                f"--user-data-dir={self.profile}",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._port()
        deadline = time.monotonic() + timeout
        page = None
        while page is None:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                page = next((t for t in json.load(r) if t.get("type") == "page"), None)
            if page is None:
                if time.monotonic() > deadline:
                    raise ChromiumError("chromium opened no page")
                time.sleep(0.1)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def _port(self) -> int:
        assert self.proc.stderr is not None
        deadline = time.monotonic() + self.timeout
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:  # keep reading its log, or chromium blocks once the pipe is full
                threading.Thread(target=self.proc.stderr.read, daemon=True).start()
                return int(m.group(1))
        self.close()
        raise ChromiumError("chromium did not start: " + "".join(seen[-5:]))

    # ------------------------------------------------------------------ protocol
    def send(self, method: str, **params: Any) -> dict:
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise ChromiumError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev["method"] == method:
                    return self.events.pop(i)
            if time.monotonic() > deadline:
                raise ChromiumError(f"no {method} event")
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)

    def errors(self) -> list[str]:
        """JavaScript exceptions and console errors seen so far."""
        out = []
        for ev in self.events:
            if ev["method"] == "Runtime.exceptionThrown":
                d = ev["params"]["exceptionDetails"]
                out.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
            elif ev["method"] == "Runtime.consoleAPICalled" and ev["params"]["type"] == "error":
                out.append(" ".join(str(a.get("value", a.get("description", ""))) for a in ev["params"]["args"]))
        return out

    # ------------------------------------------------------------------ page
    def open(self, url: str, ready: str = "document.documentElement.dataset.ready === '1'") -> float:
        """Navigate and wait until `ready` is true; returns the seconds from the request to ready."""
        start = time.monotonic()
        self.send("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        self.wait_for(ready)
        return time.monotonic() - start

    def wait_for(self, expression: str, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.eval(expression):
            if time.monotonic() > deadline:
                raise ChromiumError(f"timed out waiting for {expression}")
            time.sleep(0.02)

    def eval(self, expression: str) -> Any:
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise ChromiumError(f"{expression}: {r['exceptionDetails'].get('exception', {}).get('description')}")
        return r.get("result", {}).get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching `selector` (scrolled into view)."""
        box = self.eval(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: 'nearest'}}); const r = e.getBoundingClientRect();
            return [r.left + Math.min(r.width / 2, 40), r.top + r.height / 2]; }})()""")
        if box is None:
            raise ChromiumError(f"no element {selector}")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def key(self, key: str, shift: bool = False) -> None:
        code, vk = KEYS.get(
            key, (f"Key{key.upper()}" if key.isalpha() else key, ord(key.upper()) if len(key) == 1 else 0)
        )
        text = key if len(key) == 1 else ("\r" if key == "Enter" else "")
        mods = 8 if shift else 0
        self.send(
            "Input.dispatchKeyEvent",
            type="keyDown" if text else "rawKeyDown",
            key=key,
            code=code,
            windowsVirtualKeyCode=vk,
            text=text,
            modifiers=mods,
        )
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=vk, modifiers=mods)

    def type(self, text: str) -> None:
        self.send("Input.insertText", text=text)

    def screenshot(self, path: str) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self) -> None:
        try:
            if getattr(self, "ws", None):
                with contextlib.suppress(Exception):
                    self.send("Browser.close")
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def file_url(path: str) -> str:
    return "file://" + os.path.abspath(path)
