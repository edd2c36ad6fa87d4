"""An AudioIn the test feeds by hand: blocks of silence pushed with :meth:`feed`, taken by
the listen worker's thread; :meth:`wait_taken` returns once the worker has handled them."""

from __future__ import annotations

import queue
from collections.abc import Iterator

from voice_guide.ports import SAMPLE_RATE


class BlockFeed:
    def __init__(self, block_s: float = 0.1) -> None:
        self.block = b"\0\0" * int(SAMPLE_RATE * block_s)
        self._blocks: queue.Queue[bytes | None] = queue.Queue()
        self.fail_with: Exception | None = None

    def feed(self, seconds: float) -> None:
        """Push ``seconds`` of silence (rounded to whole blocks)."""
        for _ in range(max(1, round(seconds * SAMPLE_RATE * 2 / len(self.block)))):
            self._blocks.put(self.block)

    def fail(self, err: Exception) -> None:
        """The device breaks: ``blocks()`` raises ``err`` once the blocks fed so far are taken."""
        self.fail_with = err
        self._blocks.put(None)

    def wait_taken(self) -> None:
        """Block until every pushed block has been handled by the reader."""
        self._blocks.join()

    def blocks(self) -> Iterator[bytes]:
        while True:
            block = self._blocks.get()
            try:
                if block is None:
                    if self.fail_with is not None:
                        raise self.fail_with
                    return
                yield block
            finally:
                self._blocks.task_done()

    def close(self) -> None:
        self._blocks.put(None)
