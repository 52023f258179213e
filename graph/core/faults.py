"""Named points where a test can kill the process, to prove that a crash leaves a safe state.

Code that writes state calls ``checkpoint("release:staged")`` between its steps. Normally that
does nothing. When ``OCCUGRAPH_KILL_AT`` names the checkpoint, the process kills itself with
SIGKILL on the spot: no ``finally`` blocks, no clean-up, exactly like a power cut or ``kill -9``.
The tests in tests/test_diff_release.py and tests/test_proposals.py run commands in a subprocess
with that variable set and then check that the previous state is intact.

>>> checkpoint("nothing-is-armed")  # a no-op unless OCCUGRAPH_KILL_AT says otherwise
"""

from __future__ import annotations

import os
import signal

ENV = "OCCUGRAPH_KILL_AT"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
