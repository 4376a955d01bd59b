"""End to end: fct_expected_charges of the sample data equals an independent Python pricing
of the generator's ground-truth usage under the shipped contract seeds (SPEC §3 Pricing)."""

from __future__ import annotations

from conftest import Dataset, Warehouse
from trueup_tools.pricing import expected_charge_lines, load_usage_daily


def expected_lines(dataset: Dataset) -> dict[tuple, tuple]:
    """Key (period, tenant, meter, contract, version) -> (quantity, amount, expected)."""
    return expected_charge_lines(load_usage_daily(dataset.truth / "usage_daily.csv"), dataset.as_of)


def test_expected_charges_equal_independent_pricing(built: Warehouse, dataset: Dataset) -> None:
    rows = built.query(
        "select period_start, tenant_id, meter, contract_id, contract_version, quantity, "
        "amount_before_discount, expected_amount from finance.fct_expected_charges"
    )
    actual = {tuple(row[:5]): tuple(row[5:]) for row in rows}
    expected = expected_lines(dataset)
    assert len(actual) == len(rows)
    assert set(actual) == set(expected)
    for key, value in expected.items():
        assert actual[key] == value, key


def test_sample_contracts_cover_the_pricing_features(built: Warehouse) -> None:
    models = {
        m for (m,) in built.query("select distinct pricing_model from finance.fct_expected_charges")
    }
    assert {"per_unit", "graduated", "volume", "package"} <= models
    assert (
        built.query(
            "select count(*) from finance.fct_expected_charges "
            "where line_type = 'commitment_true_up'"
        )[0][0]
        > 0
    )
    assert (
        built.query(
            "select count(*) from finance.fct_expected_charges "
            "where segment_start > period_start or segment_end < period_start + interval 1 month"
        )[0][0]
        > 0
    ), "a mid-month change or start splits some month"
    assert (
        built.query("select count(*) from finance.fct_expected_charges where discount_pct > 0")[0][
            0
        ]
        > 0
    )
    statuses = {
        s
        for (s,) in built.query(
            "select distinct unpriced_status from intermediate.int_usage_unpriced"
        )
    }
    assert statuses == {"no_contract", "unpriced_meter"}
