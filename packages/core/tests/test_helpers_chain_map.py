"""aiohttp.helpers: ChainMapProxy and typed BaseKey lookups."""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pytest

from aiohttp.helpers import BaseKey, ChainMapProxy

if TYPE_CHECKING:
    from typing_extensions import assert_type
elif sys.version_info >= (3, 11):
    from typing import assert_type

INT_KEY = BaseKey("int_key", int)
STR_KEY: BaseKey[str] = BaseKey("str_key")


def test_getitem_first_map_wins() -> None:
    proxy = ChainMapProxy([{"a": 1}, {"a": 2, "b": 3}])
    assert proxy["a"] == 1
    assert proxy["b"] == 3


def test_getitem_missing() -> None:
    proxy = ChainMapProxy([{"a": 1}, {"b": 2}])
    with pytest.raises(KeyError, match="'c'"):
        proxy["c"]


def test_none_values_are_found() -> None:
    proxy = ChainMapProxy([{"a": None}, {"a": 1}])
    assert proxy["a"] is None
    assert proxy.get("a", 5) is None


def test_get() -> None:
    proxy = ChainMapProxy([{"a": 1}, {"b": 2}])
    assert proxy.get("b") == 2
    assert proxy.get("c") is None
    assert proxy.get("c", "default") == "default"


def test_mapping_semantics() -> None:
    proxy = ChainMapProxy([{"a": 1, "b": 2}, {"b": 3, "c": 4}, {}])
    assert isinstance(proxy, Mapping)
    assert len(proxy) == 3
    assert list(proxy) == ["a", "b", "c"]
    as_dict: dict[str | BaseKey[Any], Any] = dict(proxy)
    assert as_dict == {"a": 1, "b": 2, "c": 4}
    assert set(proxy.keys()) == {"a", "b", "c"}
    assert sorted(proxy.values()) == [1, 2, 4]
    assert proxy == {"a": 1, "b": 2, "c": 4}
    assert "a" in proxy
    assert "c" in proxy
    assert "d" not in proxy


def test_contains_looks_at_keys_not_values() -> None:
    proxy = ChainMapProxy([{"a": "b"}])
    assert "b" not in proxy


def test_bool() -> None:
    assert not ChainMapProxy([])
    assert not ChainMapProxy([{}, {}])
    assert ChainMapProxy([{}, {"a": 1}])


def test_empty() -> None:
    proxy = ChainMapProxy([])
    assert len(proxy) == 0
    assert list(proxy) == []
    assert proxy.get("a") is None


def test_maps_are_taken_once_but_seen_live() -> None:
    first: dict[str, int] = {}
    maps = iter([first, {"a": 1}])
    proxy = ChainMapProxy(maps)
    assert proxy["a"] == 1
    first["a"] = 0
    assert proxy["a"] == 0
    assert len(proxy) == 1


def test_is_read_only() -> None:
    proxy: Any = ChainMapProxy([{"a": 1}])
    with pytest.raises(TypeError):
        proxy["a"] = 2
    with pytest.raises(AttributeError):
        proxy.new_attribute = 1


def test_subclassing_is_forbidden() -> None:
    with pytest.raises(
        TypeError, match="Inheritance class Sub from ChainMapProxy is forbidden"
    ):

        class Sub(ChainMapProxy):  # type: ignore[misc]
            pass


def test_repr() -> None:
    assert (
        repr(ChainMapProxy([{"a": 1}, {"b": 2}])) == "ChainMapProxy({'a': 1}, {'b': 2})"
    )
    assert repr(ChainMapProxy([])) == "ChainMapProxy()"


def test_typed_key_lookup() -> None:
    proxy = ChainMapProxy([{"plain": "x"}, {INT_KEY: 1, STR_KEY: "s"}])
    assert proxy[INT_KEY] == 1
    assert proxy[STR_KEY] == "s"
    assert proxy.get(INT_KEY) == 1
    assert proxy.get(INT_KEY, "d") == 1
    assert proxy.get(BaseKey("other", int)) is None
    assert proxy.get(BaseKey("other", int), "d") == "d"
    assert INT_KEY in proxy
    assert list(proxy) == ["plain", INT_KEY, STR_KEY]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.assert_type is 3.11+")
def test_typed_key_lookup_types() -> None:
    proxy = ChainMapProxy([{INT_KEY: 1, "plain": 2}])
    assert_type(proxy[INT_KEY], int)
    assert_type(proxy.get(INT_KEY), int | None)
    assert_type(proxy.get(INT_KEY, "d"), int | str)
    assert_type(proxy["plain"], Any)
    assert_type(proxy.get("plain"), Any)


def test_key_name_has_the_defining_module() -> None:
    assert repr(INT_KEY) == f"<BaseKey({__name__}.int_key, type=int)>"


def test_key_repr_types() -> None:
    class Custom:
        pass

    assert repr(STR_KEY) == f"<BaseKey({__name__}.str_key, type=<<Unknown>>)>"
    assert repr(BaseKey[str]("generic")).endswith(".generic, type=str)>")
    custom = BaseKey("custom", Custom)
    assert repr(custom).endswith(
        f".custom, type={__name__}.test_key_repr_types.<locals>.Custom)>"
    )
    alias = BaseKey[list[int]]("alias")
    assert repr(alias).endswith(".alias, type=list[int])>")


def test_key_made_outside_module_code_has_a_bare_name() -> None:
    # A thread's frames start in threading, not in a module's top-level code.
    keys: list[BaseKey[int]] = []
    thread = threading.Thread(target=lambda: keys.append(BaseKey("bare", int)))
    thread.start()
    thread.join(5)
    assert repr(keys[0]) == "<BaseKey(bare, type=int)>"


def test_key_ordering() -> None:
    a: BaseKey[int] = BaseKey("a")
    b: BaseKey[int] = BaseKey("b")
    assert a < b
    assert b > a
    assert not b < a
    assert not a > b
    assert sorted([b, a]) == [a, b]
    # Keys sort before keys of other types, either way round.
    assert a < "z"
    assert not a > "a"
    mixed: list[Any] = ["x", b, "a", a]
    assert sorted(mixed) == [a, b, "a", "x"]


def test_keys_compare_by_identity() -> None:
    first, second = BaseKey("same", int), BaseKey("same", int)
    assert first != second
    assert first == first  # noqa: PLR0124
    assert len({first, second}) == 2


def test_subclass_repr_uses_its_name() -> None:
    class AppKey(BaseKey[int]):
        pass

    key_repr = repr(AppKey("k", int))
    assert key_repr.startswith("<AppKey(")
    assert key_repr.endswith(".k, type=int)>")
