"""The devices' words are translation catalogs (`*texts.toml` beside the module that reads
them, `config.bilingual.Texts.load`), which the center's staff edit without touching Python.
Every catalog that ships: each entry a pair of non-empty strings with the same
`{placeholders}` in both languages, each catalog read by a module, and each key a module
looks up by name present in the catalog it reads."""

from __future__ import annotations

import ast
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.bilingual import CatalogError, Texts

ROOT = Path(__file__).resolve().parent.parent
# The packages that ship, as pyproject.toml finds them (`include = ["kiosk*", ...]`).
PACKAGES = sorted(pattern.rstrip("*") for pattern in tomllib.loads(
    (ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    ["find"]["include"])
CATALOGS = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*texts.toml"))
# kiosk (2), counter_terminal, display_board, manager_console (4), qtkit (2), web (2), config
AT_LEAST = 13


def test_the_catalogs_are_found():
    assert len(CATALOGS) >= AT_LEAST, CATALOGS


def placeholders(text: str) -> set[str]:
    """The names a text's `{placeholders}` take (a stray brace fails here, as it would in
    `Texts.t`)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_entry_is_two_texts_with_the_same_placeholders(catalog: Path):
    Texts.load(catalog)  # a pair of two strings each, or it raises naming the file and key
    entries = tomllib.loads(catalog.read_text(encoding="utf-8"))
    assert entries, f"{catalog} is empty"
    for key, (vi, en) in entries.items():
        assert vi.strip() and en.strip(), f"{catalog}: {key!r} has an empty side"
        assert placeholders(vi) == placeholders(en), (
            f"{catalog}: {key!r} fills {sorted(placeholders(vi))} in Vietnamese but "
            f"{sorted(placeholders(en))} in English")


def test_a_placeholder_named_otherwise_in_one_language_is_caught():
    assert placeholders("Chờ dưới {minutes} phút") != placeholders("Under {minute} min wait")
    assert placeholders("Quầy {number}\n{services}") == placeholders("{services} {number}")


def test_a_catalog_entry_that_is_not_a_pair_names_the_file_and_the_key(tmp_path: Path):
    catalog = tmp_path / "texts.toml"
    catalog.write_text('done = ["Xong", "Done"]\nback = ["Quay lại"]\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"texts\.toml.*'back'.*pair of two strings"):
        Texts.load(catalog)
    # An unquoted dotted key is a TOML table, not an entry.
    catalog.write_text('status.open = ["Đang mở", "Open"]\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"texts\.toml.*'status'"):
        Texts.load(catalog)
    catalog.write_text('done = ["Xong", "Done"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"texts\.toml.*cannot read"):
        Texts.load(catalog)


# --- which module reads which catalog, and the keys it looks up --------------------------


def modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, ast.parse(path.read_text(encoding="utf-8"))


def catalog_loaded(value: ast.expr, module: str) -> Path | None:
    """`Texts.load(Path(__file__).with_name("x_texts.toml"))`: the catalog it names."""
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr == "load" and value.args
            and isinstance(named := value.args[0], ast.Call)
            and isinstance(named.func, ast.Attribute) and named.func.attr == "with_name"
            and isinstance(file := named.args[0], ast.Constant)):
        return ROOT.joinpath(*module.split(".")[:-1], file.value)
    return None


Names = dict[str, dict[str, Path]]


def tables_and_lookups(trees: dict[str, ast.Module]) -> tuple[Names, Names]:
    """Per module, its names bound at the top to a catalog's table (`TEXTS = Texts.load(...)`)
    and to its lookup (`text = TEXTS.t`), with those it imports from another module."""
    tables: dict[str, dict[str, Path]] = {name: {} for name in trees}
    lookups: dict[str, dict[str, Path]] = {name: {} for name in trees}
    for module, tree in trees.items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(target := node.targets[0], ast.Name):
                if catalog := catalog_loaded(node.value, module):
                    tables[module][target.id] = catalog
                elif (isinstance(value := node.value, ast.Attribute) and value.attr == "t"
                      and isinstance(value.value, ast.Name)
                      and value.value.id in tables[module]):
                    lookups[module][target.id] = tables[module][value.value.id]
    imports = [(module, node.module, alias.name, alias.asname or alias.name)
               for module, tree in trees.items() for node in tree.body
               if isinstance(node, ast.ImportFrom) and node.module in trees
               for alias in node.names]
    for _ in range(3):  # a name imported from a module that imported it
        for module, source, name, local in imports:
            for found in (tables, lookups):
                if name in found[source]:
                    found[module][local] = found[source][name]
    return tables, lookups


def looked_up() -> Iterator[tuple[str, int, str, Path]]:
    """Every literal key a module looks up: `text("key", ...)`, `TEXTS.t("key", ...)`,
    `texts.text("key", ...)` (a module imported whole), either key of `a if c else b`."""
    trees = dict(modules())
    tables, lookups = tables_and_lookups(trees)
    for module, tree in trees.items():
        whole = {alias.asname or alias.name: f"{node.module}.{alias.name}"
                 for node in tree.body if isinstance(node, ast.ImportFrom)
                 for alias in node.names if f"{node.module}.{alias.name}" in trees}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and call.args):
                continue
            func, catalog = call.func, None
            if isinstance(func, ast.Name):
                catalog = lookups[module].get(func.id)
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                name = func.value.id
                if func.attr == "t":
                    catalog = tables[module].get(name)
                elif name in whole:
                    catalog = lookups[whole[name]].get(func.attr)
            if catalog is None:
                continue
            key = call.args[0]
            keys = [key.body, key.orelse] if isinstance(key, ast.IfExp) else [key]
            for one in keys:
                if isinstance(one, ast.Constant) and isinstance(one.value, str):
                    yield module, call.lineno, one.value, catalog


def test_every_catalog_is_read_by_a_module():
    trees = dict(modules())
    tables, _ = tables_and_lookups(trees)
    read = {catalog for found in tables.values() for catalog in found.values()}
    assert set(CATALOGS) == read


def test_every_key_a_module_looks_up_is_in_its_catalog():
    keys = {catalog: set(tomllib.loads(catalog.read_text(encoding="utf-8")))
            for catalog in CATALOGS}
    found = list(looked_up())
    assert len(found) > 300  # the scan does see the apps' lookups
    missing = [f"{module}:{line} {key!r} not in {catalog.relative_to(ROOT)}"
               for module, line, key, catalog in found if key not in keys[catalog]]
    assert not missing, "\n".join(missing)
