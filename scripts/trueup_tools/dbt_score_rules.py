"""Our own dbt-score rules (namespace `trueup_tools.dbt_score_rules` in pyproject.toml).

They close the gaps of dbt-score's built-in rules for the governance gate of ./test.sh:
every model has a primary-key test, every model and seed lists its columns (a model without
any documented column would pass `columns_have_description` vacuously), every seed documents
exactly the columns of its CSV file, and sources and exposures are described.
"""

# No `from __future__ import annotations`: dbt-score reads the evaluated annotation of each
# rule's argument to know which resources (Model, Seed, ...) the rule applies to.
import csv
from pathlib import Path

from dbt_score import Exposure, Model, RuleViolation, Seed, Source, rule

NOT_NULL_CONSTRAINTS = {"not_null", "primary_key"}


def _contract_enforced(model: Model) -> bool:
    return bool((model.config.get("contract") or {}).get("enforced"))


def _is_not_null(model: Model, column_name: str) -> bool:
    """A not_null test on the column, or a not_null / primary_key constraint of an enforced
    contract (checked by the warehouse when the model is built)."""
    column = model.get_column(column_name)
    if column is None:
        return False
    if any(test.type == "not_null" for test in column.tests):
        return True
    return _contract_enforced(model) and any(
        constraint.type in NOT_NULL_CONSTRAINTS for constraint in column.constraints
    )


def _has_primary_key_constraint(model: Model) -> bool:
    if not _contract_enforced(model):
        return False
    if any(constraint.type == "primary_key" for constraint in model.constraints):
        return True
    return any(
        constraint.type == "primary_key"
        for column in model.columns
        for constraint in column.constraints
    )


@rule
def has_primary_key_test(model: Model) -> RuleViolation | None:
    """A model should have a primary-key test: unique + not null on one column, our
    unique_combination_of_columns test for a compound grain, or an enforced primary key. A
    deprecated old name (deprecation_date set: a view of its renamed model, issue 20) has its
    successor's rows, tested there; test_deprecated_names checks that they are equal."""
    if model._raw_values.get("deprecation_date"):
        return None
    for column in model.columns:
        if any(test.type == "unique" for test in column.tests) and _is_not_null(model, column.name):
            return None
    if any(test.type == "unique_combination_of_columns" for test in model.tests):
        return None
    if _has_primary_key_constraint(model):
        return None
    unique_only = [
        column.name
        for column in model.columns
        if any(test.type == "unique" for test in column.tests)
    ]
    if unique_only:
        return RuleViolation(message=f"Unique but nullable key: {', '.join(unique_only)}.")
    return RuleViolation(message="Model lacks a primary-key test.")


@rule
def has_documented_columns(model: Model) -> RuleViolation | None:
    """A model should list (and so document) its columns in YAML."""
    if not model.columns:
        return RuleViolation(message="Model lists no columns.")


@rule
def seed_documents_its_csv_columns(seed: Seed) -> RuleViolation | None:
    """A seed should document exactly the columns of its CSV file."""
    path = Path(seed._raw_values.get("root_path") or ".") / seed.original_file_path
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
    except OSError as exc:
        return RuleViolation(message=f"Cannot read {seed.original_file_path}: {exc}.")
    in_file = [name.strip().lower() for name in header]
    documented = [column.name.lower() for column in seed.columns]
    undocumented = [name for name in in_file if name not in documented]
    unknown = [name for name in documented if name not in in_file]
    problems = []
    if undocumented:
        problems.append(f"undocumented: {', '.join(undocumented)}")
    if unknown:
        problems.append(f"not in the file: {', '.join(unknown)}")
    if problems:
        return RuleViolation(message=f"Seed columns: {'; '.join(problems)}.")


@rule
def source_has_description(source: Source) -> RuleViolation | None:
    """A source table should have a description."""
    if not source.description:
        return RuleViolation(message="Source table lacks a description.")


@rule
def source_columns_have_description(source: Source) -> RuleViolation | None:
    """All columns of a source table should have a description."""
    missing = [column.name for column in source.columns if not column.description]
    if missing:
        return RuleViolation(message=f"Columns lack a description: {', '.join(missing)}.")


@rule
def exposure_has_description(exposure: Exposure) -> RuleViolation | None:
    """An exposure should say what the consumer does with the data."""
    if not exposure.description:
        return RuleViolation(message="Exposure lacks a description.")
