"""The resumable state of a screen: ``DIR/.screen-state.jsonl``, one JSON line appended per finished batch
(its files' results keyed by the SHA-256 of each file's content).

The first line names the context (software version, reference, knowledge base, population table, caller
depth); a different context starts afresh.  A line cut short by a crash is ignored on reading, so a batch
is either wholly recorded or not at all.  Failures are not recorded: a failed file is tried again.
Each line is flushed when written and synced to disk at most once a second (and when the screen ends): a
crash of the machine loses at most the last second's batches, which are then screened again.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

STATE_NAME = ".screen-state.jsonl"
SYNC_EVERY_SECONDS = 1.0


class ScreenState:
    def __init__(self, out: Path, context: str):
        self.path = Path(out) / STATE_NAME
        self.context = context
        self.files: dict[str, dict] = {}  # sha256 -> {"joint": bool, "complete": bool, "samples": {name: r}}
        self.resumed = False
        self._synced = time.monotonic()
        self._unsynced = False
        lines = self._read()
        if lines and lines[0].get("context") == context:
            self.resumed = True
            for line in lines[1:]:
                for entry in line.get("batch", [line]):  # a batch's line, or one file's (earlier versions)
                    self._merge(entry)
        else:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"context": context}) + "\n")
            os.replace(tmp, self.path)

    def _read(self) -> list[dict]:
        if not self.path.exists():
            return []
        out = []
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a line torn by a crash: that batch was not recorded
        with open(self.path, "rb+") as fh:  # the next line must start on a line of its own
            fh.seek(0, os.SEEK_END)
            if fh.tell():
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")
        return out

    def _merge(self, entry: dict) -> None:
        f = self.files.setdefault(
            entry["sha256"], {"joint": entry["joint"], "complete": False, "samples": {}}
        )
        for r in entry["samples"]:
            f["samples"][r["sample"]] = r
        if entry.get("complete"):
            f["complete"] = True

    def complete(self) -> set[str]:
        return {sha for sha, f in self.files.items() if f["complete"]}

    def samples_of(self, sha: str) -> dict[str, dict]:
        return self.files.get(sha, {}).get("samples", {})

    def record(self, sha: str, samples: list[dict], joint: bool, complete: bool) -> None:
        self.record_batch([entry(sha, samples, joint, complete)])

    def record_batch(self, entries: list[dict]) -> None:
        """One line for a finished batch's files (``entry``): all recorded or, cut short, none."""
        if not entries:
            return
        line = json.dumps({"batch": entries}, ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            if time.monotonic() - self._synced >= SYNC_EVERY_SECONDS:
                os.fsync(fh.fileno())
                self._synced, self._unsynced = time.monotonic(), False
            else:
                self._unsynced = True
        for e in entries:
            self._merge(e)

    def mark_complete(self, sha: str) -> None:
        self.record(sha, [], joint=True, complete=True)

    def sync(self) -> None:
        """Sync what was written since the last sync (the screen's end)."""
        if self._unsynced:
            with open(self.path, "rb") as fh:
                os.fsync(fh.fileno())
            self._synced, self._unsynced = time.monotonic(), False


def entry(sha: str, samples: list[dict], joint: bool, complete: bool) -> dict:
    return {"sha256": sha, "joint": joint, "complete": complete, "samples": samples}
