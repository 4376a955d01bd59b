"""The quarantine reasons are written once (issue 20 item 6): the seed quarantine_reasons.

The rules that give a reason stay logic: the CASE of the usage classification macro
(trueup_usage_classified_records) and the CASE of int_billing_lines_mapped. These checks fail
when a rule can give a reason the seed does not list, when a seed reason has no rule, or when
the rules' order is not the seed's precedence; and when the sample generator's lists are not
the seed's. The marts' data tests (relationships_where to the seed) check the built rows.
"""

from __future__ import annotations

import re

import pytest

from trueup_tools import PROJECT_DIR
from trueup_tools.sample import billing_records, events, usage_rules
from trueup_tools.vocabulary import REASON_SEED, quarantine_reasons, reason_names

JINJA_COMMENT = re.compile(r"\{#.*?#\}|--[^\n]*", re.S)
THEN_REASON = re.compile(r"\bthen\s+'(\w+)'")


def case_reasons(sql: str, column: str) -> list[str]:
    """The reasons the CASE that ends `as <column>` gives, in the order of their first rule."""
    code = JINJA_COMMENT.sub("", sql)
    blocks = re.findall(rf"\bcase\b((?:(?!\bcase\b).)*?)\bend\s+as\s+{column}\b", code, re.S)
    assert len(blocks) == 1, f"expected one CASE ending `as {column}`, found {len(blocks)}"
    reasons: list[str] = []
    for reason in THEN_REASON.findall(blocks[0]):
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def only_file(pattern: str) -> str:
    paths = sorted(PROJECT_DIR.glob(pattern))
    assert len(paths) == 1, (pattern, paths)
    return paths[0].read_text(encoding="utf-8")


def test_the_usage_classification_gives_exactly_the_seeds_usage_reasons() -> None:
    sql = only_file("macros/**/trueup_usage_classified_records.sql")
    assert case_reasons(sql, "quarantine_reason") == list(reason_names("usage"))


def test_the_billing_mapping_gives_exactly_the_seeds_billing_reasons() -> None:
    sql = only_file("models/intermediate/billing/int_billing_lines_mapped.sql")
    assert case_reasons(sql, "unmapped_reason") == list(reason_names("billing"))


def test_the_check_catches_a_reason_the_seed_does_not_list() -> None:
    sql = only_file("macros/**/trueup_usage_classified_records.sql")
    broken = sql.replace(
        "then 'invalid_sample_rate'",
        "then 'invalid_sample_rate'\n            when checked.x then 'mystery_reason'",
    )
    assert broken != sql
    assert case_reasons(broken, "quarantine_reason") != list(reason_names("usage"))
    assert "mystery_reason" in case_reasons(broken, "quarantine_reason")


def test_the_seed_is_well_formed() -> None:
    for stage in ("usage", "billing"):
        reasons = quarantine_reasons(stage)
        assert reasons, stage
        assert [r.precedence for r in reasons] == list(range(1, len(reasons) + 1)), stage
        assert all(r.description for r in reasons), stage
    names = reason_names("usage") + reason_names("billing")
    assert len(set(names)) == len(names)  # a reason names one stage's rule
    with pytest.raises(ValueError, match="stage 'ops' is not one of usage, billing"):
        quarantine_reasons("ops")
    assert REASON_SEED.name == "quarantine_reasons.csv"


def test_the_sample_generator_reads_the_seed() -> None:
    assert reason_names("usage") == usage_rules.REASONS
    # every usage reason has a way to inject it, and no other
    assert list(events.QUARANTINE_VARIANTS) == list(reason_names("usage"))
    assert set(reason_names("usage")) >= events.KEY_BREAKING
    billing = reason_names("billing")
    assert (
        tuple(r for r in billing if r not in billing_records.NOT_GENERATED_REASONS)
        == billing_records.UNMAPPED_REASONS
    )
    assert set(billing) >= billing_records.NOT_GENERATED_REASONS
