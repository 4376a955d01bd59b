{#- The run-time vars of dbt_project.yml (`vars:`), the names `--vars` may set besides the
    analyses' own vars. Keep in step with dbt_project.yml (tests/python/test_cli_env.py checks). -#}
{% macro trueup_project_vars() -%}
    {{ return([
        'as_of',
        'grace_period_hours',
        'max_clock_skew_minutes',
        'dedupe_horizon_days',
        'landing_path',
        'usage_check_window_days',
        'allow_future_as_of',
    ]) }}
{%- endmacro %}
