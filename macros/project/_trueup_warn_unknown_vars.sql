{#- on-run-start (through trueup_validate_vars): a warning for every var passed with --vars that
    neither dbt_project.yml nor an analysis knows, naming the closest known var, so that a typo
    (`usage_check_window_day`) does not pass silently. Plain dbt gets it too. -#}
{% macro _trueup_warn_unknown_vars() -%}
    {%- set cli_vars = invocation_args_dict.get('vars') or {} -%}
    {%- if cli_vars is string -%}
        {%- set cli_vars = fromyaml(cli_vars) or {} -%}
    {%- endif -%}
    {%- set known = trueup_project_vars() + _trueup_analysis_vars() -%}
    {%- for name in cli_vars.keys() | sort if name not in known -%}
        {%- set best = namespace(name=none, distance=none) -%}
        {%- for candidate in known -%}
            {%- set distance = _trueup_edit_distance(name | string, candidate) | int -%}
            {%- if best.distance is none or distance < best.distance -%}
                {%- set best.name = candidate -%}
                {%- set best.distance = distance -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do exceptions.warn(
            "trueup: unknown var '" ~ name ~ "' in --vars is ignored; did you mean '"
            ~ best.name ~ "'? Known vars: " ~ (known | join(', ')) ~ ".") -%}
    {%- endfor -%}
{%- endmacro %}
