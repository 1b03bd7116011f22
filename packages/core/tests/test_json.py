"""aiohttp._json.dumps answers exactly as json.dumps with its defaults."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiohttp._json import dumps

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats()
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(keys, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=2000, deadline=None)
@given(documents)
def test_the_same_text_as_json_dumps(document: object) -> None:
    assert dumps(document) == json.dumps(document)


@pytest.mark.parametrize(
    "document",
    [{"id": "42", "name": "user 42"}, "caf\u00e9", [math.inf, -math.inf], {}],
)
def test_examples(document: object) -> None:
    assert dumps(document) == json.dumps(document)


def test_what_json_refuses_is_refused_alike() -> None:
    with pytest.raises(TypeError) as ours:
        dumps({"when": object})
    with pytest.raises(TypeError) as theirs:
        json.dumps({"when": object})
    assert str(ours.value) == str(theirs.value)
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps(loop)
    # A refused document leaves nothing behind: the next one is fine.
    assert dumps([1, [2]]) == "[1, [2]]"
