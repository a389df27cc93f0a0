"""Kernels started ahead of the notebooks they will run, so a notebook does not wait for one.

Starting a kernel and importing pandas, matplotlib and the package in it costs 2–3 s per
notebook, most of a short notebook's time. The runner starts each notebook's kernel early,
while it is still cleaning or running the notebooks this one needs, and has the kernel import
the notebooks' API silently (no output, no execution count). Each notebook still runs in a
fresh kernel of its own: warming changes when the imports happen, not what the notebook sees.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

from jupyter_client.manager import KernelManager

WARM_UP = (
    "audit_analysis.paper.blocks",
    "audit_analysis.paper.report",
    "nbconvert.filters.markdown_mistune",
)
"""What every notebook imports first: the notebooks' API (pandas, IPython's display), and the
Markdown renderer the commentary check renders with (its IRI grammar skipped by then). The
heavier modules only notebook 01 needs (matplotlib, the exhibit builders) are not preloaded:
after a commentary edit 01 reuses the filed exhibits and never imports them."""
WARM_UP_SECONDS = 120


class _ClientsKept(KernelManager):
    """A kernel manager that remembers its clients: papermill leaves the channels of a client
    of a kernel it did not start open, and they must be closed with the kernel."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clients_made: list = []

    def client(self, **kwargs):
        client = super().client(**kwargs)
        self.clients_made.append(client)
        return client


class WarmKernel:
    """A kernel started now, in `cwd`, that imports `modules` in the background."""

    def __init__(
        self,
        kernel_name: str,
        cwd: Path,
        extra_arguments: list[str],
        modules: tuple[str, ...] = WARM_UP,
    ):
        code = "; ".join(f"__import__({name!r})" for name in modules) or "pass"  # binds no name
        self.manager = _ClientsKept(kernel_name=kernel_name)
        self._stopping = threading.Lock()
        self._stop = threading.Event()
        self.stopped = False
        """Shut down by `shutdown`: a notebook failing then was stopped, not broken."""
        self.manager.start_kernel(extra_arguments=list(extra_arguments), cwd=str(cwd))
        try:
            self._warm_client = self.manager.client()
            self._warming = threading.Thread(target=self._warm, args=(code,), daemon=True)
            self._warming.start()
        except BaseException:
            self.manager.shutdown_kernel(now=True)
            raise

    def _warm(self, code: str) -> None:
        """Ask until the kernel answers, then have it import; stop as soon as asked to, or
        when the kernel dies (jupyter_client's wait_for_ready notices neither)."""
        client = self._warm_client
        client.start_channels()
        deadline = time.monotonic() + WARM_UP_SECONDS
        try:
            asked, request = time.monotonic(), None
            client.kernel_info()
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    reply = client.get_shell_msg(timeout=0.2)
                except queue.Empty:
                    if not self.manager.is_alive():
                        return
                    if request is None and time.monotonic() - asked > 1:
                        asked = time.monotonic()
                        client.kernel_info()  # as wait_for_ready does: a first ask can be lost
                    continue
                if request is None and reply["msg_type"] == "kernel_info_reply":
                    request = client.execute(code, silent=True, store_history=False)
                elif request is not None and reply["parent_header"].get("msg_id") == request:
                    return
        except Exception:  # noqa: S110 - the notebook meets, and reports, whatever went wrong
            pass
        finally:
            client.stop_channels()

    def ready(self) -> KernelManager:
        """The kernel, once it has imported what it was asked to."""
        self._warming.join()
        return self.manager

    def shutdown(self) -> None:
        """Stop the kernel and close its clients' channels; safe to call twice, from any thread."""
        with self._stopping:
            self.stopped = True
            self._stop.set()
            self._warming.join(timeout=5)
            if self.manager.has_kernel:
                self.manager.shutdown_kernel(now=True)
            for client in self.manager.clients_made:
                if client is not self._warm_client and client.channels_running:
                    client.stop_channels()
