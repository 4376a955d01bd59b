"""The macro library is organised, documented and honest about engines (issue 20 item 5).

Read from the manifest of one `dbt parse` (in-memory target, no warehouse):
- every macro under macros/ lives in one of the domain folders, one macro per file (a
  dispatched macro keeps its `default__` / `<adapter>__` variants in its own file), the file
  named after the macro;
- every macro is documented in its folder's `_<domain>__macros.yml`: a description, and the
  arguments of its signature, in order, each with a type and a description;
- a private helper (`_trueup_` prefix) is called only by macros of its own folder: never by a
  model, test, analysis, hook, Python or another folder;
- an adapter variant exists only for an adapter the test command builds on (`default__` is the
  portable fallback); issue 21 adds PostgreSQL and Spark variants together with their runs.
The checker is tested both ways on small fake manifests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.nodes
import pytest

from test_lineage import manifest as parsed_project  # noqa: F401 (a fixture: one dbt parse)
from trueup_tools import PROJECT_DIR

PACKAGE = "trueup"
DOMAINS = ("sql", "landing", "usage", "pricing", "books", "project")
# the adapters whose builds the test command runs; `default__` is every other engine's fallback
TESTED_ADAPTERS = frozenset({"duckdb"})
KNOWN_ADAPTERS = frozenset({"duckdb", "postgres", "spark", "databricks", "snowflake", "bigquery",
                            "redshift", "trino", "fabric", "sqlserver", "athena"})  # fmt: skip
# dbt's own macros that the project overrides (their names are dbt's, not ours)
DBT_OVERRIDES = frozenset({"generate_schema_name"})
PUBLIC_NAME = re.compile(r"^trueup_[a-z0-9_]+$")
PRIVATE_NAME = re.compile(r"^_trueup_[a-z0-9_]+$")
VARIANT = re.compile(r"^(?P<adapter>[a-z0-9]+)__(?P<base>\w+)$")
# where a call of a private macro would be a call from outside macros/ (the text, not only the
# manifest: Python builds SQL from macro names, hooks and YAML configs name them as text)
OUTSIDE_MACROS = (
    "models/**/*",
    "tests/**/*",
    "analyses/**/*",
    "snapshots/**/*",
    "seeds/**/*.yml",
    "scripts/**/*.py",
    "integration_tests/**/*",
    "dbt_project.yml",
)
THIS_FILE = "tests/python/test_macro_library.py"


@dataclass(frozen=True)
class Macro:
    name: str
    path: PurePosixPath  # relative to the project, e.g. macros/sql/trueup_int_div.sql
    sql: str
    patch_path: str | None
    description: str
    arguments: list[dict[str, Any]]
    calls: tuple[str, ...]  # unique ids of the macros it calls

    @property
    def folder(self) -> str:
        return str(self.path.parent)


def signature(macro_sql: str) -> list[str]:
    """The argument names of the one macro `macro_sql` defines, in order (Jinja's own parser)."""
    tree = jinja2.Environment(extensions=["jinja2.ext.do"]).parse(macro_sql)
    (macro,) = tree.find_all(jinja2.nodes.Macro)
    return [arg.name for arg in macro.args]


def project_macros(manifest: dict, package: str = PACKAGE) -> dict[str, Macro]:
    """The macros of `package` under macros/ (generic tests live in tests/generic), by name."""
    found = {}
    for unique_id, macro in manifest["macros"].items():
        path = PurePosixPath(macro["original_file_path"])
        if macro["package_name"] != package or path.parts[0] != "macros":
            continue
        found[macro["name"]] = Macro(
            name=macro["name"],
            path=path,
            sql=macro["macro_sql"],
            patch_path=macro.get("patch_path"),
            description=(macro.get("description") or "").strip(),
            arguments=macro.get("arguments") or [],
            calls=tuple(macro.get("depends_on", {}).get("macros", [])),
        )
        assert unique_id == f"macro.{package}.{macro['name']}", unique_id
    return found


def base_name(name: str) -> tuple[str | None, str]:
    """(adapter, dispatched macro) of an adapter variant; (None, name) for any other macro."""
    match = VARIANT.match(name)
    if match and (match["adapter"] == "default" or match["adapter"] in KNOWN_ADAPTERS):
        return match["adapter"], match["base"]
    return None, name


def layout_problems(macros: dict[str, Macro]) -> list[str]:
    problems = []
    for macro in macros.values():
        adapter, base = base_name(macro.name)
        parts = macro.path.parts
        if len(parts) != 3 or parts[1] not in DOMAINS:
            problems.append(
                f"{macro.name}: {macro.path} is not in a domain folder "
                f"macros/<{'|'.join(DOMAINS)}>/"
            )
        if macro.path.stem != base:
            problems.append(f"{macro.name}: lives in {macro.path}, not in its own file {base}.sql")
        if adapter is None and not (
            PUBLIC_NAME.match(macro.name)
            or PRIVATE_NAME.match(macro.name)
            or macro.name in DBT_OVERRIDES
        ):
            problems.append(
                f"{macro.name}: name is neither trueup_<name> (public) nor _trueup_<name> (private)"
            )
    return problems


def documentation_problems(macros: dict[str, Macro]) -> list[str]:
    problems = []
    for macro in macros.values():
        adapter, _ = base_name(macro.name)
        if adapter is not None:
            continue  # documented by the macro that dispatches to it
        domain = macro.path.parts[1] if len(macro.path.parts) == 3 else "?"
        expected_yml = f"{PACKAGE}://macros/{domain}/_{domain}__macros.yml"
        if not macro.patch_path:
            problems.append(
                f"{macro.name}: undocumented (add it to macros/{domain}/_{domain}__macros.yml)"
            )
            continue
        if macro.patch_path.split("://")[-1] != expected_yml.split("://")[-1]:
            problems.append(
                f"{macro.name}: documented in {macro.patch_path}, not in {expected_yml}"
            )
        if not macro.description:
            problems.append(f"{macro.name}: no description")
        documented = [argument.get("name") for argument in macro.arguments]
        actual = signature(macro.sql)
        if documented != actual:
            problems.append(
                f"{macro.name}: documented arguments {documented} != signature {actual}"
            )
        for argument in macro.arguments:
            for key in ("type", "description"):
                if not (argument.get(key) or "").strip():
                    problems.append(f"{macro.name}: argument {argument.get('name')} has no {key}")
    return problems


def variant_problems(
    macros: dict[str, Macro], tested: frozenset[str] = TESTED_ADAPTERS
) -> list[str]:
    problems = []
    for macro in macros.values():
        adapter, base = base_name(macro.name)
        if adapter is None:
            continue
        if adapter != "default" and adapter not in tested:
            problems.append(
                f"{macro.name}: a {adapter} variant, but no test builds on {adapter} "
                f"(tested: {sorted(tested)}); add it with the test run that executes it"
            )
        dispatcher = macros.get(base)
        if dispatcher is None or dispatcher.path != macro.path:
            problems.append(f"{macro.name}: not in the file of the macro it implements ({base})")
            continue
        if f"adapter.dispatch('{base}'" not in dispatcher.sql.replace('"', "'"):
            problems.append(
                f"{macro.name}: {base} does not dispatch to it (adapter.dispatch('{base}', ...))"
            )
        if signature(macro.sql) != signature(dispatcher.sql):
            problems.append(
                f"{macro.name}: arguments {signature(macro.sql)} "
                f"!= {base}'s {signature(dispatcher.sql)}"
            )
    return problems


def private_problems(manifest: dict, macros: dict[str, Macro], texts: dict[str, str]) -> list[str]:
    """A private macro called from outside its folder: by a macro of another folder or package,
    by a node (model, test, seed, snapshot, analysis, hook), or named in a file outside macros/."""
    private = {f"macro.{PACKAGE}.{m.name}": m for m in macros.values() if m.name.startswith("_")}
    problems = []
    for unique_id, macro in manifest["macros"].items():
        caller_folder = str(PurePosixPath(macro["original_file_path"]).parent)
        for called in macro.get("depends_on", {}).get("macros", []):
            helper = private.get(called)
            if helper and (macro["package_name"] != PACKAGE or caller_folder != helper.folder):
                problems.append(
                    f"{helper.name}: private to {helper.folder}/, "
                    f"called by {unique_id} ({caller_folder}/)"
                )
    for unique_id, node in {**manifest.get("nodes", {}), **manifest.get("exposures", {})}.items():
        for called in node.get("depends_on", {}).get("macros", []):
            if called in private:
                problems.append(f"{private[called].name}: private, called by {unique_id}")
    for path, text in texts.items():
        for helper in private.values():
            if re.search(rf"(?<![\w.]){re.escape(helper.name)}\b", text):
                problems.append(f"{helper.name}: private, named in {path}")
    return sorted(set(problems))


def library_problems(manifest: dict, texts: dict[str, str]) -> list[str]:
    macros = project_macros(manifest)
    return [
        *layout_problems(macros),
        *documentation_problems(macros),
        *variant_problems(macros),
        *private_problems(manifest, macros, texts),
    ]


def outside_texts(root: Path = PROJECT_DIR) -> dict[str, str]:
    """The text of every project file outside macros/ that could call a macro."""
    texts = {}
    for pattern in OUTSIDE_MACROS:
        for path in root.glob(pattern):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and relative != THIS_FILE and "/target/" not in f"/{relative}":
                try:
                    texts[relative] = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue
    return texts


# --- the project --------------------------------------------------------------------------


def test_the_macro_library_is_organised_documented_and_tested(parsed_project: dict) -> None:  # noqa: F811
    macros = project_macros(parsed_project)
    assert len(macros) > 90
    assert {m.path.parts[1] for m in macros.values()} == set(DOMAINS)
    assert any(m.name.startswith("_trueup_") for m in macros.values())
    assert library_problems(parsed_project, outside_texts()) == []


def test_each_domain_has_its_macro_yaml() -> None:
    for domain in DOMAINS:
        assert (PROJECT_DIR / "macros" / domain / f"_{domain}__macros.yml").is_file(), domain
    assert sorted(p.name for p in (PROJECT_DIR / "macros").iterdir() if p.is_dir()) == sorted(
        DOMAINS
    )
    assert not list((PROJECT_DIR / "macros").glob("*.sql")), "a macro outside the domain folders"


# --- the checker, both ways ---------------------------------------------------------------


def fake_macro(name: str, path: str, args: str = "", *, documented: bool = True, body: str = "x",
               doc_args: list[str] | None = None, calls: tuple[str, ...] = ()) -> dict:  # fmt: skip
    domain = path.split("/")[1]
    names = [a.split("=")[0].strip() for a in args.split(",") if a.strip()]
    return {
        "name": name,
        "package_name": PACKAGE,
        "original_file_path": path,
        "macro_sql": f"{{% macro {name}({args}) -%}}\n    {body}\n{{%- endmacro %}}",
        "patch_path": f"{PACKAGE}://macros/{domain}/_{domain}__macros.yml" if documented else None,
        "description": "What it does." if documented else "",
        "arguments": [
            {"name": a, "type": "SQL expression", "description": "An input."}
            for a in (names if doc_args is None else doc_args)
        ]
        if documented
        else [],
        "depends_on": {"macros": list(calls)},
    }


def fake_manifest(*macros: dict, nodes: dict | None = None) -> dict:
    return {
        "macros": {f"macro.{m['package_name']}.{m['name']}": m for m in macros},
        "nodes": nodes or {},
    }


def clean_library() -> list[dict]:
    dispatcher = "{{ return(adapter.dispatch('trueup_half', 'trueup')(x)) }}"
    return [
        fake_macro("trueup_half", "macros/sql/trueup_half.sql", "x", body=dispatcher),
        fake_macro("default__trueup_half", "macros/sql/trueup_half.sql", "x", documented=False),
        fake_macro("duckdb__trueup_half", "macros/sql/trueup_half.sql", "x", documented=False),
        fake_macro("_trueup_tier_rule", "macros/pricing/_trueup_tier_rule.sql", "q, tier"),
        fake_macro(
            "trueup_price",
            "macros/pricing/trueup_price.sql",
            "q, tier=1",
            calls=("macro.trueup._trueup_tier_rule", "macro.trueup.trueup_half"),
        ),
    ]


def test_the_checker_passes_a_clean_library() -> None:
    manifest = fake_manifest(
        *clean_library(),
        nodes={"model.trueup.m": {"depends_on": {"macros": ["macro.trueup.trueup_price"]}}},
    )
    assert library_problems(manifest, {"scripts/x.py": "sql = 'trueup_price(q)'"}) == []


def test_the_checker_flags_an_undocumented_macro() -> None:
    undocumented = fake_macro(
        "trueup_secret", "macros/sql/trueup_secret.sql", "a", documented=False
    )
    problems = library_problems(fake_manifest(*clean_library(), undocumented), {})
    assert problems == ["trueup_secret: undocumented (add it to macros/sql/_sql__macros.yml)"]


@pytest.mark.parametrize(
    ("doc_args", "why"),
    [
        (["a"], "missing"),
        (["a", "b", "c"], "extra"),
        (["b", "a"], "order"),
        (["a", "bb"], "renamed"),
    ],
)
def test_the_checker_flags_documented_arguments_unlike_the_signature(
    doc_args: list[str], why: str
) -> None:
    drifted = fake_macro(
        "trueup_pair", "macros/sql/trueup_pair.sql", "a, b=none", doc_args=doc_args
    )
    problems = library_problems(fake_manifest(*clean_library(), drifted), {})
    assert problems == [f"trueup_pair: documented arguments {doc_args} != signature ['a', 'b']"], (
        why
    )


def test_the_checker_flags_an_argument_without_type_or_description() -> None:
    macro = fake_macro("trueup_pair", "macros/sql/trueup_pair.sql", "a")
    macro["arguments"][0]["type"] = ""
    problems = library_problems(fake_manifest(*clean_library(), macro), {})
    assert problems == ["trueup_pair: argument a has no type"]


def test_the_checker_flags_a_private_macro_called_from_another_folder() -> None:
    outsider = fake_macro("trueup_usage_rule", "macros/usage/trueup_usage_rule.sql",
                          calls=("macro.trueup._trueup_tier_rule",))  # fmt: skip
    problems = library_problems(fake_manifest(*clean_library(), outsider), {})
    assert problems == [
        "_trueup_tier_rule: private to macros/pricing/, called by macro.trueup.trueup_usage_rule "
        "(macros/usage/)"
    ]


def test_the_checker_flags_a_private_macro_called_by_a_model_or_python() -> None:
    nodes = {"model.trueup.m": {"depends_on": {"macros": ["macro.trueup._trueup_tier_rule"]}}}
    texts = {"scripts/trueup_tools/q.py": "sql = '{{ _trueup_tier_rule(q, 2) }}'",
             "tests/python/test_q.py": "uses trueup_tier_rule, not the private one"}  # fmt: skip
    problems = library_problems(fake_manifest(*clean_library(), nodes=nodes), texts)
    assert problems == [
        "_trueup_tier_rule: private, called by model.trueup.m",
        "_trueup_tier_rule: private, named in scripts/trueup_tools/q.py",
    ]


@pytest.mark.parametrize("adapter", ["spark", "postgres"])
def test_the_checker_flags_a_variant_for_an_adapter_no_test_runs(adapter: str) -> None:
    variant = fake_macro(
        f"{adapter}__trueup_half", "macros/sql/trueup_half.sql", "x", documented=False
    )
    problems = library_problems(fake_manifest(*clean_library(), variant), {})
    assert problems == [
        f"{adapter}__trueup_half: a {adapter} variant, but no test builds on {adapter} "
        "(tested: ['duckdb']); add it with the test run that executes it"
    ]
    assert variant_problems(project_macros(fake_manifest(*clean_library(), variant)),
                            tested=frozenset({"duckdb", adapter})) == []  # fmt: skip


def test_the_checker_flags_a_variant_whose_arguments_differ() -> None:
    variant = fake_macro(
        "default__trueup_half", "macros/sql/trueup_half.sql", "y", documented=False
    )
    library = [m for m in clean_library() if m["name"] != "default__trueup_half"]
    problems = library_problems(fake_manifest(*library, variant), {})
    assert problems == ["default__trueup_half: arguments ['y'] != trueup_half's ['x']"]


def test_the_checker_flags_two_macros_in_one_file_and_a_flat_file() -> None:
    second = fake_macro("trueup_other", "macros/sql/trueup_half.sql", "")
    flat = fake_macro("trueup_flat", "macros/trueup_flat.sql", "")
    problems = library_problems(fake_manifest(*clean_library(), second, flat), {})
    assert (
        "trueup_other: lives in macros/sql/trueup_half.sql, not in its own file trueup_other.sql"
        in problems
    )
    assert any(
        p.startswith("trueup_flat: macros/trueup_flat.sql is not in a domain folder")
        for p in problems
    )


def test_the_checker_flags_a_name_outside_the_conventions() -> None:
    odd = fake_macro("helper_for_x", "macros/sql/helper_for_x.sql", "")
    problems = library_problems(fake_manifest(*clean_library(), odd), {})
    assert problems == [
        "helper_for_x: name is neither trueup_<name> (public) nor _trueup_<name> (private)"
    ]


def test_the_signature_reader_takes_defaults_and_line_breaks() -> None:
    sql = "{% macro m(\n    a, b='x, y', c=[1, 2],\n    d=none\n) -%}{{ a }}{%- endmacro %}"
    assert signature(sql) == ["a", "b", "c", "d"]


# --- the integration seeds of the unit macros ---------------------------------------------


def _expected_values():
    import importlib.util

    path = PROJECT_DIR / "integration_tests" / "expected_values.py"
    spec = importlib.util.spec_from_file_location("expected_values", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_integration_seeds_equal_their_generator() -> None:
    """The seeds of integration_tests/expected_values.py are what it computes (nobody edited an
    expected value by hand), and each has a model and an equality test."""
    module = _expected_values()
    assert module.differing() == []
    documented = (PROJECT_DIR / "integration_tests" / "models" / "_models.yml").read_text()
    for macro in module.GENERATED:
        assert (PROJECT_DIR / "integration_tests" / "models" / f"test_{macro}.sql").is_file()
        assert f"name: test_{macro}\n" in documented, macro


def test_the_seed_check_notices_an_edited_expected_value(tmp_path: Path) -> None:
    module = _expected_values()
    for macro in module.GENERATED:
        seed = module.seed_path(macro)
        (tmp_path / seed.name).write_text(seed.read_text())
    edited = tmp_path / "data_trueup_int_div.csv"
    edited.write_text(edited.read_text().replace("\n7,2,3\n", "\n7,2,4\n"))
    assert module.differing(tmp_path) == ["trueup_int_div"]


def test_the_generator_rounds_and_truncates_as_documented() -> None:
    module = _expected_values()
    assert [module.truncated(n, d) for n, d in [(7, 2), (-7, 2), (7, -2), (-1, 3)]] == [
        3,
        -3,
        -3,
        0,
    ]
    halves = [module.half_away_from_zero(Fraction(n, 2)) for n in (1, 3, -1, -3)]
    assert halves == [1, 2, -1, -2]
    assert module.decimal_text(Fraction(1, 100), 2) == "0.01"
    assert module.decimal_text(Fraction(125, 10), 9) == "12.500000000"
