"""Choosing a response's content coding from Accept-Encoding (RFC 9110 12.5.3).

The client lists codings with optional weights (``gzip;q=0.8, br, *;q=0``);
``q=0`` means "not acceptable", ``*`` stands for every coding not listed,
and ``identity`` (no coding) is acceptable unless excluded. The server picks
the acceptable coding with the highest weight, and among equal weights its
own preference: the order of ``available``; it sends the body as it is
when the client weighs ``identity`` higher than that coding.

Clients send a handful of distinct header values, over and over, so the
answers are cached.
"""

from __future__ import annotations

import functools
import re
from typing import Final

__all__ = ("choose_coding",)

# qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
_QVALUE_RE: Final = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")
_TOKEN_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9a-z]+")
# Header values longer than this are not worth caching (nor common).
_CACHE_SIZE: Final = 256
# gzip's old name (RFC 9110 section 8.4.1.3).
_ALIASES: Final = {"x-gzip": "gzip"}


def _weights(accept_encoding: str) -> dict[str, float]:
    """Map each listed coding (lower-cased, ``*`` too) to its weight.

    An element with a malformed weight is left out; when a coding is listed
    twice, the first listing counts.
    """
    weights: dict[str, float] = {}
    for element in accept_encoding.split(","):
        coding, *params = element.split(";")
        coding = coding.strip().lower()
        if coding != "*" and not _TOKEN_RE.fullmatch(coding):
            continue
        weight: float | None = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                weight = float(value) if _QVALUE_RE.fullmatch(value) else None
        if weight is not None:
            weights.setdefault(_ALIASES.get(coding, coding), weight)
    return weights


@functools.lru_cache(maxsize=_CACHE_SIZE)
def choose_coding(accept_encoding: str, available: tuple[str, ...]) -> str | None:
    """Return the coding to send, from ``available`` (best first), or ``None``.

    ``None`` means the body goes as it is: no acceptable coding, or the
    client weighs ``identity`` above every one we have.
    """
    weights = _weights(accept_encoding)
    if not weights:
        return None
    star = weights.get("*")
    best: str | None = None
    best_weight = 0.0
    for coding in available:
        weight = weights.get(coding, star)
        if weight is not None and weight > best_weight:
            best, best_weight = coding, weight
    if best is None:
        return None
    # identity only wins when the client gave it a weight (itself or
    # through "*"): a lone "gzip;q=0.5" still asks for gzip.
    identity = weights.get("identity", star)
    if identity is not None and identity > best_weight:
        return None
    return best
