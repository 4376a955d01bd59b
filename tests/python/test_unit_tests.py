"""The dbt unit tests, all of them, once. The suite's builds leave them out (like production
builds: `--exclude-resource-type unit_test`); they run here against the session's built
warehouse, where the relations they read their column types from exist."""

from __future__ import annotations

from conftest import Dataset, Warehouse, parsed_manifest


def test_every_dbt_unit_test_passes(built: Warehouse, dataset: Dataset) -> None:
    result = built.dbt(
        "test",
        as_of=dataset.as_of,
        extra=["--select", "resource_type:unit_test"],
        unit_tests=True,
    )
    assert result.success, result.failures() or result.exception
    unit = [node for node in result.node_results if node.node.resource_type == "unit_test"]
    ran = {node.node.unique_id for node in unit}
    statuses = {str(node.status).lower() for node in unit}
    manifest = parsed_manifest(str(dataset.landing), built.path)
    assert ran == set(manifest.unit_tests), "every unit test of the project runs, nothing else"
    assert len(ran) >= 16
    assert statuses == {"pass"}


def test_builds_without_unit_tests_still_close_and_book(built: Warehouse) -> None:
    """The close gate asks for the data tests only: the session build, which leaves the unit
    tests out, closed periods and booked the ledger."""
    assert built.query("select count(*) from finance.fct_period_closes")[0][0] > 0
    assert built.query("select count(*) from finance.fct_adjustment_ledger")[0][0] > 0
