"""Parse-based checks of the project's shape (no warehouse): the layer rules of dbt Labs'
dbt-project-evaluator as this project applies them, the close and ledger lineage that
`dbt ls --select +model` shows, and the one status vocabulary.

Layers: staging (models/staging) → intermediate (models/intermediate) → marts (models/marts).
- no model reads a later layer (staging reads no intermediate model or mart, an intermediate
  model reads no mart);
- only staging reads sources; seeds are read through staging or intermediate models, never by
  a mart;
- marts read intermediate models and other marts (facts), not staging;
- no model has more than 7 direct parents (the evaluator's "too many joins").
The few known exceptions are listed below with the reason; the lists can only shrink: an entry
that no longer applies fails too, so that it is removed."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from parsing import parsed_manifest_json, reachable
from trueup_tools import PROJECT_DIR
from trueup_tools.vocabulary import STATUS_SEED, status_names, variance_statuses

LAYERS = {"staging": 1, "intermediate": 2, "marts": 3}
MAX_PARENTS = 7
# (mart, staging model or seed) edges that remain, and why
MART_READS_STAGING = {
    # the tie-out compares each export file's own totals with its parsed lines
    ("fct_billing_tieout", "stg_billing__export_files"),
    ("fct_billing_tieout", "stg_billing__focus_lines"),
    ("fct_billing_tieout", "stg_billing__invoice_lines"),
    # the SLIs count raw staged records against the quarantine
    ("fct_trueup_sli", "stg_usage__records"),
    # the tenant dimension lists every contracted tenant
    ("dim_tenants", "stg_reference__contracts"),
}
MART_READS_SEED = {
    # the meter dimension is the meter catalog itself (no staging model for it yet)
    ("dim_meters", "meters"),
    # the incidents apply the on-call's acknowledgements (landing input kinds: issue 20 item 3)
    ("fct_landing_file_incidents", "landing_file_acknowledgements"),
}
# models with more direct parents than MAX_PARENTS, and why
MANY_PARENTS = {
    # the close gate: its depends_on names every model whose data tests must pass before a
    # period closes (test_hostile_books::test_every_upstream_data_test_runs_before_the_closes)
    "fct_variance_at_close",
    # the SLIs measure the whole pipeline, one input per indicator
    "fct_trueup_sli",
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return parsed_manifest_json(tmp_path_factory.mktemp("layers") / "target")


def layer(node: dict) -> int | None:
    """The layer of a model by its folder under models/ (None: not a layered model)."""
    parts = Path(node["original_file_path"]).parts
    return LAYERS.get(parts[1]) if len(parts) > 2 and parts[0] == "models" else None


def models(manifest: dict) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "trueup"
    }


def layer_violations(nodes: dict[str, dict], manifest: dict) -> list[str]:
    """Every edge that breaks a layer rule, as text (the known exceptions left out)."""
    problems = []
    for node in nodes.values():
        own = layer(node)
        for parent in node["depends_on"]["nodes"]:
            kind, name = parent.split(".")[0], parent.split(".")[-1]
            if kind == "source" and own != LAYERS["staging"]:
                problems.append(f"{node['name']} reads the source {parent}")
            elif kind == "seed" and own == LAYERS["marts"]:
                if (node["name"], name) not in MART_READS_SEED:
                    problems.append(f"the mart {node['name']} reads the seed {name}")
            elif kind == "model" and parent in manifest["nodes"]:
                theirs = layer(manifest["nodes"][parent])
                if own is not None and theirs is not None and theirs > own:
                    problems.append(f"{node['name']} (layer {own}) reads {name} (layer {theirs})")
                elif (
                    own == LAYERS["marts"]
                    and theirs == LAYERS["staging"]
                    and (node["name"], name) not in MART_READS_STAGING
                ):
                    problems.append(f"the mart {node['name']} reads staging {name}")
    return problems


def parent_counts(nodes: dict[str, dict]) -> dict[str, int]:
    return {
        node["name"]: len(
            {p for p in node["depends_on"]["nodes"] if p.startswith(("model.", "seed.", "source."))}
        )
        for node in nodes.values()
    }


def test_no_model_reads_a_later_layer_or_a_raw_input(manifest: dict) -> None:
    nodes = models(manifest)
    assert all(layer(node) for node in nodes.values()), "every model lives in a layer folder"
    assert layer_violations(nodes, manifest) == []


def test_the_layer_rules_catch_a_backward_read(manifest: dict) -> None:
    """The rules are not vacuous: an intermediate model reading a mart, a mart reading a seed
    or staging, and a model reading a source are each reported."""
    nodes = models(manifest)
    by_name = {node["name"]: uid for uid, node in nodes.items()}
    broken = json.loads(json.dumps(nodes))
    broken[by_name["int_periods_reported"]]["depends_on"]["nodes"].append(
        by_name["fct_usage_daily"]
    )
    broken[by_name["fct_trueup_variance"]]["depends_on"]["nodes"] += [
        "seed.trueup.reconciliation_tolerances",
        by_name["stg_reference__contract_rates"],
    ]
    broken[by_name["int_usage_daily_metered"]]["depends_on"]["nodes"].append(
        "source.trueup.landing.usage_records"
    )
    found = layer_violations(broken, manifest)
    assert any("int_periods_reported (layer 2) reads fct_usage_daily" in p for p in found)
    assert any("fct_trueup_variance reads the seed reconciliation_tolerances" in p for p in found)
    assert any("reads staging stg_reference__contract_rates" in p for p in found)
    assert any("int_usage_daily_metered reads the source" in p for p in found)


def test_known_exceptions_still_apply(manifest: dict) -> None:
    """An exception that no longer applies is removed from the lists above."""
    edges = {
        (node["name"], parent.split(".")[-1])
        for node in models(manifest).values()
        for parent in node["depends_on"]["nodes"]
    }
    assert edges >= MART_READS_STAGING
    assert edges >= MART_READS_SEED
    counts = parent_counts(models(manifest))
    assert {name for name in MANY_PARENTS if counts[name] > MAX_PARENTS} == MANY_PARENTS


def test_no_model_has_too_many_parents(manifest: dict) -> None:
    counts = parent_counts(models(manifest))
    over = {name: n for name, n in counts.items() if n > MAX_PARENTS and name not in MANY_PARENTS}
    assert over == {}
    assert counts["fct_trueup_variance"] <= MAX_PARENTS


# --- lineage of the books -------------------------------------------------------------------

CLOSE_CALLERS = (
    "models/marts/close/fct_variance_at_close.sql",
    "models/marts/close/fct_adjustment_ledger.sql",
    "models/marts/ops/fct_ledger_heads.sql",
    "models/marts/ops/fct_build_log.sql",
    "tests/singular/assert_ledger_books_outstanding.sql",
)
# the files of the books, the variance and pricing: no relation named by schema in them
BOOK_FILES = (
    "models/marts/**/*.sql",
    "models/intermediate/pricing/*.sql",
    "models/intermediate/variance/*.sql",
    "macros/books/*.sql",
    "macros/project/trueup_selects_tests.sql",
    "macros/pricing/trueup_price_line_tiers.sql",
    "macros/pricing/_trueup_tier_*.sql",
    "macros/sql/trueup_percentage.sql",
    "macros/pricing/trueup_discounted_prorated_amount.sql",
    "macros/sql/trueup_divide_*.sql",
    "tests/singular/assert_ledger_*.sql",
    "tests/singular/assert_billed_*.sql",
    "tests/singular/assert_semantic_*.sql",
    "tests/singular/assert_time_spine_*.sql",
    "analyses/*.sql",
)
SCHEMAS = ("finance", "ops", "semantic", "intermediate", "staging", "reference", "main")
HARD_CODED = re.compile(
    r"(\b(?:from|join)\s+\"?(?:" + "|".join(SCHEMAS) + r")\"?\.)"
    r"|(schema\s*=\s*['\"])"
    r"|(trueup_model_relation\s*\()",
    re.IGNORECASE,
)
COMMENT = re.compile(r"\{#.*?#\}|--[^\n]*", re.DOTALL)


def book_files() -> Iterable[Path]:
    for pattern in BOOK_FILES:
        yield from sorted(PROJECT_DIR.glob(pattern))


def hard_coded(text: str) -> list[str]:
    return [m.group(0) for m in HARD_CODED.finditer(COMMENT.sub("", text))]


def test_no_relation_of_the_books_is_named_by_schema() -> None:
    files = list(book_files())
    assert len(files) > 30
    found = {
        str(path.relative_to(PROJECT_DIR)): hits
        for path in files
        if (hits := hard_coded(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_schema_check_catches_a_lookup_by_name() -> None:
    assert hard_coded("select max(closed_at) from finance.fct_period_closes")
    assert hard_coded("adapter.get_relation(database=d, schema='finance', identifier=n)")
    assert hard_coded("{%- set r = trueup_model_relation('int_usage_files_loaded') -%}")
    assert not hard_coded("-- from finance.fct_period_closes\nselect * from {{ this }}")


def close_books(text: str) -> list[str]:
    """What the trueup_close_context call of a file passes as books: `this` and ref() names."""
    call = re.search(r"trueup_close_context\((.*?)\)\s*%\}", text, re.DOTALL)
    assert call, "the file calls trueup_close_context"
    args = call.group(1)
    bare = re.sub(r"ref\('\w+'\)|'\w+'|announce\s*=\s*\w+|\bthis\b|[\[\],\s]", "", args)
    assert bare == "", f"only this and ref() as books, not {bare!r}"
    return re.findall(r"ref\('(\w+)'\)", args) + (["this"] if re.search(r"\bthis\b", args) else [])


def test_the_close_gate_reads_only_this_and_its_parents(manifest: dict) -> None:
    """Every book the close gate looks at is the caller's own earlier state or a ref() of it,
    so dbt's lineage (and `--select +model`) has every link."""
    by_path = {
        node["original_file_path"]: node
        for node in manifest["nodes"].values()
        if node["package_name"] == "trueup"
    }
    for path in CLOSE_CALLERS:
        node = by_path[path]
        books = close_books((PROJECT_DIR / path).read_text(encoding="utf-8"))
        parents = {p.split(".")[-1] for p in node["depends_on"]["nodes"]}
        assert books, path
        assert set(books) - {"this"} <= parents, (path, books)
        if "this" in books:
            assert node["config"].get("materialized") == "incremental", path


def upstream(manifest: dict, name: str) -> set[str]:
    return {uid.split(".")[-1] for uid in reachable(f"model.trueup.{name}", manifest["parent_map"])}


def test_select_upstream_lists_every_input_of_the_books(manifest: dict) -> None:
    """`dbt ls --select +fct_trueup_variance` and `+fct_adjustment_ledger` list what the books
    read: usage from the landing through the rollup, pricing, billing, the reference seeds and
    the status vocabulary (the ledger: also the closes it books against)."""
    variance = upstream(manifest, "fct_trueup_variance")
    assert {
        "stg_usage__records",
        "int_usage_daily_rolled_up",
        "int_usage_daily_metered",
        "int_usage_periods_metered",
        "int_usage_unpriced",
        "int_periods_reported",
        "int_contract_segments_split",
        "int_contract_rate_cards",
        "int_expected_charges_priced",
        "fct_expected_charges",
        "stg_billing__focus_lines",
        "stg_billing__invoice_lines",
        "int_billing_lines_mapped",
        "int_billed_usage_keys",
        "int_tolerances_effective",
        "int_variance_statuses",
        "contracts",
        "contract_rates",
        "meters",
        "meter_map",
        "account_map",
        "reconciliation_tolerances",
        "variance_statuses",
    } <= variance
    ledger = upstream(manifest, "fct_adjustment_ledger")
    # the closes wait for the data tests of every model the books rely on (their depends_on)
    assert (
        variance
        | {
            "fct_trueup_variance",
            "fct_variance_at_close",
            "int_usage_files_loaded",
            "fct_billed_charges",
            "fct_billing_tieout",
            "fct_landing_file_incidents",
        }
        <= ledger
    )
    assert "fct_adjustment_ledger" in upstream(manifest, "fct_ledger_heads")
    assert {"fct_adjustment_ledger", "fct_variance_at_close"} <= upstream(manifest, "fct_build_log")


# --- one status vocabulary ------------------------------------------------------------------


def test_the_status_seed_is_the_vocabulary() -> None:
    statuses = variance_statuses()
    names = status_names()
    assert len(names) == len(set(names)) >= 8
    assert [s.precedence for s in statuses] == sorted({s.precedence for s in statuses})
    with STATUS_SEED.open(newline="", encoding="utf-8") as handle:
        assert {row["status"] for row in csv.DictReader(handle)} == set(names)
    # the last status applies when no other does; bookable and exception flags are set
    assert names[-1] == "needs_review"
    assert {s.is_bookable for s in statuses} == {True, False}
    assert {s.is_exception for s in statuses} == {True, False}


def test_the_billing_truth_uses_the_seeds_statuses() -> None:
    """The Python truth of the variance (trueup_tools.sample) assigns the seed's statuses in
    the seed's precedence."""
    from trueup_tools.sample import billing_records

    assert tuple(billing_records.STATUSES) == status_names()


def test_the_variance_rules_cover_the_seed() -> None:
    """fct_trueup_variance has one rule per seed status (a status without a rule stops the
    build at run time; this says so before)."""
    sql = (PROJECT_DIR / "models/marts/finance/fct_trueup_variance.sql").read_text("utf-8")
    rules = set(re.findall(r"when '(\w+)'", sql))
    assert rules == set(status_names())


RULE_FILES = {
    "fct_trueup_variance.sql",
    "int_usage_unpriced.sql",
    "int_usage_periods_metered.sql",
}


def test_no_model_lists_the_statuses(manifest: dict) -> None:
    """Outside the status rules, no model, macro or data test spells the exception or
    bookable statuses out: they read the seed. The rules: fct_trueup_variance, and the usage
    side of the two unpriced statuses (int_usage_unpriced classifies usage days as
    no_contract / unpriced_meter, int_usage_periods_metered carries that per key)."""
    exceptions = {s.status for s in variance_statuses() if not s.is_bookable} | {"needs_review"}
    offenders = []
    for path in [
        *PROJECT_DIR.glob("models/**/*.sql"),
        *PROJECT_DIR.glob("macros/**/*.sql"),
        *PROJECT_DIR.glob("tests/**/*.sql"),
    ]:
        if path.name in RULE_FILES:
            continue
        code = COMMENT.sub("", path.read_text(encoding="utf-8"))
        if any(f"'{status}'" in code for status in exceptions):
            offenders.append(str(path.relative_to(PROJECT_DIR)))
    assert offenders == []


# --- YAML layout (issue 20 item 4) ----------------------------------------------------------

# the YAML file of a folder's models, by layer: `_stg_<folder>__models.yml` in staging,
# `_int_<folder>__models.yml` in intermediate, `_<folder>__models.yml` in the marts
MODELS_FILE_PREFIX = {"staging": "_stg_", "intermediate": "_int_", "marts": "_"}


def yaml_layout_problems(root: Path, files: Iterable[Path]) -> list[str]:
    """What breaks the YAML layout among `files` (project YAML under models/ and seeds/): two
    files of the same name anywhere, a folder with more than one file declaring `models:`, or
    a models file not named as its folder and layer predict."""
    import yaml

    problems: list[str] = []
    by_name: dict[str, list[str]] = {}
    models_files: dict[Path, list[str]] = {}
    for path in sorted(files):
        relative = path.relative_to(root)
        by_name.setdefault(path.name, []).append(str(relative))
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "models" not in content:
            continue
        models_files.setdefault(relative.parent, []).append(path.name)
        parts = relative.parts
        if parts[0] == "models" and len(parts) == 4 and parts[1] in MODELS_FILE_PREFIX:
            expected = f"{MODELS_FILE_PREFIX[parts[1]]}{parts[2]}__models.yml"
            if path.name != expected:
                problems.append(f"{relative}: the models file here is named {expected}")
    problems += [
        f"{name} is in {len(paths)} places: {', '.join(paths)}"
        for name, paths in by_name.items()
        if len(paths) > 1
    ]
    problems += [
        f"{folder} has {len(names)} models files: {', '.join(names)}"
        for folder, names in models_files.items()
        if len(names) > 1
    ]
    return problems


def project_yaml(root: Path) -> list[Path]:
    return [*root.glob("models/**/*.yml"), *root.glob("seeds/**/*.yml")]


def test_yaml_names_are_unique_with_one_models_file_per_folder() -> None:
    assert yaml_layout_problems(PROJECT_DIR, project_yaml(PROJECT_DIR)) == []


def test_the_yaml_layout_check_catches_each_problem(tmp_path: Path) -> None:
    def write(relative: str, text: str = "version: 2\nmodels: []\n") -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("models/staging/billing/_stg_billing__models.yml")
    write("models/staging/billing/_billing__sources.yml", "version: 2\nsources: []\n")
    write("models/intermediate/billing/_int_billing__models.yml")
    write("models/marts/ops/_ops__models.yml")
    assert yaml_layout_problems(tmp_path, project_yaml(tmp_path)) == []
    write("models/marts/ops/_billing__models.yml")
    write("models/intermediate/usage/_billing__models.yml")
    write("models/staging/usage/_usage__models.yml")
    problems = yaml_layout_problems(tmp_path, project_yaml(tmp_path))
    assert any("_billing__models.yml is in 2 places" in p for p in problems), problems
    assert any(p.startswith("models/marts/ops has 2 models files") for p in problems), problems
    assert (
        "models/staging/usage/_usage__models.yml: the models file here is named"
        " _stg_usage__models.yml" in problems
    )
    assert any(p.startswith("models/intermediate/usage/_billing__models.yml: ") for p in problems)
