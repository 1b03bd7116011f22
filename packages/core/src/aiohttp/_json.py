"""``json.dumps(obj)`` with its default arguments, minus its Python layers.

``json.dumps`` with no options ends in the C encoder of the ``_json``
module, but only after three Python calls (``dumps``, ``encode``,
``iterencode``) that each re-read the same settings; for the small
documents a JSON API answers with, those calls cost twice the encoding.
``dumps`` here makes the same C encoder with json.dumps' own defaults
directly. Where the interpreter has no C encoder, it is ``json.dumps``.
"""

from __future__ import annotations

import json
from json import encoder as _encoder
from typing import Any, Final

__all__ = ("dumps",)

_make_encoder = getattr(_encoder, "c_make_encoder", None)
# json.dumps' defaults: what its module-level JSONEncoder was made with.
_DEFAULTS: Final = json.JSONEncoder()


def dumps(obj: Any) -> str:  # noqa: ANN401 - whatever json.dumps takes
    """Serialize ``obj`` exactly as ``json.dumps(obj)`` does."""
    if _make_encoder is None or isinstance(obj, str):
        return json.dumps(obj)
    encode = _make_encoder(
        {},  # markers: circular references are detected, as by default
        _DEFAULTS.default,
        _encoder.encode_basestring_ascii,
        None,  # indent
        ": ",
        ", ",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    return "".join(encode(obj, 0))
