"""Give each ImageChat process its own Chainlit files directory under the data directory.

Chainlit keeps uploaded and element files in `<app root>/.files` and deletes that whole folder
when a server shuts down, so two servers started from one checkout (tests, a rolling restart)
break each other's sessions. Each process gets `<data dir>/session-files/<pid>` instead, and
folders left by processes that died are removed at start.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import chainlit.config
import chainlit.server


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def use_private_files_dir(data_dir: Path) -> Path:
    root = data_dir / "session-files"
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.name.isdigit() and not _alive(int(child.name)):
            with contextlib.suppress(OSError):
                shutil.rmtree(child)
    mine = root / str(os.getpid())
    mine.mkdir(exist_ok=True)
    chainlit.config.FILES_DIRECTORY = mine
    chainlit.server.FILES_DIRECTORY = mine
    return mine
