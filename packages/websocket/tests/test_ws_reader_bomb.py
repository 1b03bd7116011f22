"""A permessage-deflate compression bomb costs at most ``max_msg_size``.

About 1 MiB of deflate data that inflates to 1 GiB of zeros is sent as one
message to a reader limited to 4 MiB. It must fail with 1009 (RFC 6455
section 7.4.1, "message too big") without inflating the whole gigabyte.

Peak memory is measured in a child interpreter whose peak resident size is
reset just before parsing (``/proc/self/clear_refs``), so the growth is
the parse's own: its peak (``VmHWM``) minus the resident size before. Linux
only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from aiohttp._websocket.models import WebSocketError
from aiohttp._websocket.reader import FrameParser

INFLATED_SIZE = 2**30
MAX_MSG_SIZE = 4 * 2**20
PEAK_GROWTH_LIMIT = 64 * 2**20

CHILD = """
import json, sys
from aiohttp._websocket.reader import FrameParser


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


with open(sys.argv[1], "rb") as f:
    data = f.read()
parser = FrameParser(is_server=False, max_msg_size=int(sys.argv[2]), compress=15)
# Reset the peak (Linux: clear_refs "5"), so the peak read afterwards is
# the parse's own, not the imports' or the file read's.
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status_kib("VmRSS")
events = parser.feed(data)
peak = status_kib("VmHWM")
print(json.dumps({
    "codes": [getattr(e, "code", None) for e in events],
    "growth_kib": peak - before,
}))
"""


def bomb_frame() -> bytes:
    """An unmasked (server-to-client) compressed BINARY frame of 1 GiB zeros."""
    compressor = zlib.compressobj(wbits=-15)
    zeros = bytes(2**20)
    parts = [compressor.compress(zeros) for _ in range(INFLATED_SIZE // len(zeros))]
    parts.append(compressor.flush(zlib.Z_SYNC_FLUSH))
    body = b"".join(parts)[:-4]  # RFC 7692 7.2.1: strip 00 00 ff ff
    assert len(body) < 2**21
    header = bytes([0xC2, 127]) + len(body).to_bytes(8, "big")  # FIN|RSV1|BINARY
    return header + body


@pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(), reason="measures RSS via /proc"
)
def test_compression_bomb_rejected_with_bounded_memory(tmp_path: Path) -> None:
    data = bomb_frame()
    path = tmp_path / "bomb.bin"
    path.write_bytes(data)

    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(MAX_MSG_SIZE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["codes"] == [1009]
    growth = report["growth_kib"] * 1024
    print(f"bomb: {len(data)} bytes in, peak RSS growth {growth / 2**20:.1f} MiB")
    assert growth < PEAK_GROWTH_LIMIT

    # In this process too, the same answer however the frame is split.
    for size in (len(data), 65536, 1000):
        parser = FrameParser(is_server=False, max_msg_size=MAX_MSG_SIZE, compress=15)
        events = []
        for start in range(0, len(data), size):
            events += parser.feed(data[start : start + size])
        assert len(events) == 1
        assert isinstance(events[0], WebSocketError)
        assert events[0].code == 1009
