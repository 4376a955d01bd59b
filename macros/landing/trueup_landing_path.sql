{#- The landing root: var `landing_path`, else env TRUEUP_LANDING_PATH, else data/landing.
    A relative path is relative to the project directory. Returned without a trailing slash. -#}
{% macro trueup_landing_path() -%}
    {%- set raw = var('landing_path', none) -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {%- set raw = env_var('TRUEUP_LANDING_PATH', '') -%}
    {%- endif -%}
    {%- set path = raw | string | trim -%}
    {%- if path == '' -%}
        {%- set path = 'data/landing' -%}
    {%- endif -%}
    {%- if "'" in path or modules.re.search('[*?\\[\\]{}]', path) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid landing path '" ~ path ~ "': quotes and glob characters (* ? [ ] { })"
            ~ " are not allowed in the landing root.") }}
    {%- endif -%}
    {%- if not path.startswith('/') -%}
        {%- set project_dir = invocation_args_dict.get('project_dir') -%}
        {%- if project_dir -%}
            {%- set path = project_dir.rstrip('/') ~ '/' ~ path -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(path.rstrip('/') if path != '/' else path) }}
{%- endmacro %}
